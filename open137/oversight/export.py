"""XLSX files of oversight tables, written row by row (a list of any length fits)."""

import tempfile
from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from open137.oversight.queries import Selection
from open137.oversight.tables import Cell, Table

FORMATS = {"share": "0.0%", "hours": "0.0", "score": "0.0", "time": "yyyy-mm-dd hh:mm"}


def _cell(sheet: WriteOnlyWorksheet, cell: Cell) -> WriteOnlyCell:
    value = cell.value
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the city's clock, as people read it.
        value = timezone.localtime(value).replace(tzinfo=None)
    elif value is not None and not isinstance(value, int | float | str):
        value = str(value)
    out = WriteOnlyCell(sheet, value=value)
    if cell.kind in FORMATS:
        out.number_format = FORMATS[cell.kind]
    return out


def write_table(table: Table, sel: Selection, path: str) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.title)[:31] or "open137")
    sheet.sheet_view.rightToLeft = get_language_bidi()
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=str(table.title))
    title.font = bold
    sheet.append([title])
    sheet.append([_("Period"), str(sel.period)])
    for name, value in sel.params().items():
        if name not in {"from", "to"}:
            sheet.append([name, value])
    sheet.append([])
    header = []
    for _key, label in table.columns:
        c = WriteOnlyCell(sheet, value=str(label))
        c.font = bold
        header.append(c)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_cell(sheet, cell) for cell in row])
    workbook.save(path)


def xlsx_response(table: Table, sel: Selection, *, filename: str) -> FileResponse:
    """The table as a downloaded XLSX file."""
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_table(table, sel, spool.name)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument"
                                     ".spreadsheetml.sheet")
