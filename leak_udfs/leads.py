"""A lead-level CRM export to MQLs, SQLs and closed-won revenue per segment.

The export has one row per MQL, as HubSpot, Salesforce and most CRMs write
it: UTF-8 with or without a byte-order mark, comma- or semicolon-separated
(detected from the header), quoted fields that may hold commas and line
breaks, CRLF or LF line ends. A lead is an SQL when its accepted column is
truthy (``true``, ``yes``, ``y``, ``1``, ``x``, any case) or, when accepted
values are given, holds one of them (any case, surrounding spaces ignored).
Its closed-won amount reads as CRMs export it (``1200.5``, ``1,200.50``,
``$1,200.50``), a blank amount being 0.

The file is read in batches with Arrow's CSV reader, only the columns the
report needs, so memory stays flat however long the export is; each batch is
counted on a second thread while the next one is read. Anything the
reader cannot make sense of raises ``LeadsError`` with one line naming the
file, the line and the value.
"""

import codecs
import csv
import io
import math
import os
import re
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

TRUTHY = ("true", "yes", "y", "1", "x")
"""Accepted-column values that make a lead an SQL when no values are given."""

# Known limit: only the dollar sign, and no accounting negatives "(1,200.50)",
# as a misread amount would be silently wrong; such text is refused.
AMOUNT = (
    r"[+-]?\$?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"
    r"|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
    r"|\.[0-9]+)"
)
"""An amount as CRMs export it: a sign, a dollar sign, thousands commas in
groups of three. ``1200,50`` is refused rather than read as 120,050."""

_AMOUNT = re.compile(AMOUNT)
_BLOCK_SIZE = 1 << 20
_SAMPLE_SIZE = 1 << 20
_LABELS = pa.dictionary(pa.int32(), pa.string())

Progress = Callable[[int, int, int], None]
"""Called after each batch with rows read, bytes read and the file's size."""


class LeadsError(ValueError):
    """An export the report cannot be made from; the message is one line."""


@dataclass(frozen=True)
class SegmentCounts:
    """MQLs, SQLs and revenue per segment, and over the whole export.

    ``segments`` holds one tuple of ``by`` values per segment, sorted; the
    arrays are aligned with it. ``revenue`` is None when the export's revenue
    column was not given. Without ``by`` there is no segment, only the total.
    """

    by: tuple[str, ...]
    segments: list[tuple[str, ...]]
    mqls: np.ndarray
    sqls: np.ndarray
    revenue: np.ndarray | None
    total_mqls: int
    total_sqls: int
    total_revenue: float | None


def parse_amount(text: str) -> float:
    """An amount typed or exported as ``1200.5``, ``1,200.50`` or ``$1,200.50``.

    >>> parse_amount("$1,200.50")
    1200.5

    Raises ``ValueError`` for text that is not such an amount.
    """
    stripped = text.strip()
    if not _AMOUNT.fullmatch(stripped):
        raise ValueError(f"not an amount: {text!r}")
    value = float(stripped.replace("$", "").replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(f"not a finite amount: {text!r}")
    return value


def read_leads(
    path: str | os.PathLike,
    accepted: str,
    *,
    accepted_values: Sequence[str] | None = None,
    revenue: str | None = None,
    by: Sequence[str] = (),
    progress: Progress | None = None,
) -> SegmentCounts:
    """Count MQLs, SQLs and closed-won revenue per segment of a lead export.

    Parameters
    ----------
    path
        The CSV export, one row per MQL.
    accepted
        The column saying whether Sales accepted the lead as an SQL.
    accepted_values
        The values of ``accepted`` that mean an SQL; truthy values if None.
    revenue
        The column holding each lead's closed-won amount, if any.
    by
        The columns to group by, outermost first.
    progress
        Called after each batch read, for a progress display.
    """
    path = Path(path)
    delimiter, header = _header(path)
    wanted = [accepted, *([revenue] if revenue else []), *by]
    for column in wanted:
        if column not in header:
            listed = ", ".join(repr(name) for name in header)
            raise LeadsError(
                f"{path.name} has no column {column!r}; its columns are: {listed}"
            )
    columns = list(dict.fromkeys(wanted))

    values = TRUTHY if accepted_values is None else accepted_values
    sql_values = pa.array(sorted({v.strip().lower() for v in values}), pa.string())
    bad_rows = []

    def on_invalid_row(row) -> str:
        bad_rows.append(row)
        return "error"

    reader_options = {
        "read_options": pa_csv.ReadOptions(block_size=_BLOCK_SIZE),
        "parse_options": pa_csv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            invalid_row_handler=on_invalid_row,
        ),
        "convert_options": pa_csv.ConvertOptions(
            include_columns=columns,
            column_types={c: pa.string() if c == revenue else _LABELS for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }
    size = path.stat().st_size
    partials = []
    pending = deque()
    rows = 0
    try:
        with (
            pa.OSFile(str(path)) as source,
            ThreadPoolExecutor(max_workers=1) as counter,
        ):
            reader = pa_csv.open_csv(source, **reader_options)
            for batch in reader:
                if batch.num_rows == 0:
                    continue
                count = partial(_batch_counts, batch, accepted, sql_values, revenue, by)
                pending.append(counter.submit(count, path, delimiter, rows))
                rows += batch.num_rows
                while pending and pending[0].done():
                    partials.append(pending.popleft().result())
                if progress is not None:
                    progress(rows, source.tell(), size)
            partials.extend(future.result() for future in pending)
    except pa.ArrowInvalid as error:
        raise _unreadable(path, delimiter, len(header), bad_rows, error) from None

    if rows == 0:
        raise LeadsError(f"{path.name} has a header but no rows of leads")
    counts = _combine(partials, by, revenue is not None)
    if revenue is not None and not math.isfinite(counts.total_revenue):
        raise LeadsError(f"{path.name}: the amounts add up to more than a float holds")
    return counts


def _header(path: Path) -> tuple[str, list[str]]:
    """The delimiter (comma or semicolon) and the column names of an export."""
    try:
        with path.open("rb") as file:
            sample = file.read(_SAMPLE_SIZE)
    except FileNotFoundError:
        raise LeadsError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise LeadsError(f"{path} is a directory, not a CSV export") from None
    except OSError as error:
        raise LeadsError(f"{path} cannot be read: {error.strerror}") from None

    text = codecs.decode(sample.removeprefix(codecs.BOM_UTF8), "utf-8", "replace")
    if not text.strip():
        raise LeadsError(f"{path.name} is empty")

    first = {
        delimiter: next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        for delimiter in (",", ";")
    }
    delimiter = max(first, key=lambda d: len(first[d]))
    return delimiter, first[delimiter]


def _batch_counts(batch, accepted, sql_values, revenue, by, path, delimiter, before):
    """One batch of leads grouped by segment: MQLs, SQLs and revenue.

    The accepted and segment columns are read dictionary-encoded, so their
    text is trimmed and compared once per distinct value, not once per lead.
    """
    answers = _encoded(batch.column(accepted))
    answer = pc.utf8_lower(pc.utf8_trim_whitespace(answers.dictionary))
    columns = {"sql": pc.take(pc.is_in(answer, value_set=sql_values), answers.indices)}
    if revenue is not None:
        columns["revenue"] = _amounts(batch.column(revenue), path, delimiter, before)
    labels = []
    for i, column in enumerate(by):
        encoded = _encoded(batch.column(column))
        columns[f"by{i}"] = encoded.indices
        labels.append(pc.utf8_trim_whitespace(encoded.dictionary))

    keys = [f"by{i}" for i in range(len(by))]
    aggregates = [("sql", "count"), ("sql", "sum")]
    if revenue is not None:
        aggregates.append(("revenue", "sum"))
    table = pa.table(columns).group_by(keys).aggregate(aggregates)
    for i, key in enumerate(keys):
        text = pc.take(labels[i], table.column(key))
        table = table.set_column(table.schema.get_field_index(key), key, text)
    return table


def _encoded(column) -> pa.DictionaryArray:
    if isinstance(column, pa.DictionaryArray):
        return column
    return pc.dictionary_encode(column)


def _amounts(column, path: Path, delimiter: str, before: int) -> np.ndarray:
    """A column of exported amounts as float64, blank as 0; bad text raises."""
    if isinstance(column, pa.DictionaryArray):
        column = column.dictionary_decode()
    rows = pc.indices_nonzero(pc.not_equal(column, "")).to_numpy()
    given = pc.utf8_trim_whitespace(pc.take(column, rows))
    blank = pc.equal(given, "")
    readable = pc.or_(blank, pc.match_substring_regex(given, f"^(?:{AMOUNT})$"))
    readable = readable.to_numpy(zero_copy_only=False)

    if readable.all():
        plain = pc.replace_substring(pc.replace_substring(given, "$", ""), ",", "")
        amounts = pc.cast(pc.if_else(blank, "0", plain), pa.float64()).to_numpy()
        readable = np.isfinite(amounts)
    if not readable.all():
        index = int(rows[np.argmin(readable)])
        value = column[index].as_py()
        line = record_line(path, delimiter, before + index)
        raise LeadsError(f"{path.name} line {line}: cannot read {value!r} as an amount")

    numbers = np.zeros(len(column))
    numbers[rows] = amounts
    return numbers


def _combine(partials, by, with_revenue) -> SegmentCounts:
    """The batches' groups summed into one count per segment, sorted."""
    keys = [f"by{i}" for i in range(len(by))]
    table = pa.concat_tables(partials)
    sums = [("sql_count", "sum"), ("sql_sum", "sum")]
    if with_revenue:
        sums.append(("revenue_sum", "sum"))
    table = table.group_by(keys).aggregate(sums)

    mqls = table.column("sql_count_sum").to_numpy().astype(np.int64)
    sqls = table.column("sql_sum_sum").to_numpy().astype(np.int64)
    money = table.column("revenue_sum_sum").to_numpy() if with_revenue else None
    total_revenue = float(money.sum()) if with_revenue else None
    total = (int(mqls.sum()), int(sqls.sum()), total_revenue)

    if not by:
        empty = np.zeros(0, dtype=np.int64)
        return SegmentCounts(
            (), [], empty, empty, empty.astype(float) if with_revenue else None, *total
        )

    order = pc.sort_indices(table, [(k, "ascending") for k in keys]).to_numpy()
    labels = list(zip(*(table.column(k).to_pylist() for k in keys), strict=True))
    return SegmentCounts(
        tuple(by),
        [labels[i] for i in order],
        mqls[order],
        sqls[order],
        money[order] if with_revenue else None,
        *total,
    )


def record_line(path: Path, delimiter: str, index: int) -> int:
    """The file line on which data row ``index`` (from 0) starts.

    The header is line 1. A quoted field holding line breaks makes a row span
    several lines, so rows and lines are counted apart; blank lines are
    skipped as rows, as the reader skips them.
    """
    for row, (line, record) in enumerate(_records(path, delimiter)):
        if record is None or row == index:
            return line


def _records(path: Path, delimiter: str):
    """Each data row of the export with the file line it starts on, blanks skipped.

    Last comes ``(line, None)``, the line after the last one read.
    """
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        next(reader, None)
        start = reader.line_num + 1
        for record in reader:
            if record:
                yield start, record
            start = reader.line_num + 1
        yield start, None


def _unreadable(path, delimiter, width, bad_rows, error) -> LeadsError:
    """A one-line LeadsError for what Arrow's reader refused."""
    text = str(error)
    # Known limit: exports are read as UTF-8 only, which is what HubSpot and
    # Salesforce write; a file saved by Excel as plain "CSV" must be resaved.
    if "UTF8" in text or "UTF-8" in text:
        line = _first_bad_utf8_line(path)
        return LeadsError(
            f"{path.name} line {line} is not UTF-8 text; export or save it as UTF-8"
        )
    if bad_rows:
        line = _first_misshapen_line(path, delimiter, width)
        count = bad_rows[0].actual_columns
        return LeadsError(
            f"{path.name} line {line}: {count} fields where the header has {width}"
        )
    first_line = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return LeadsError(f"{path.name} cannot be read as CSV: {first_line}")


def _first_misshapen_line(path: Path, delimiter: str, width: int) -> int:
    for line, record in _records(path, delimiter):
        if record is None or len(record) != width:
            return line


def _first_bad_utf8_line(path: Path) -> int:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as file:
        while chunk := file.read(_SAMPLE_SIZE):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return lines + chunk.count(b"\n", 0, error.start)
            lines += chunk.count(b"\n")
    return lines
