"""The leak report: figures for every segment at once, as text or as JSON.

The figures follow the spreadsheet contract: a value the contract makes an
error is its error text (``"#DIV/0!"``, ``"#NUM!"``), a value that cannot be
computed because an input was not given (no revenue column, no cost per MQL,
no target rate) is None.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from unicodedata import east_asian_width

import numpy as np

from leak_udfs import cells, metrics

FIGURES = (
    ("dropped", metrics.DROPPED),
    ("dropoff_rate", metrics.DROPOFF),
    ("conversion_rate", metrics.CONVERSION),
    ("revenue_per_sql", metrics.REV_PER_SQL),
    ("revenue_lost", metrics.LOST),
    ("wasted_spend", metrics.WASTED),
    ("recoverable_revenue", metrics.RECOVERABLE),
)
"""The report's figures in order, each with the formula that makes it."""

BLANK_LABEL = "(blank)"


@dataclass(frozen=True)
class Report:
    """Inputs and figures for each segment and the total, the total last.

    ``segments`` holds each segment's ``by`` values; the total's is ``()``.
    ``figures`` maps each name in ``FIGURES`` to one cell value per row: a
    float, None or an error's text.
    """

    by: tuple[str, ...]
    segments: list[tuple[str, ...]]
    mqls: np.ndarray
    sqls: np.ndarray
    revenue: np.ndarray | None
    cost_per_mql: float | None
    target_rate: float | None
    figures: dict[str, list]

    def records(self) -> list[dict]:
        """One JSON-ready record per row, the total last."""
        out = []
        for i, segment in enumerate(self.segments):
            record = {
                "segment": list(segment),
                "mqls": _count(self.mqls[i]),
                "sqls": _count(self.sqls[i]),
                "revenue": None if self.revenue is None else float(self.revenue[i]),
            }
            record.update((name, values[i]) for name, values in self.figures.items())
            out.append(record)
        return out

    def document(self) -> dict:
        """``{"segments": [...], "total": {...}}``, as ``--json`` prints it."""
        records = self.records()
        return {"segments": records[:-1], "total": records[-1]}


def build(
    by: Sequence[str],
    segments: Sequence[tuple[str, ...]],
    mqls,
    sqls,
    revenue,
    *,
    total: tuple[float, float, float | None],
    cost_per_mql: float | None = None,
    target_rate: float | None = None,
) -> Report:
    """Compute every figure for the segments and the total, in one pass each.

    ``revenue`` is None when no revenue was given; the figures that need it
    are then None, as a blank input gives a blank result in a spreadsheet.
    """
    rows = [*segments, ()]
    mqls = np.append(np.asarray(mqls, dtype=np.float64), total[0])
    sqls = np.append(np.asarray(sqls, dtype=np.float64), total[1])
    if revenue is not None:
        revenue = np.append(np.asarray(revenue, dtype=np.float64), total[2])

    inputs = {
        "mqls": mqls,
        "sqls": sqls,
        "revenue": revenue,
        "cost_per_mql": cost_per_mql,
        "target_rate": target_rate,
    }
    figures = {}
    for name, formula in FIGURES:
        args = [inputs[arg] for arg in formula.args]
        if any(arg is None for arg in args):
            figures[name] = [None] * len(rows)
            continue
        figures[name] = cells.write(*formula.outcome(*args))
    return Report(
        tuple(by), rows, mqls, sqls, revenue, cost_per_mql, target_rate, figures
    )


def period(
    mqls: float,
    sqls: float,
    revenue: float,
    *,
    cost_per_mql: float | None = None,
    target_rate: float | None = None,
) -> Report:
    """The report of one period's numbers: no segment, only the total."""
    return build(
        (),
        [],
        [],
        [],
        [],
        total=(mqls, sqls, revenue),
        cost_per_mql=cost_per_mql,
        target_rate=target_rate,
    )


def label(segment: Sequence[str]) -> str:
    """A segment's values as one line of a terminal: joined with " / ", blanks
    named, line breaks as spaces and control characters escaped (``\x1b``),
    so text from an export never moves the cursor or colours the screen."""
    parts = [_printable(" ".join(value.split())) or BLANK_LABEL for value in segment]
    return " / ".join(parts)


def _printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def workbook_label(segment: Sequence[str]) -> str:
    """A segment's values as exported, joined with " / ", blanks named."""
    return " / ".join(value or BLANK_LABEL for value in segment)


def money(value, cents: bool | None = None) -> str:
    """Dollars as a person reads them: $700,000, $12.50, -$5.

    Cents show when ``cents`` says so; by default for an amount under $1,000
    that is not whole dollars.
    """
    if value is None or isinstance(value, str):
        return value or ""
    if cents is None:
        cents = _needs_cents([value])
    sign = "-" if value < 0 else ""
    if cents:
        dollars, rest = divmod(math.floor(abs(value) * 100 + 0.5), 100)
    else:
        dollars, rest = math.floor(abs(value) + 0.5), 0
    if dollars == rest == 0:
        sign = ""
    return f"{sign}${dollars:,}" + (f".{rest:02d}" if cents else "")


def _needs_cents(values) -> bool:
    """Whether amounts read better with cents: some are small and not whole."""
    return any(
        isinstance(v, float) and abs(v) < 1000 and round(v * 100) % 100 != 0
        for v in values
    )


def rate(value) -> str:
    """A rate as a percentage with one decimal: 70.0%."""
    if value is None or isinstance(value, str):
        return value or ""
    return f"{value:.1%}"


def count(value) -> str:
    """A count of leads: 1,500, or 12.5 for an average."""
    if value is None or isinstance(value, str):
        return value or ""
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0")


def _count(value) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


COLUMNS = (
    ("MQLs", "mqls", count),
    ("SQLs", "sqls", count),
    ("Revenue", "revenue", money),
    ("Dropped", "dropped", count),
    ("Drop-off", "dropoff_rate", rate),
    ("Conversion", "conversion_rate", rate),
    ("Rev per SQL", "revenue_per_sql", money),
    ("Revenue lost", "revenue_lost", money),
    ("Wasted spend", "wasted_spend", money),
    ("Recoverable", "recoverable_revenue", money),
)


def table(report: Report) -> str:
    """The segments and the total as an aligned text table."""
    records = report.records()
    shown = [
        (title, key, form)
        for title, key, form in COLUMNS
        if any(record[key] is not None for record in records)
    ]
    head = [" / ".join(report.by) or "Segment"] + [title for title, _, _ in shown]
    forms = []
    for _, key, form in shown:
        if form is money:
            cents = _needs_cents(record[key] for record in records)
            forms.append(lambda value, cents=cents: money(value, cents))
        else:
            forms.append(form)
    body = [
        [label(record["segment"]) if record["segment"] else "Total"]
        + [form(record[key]) for (_, key, _), form in zip(shown, forms, strict=True)]
        for record in records
    ]
    widths = [max(_width(row[i]) for row in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = (
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        )
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    lines = [line(head), rule, *(line(row) for row in body[:-1])]
    if len(body) > 1:
        lines.append(rule)
    lines.append(line(body[-1]))
    if notes(report):
        lines.extend(["", *notes(report)])
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for a wide East Asian character."""
    if text.isascii():
        return len(text)
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def notes(report: Report) -> list[str]:
    """What the wasted spend and recoverable revenue figures assume."""
    lines = []
    if report.cost_per_mql is not None:
        lines.append(
            f"Wasted spend: dropped leads x {money(report.cost_per_mql)} per MQL, "
            "a sunk cost shown beside revenue lost, never added to it."
        )
    if report.target_rate is not None:
        lines.append(
            f"Recoverable revenue: reaching a {rate(report.target_rate)} target "
            "conversion rate; revenue lost assumes every dropped MQL converts."
        )
    return lines


def steps(report: Report) -> str:
    """One period's figures through the three steps, as a person reads them."""
    f = report.records()[-1]
    rows = [
        (
            "Step 1  Drop-off",
            rate(f["dropoff_rate"]),
            f"{count(f['dropped'])} dropped leads "
            f"({count(f['mqls'])} MQLs - {count(f['sqls'])} SQLs)",
        ),
        (
            "Step 2  Revenue per SQL",
            money(f["revenue_per_sql"]),
            f"{money(f['revenue'])} closed-won revenue / {count(f['sqls'])} SQLs",
        ),
        (
            "Step 3  Revenue lost",
            money(f["revenue_lost"]),
            f"{count(f['dropped'])} dropped leads x {money(f['revenue_per_sql'])} "
            "per SQL, an upper bound",
        ),
        ("", "", ""),
    ]
    if report.cost_per_mql is None:
        rows.append(("Hidden cost", "-", "give --cost-per-mql to price it"))
    else:
        rows.append(
            (
                "Hidden cost: wasted spend",
                money(f["wasted_spend"]),
                f"{count(f['dropped'])} dropped leads x "
                f"{money(report.cost_per_mql)} per MQL: a sunk cost, never added "
                "to revenue lost",
            )
        )
    if report.target_rate is None:
        rows.append(("Recoverable revenue", "-", "give --target-rate to estimate it"))
    else:
        rows.append(
            (
                "Recoverable revenue",
                money(f["recoverable_revenue"]),
                f"at a {rate(report.target_rate)} target conversion rate "
                f"(now {rate(f['conversion_rate'])})",
            )
        )

    name_width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    lines = [
        f"Lead leak: {count(f['mqls'])} MQLs, {count(f['sqls'])} SQLs, "
        f"{money(f['revenue'])} closed-won revenue",
        "",
    ]
    for name, value, note in rows:
        text = f"{name.ljust(name_width)}  {value.rjust(value_width)}  {note}"
        lines.append(text.rstrip())
    return "\n".join(lines)
