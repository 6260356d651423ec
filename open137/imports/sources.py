"""Reading import files as a stream of records, never the whole file at once.

Each record comes with its row number (the header is row 1, as in a spreadsheet) and the
position just after it, so that an import can stop after any batch and resume there: the
byte offset in the CSV text (uncompressed for .gz), or the record count in a JSON array.
"""

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 16


class SourceError(Exception):
    """The file cannot be read as the format it claims."""


@dataclass(frozen=True)
class Record:
    row: int
    position: int
    values: Any  # list[str] for CSV, dict for JSON
    raw: list[str] | str  # what the reject file shows


def _open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(stream of the content, the file itself): gzip is recognised by its magic bytes."""
    raw: IO[bytes] = path.open("rb")
    if raw.read(2) == GZIP_MAGIC:
        raw.seek(0)
        content: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        return content, raw
    raw.seek(0)
    return raw, raw


class _Lines:
    """Decoded lines for csv.reader, counting the bytes consumed so far."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self.stream, self.encoding, self.position = stream, encoding, 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.stream.readline()
        if not line:
            raise StopIteration
        self.position += len(line)
        return line.decode(self.encoding)

    def seek(self, position: int) -> None:
        self.stream.seek(position)
        self.position = position


class Source:
    """A file of records, opened at a position."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._file: IO[bytes] | None = None

    def progress(self) -> float:
        """How much of the file has been read, 0..1 (by compressed bytes for .gz)."""
        if self._file is None or self._file.closed or not self.size:
            return 0.0
        return min(1.0, self._file.tell() / self.size)

    def records(self, start: int = 0, first_row: int = 2) -> Iterator[Record]:
        raise NotImplementedError

    @property
    def header(self) -> list[str] | None:
        return None


class CsvSource(Source):
    """A CSV file (or .csv.gz) with a header row."""

    def __init__(self, path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> None:
        super().__init__(path)
        self.encoding, self.delimiter = encoding, delimiter
        self._header: list[str] | None = None

    @property
    def header(self) -> list[str]:
        if self._header is None:
            for _record in self.records(limit_to_header=True):
                pass
        assert self._header is not None
        return self._header

    def records(self, start: int = 0, first_row: int = 2, *,
                limit_to_header: bool = False) -> Iterator[Record]:
        stream, self._file = _open_binary(self.path)
        try:
            lines = _Lines(stream, self.encoding)
            reader = csv.reader(lines, delimiter=self.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                raise SourceError(_("The file is empty: a header row is needed.")) from None
            except (UnicodeDecodeError, csv.Error) as e:
                raise SourceError(_("The file cannot be read as CSV in %(encoding)s.")
                                  % {"encoding": self.encoding}) from e
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            self._header = [h.strip() for h in header]
            if limit_to_header:
                return
            if start > lines.position:
                lines.seek(start)
            row = first_row
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except (UnicodeDecodeError, csv.Error) as e:
                    raise SourceError(_("Row %(row)s cannot be read: %(error)s")
                                      % {"row": row, "error": e}) from e
                if values:  # csv gives [] for a blank line
                    yield Record(row, lines.position, values, values)
                row += 1
        finally:
            stream.close()
            self._file.close()


class JsonSource(Source):
    """A JSON array of objects (an Open311 requests.json response), read piece by piece."""

    def records(self, start: int = 0, first_row: int = 1) -> Iterator[Record]:
        stream, self._file = _open_binary(self.path)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig")
        decoder = json.JSONDecoder()
        buffer, i, eof = "", 0, False
        count = 0

        def fill() -> bool:
            nonlocal buffer, i, eof
            chunk = text.read(CHUNK)
            if not chunk:
                eof = True
                return False
            buffer, i = buffer[i:] + chunk, 0
            return True

        def skip(chars: str) -> str:
            """Skip whitespace and `chars`; the next character ("" at the end)."""
            nonlocal i
            while True:
                while i < len(buffer) and (buffer[i].isspace() or buffer[i] in chars):
                    i += 1
                if i < len(buffer) or not fill():
                    return buffer[i] if i < len(buffer) else ""

        try:
            if skip("") != "[":
                raise SourceError(_("An Open311 file is a JSON array of requests."))
            i += 1
            while True:
                ch = skip(",")
                if ch == "]":
                    return
                if ch == "":
                    raise SourceError(_("The JSON array ends too early."))
                while True:
                    try:
                        value, end = decoder.raw_decode(buffer, i)
                        break
                    except json.JSONDecodeError as e:
                        if eof or not fill():
                            raise SourceError(_("Record %(n)s is not valid JSON.")
                                              % {"n": count + 1}) from e
                i = end
                count += 1
                if count <= start:
                    continue
                yield Record(count, count, value, json.dumps(value, ensure_ascii=False))
        except UnicodeDecodeError as e:
            raise SourceError(_("The file is not UTF-8 text.")) from e
        finally:
            text.close()
            self._file.close()


def open_source(path: Path, fmt: str, *, encoding: str = "utf-8",
                delimiter: str = ",") -> Source:
    """The reader for a file in the mapping's format."""
    if fmt == "open311":
        return JsonSource(path)
    return CsvSource(path, encoding=encoding, delimiter=delimiter)
