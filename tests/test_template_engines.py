"""The template workbooks recalculated by spreadsheet engines that are not ours.

- The ``formulas`` package recalculates the add-in templates with the LEAK_*
  functions registered as its functions.
- LibreOffice Calc, headless and set to recalculate on load, recalculates the
  portable twins (which call no LEAK_* function) after their inputs are
  changed, and writes them back; its values must equal what the Python
  functions give for the same inputs, errors and blanks included.

Where LibreOffice is missing these tests skip, except when CI=true.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import formulas
import numpy as np
import openpyxl
import pytest
import schedula
from formulas.functions import wrap_ranges_func
from libreoffice import find_soffice, recalculate

import leak_udfs
from leak_udfs import udfs
from leak_udfs.templates import TEMPLATE_NAMES

COMMITTED = Path(__file__).resolve().parent.parent / "workbook_templates"
LEAK_FUNCTIONS = [name for name in dir(udfs) if name.startswith("LEAK_")]

ONE_PERIOD_RESULTS = {
    "Dropped leads": ("LEAK_DROPPED", ("MQLs", "SQLs")),
    "Drop-off rate": ("LEAK_DROPOFF", ("MQLs", "SQLs")),
    "Revenue per SQL": ("LEAK_REV_PER_SQL", ("Revenue", "SQLs")),
    "Revenue lost": ("LEAK_LOST", ("MQLs", "SQLs", "Revenue")),
    "Wasted marketing spend": ("LEAK_WASTED", ("MQLs", "SQLs", "CostPerMQL")),
    "Recoverable revenue": (
        "LEAK_RECOVERABLE",
        ("MQLs", "SQLs", "Revenue", "TargetRate"),
    ),
    "Conversion rate": ("LEAK_CONVERSION", ("MQLs", "SQLs")),
    "Input checks": ("LEAK_CHECK", ("MQLs", "SQLs", "Revenue", "CostPerMQL")),
}
"""Result label on the one-period sheet -> the function and the inputs it takes."""

SEGMENT_RESULTS = {
    "Dropped leads": ("LEAK_DROPPED", ("MQLs", "SQLs")),
    "Drop-off rate": ("LEAK_DROPOFF", ("MQLs", "SQLs")),
    "Revenue per SQL": ("LEAK_REV_PER_SQL", ("Closed-won revenue", "SQLs")),
    "Revenue lost": ("LEAK_LOST", ("MQLs", "SQLs", "Closed-won revenue")),
    "Wasted spend": ("LEAK_WASTED", ("MQLs", "SQLs", "Cost per MQL")),
    "Recoverable revenue": (
        "LEAK_RECOVERABLE",
        ("MQLs", "SQLs", "Closed-won revenue", "Target rate"),
    ),
}
"""Computed column of the by-segment table -> the function and its input columns."""

WORKED = {"MQLs": 500, "SQLs": 150, "Revenue": 300_000, "CostPerMQL": 100}
CHANGED = {"MQLs": 800, "SQLs": 200, "Revenue": 500_000, "CostPerMQL": 80}
CHANGED_RATE = 0.30


def python_api(mqls, sqls, revenue, cost, target):
    """What ``import leak_udfs`` gives for one period, by result label."""
    return {
        "Dropped leads": leak_udfs.dropped_leads(mqls, sqls),
        "Drop-off rate": leak_udfs.dropoff_rate(mqls, sqls),
        "Revenue per SQL": leak_udfs.revenue_per_sql(revenue, sqls),
        "Revenue lost": leak_udfs.revenue_lost(mqls, sqls, revenue),
        "Wasted marketing spend": leak_udfs.wasted_spend(mqls, sqls, cost),
        "Recoverable revenue": leak_udfs.recoverable_revenue(
            mqls, sqls, revenue, target
        ),
        "Conversion rate": leak_udfs.conversion_rate(mqls, sqls),
        "Input checks": leak_udfs.problem(mqls, sqls, revenue, cost),
    }


def one_period_layout(name):
    """Input name -> cell and result label -> cell, read from the workbook itself."""
    book = openpyxl.load_workbook(COMMITTED / name)
    sheet = book.active
    inputs = {}
    for defined in ("MQLs", "SQLs", "Revenue", "CostPerMQL", "TargetRate"):
        _, ref = next(iter(book.defined_names[defined].destinations))
        inputs[defined] = ref.replace("$", "")
    rows = {sheet.cell(r, 2).value: r for r in range(1, sheet.max_row + 1)}
    results = {label: f"C{rows[label]}" for label in ONE_PERIOD_RESULTS}
    return sheet.title, inputs, results


def segment_layout(name):
    """Header -> column letter, and the data rows and the totals row."""
    sheet = openpyxl.load_workbook(COMMITTED / name).active
    (table,) = sheet.tables.values()
    first, last = table.ref.split(":")
    header_row = int(first[1:])
    total_row = int(last[1:])
    letters = {
        sheet.cell(header_row, col).value: sheet.cell(header_row, col).column_letter
        for col in range(1, sheet.max_column + 1)
        if sheet.cell(header_row, col).value
    }
    return sheet.title, letters, range(header_row + 1, total_row), total_row


def changed_segments(count):
    """Rows whose totals are the changed inputs: 800, 200, $500,000."""
    mqls = [67] * (count - 1) + [800 - 67 * (count - 1)]
    sqls = [17] * (count - 1) + [200 - 17 * (count - 1)]
    revenue = [42_000] * (count - 1) + [500_000 - 42_000 * (count - 1)]
    return mqls, sqls, revenue


def cell_values(function):
    """A LEAK_* function taking what ``formulas`` passes, as xlwings would pass it.

    ``formulas`` hands over 2-D arrays in which an empty cell is its EMPTY
    token and an error is an XlError; xlwings (``ndim=2, err_to_str``) hands
    over lists of rows with None and the error's text. An empty result is
    shown as "".
    """

    def read(value):
        if value is schedula.EMPTY:
            return None
        if isinstance(value, formulas.tokens.operand.XlError):
            return str(value)
        return value

    def call(*args):
        rows = [[[read(v) for v in row] for row in np.asarray(a, object)] for a in args]
        result = function(*rows)
        return np.asarray(result, dtype=object).reshape(np.shape(rows[0]))

    return call


@pytest.fixture
def leak_functions(monkeypatch):
    """The package's LEAK_* functions registered as ``formulas`` functions."""
    functions = formulas.get_functions()
    for name in LEAK_FUNCTIONS:
        registered = wrap_ranges_func(cell_values(getattr(udfs, name)))
        monkeypatch.setitem(functions, name, registered)


def recalculate_with_formulas(name, sheet, inputs):
    """Load ``name`` into ``formulas``, set ``inputs`` (cell -> value), recalculate."""
    model = formulas.ExcelModel().loads(str(COMMITTED / name)).finish()
    key = f"'[{name}]{sheet.upper()}'!"
    solution = model.calculate(inputs={key + cell: v for cell, v in inputs.items()})

    def value(cell):
        found = solution[key + cell].value[0, 0]
        if found == "":
            return None
        return found if isinstance(found, str) else float(found)

    return value


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, python_api(500, 150, 300_000, 100, 0.35)),
        (
            {**CHANGED, "TargetRate": CHANGED_RATE},
            python_api(800, 200, 500_000, 80, CHANGED_RATE),
        ),
    ],
    ids=["worked example", "changed inputs"],
)
def test_formulas_recalculates_the_one_period_template(
    leak_functions, changes, expected
):
    sheet, inputs, results = one_period_layout("handoff_leak.xlsx")

    value = recalculate_with_formulas(
        "handoff_leak.xlsx",
        sheet,
        {inputs[name]: v for name, v in changes.items()},
    )

    assert {label: value(cell) for label, cell in results.items()} == expected
    if not changes:
        assert value(results["Revenue lost"]) == 700_000
        assert value(results["Wasted marketing spend"]) == 35_000


@pytest.mark.parametrize("changed", [False, True], ids=["worked", "changed"])
def test_formulas_recalculates_the_by_segment_template(leak_functions, changed):
    sheet, letters, rows, total = segment_layout("handoff_leak_by_segment.xlsx")
    inputs = {}
    if changed:
        for column, values in zip(
            ("MQLs", "SQLs", "Closed-won revenue"),
            changed_segments(len(rows)),
            strict=True,
        ):
            for row, v in zip(rows, values, strict=True):
                inputs[f"{letters[column]}{row}"] = v
        for row in rows:
            inputs[f"{letters['Cost per MQL']}{row}"] = 80
            inputs[f"{letters['Target rate']}{row}"] = CHANGED_RATE

    value = recalculate_with_formulas("handoff_leak_by_segment.xlsx", sheet, inputs)

    def column(header, row_numbers):
        return np.array([value(f"{letters[header]}{r}") for r in row_numbers])

    mqls, sqls = column("MQLs", rows), column("SQLs", rows)
    revenue = column("Closed-won revenue", rows)
    cost, target = column("Cost per MQL", rows), column("Target rate", rows)
    per_row = {
        "Dropped leads": leak_udfs.dropped_leads(mqls, sqls),
        "Drop-off rate": leak_udfs.dropoff_rate(mqls, sqls),
        "Revenue per SQL": leak_udfs.revenue_per_sql(revenue, sqls),
        "Revenue lost": leak_udfs.revenue_lost(mqls, sqls, revenue),
        "Wasted spend": leak_udfs.wasted_spend(mqls, sqls, cost),
        "Recoverable revenue": leak_udfs.recoverable_revenue(
            mqls, sqls, revenue, target
        ),
    }
    for header, expected in per_row.items():
        assert column(header, rows).tolist() == expected.tolist(), header

    totals = {h: value(f"{letters[h]}{total}") for h in letters if h != "Segment"}
    assert totals["MQLs"] == mqls.sum() == (800 if changed else 500)
    assert totals["SQLs"] == sqls.sum() == (200 if changed else 150)
    assert totals["Closed-won revenue"] == revenue.sum()
    assert totals["Cost per MQL"] == pytest.approx((mqls * cost).sum() / mqls.sum())
    assert totals["Target rate"] == pytest.approx((mqls * target).sum() / mqls.sum())
    m, s, r = totals["MQLs"], totals["SQLs"], totals["Closed-won revenue"]
    c, t = totals["Cost per MQL"], totals["Target rate"]
    assert totals["Drop-off rate"] == leak_udfs.dropoff_rate(m, s)
    assert totals["Revenue per SQL"] == leak_udfs.revenue_per_sql(r, s)
    assert totals["Revenue lost"] == leak_udfs.revenue_lost(m, s, r)
    assert totals["Wasted spend"] == leak_udfs.wasted_spend(m, s, c)
    assert totals["Recoverable revenue"] == leak_udfs.recoverable_revenue(m, s, r, t)
    expected_lost = 1_500_000 if changed else 700_000
    assert totals["Revenue lost"] == pytest.approx(expected_lost)


@pytest.fixture(scope="session")
def soffice():
    return find_soffice()


def recalculate_with_libreoffice(soffice, sources, work):
    """Each file as LibreOffice recalculates it, as an openpyxl worksheet."""
    out = recalculate(soffice, sources, work)
    return {
        source.name: openpyxl.load_workbook(out / source.name, data_only=True).active
        for source in sources
    }


ONE_PERIOD_CASES = {
    "worked example": (500, 150, 300_000, 100, 0.35),
    "changed inputs": (800, 200, 500_000, 80, 0.30),
    "blank MQLs": (None, 150, 300_000, 100, 0.35),
    "blank revenue and cost": (500, 150, None, None, 0.35),
    "spaces for SQLs": (500, "   ", 300_000, 100, 0.35),
    "zero MQLs": (0, 0, 300_000, 100, 0.35),
    "zero SQLs": (500, 0, 300_000, 100, 0.35),
    "SQLs above MQLs": (150, 180, 300_000, 100, 0.35),
    "negative MQLs": (-1500, 150, 300_000, 100, 0.35),
    "negative fractional revenue": (500, 150, -2.5, 100, 0.35),
    "negative cost": (500, 150, 300_000, -100, 0.35),
    "negative revenue with cents": (500, 150, -12_345.67, 100, 0.35),
    "fractional SQLs above MQLs": (150.5, 180.25, 300_000, 100, 0.35),
    "tiny negative cost": (500, 150, 300_000, -0.000123456789, 0.35),
    "target above one": (500, 150, 300_000, 100, 1.5),
    "target at zero": (500, 150, 300_000, 100, 0),
    "text that is no number": (500, "n/a", 300_000, 100, 0.35),
    "text for cost": (500, 150, 300_000, "about 100", 0.35),
    "numbers typed as text": (" 500 ", "150", "300000", 100, "0.35"),
    "fractional counts": (412.5, 137.25, 123_456.78, 99.99, 0.333),
    "too large a result": (1e300, 1, 1e300, 100, 0.5),
}


def shown(value):
    """A cell value as read back: an empty result is None."""
    return None if value == "" else value


def same(found, expected):
    if isinstance(expected, float):
        # LibreOffice writes 15 significant digits.
        return isinstance(found, int | float) and found == pytest.approx(
            expected, rel=1e-14
        )
    return found == expected


@pytest.fixture(scope="session")
def libreoffice_results(soffice, tmp_path_factory):
    """The portable twins with each case's inputs, recalculated by LibreOffice.

    The inputs are changed with openpyxl, which saves formulas without cached
    values, so every value read back is LibreOffice's own.
    """
    work = tmp_path_factory.mktemp("libreoffice")
    sources = [COMMITTED / name for name in TEMPLATE_NAMES]
    _, inputs, _ = one_period_layout("handoff_leak_portable.xlsx")
    for number, case in enumerate(ONE_PERIOD_CASES.values()):
        book = openpyxl.load_workbook(COMMITTED / "handoff_leak_portable.xlsx")
        for name, value in zip(inputs, case, strict=True):
            book.active[inputs[name]] = value
        path = work / f"one_period_{number}.xlsx"
        book.save(path)
        sources.append(path)
    for name, rows in SEGMENT_CASES.items():
        path = work / f"segments_{name}.xlsx"
        write_segment_case(path, rows)
        sources.append(path)
    return recalculate_with_libreoffice(soffice, sources, work)


@pytest.mark.parametrize("case", list(ONE_PERIOD_CASES))
def test_libreoffice_recalculates_the_portable_one_period_sheet(
    libreoffice_results, case
):
    number = list(ONE_PERIOD_CASES).index(case)
    sheet = libreoffice_results[f"one_period_{number}.xlsx"]
    _, inputs, results = one_period_layout("handoff_leak_portable.xlsx")
    given = dict(zip(inputs, ONE_PERIOD_CASES[case], strict=True))

    for label, (function, args) in ONE_PERIOD_RESULTS.items():
        expected = getattr(udfs, function)(*(given[a] for a in args))
        found = shown(sheet[results[label]].value)
        assert same(found, expected), (label, found, expected)


def test_libreoffice_gives_the_python_api_figures_for_the_worked_and_changed_inputs(
    libreoffice_results,
):
    _, _, results = one_period_layout("handoff_leak_portable.xlsx")
    for number, arguments in ((0, (500, 150, 300_000, 100, 0.35)), (1, None)):
        sheet = libreoffice_results[f"one_period_{number}.xlsx"]
        expected = python_api(*(arguments or (800, 200, 500_000, 80, CHANGED_RATE)))
        for label, value in expected.items():
            assert same(shown(sheet[results[label]].value), value), label

    committed = libreoffice_results["handoff_leak_portable.xlsx"]
    assert committed[results["Revenue lost"]].value == 700_000
    assert committed[results["Input checks"]].value == "OK"


SEGMENT_CASES = {
    "edge rows": [
        ("Worked", 500, 150, 300_000, 100, 0.35),
        ("No cost or target", 500, 150, 300_000, None, None),
        ("Blank MQLs", None, 150, 300_000, 100, 0.35),
        ("Zero SQLs", 100, 0, 0, 10, 0.2),
        ("Zero MQLs", 0, 0, 0, 10, 0.2),
        ("Cohorts mixed", 150, 180, 300_000, 100, 0.35),
        ("Negative revenue", 500, 150, -1, 100, 0.35),
        ("Target above one", 500, 150, 300_000, 100, 1.2),
        ("Text", 500, "n/a", 300_000, 100, 0.35),
        ("Numeric text", "500", " 150 ", 300_000, "100", 0.35),
        ("Fractional", 41.5, 12.25, 24_680.5, 101.5, 0.3),
        ("Above target", 100, 50, 100_000, 10, 0.25),
    ],
    "changed inputs": [
        (f"Channel {i}", m, s, r, 80, CHANGED_RATE)
        for i, (m, s, r) in enumerate(zip(*changed_segments(12), strict=True))
    ],
}
"""Twelve rows each, typed into the portable by-segment table."""


def write_segment_case(path, rows):
    """The committed portable by-segment template with ``rows`` typed in."""
    _, letters, data_rows, _ = segment_layout("handoff_leak_by_segment_portable.xlsx")
    book = openpyxl.load_workbook(COMMITTED / "handoff_leak_by_segment_portable.xlsx")
    headers = [
        "Segment",
        "MQLs",
        "SQLs",
        "Closed-won revenue",
        "Cost per MQL",
        "Target rate",
    ]
    for row, values in zip(data_rows, rows, strict=True):
        for header, value in zip(headers, values, strict=True):
            book.active[f"{letters[header]}{row}"] = value
    book.save(path)


@pytest.mark.parametrize("case", list(SEGMENT_CASES))
def test_libreoffice_recalculates_the_portable_by_segment_table(
    libreoffice_results, case
):
    sheet = libreoffice_results[f"segments_{case}.xlsx"]
    _, letters, data_rows, total = segment_layout(
        "handoff_leak_by_segment_portable.xlsx"
    )
    headers = ["MQLs", "SQLs", "Closed-won revenue", "Cost per MQL", "Target rate"]

    for row, values in zip(data_rows, SEGMENT_CASES[case], strict=True):
        given = dict(zip(headers, values[1:], strict=True))
        assert sheet[f"A{row}"].value == values[0]
        for header, (function, args) in SEGMENT_RESULTS.items():
            expected = getattr(udfs, function)(*(given[a] for a in args))
            found = shown(sheet[f"{letters[header]}{row}"].value)
            assert same(found, expected), (values[0], header, found, expected)

    if case == "changed inputs":
        totals = {h: sheet[f"{letters[h]}{total}"].value for h in letters}
        assert (totals["MQLs"], totals["SQLs"]) == (800, 200)
        assert totals["Closed-won revenue"] == 500_000
        assert totals["Cost per MQL"] == pytest.approx(80)
        assert totals["Drop-off rate"] == pytest.approx(0.75)
        assert totals["Revenue per SQL"] == pytest.approx(2500)
        assert totals["Revenue lost"] == pytest.approx(1_500_000)
        assert totals["Wasted spend"] == pytest.approx(48_000)
        assert totals["Recoverable revenue"] == pytest.approx(
            leak_udfs.recoverable_revenue(800, 200, 500_000, totals["Target rate"])
        )


def test_libreoffice_gives_the_committed_by_segment_totals(libreoffice_results):
    sheet = libreoffice_results["handoff_leak_by_segment_portable.xlsx"]
    _, letters, _, total = segment_layout("handoff_leak_by_segment_portable.xlsx")
    totals = {h: sheet[f"{letters[h]}{total}"].value for h in letters}

    assert totals["Segment"] == "Total"
    assert (totals["MQLs"], totals["SQLs"], totals["Closed-won revenue"]) == (
        500,
        150,
        300_000,
    )
    assert totals["Drop-off rate"] == pytest.approx(0.7)
    assert totals["Revenue per SQL"] == pytest.approx(2000)
    assert totals["Revenue lost"] == pytest.approx(700_000)
    assert totals["Wasted spend"] == pytest.approx(35_000)
    assert totals["Recoverable revenue"] == pytest.approx(50_000)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_opens_in_libreoffice(libreoffice_results, name):
    original = openpyxl.load_workbook(COMMITTED / name).active
    reopened = libreoffice_results[name]

    assert reopened.title == original.title
    for row in original.iter_rows():
        for cell in row:
            if cell.value is not None and cell.data_type in ("s", "n"):
                assert reopened[cell.coordinate].value == cell.value, cell.coordinate


def test_the_pictures_regenerate_through_libreoffice(soffice, tmp_path):
    if shutil.which("pdftoppm") is None:
        reason = "pdftoppm is not installed: apt-get install poppler-utils"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    script = Path(__file__).resolve().parent.parent / "docs" / "render_pictures.py"

    completed = subprocess.run(
        [sys.executable, str(script), str(COMMITTED), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 0, completed.stderr
    for name in TEMPLATE_NAMES:
        picture = tmp_path / name.replace(".xlsx", ".png")
        header = picture.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(header[16:20], "big")
        assert width > 800, (name, width)
