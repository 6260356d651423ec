import django.db.models.deletion
from django.db import migrations, models


def index_places(apps, schema_editor):
    """The map's cells of the places already loaded (a load writes them from now on)."""
    from open137.places.streetmap import cells, level

    Place = apps.get_model("places", "Place")
    PlaceCell = apps.get_model("places", "PlaceCell")
    rows = []
    for pk, kind, category, geometry in Place.objects.exclude(kind="address").values_list(
            "pk", "kind", "category", "geometry").iterator(chunk_size=2000):
        drawn = level(kind, category)
        if drawn is not None:
            rows.extend(PlaceCell(place_id=pk, level=drawn, x=x, y=y)
                        for x, y in sorted(cells(geometry or {})))
    PlaceCell.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_gazetteer'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlaceCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField()),
                ('x', models.IntegerField()),
                ('y', models.IntegerField()),
                ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cells', to='places.place')),
            ],
            options={
                'indexes': [models.Index(fields=['level', 'x', 'y'], name='placecell_level_x_y')],
            },
        ),
        migrations.RunPython(index_places, migrations.RunPython.noop),
    ]
