"""The template workbooks, built from one layout description.

Two workbooks, each in two renderings:

- ``handoff_leak.xlsx``: one sheet that reads top to bottom like the method:
  the inputs, then step 1 (dropped leads, drop-off rate), step 2 (revenue per
  SQL), step 3 (revenue lost), the hidden cost (wasted spend) and what lies
  beyond the formula (recoverable revenue, conversion against benchmarks, the
  input checks).
- ``handoff_leak_by_segment.xlsx``: an Excel table with one row per month or
  channel, a totals row and a chart of revenue lost per segment.

The layout is data: every computed cell names the metric it shows (a key of
:data:`METRICS`), and the metric's formula names its arguments (``mqls``,
``sqls``, ``revenue``, ``cost_per_mql``, ``target_rate``). A renderer turns
that into either a LEAK_* call, for workbooks made live by the xlwings
add-in, or the plain spreadsheet formula that keeps the same contract, for
the ``_portable`` twins that need nothing installed. Every formula carries
its value as computed by this package, so the right numbers show in any
viewer before the workbook is recalculated.

Rebuild the committed workbooks with ``python -m leak_udfs.templates DIR``.
"""

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from leak_udfs import cells, metrics
from leak_udfs.files import write_atomic

TEMPLATE_NAMES = (
    "handoff_leak.xlsx",
    "handoff_leak_portable.xlsx",
    "handoff_leak_by_segment.xlsx",
    "handoff_leak_by_segment_portable.xlsx",
)

CREATED = datetime(2026, 1, 1)
"""The creation date written into every workbook, so that rebuilds are identical."""

COMMENT = {"author": "leak-udfs"}
"""Options of every cell comment."""

COUNT = "#,##0"
PERCENT = "0.0%"
CURRENCY = "$#,##0"
TEXT = "@"


@dataclass(frozen=True)
class Metric:
    """One computed quantity: its LEAK_* function, its formula and its arithmetic.

    ``arithmetic`` is the formula in spreadsheet syntax with one ``{arg}`` field
    per argument of ``formula``, in the same order of operations as
    ``leak_udfs.metrics``, so both give the same floating-point result.
    """

    function: str
    formula: metrics.Formula
    arithmetic: str


METRICS = {
    "dropped": Metric("LEAK_DROPPED", metrics.DROPPED, "{mqls}-{sqls}"),
    "dropoff": Metric("LEAK_DROPOFF", metrics.DROPOFF, "({mqls}-{sqls})/{mqls}"),
    "conversion": Metric("LEAK_CONVERSION", metrics.CONVERSION, "{sqls}/{mqls}"),
    "rev_per_sql": Metric("LEAK_REV_PER_SQL", metrics.REV_PER_SQL, "{revenue}/{sqls}"),
    "lost": Metric("LEAK_LOST", metrics.LOST, "({mqls}-{sqls})*({revenue}/{sqls})"),
    "wasted": Metric("LEAK_WASTED", metrics.WASTED, "({mqls}-{sqls})*{cost_per_mql}"),
    "recoverable": Metric(
        "LEAK_RECOVERABLE",
        metrics.RECOVERABLE,
        "MAX(0,{mqls}*{target_rate}-{sqls})*({revenue}/{sqls})",
    ),
}

CHECK_ARGS = ("mqls", "sqls", "revenue", "cost_per_mql")
"""The arguments of LEAK_CHECK, which the layout names as the metric ``check``."""


@dataclass(frozen=True)
class Input:
    """An input cell of the one-period sheet, reachable by its defined name."""

    name: str
    label: str
    value: float | str
    fmt: str
    hint: str
    arg: str | None = None
    at_most: float | None = None


@dataclass(frozen=True)
class Result:
    """A computed cell of the one-period sheet: ``metric`` is a key of METRICS."""

    step: str
    label: str
    metric: str
    fmt: str
    explanation: str


@dataclass(frozen=True)
class Fixed:
    """A reference figure printed on the sheet, not computed."""

    label: str
    value: float | str
    fmt: str
    explanation: str


@dataclass(frozen=True)
class Section:
    """A heading; an empty title leaves a blank row."""

    title: str = ""


LEAK_SHEET = (
    Section("Inputs"),
    Input(
        name="Period",
        label="Period",
        value="Q1 2026",
        fmt=TEXT,
        hint="A label for the period: a quarter, a month or a campaign.",
    ),
    Input(
        name="MQLs",
        label="MQLs",
        value=500,
        fmt=COUNT,
        hint="Marketing Qualified Leads handed to Sales in the period.",
        arg="mqls",
    ),
    Input(
        name="SQLs",
        label="SQLs",
        value=150,
        fmt=COUNT,
        hint="The MQLs that Sales accepted as Sales Qualified Leads.",
        arg="sqls",
    ),
    Input(
        name="Revenue",
        label="Closed-won revenue",
        value=300_000,
        fmt=CURRENCY,
        hint="Revenue closed-won from those SQLs.",
        arg="revenue",
    ),
    Input(
        name="CostPerMQL",
        label="Cost per MQL",
        value=100,
        fmt=CURRENCY,
        hint="What marketing spent to produce one MQL.",
        arg="cost_per_mql",
    ),
    Input(
        name="TargetRate",
        label="Target conversion rate",
        value=0.35,
        fmt=PERCENT,
        hint="The MQL-to-SQL conversion rate you aim for, between 0% and 100%.",
        arg="target_rate",
        at_most=1,
    ),
    Section(),
    Section("The leak, step by step"),
    Result(
        step="Step 1",
        label="Dropped leads",
        metric="dropped",
        fmt=COUNT,
        explanation="MQLs - SQLs: the leads Sales never accepted.",
    ),
    Result(
        step="",
        label="Drop-off rate",
        metric="dropoff",
        fmt=PERCENT,
        explanation="Dropped leads / MQLs.",
    ),
    Result(
        step="Step 2",
        label="Revenue per SQL",
        metric="rev_per_sql",
        fmt=CURRENCY,
        explanation="Closed-won revenue / SQLs: what one accepted lead brings.",
    ),
    Result(
        step="Step 3",
        label="Revenue lost",
        metric="lost",
        fmt=CURRENCY,
        explanation="Dropped leads x revenue per SQL: an upper bound, as if every "
        "dropped lead had become an SQL.",
    ),
    Result(
        step="Hidden cost",
        label="Wasted marketing spend",
        metric="wasted",
        fmt=CURRENCY,
        explanation="Dropped leads x cost per MQL: money already spent, shown "
        "beside revenue lost, never added to it.",
    ),
    Section(),
    Section("Beyond the formula"),
    Result(
        step="",
        label="Recoverable revenue",
        metric="recoverable",
        fmt=CURRENCY,
        explanation="max(0, MQLs x target rate - SQLs) x revenue per SQL: what "
        "reaching the target brings.",
    ),
    Result(
        step="",
        label="Conversion rate",
        metric="conversion",
        fmt=PERCENT,
        explanation="SQLs / MQLs, to compare with the two figures below.",
    ),
    Fixed(
        label="Median conversion",
        value=0.13,
        fmt=PERCENT,
        explanation="About 13% of MQLs become SQLs (a figure usually credited "
        "to Sales-i).",
    ),
    Fixed(
        label="High performers aim for",
        value="25-30%",
        fmt=TEXT,
        explanation="The MQL-to-SQL conversion rate that high-performing teams "
        "aim for.",
    ),
    Result(step="", label="Input checks", metric="check", fmt=TEXT, explanation=""),
)
"""The one-period sheet, top to bottom, under a title and a line of instructions."""

NAMES = {
    item.arg: item.name for item in LEAK_SHEET if isinstance(item, Input) and item.arg
}
"""Formula argument -> defined name of its input cell on the one-period sheet."""


@dataclass(frozen=True)
class Column:
    """A column of the by-segment table: an input (``arg``) or a ``metric``.

    ``total`` says how the totals row gets an input: ``"sum"``, or ``"per_mql"``
    for a rate per MQL (total cost / total MQLs, target SQLs / total MQLs).
    Computed columns apply their metric to the totals row's inputs.
    """

    header: str
    fmt: str
    width: float
    arg: str | None = None
    metric: str | None = None
    total: str | None = None
    hint: str = ""


SEGMENT_COLUMNS = (
    Column("Segment", TEXT, 16, hint="A month, a quarter or a channel."),
    Column("MQLs", COUNT, 9, "mqls", total="sum", hint="MQLs handed to Sales."),
    Column("SQLs", COUNT, 9, "sqls", total="sum", hint="MQLs Sales accepted as SQLs."),
    Column(
        "Closed-won revenue",
        CURRENCY,
        12,
        "revenue",
        total="sum",
        hint="Revenue closed-won from those SQLs.",
    ),
    Column(
        "Cost per MQL",
        CURRENCY,
        9,
        "cost_per_mql",
        total="per_mql",
        hint="Marketing cost of one MQL. Leave empty if unknown.",
    ),
    Column(
        "Target rate",
        PERCENT,
        9,
        "target_rate",
        total="per_mql",
        hint="Target MQL-to-SQL conversion rate, 0% to 100%. Leave empty if none.",
    ),
    Column("Dropped leads", COUNT, 9, metric="dropped"),
    Column("Drop-off rate", PERCENT, 9, metric="dropoff"),
    Column("Revenue per SQL", CURRENCY, 10, metric="rev_per_sql"),
    Column("Revenue lost", CURRENCY, 12, metric="lost"),
    Column("Wasted spend", CURRENCY, 11, metric="wasted"),
    Column("Recoverable revenue", CURRENCY, 12, metric="recoverable"),
)
"""The by-segment table, left to right."""


@dataclass(frozen=True)
class Segment:
    """One row of the by-segment workbook: a month, a quarter or a channel."""

    label: str
    mqls: float
    sqls: float
    revenue: float
    cost_per_mql: float | None = None
    target_rate: float | None = None


EXAMPLE_MONTHS = (
    ("Jan 2026", 38, 11, 21_000),
    ("Feb 2026", 41, 13, 27_500),
    ("Mar 2026", 35, 9, 17_000),
    ("Apr 2026", 44, 14, 29_000),
    ("May 2026", 40, 12, 23_000),
    ("Jun 2026", 46, 15, 31_500),
    ("Jul 2026", 39, 10, 19_500),
    ("Aug 2026", 42, 13, 26_000),
    ("Sep 2026", 37, 11, 22_500),
    ("Oct 2026", 45, 14, 28_500),
    ("Nov 2026", 43, 12, 23_500),
    ("Dec 2026", 50, 16, 31_000),
)
"""Month, MQLs, SQLs and closed-won revenue of the example by-segment rows."""

EXAMPLE_SEGMENTS = tuple(
    Segment(label, mqls, sqls, revenue, cost_per_mql=100, target_rate=0.35)
    for label, mqls, sqls, revenue in EXAMPLE_MONTHS
)
"""Twelve months whose totals are the worked example: 500 MQLs, 150 SQLs, $300,000."""

TITLE = "Lead handoff leak"
SHEET = "Leak"
SEGMENT_SHEET = "Segments"
SEGMENT_TABLE = "LeakBySegment"
FIRST_TABLE_ROW = 3
"""Zero-based row of the by-segment table's header, below the title and the note."""
CHART_HEIGHT = 320
"""Height in pixels of the chart below the by-segment table (rows are 20 pixels)."""


def formula(metric: str, refs: dict[str, str], *, portable: bool = False) -> str:
    """The formula of one computed cell, without the leading ``=``.

    ``refs`` maps each argument of the metric to a cell reference or defined
    name. The add-in rendering calls the LEAK_* function; the portable one is
    the plain formula keeping the contract: ``#VALUE!`` for text that is not a
    number, then a blank result for a blank input, then ``#NUM!``, then
    ``#DIV/0!``.

    >>> formula("lost", NAMES)
    'LEAK_LOST(MQLs,SQLs,Revenue)'
    """
    if metric == "check":
        args = [refs[a] for a in CHECK_ARGS]
        return _portable_check(*args) if portable else f"LEAK_CHECK({','.join(args)})"
    spec = METRICS[metric]
    args = {a: refs[a] for a in spec.formula.args}
    if not portable:
        return f"{spec.function}({','.join(args.values())})"

    value = {a: _number(ref) for a, ref in args.items()}
    out_of_domain = [f"{v}<0" for v in value.values()]
    if "mqls" in value and "sqls" in value:
        out_of_domain.append(f"{value['sqls']}>{value['mqls']}")
    if "target_rate" in value:
        out_of_domain.append(f"{value['target_rate']}>1")
    result = spec.arithmetic.format(**value)
    if spec.formula.divisor:
        result = f"IF({value[spec.formula.divisor]}=0,#DIV/0!,{result})"
    return (
        f"IF(OR({','.join(map(_not_number, args.values()))}),#VALUE!,"
        f'IF(OR({",".join(map(_blank, args.values()))}),"",'
        f"IF(OR({','.join(out_of_domain)}),#NUM!,{result})))"
    )


def _blank(ref: str) -> str:
    """True for an empty cell or text of spaces (an error cell gives an error)."""
    return f'TRIM({ref})=""'


def _not_number(ref: str) -> str:
    """True for an error, a boolean, or text that VALUE cannot read as a number."""
    # Known limit: VALUE also reads "1,000", "50%" or a date, which LEAK_* refuse.
    return f'ISERROR(IF(TRIM({ref})="",0,VALUE(TRIM({ref}))))'


def _number(ref: str) -> str:
    """The cell's number, reading numeric text as a number."""
    return f"IF(ISNUMBER({ref}),{ref},VALUE(TRIM({ref})))"


def _plain(ref: str) -> str:
    """A number as text the way ``metrics.problem`` writes it: 1,500 or -12,345.7.

    A whole number in full; otherwise six significant digits, trailing zeros
    dropped.
    """
    # Known limit: no exponent form, which Python uses from 1e6 up and under 1e-4.
    n = _number(ref)
    rounded = f"ROUND({n},5-INT(LOG10(ABS({n}))))"
    fraction = (
        f'IF({rounded}=INT({rounded}),TEXT({rounded},"#,##0"),'
        f'TEXT({rounded},"#,##0.##########"))'
    )
    return f'IF({n}=INT({n}),TEXT({n},"#,##0"),{fraction})'


def _portable_check(mqls: str, sqls: str, revenue: str, cost: str) -> str:
    """LEAK_CHECK as a plain formula: the same sentences as ``metrics.problem``."""
    refs = {"mqls": mqls, "sqls": sqls, "revenue": revenue, "cost_per_mql": cost}
    cases = [
        (_not_number(ref), f'"{metrics.LABELS[arg]} is not a number."')
        for arg, ref in refs.items()
    ]
    cases.append((f"OR({_blank(mqls)},{_blank(sqls)})", '""'))
    for arg, ref in refs.items():
        negative = f"{_number(ref)}<0"
        if arg in ("revenue", "cost_per_mql"):
            negative = f"IF({_blank(ref)},FALSE,{negative})"
        label = metrics.LABELS[arg]
        cases.append((negative, f'"{label} is negative ("&{_plain(ref)}&")."'))
    cases += [
        (
            f"{_number(sqls)}>{_number(mqls)}",
            f'"SQLs ("&{_plain(sqls)}&") exceed MQLs ("&{_plain(mqls)}&"): '
            'count SQLs from the same MQLs (one cohort)."',
        ),
        (f"{_number(mqls)}=0", '"MQLs is zero, so there is no drop-off rate."'),
        (f"{_number(sqls)}=0", '"SQLs is zero, so there is no revenue per SQL."'),
    ]
    text = '"OK"'
    for condition, sentence in reversed(cases):
        text = f"IF({condition},{sentence},{text})"
    return text


def cached(metric: str, values: dict[str, object]):
    """The value this package computes for a computed cell, as the cell shows it.

    ``values`` maps each argument to a cell value or a list of them (one per
    row). The result is a float, ``None`` for a blank, an error's text or a
    sentence, or a list of those.
    """
    if metric == "check":
        return cells.check(*(values[a] for a in CHECK_ARGS))
    spec = METRICS[metric].formula
    return cells.evaluate(spec, *(values[a] for a in spec.args))


def _cell_value(value):
    """A cached value as XlsxWriter takes it: a blank is "", an error its text."""
    return "" if value is None else value


class _Styles:
    """The cell formats of one workbook, made once and shared by the renderers."""

    def __init__(self, book: xlsxwriter.Workbook):
        self._book = book
        self._made = {}
        border = {"border": 1, "border_color": "#7F7F7F", "valign": "vcenter"}
        self.input_props = {**border, "bg_color": "#FFCC99", "font_color": "#3F3F76"}
        self.result_props = {**border, "bold": True, "bg_color": "#F2F2F2"}
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.section = book.add_format(
            {"bold": True, "font_size": 12, "font_color": "#1F4E79", "bottom": 1}
        )
        self.step = book.add_format({"bold": True, "font_color": "#1F4E79"})
        self.label = book.add_format({})
        self.explain = book.add_format({"font_color": "#595959"})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top"}
        )

    def get(self, kind: str, fmt: str, **extra):
        """The ``input``, ``result`` or ``plain`` format for a number format."""
        key = (kind, fmt, tuple(sorted(extra.items())))
        if key not in self._made:
            props = {"input": self.input_props, "result": self.result_props}
            made = {**props.get(kind, {}), "num_format": fmt, **extra}
            self._made[key] = self._book.add_format(made)
        return self._made[key]


def _new_book(buffer: BytesIO, title: str, portable: bool):
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    how = (
        "plain formulas, nothing to install"
        if portable
        else "LEAK_* functions of the leak-udfs add-in"
    )
    book.set_properties(
        {
            "title": title,
            "subject": "Revenue lost to marketing leads that Sales never works",
            "author": "leak-udfs",
            "comments": f"Built by leak-udfs; {how}.",
            "created": CREATED,
        }
    )
    return book


def leak_workbook(*, portable: bool = False) -> bytes:
    """The one-period workbook (``handoff_leak.xlsx``) as the bytes of an .xlsx file.

    Prefilled with the worked example: 500 MQLs, 150 SQLs, $300,000 closed-won
    revenue, $100 per MQL and a 35% target.
    """
    buffer = BytesIO()
    book = _new_book(buffer, TITLE, portable)
    styles = _Styles(book)
    sheet = book.add_worksheet(SHEET)
    sheet.hide_gridlines(2)
    for col, width in enumerate((12, 24, 14, 80)):
        sheet.set_column(col, col, width)

    sheet.write_string(0, 0, TITLE, styles.title)
    sheet.write_string(
        1,
        0,
        "Type the period's numbers in the orange cells; every other figure is "
        "computed from them.",
        styles.note,
    )
    values = {
        item.arg: item.value
        for item in LEAK_SHEET
        if isinstance(item, Input) and item.arg
    }
    row = 3
    for item in LEAK_SHEET:
        if isinstance(item, Section):
            if item.title:
                sheet.write_string(row, 0, item.title, styles.section)
                for col in (1, 2, 3):
                    sheet.write_blank(row, col, None, styles.section)
        elif isinstance(item, Input):
            _write_input(book, sheet, styles, row, item)
        elif isinstance(item, Fixed):
            sheet.write_string(row, 1, item.label, styles.label)
            fixed_format = styles.get("plain", item.fmt, align="right")
            if isinstance(item.value, str):
                sheet.write_string(row, 2, item.value, fixed_format)
            else:
                sheet.write_number(row, 2, item.value, fixed_format)
            sheet.write_string(row, 3, item.explanation, styles.explain)
        elif item.metric == "check":
            check_format = styles.get("result", TEXT)
            sheet.write_string(row, 1, item.label, styles.label)
            sheet.merge_range(row, 2, row, 3, "", check_format)
            sheet.write_formula(
                row,
                2,
                formula("check", NAMES, portable=portable),
                check_format,
                _cell_value(cached("check", values)),
            )
        else:
            if item.step:
                sheet.write_string(row, 0, item.step, styles.step)
            sheet.write_string(row, 1, item.label, styles.label)
            sheet.write_formula(
                row,
                2,
                formula(item.metric, NAMES, portable=portable),
                styles.get("result", item.fmt),
                _cell_value(cached(item.metric, values)),
            )
            sheet.write_string(row, 3, item.explanation, styles.explain)
        row += 1

    sheet.print_area(0, 0, row - 1, 3)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)
    book.close()
    return buffer.getvalue()


def _write_input(book, sheet, styles: _Styles, row: int, item: Input) -> None:
    """An input cell: label, styled value, defined name, validation and comment."""
    sheet.write_string(row, 1, item.label, styles.label)
    cell_format = styles.get("input", item.fmt)
    if isinstance(item.value, str):
        sheet.write_string(row, 2, item.value, cell_format)
        sheet.data_validation(row, 2, row, 2, _text_rule())
    else:
        sheet.write_number(row, 2, item.value, cell_format)
        sheet.data_validation(row, 2, row, 2, _number_rule(item.at_most))
    sheet.write_string(row, 3, item.hint, styles.explain)
    sheet.write_comment(row, 2, item.hint, {**COMMENT, "x_scale": 1.6})
    book.define_name(item.name, f"={SHEET}!{xl_rowcol_to_cell(row, 2, True, True)}")


def _number_rule(at_most: float | None) -> dict:
    """Data validation for a number input: at least 0, and at most ``at_most``."""
    if at_most is None:
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "A number of 0 or more",
            "error_message": "Enter a number of 0 or more.",
        }
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": 0,
        "maximum": at_most,
        "error_title": "A rate between 0% and 100%",
        "error_message": "Enter a rate between 0% and 100% (0 to 1).",
    }


def _text_rule() -> dict:
    return {
        "validate": "length",
        "criteria": "<=",
        "value": 60,
        "error_title": "A short label",
        "error_message": "Enter a label of at most 60 characters.",
    }


def by_segment_workbook(
    segments: Sequence[Segment], *, portable: bool = False
) -> bytes:
    """The by-segment workbook filled with ``segments``, as the bytes of an .xlsx file.

    One table row per segment, computed columns, a totals row that applies the
    same formulas to the totals (total cost per MQL is total cost / total MQLs,
    the total target rate is target SQLs / total MQLs), and a chart of revenue
    lost per segment. Labels are written as text, never as formulas. An input
    that is None or NaN leaves its cell empty, so its results are blank.

    Raises ValueError for no segments or an infinite input.
    """
    if not segments:
        raise ValueError("the by-segment workbook needs at least one segment")
    rows = [_segment_values(segment) for segment in segments]

    buffer = BytesIO()
    book = _new_book(buffer, f"{TITLE} by segment", portable)
    styles = _Styles(book)
    sheet = book.add_worksheet(SEGMENT_SHEET)
    sheet.hide_gridlines(2)
    sheet.write_string(0, 0, f"{TITLE} by segment", styles.title)
    sheet.write_string(
        1,
        0,
        "One row per month or channel: type over the orange columns, the grey "
        "ones are computed. The totals row applies the same formulas to the totals.",
        styles.note,
    )

    first = FIRST_TABLE_ROW + 1
    last = first + len(rows) - 1
    totals = last + 1
    letter = {c.arg: xl_col_to_name(i) for i, c in enumerate(SEGMENT_COLUMNS) if c.arg}
    columns_by_value = {arg: [row[arg] for row in rows] for arg in letter}
    total_values = _total_values(columns_by_value)
    total_refs = {arg: f"{col}{totals + 1}" for arg, col in letter.items()}
    ranges = {arg: f"{col}{first + 1}:{col}{last + 1}" for arg, col in letter.items()}

    table_columns = []
    for col, column in enumerate(SEGMENT_COLUMNS):
        sheet.set_column(col, col, column.width)
        kind = "result" if column.metric else "input"
        cell_format = styles.get(kind, column.fmt)
        total_format = styles.get("result", column.fmt)
        spec = {"header": column.header, "header_format": styles.header}
        if col == 0:
            spec["total_string"] = "Total"
            for i, row in enumerate(rows):
                sheet.write_string(first + i, col, row["label"], cell_format)
            sheet.write_comment(FIRST_TABLE_ROW, col, column.hint, COMMENT)
        elif column.arg:
            spec["total_function"] = _total_formula(
                column, ranges[column.arg], ranges["mqls"], total_refs["mqls"]
            )
            spec["total_value"] = _cell_value(total_values[column.arg])
            spec["format"] = total_format
            for i, row in enumerate(rows):
                if row[column.arg] is None:
                    sheet.write_blank(first + i, col, None, cell_format)
                else:
                    sheet.write_number(first + i, col, row[column.arg], cell_format)
            rule = _number_rule(1 if column.arg == "target_rate" else None)
            sheet.data_validation(first, col, last, col, rule)
            sheet.write_comment(FIRST_TABLE_ROW, col, column.hint, COMMENT)
        else:
            spec["total_function"] = formula(
                column.metric, total_refs, portable=portable
            )
            spec["total_value"] = _cell_value(cached(column.metric, total_values))
            spec["format"] = total_format
            results = cached(column.metric, columns_by_value)
            for i, result in enumerate(results):
                refs = {arg: f"{c}{first + i + 1}" for arg, c in letter.items()}
                sheet.write_formula(
                    first + i,
                    col,
                    formula(column.metric, refs, portable=portable),
                    cell_format,
                    _cell_value(result),
                )
        table_columns.append(spec)

    last_col = len(SEGMENT_COLUMNS) - 1
    sheet.add_table(
        FIRST_TABLE_ROW,
        0,
        totals,
        last_col,
        {
            "name": SEGMENT_TABLE,
            "style": "Table Style Light 15",
            "total_row": True,
            "columns": table_columns,
        },
    )
    sheet.set_row(FIRST_TABLE_ROW, 30)
    sheet.freeze_panes(first, 1)
    _add_chart(book, sheet, first, last, totals + 2)

    chart_rows = math.ceil(CHART_HEIGHT / 20) + 2
    sheet.print_area(0, 0, totals + 2 + chart_rows, last_col)
    sheet.repeat_rows(FIRST_TABLE_ROW)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def _segment_values(segment: Segment) -> dict:
    """A segment's cell values: numbers, or None for an empty cell."""
    values = {"label": str(segment.label)}
    for arg in ("mqls", "sqls", "revenue", "cost_per_mql", "target_rate"):
        value = getattr(segment, arg)
        if value is not None:
            value = float(value)
            if math.isinf(value):
                raise ValueError(f"segment {segment.label!r}: {arg} is infinite")
            if math.isnan(value):
                value = None
        values[arg] = value
    return values


def _total_formula(column: Column, ref: str, mqls: str, total_mqls: str) -> str:
    """The totals-row formula of an input column; ``mqls`` is the MQLs range."""
    # Known limit: plain ranges, for every engine, miss rows appended below the table.
    if column.total == "sum":
        return f"SUM({ref})"
    return (
        f'IF(OR(COUNT({ref})<ROWS({ref}),{total_mqls}=0),"",'
        f"SUMPRODUCT({mqls},{ref})/{total_mqls})"
    )


def _total_values(columns: dict[str, list]) -> dict:
    """The totals row's inputs as the spreadsheet computes them (blank cells are 0)."""
    mqls = [m or 0.0 for m in columns["mqls"]]
    total_mqls = math.fsum(mqls)
    totals = {}
    for column in SEGMENT_COLUMNS:
        values = columns.get(column.arg)
        if column.total == "sum":
            totals[column.arg] = math.fsum(v or 0.0 for v in values)
        elif column.total == "per_mql":
            known = all(v is not None for v in values) and total_mqls != 0
            pairs = zip(mqls, values, strict=True)
            weighted = math.fsum(m * (v or 0.0) for m, v in pairs)
            totals[column.arg] = weighted / total_mqls if known else None
    return totals


def _add_chart(book, sheet, first: int, last: int, at_row: int) -> None:
    """A column chart of revenue lost per segment, below the table."""
    lost = next(i for i, c in enumerate(SEGMENT_COLUMNS) if c.metric == "lost")
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Revenue lost",
            "categories": [SEGMENT_SHEET, first, 0, last, 0],
            "values": [SEGMENT_SHEET, first, lost, last, lost],
            "fill": {"color": "#C0504D"},
            "gap": 60,
        }
    )
    chart.set_title({"name": "Revenue lost per segment", "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"num_format": CURRENCY, "major_gridlines": {"visible": True}})
    width = sum(int(column.width * 7 + 5) for column in SEGMENT_COLUMNS)
    chart.set_size({"width": width - 16, "height": CHART_HEIGHT})
    sheet.insert_chart(at_row, 0, chart, {"object_position": 2})


def template_bytes() -> dict[str, bytes]:
    """The four committed workbooks by file name, in TEMPLATE_NAMES order."""
    built = (
        leak_workbook(),
        leak_workbook(portable=True),
        by_segment_workbook(EXAMPLE_SEGMENTS),
        by_segment_workbook(EXAMPLE_SEGMENTS, portable=True),
    )
    return dict(zip(TEMPLATE_NAMES, built, strict=True))


def write_templates(directory) -> list[Path]:
    """Write the four template workbooks into ``directory``, created if missing.

    Each file is written to a temporary file beside it and moved into place,
    so a failure never leaves a half-written workbook. Returns the paths.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in template_bytes().items():
        path = directory / name
        write_atomic(path, data)
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m leak_udfs.templates DIR``: write the four templates into DIR."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m leak_udfs.templates DIR", file=sys.stderr)
        return 2
    try:
        paths = write_templates(args[0])
    except OSError as error:
        print(f"cannot write the templates: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
