"""The import ledger: each run's checkpoint, and which outside ids became which request."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from open137.cases.models import Case


class ImportRun(models.Model):
    """One import of one file: a checkpoint after every batch, so it can resume."""

    source = models.CharField(_("source system"), max_length=50)
    path = models.CharField(_("file"), max_length=1000)
    file_size = models.BigIntegerField(_("file size"))
    mapping = models.CharField(_("mapping"), max_length=1000)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last checkpoint"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("started by"))
    # Where the next batch starts: the byte offset in the (uncompressed) CSV text, or the
    # number of records read from a JSON array.
    position = models.BigIntegerField(_("position"), default=0)
    rows = models.PositiveBigIntegerField(_("rows read"), default=0)
    last_row = models.PositiveBigIntegerField(_("last row read"), default=0)
    imported = models.PositiveBigIntegerField(_("rows imported"), default=0)
    rejected = models.PositiveBigIntegerField(_("rows rejected"), default=0)
    skipped = models.PositiveBigIntegerField(_("rows imported before"), default=0)
    reasons = models.JSONField(_("rejects by reason"), default=dict, blank=True)
    reject_file = models.CharField(_("reject file"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.source}: {self.path}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class ImportedRecord(models.Model):
    """An outside id already imported: a second import of the same row is skipped."""

    source = models.CharField(_("source system"), max_length=50)
    external_id = models.CharField(_("id in the source system"), max_length=100)
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("request"))
    run = models.ForeignKey(ImportRun, models.PROTECT, related_name="records",
                            verbose_name=_("import"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [models.UniqueConstraint(fields=["source", "external_id"],
                                               name="one_import_per_outside_id")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
