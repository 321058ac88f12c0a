"""Streaming writers for the export sheets: CSV (pyarrow.csv), Parquet (pyarrow), XLSX (openpyxl, write-only).

Rows arrive one at a time and leave in chunks of about CHUNK_CELLS cells (a CSV chunk, a Parquet row group,
rows streamed by openpyxl's write-only mode), so memory stays flat in the number of records and the same
whether a sheet has 20 columns or 550. Files are written beside their target and
moved into place only when the export completes: a failed export leaves no half-written file behind.
CSV files start with a UTF-8 byte-order mark, which Excel needs to show Chinese and pandas, R and pyarrow skip.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import UsageError
from .columns import Column

Row = tuple[Any, ...]
# Control characters an XLSX file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, without importing openpyxl).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
SUFFIXES = (".csv", ".parquet", ".xlsx")
CHUNK_CELLS = 200_000  # cells buffered per sheet before they are written: a chunk is rows x columns
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included


def _arrow_schema(columns: Sequence[Column]) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    return pa.schema([pa.field(c.name, types[c.type]) for c in columns])


def _batch(schema: Any, rows: list[Row]) -> Any:
    import pyarrow as pa

    cols = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.record_batch([pa.array(col, type=f.type) for col, f in zip(cols, schema, strict=True)], schema=schema)


class SheetWriter(Protocol):
    def write(self, rows: list[Row]) -> None: ...
    def close(self) -> None: ...


class _ArrowFile:
    """A CSV or Parquet file of one sheet."""

    def __init__(self, path: Path, columns: Sequence[Column], kind: str) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.schema = _arrow_schema(columns)
        self.fh = open(path, "wb")  # noqa: SIM115 - closed in close(), after the writer that streams into it
        if kind == ".csv":
            self.fh.write(b"\xef\xbb\xbf")
            options = pacsv.WriteOptions(quoting_style="needed")
            self.writer: Any = pacsv.CSVWriter(self.fh, self.schema, write_options=options)
        else:
            self.writer = pq.ParquetWriter(self.fh, self.schema, compression="zstd")
        self.empty = True

    def write(self, rows: list[Row]) -> None:
        self.writer.write_batch(_batch(self.schema, rows))
        self.empty = False

    def close(self) -> None:
        if self.empty:  # a header-only CSV / an empty Parquet file still carries the schema
            self.writer.write_batch(_batch(self.schema, []))
        self.writer.close()
        self.fh.close()


class _XlsxSheet:
    """One sheet of a write-only workbook; a sheet that reaches Excel's row limit continues in 'name_2'."""

    def __init__(self, workbook: Any, name: str, columns: Sequence[Column]) -> None:
        self.workbook, self.name, self.columns = workbook, name, columns
        self.parts = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.parts += 1
        self.ws = self.workbook.create_sheet(self.name if self.parts == 1 else f"{self.name}_{self.parts}")
        self.ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for c in self.columns:
            cell = WriteOnlyCell(self.ws, value=c.name)
            cell.font = bold
            header.append(cell)
        self.ws.append(header)
        self.rows = 1

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            if self.rows >= XLSX_MAX_ROWS:
                self._new_sheet()
            self.ws.append([self._value(v) for v in row])
            self.rows += 1

    def _value(self, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        v = _ILLEGAL.sub("", v)
        if v.startswith("="):  # text, never a formula
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(self.ws, value=v)
            cell.data_type = "s"
            return cell
        return v

    def close(self) -> None:
        pass


class Output:
    """The sheets of one export: ``path`` holds the first; CSV and Parquet put the others beside it as
    ``<stem>.<sheet><suffix>``, XLSX as further sheets of the same workbook."""

    def __init__(self, path: str | Path, sheets: Mapping[str, Sequence[Column]]) -> None:
        self.path = Path(path)
        self.kind = self.path.suffix.lower()
        if self.kind not in SUFFIXES:
            raise UsageError(f"{path}: unknown output format; name the file .csv, .parquet or .xlsx")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"{path}: cannot create its folder ({exc.strerror}); choose another -o path") from None
        self.sheets = sheets
        self.rows: dict[str, int] = dict.fromkeys(sheets, 0)
        self._buffers: dict[str, list[Row]] = {name: [] for name in sheets}
        self._targets: dict[str, Path] = {}
        self._writers: dict[str, SheetWriter] = {}
        self._workbook: Any = None
        try:
            self._open()
        except OSError as exc:
            self.abort()
            raise UsageError(f"{path}: cannot write ({exc.strerror}); choose another -o path") from None

    def _open(self) -> None:
        if self.kind == ".xlsx":
            from openpyxl import Workbook

            self._workbook = Workbook(write_only=True)
            self._targets["workbook"] = self.path
            for name, columns in self.sheets.items():
                self._writers[name] = _XlsxSheet(self._workbook, name, columns)
            return
        for i, (name, columns) in enumerate(self.sheets.items()):
            target = self.path if i == 0 else self.path.with_name(f"{self.path.stem}.{name}{self.kind}")
            self._targets[name] = target
            self._writers[name] = _ArrowFile(_partial(target), columns, self.kind)

    @property
    def files(self) -> list[Path]:
        return list(dict.fromkeys(self._targets.values()))

    def add(self, sheet: str, row: Row) -> None:
        buf = self._buffers[sheet]
        buf.append(row)
        self.rows[sheet] += 1
        if len(buf) * len(row) >= CHUNK_CELLS:
            self._writers[sheet].write(buf)
            buf.clear()

    def close(self) -> list[Path]:
        """Flush, close and move every file into place; returns the files written."""
        for name, buf in self._buffers.items():
            if buf:
                self._writers[name].write(buf)
                buf.clear()
        for w in self._writers.values():
            w.close()
        if self._workbook is not None:
            self._workbook.save(_partial(self.path))
        for target in self.files:
            os.replace(_partial(target), target)
        return self.files

    def abort(self) -> None:
        """Drop what was written (an export that failed half-way leaves nothing)."""
        for w in self._writers.values():
            with contextlib.suppress(Exception):  # the export has already failed; closing is best effort
                w.close()
        for target in self.files:
            _partial(target).unlink(missing_ok=True)


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


class Frames:
    """The same sheets as pandas DataFrames, in memory (the Python API's ``to_frame``)."""

    def __init__(self, sheets: Mapping[str, Sequence[Column]]) -> None:
        self.sheets = sheets
        self.rows: dict[str, int] = dict.fromkeys(sheets, 0)
        self._buffers: dict[str, list[Row]] = {name: [] for name in sheets}
        self._batches: dict[str, list[Any]] = {name: [] for name in sheets}
        self._schemas = {name: _arrow_schema(cols) for name, cols in sheets.items()}

    def add(self, sheet: str, row: Row) -> None:
        buf = self._buffers[sheet]
        buf.append(row)
        self.rows[sheet] += 1
        if len(buf) * len(row) >= CHUNK_CELLS:
            self._batches[sheet].append(_batch(self._schemas[sheet], buf))
            buf.clear()

    def frame(self, sheet: str) -> Any:
        """The sheet as a DataFrame: nullable integers (Int64) and booleans, float64 numbers, str text."""
        import pandas as pd
        import pyarrow as pa

        batches = [*self._batches[sheet], _batch(self._schemas[sheet], self._buffers[sheet])]
        table = pa.Table.from_batches(batches, schema=self._schemas[sheet])
        mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
        return table.to_pandas(types_mapper=mapping.get)
