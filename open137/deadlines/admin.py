from django.contrib import admin

from open137.deadlines.models import Holiday, WorkingDay


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_fa", "name_en", "estimated"]
    list_filter = ["estimated"]
    list_editable = ["estimated"]
    search_fields = ["name_fa", "name_en"]
    date_hierarchy = "date"


@admin.register(WorkingDay)
class WorkingDayAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]
