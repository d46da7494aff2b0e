"""The template workbooks as files: layout, names, rules, formats, safety, bytes.

What a spreadsheet engine computes from them is in test_template_engines.py.
"""

import math
import re
import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openxml_audit import OpenXmlValidator

from leak_udfs import templates
from leak_udfs.templates import (
    EXAMPLE_SEGMENTS,
    TEMPLATE_NAMES,
    Segment,
    by_segment_workbook,
    write_templates,
)

COMMITTED = Path(__file__).resolve().parent.parent / "workbook_templates"
INPUT_FILL = "FFFFCC99"
NAMES = {"MQLs": 500, "SQLs": 150, "Revenue": 300_000, "CostPerMQL": 100}
WORKED = {
    "Dropped leads": 350,
    "Drop-off rate": 0.7,
    "Revenue per SQL": 2000,
    "Revenue lost": 700_000,
    "Wasted marketing spend": 35_000,
    "Recoverable revenue": 50_000,
    "Conversion rate": 0.3,
    "Input checks": "OK",
}


def load(name, data_only=False):
    return openpyxl.load_workbook(COMMITTED / name, data_only=data_only)


def from_bytes(data, data_only=False):
    return openpyxl.load_workbook(BytesIO(data), data_only=data_only)


def rows_by_label(sheet):
    """Label in column B -> its row number, on the one-period sheet."""
    return {
        sheet.cell(row, 2).value: row
        for row in range(1, sheet.max_row + 1)
        if sheet.cell(row, 2).value
    }


def named_cell(book, name):
    sheet_name, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet_name][ref.replace("$", "")]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def test_the_four_templates_are_committed_and_rebuild_byte_identical(tmp_path):
    written = write_templates(tmp_path / "new" / "dir")

    assert [p.name for p in written] == list(TEMPLATE_NAMES)
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == sorted(
        TEMPLATE_NAMES
    )
    for path in written:
        committed = COMMITTED / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: rebuild with python -m leak_udfs.templates "
            "workbook_templates"
        )


def test_rewriting_replaces_the_files_in_place(tmp_path):
    (tmp_path / "handoff_leak.xlsx").write_text("an old file")

    write_templates(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_NAMES)
    assert zipfile.is_zipfile(tmp_path / "handoff_leak.xlsx")


def test_the_command_writes_the_templates_and_refuses_bad_arguments(tmp_path, capsys):
    assert templates.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_NAMES)

    assert templates.main([]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "usage" in error

    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert templates.main([str(blocker / "sub")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error


def test_creation_date_is_fixed():
    with zipfile.ZipFile(COMMITTED / "handoff_leak.xlsx") as package:
        core = package.read("docProps/core.xml").decode()
    assert "<dcterms:created" in core and "2026-01-01T00:00:00Z" in core


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_passes_open_xml_validation(name):
    result = OpenXmlValidator().validate(COMMITTED / name)
    assert result.is_valid, [str(error) for error in result.errors]


def test_the_validator_rejects_a_broken_workbook(tmp_path):
    broken = tmp_path / "broken.xlsx"
    with (
        zipfile.ZipFile(COMMITTED / "handoff_leak.xlsx") as source,
        zipfile.ZipFile(broken, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><nonsense/>")
            target.writestr(item, data)
    assert not OpenXmlValidator().validate(broken).is_valid


@pytest.mark.parametrize("name", ["handoff_leak.xlsx", "handoff_leak_portable.xlsx"])
def test_inputs_are_named_validated_commented_and_styled(name):
    book = load(name)
    sheet = book.active
    rules = sheet.data_validations.dataValidation

    for defined, value in {**NAMES, "TargetRate": 0.35}.items():
        cell = named_cell(book, defined)
        assert cell.value == value
        assert cell.fill.fgColor.rgb == INPUT_FILL
        assert cell.comment is not None and len(cell.comment.text) > 20
        (rule,) = [r for r in rules if cell.coordinate in r.sqref]
        assert rule.type == "decimal"
        if defined == "TargetRate":
            # "between" is the default operator, so the file may leave it out.
            assert rule.operator in (None, "between")
            assert (rule.formula1, rule.formula2) == ("0", "1")
            assert cell.number_format == "0.0%"
        else:
            assert (rule.operator, rule.formula1) == ("greaterThanOrEqual", "0")

    period = named_cell(book, "Period")
    assert period.value == "Q1 2026" and period.fill.fgColor.rgb == INPUT_FILL
    assert period.comment is not None
    assert named_cell(book, "Revenue").number_format == "$#,##0"
    assert named_cell(book, "MQLs").number_format == "#,##0"


def test_the_sheet_reads_top_to_bottom_like_the_method():
    sheet = load("handoff_leak.xlsx").active
    column_a = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 1)]
    steps = [(row, text) for row, text in enumerate(column_a, 1) if text]
    order = [text for _, text in steps]

    assert order.index("Step 1") < order.index("Step 2") < order.index("Step 3")
    assert order.index("Inputs") < order.index("Step 1")
    assert order.index("Step 3") < order.index("Hidden cost")
    assert order.index("Hidden cost") < order.index("Beyond the formula")
    for row, text in steps:
        if text.startswith("Step") or text == "Hidden cost":
            explanation = sheet.cell(row, 4).value
            assert sheet.cell(row, 3).data_type == "f"
            assert explanation and len(explanation) > 15 and "\n" not in explanation


def test_result_cells_call_leak_functions_with_formats_and_cached_values():
    formulas_sheet = load("handoff_leak.xlsx").active
    values_sheet = load("handoff_leak.xlsx", data_only=True).active
    rows = rows_by_label(formulas_sheet)
    formats = {
        "Dropped leads": "#,##0",
        "Drop-off rate": "0.0%",
        "Revenue per SQL": "$#,##0",
        "Revenue lost": "$#,##0",
        "Wasted marketing spend": "$#,##0",
        "Recoverable revenue": "$#,##0",
        "Conversion rate": "0.0%",
    }

    for label, expected in WORKED.items():
        cell = formulas_sheet.cell(rows[label], 3)
        assert re.fullmatch(r"=LEAK_[A-Z_]+\([A-Za-z,]+\)", cell.value), cell.value
        assert values_sheet.cell(rows[label], 3).value == pytest.approx(expected)
        assert cell.fill.fgColor.rgb != INPUT_FILL
        if label in formats:
            assert cell.number_format == formats[label]

    assert formulas_sheet.cell(rows["Revenue lost"], 3).value == (
        "=LEAK_LOST(MQLs,SQLs,Revenue)"
    )
    assert formulas_sheet.cell(rows["Input checks"], 3).value == (
        "=LEAK_CHECK(MQLs,SQLs,Revenue,CostPerMQL)"
    )


def test_wasted_spend_stands_beside_revenue_lost_and_is_never_added_to_it():
    sheet = load("handoff_leak.xlsx").active
    rows = rows_by_label(sheet)
    lost, wasted = rows["Revenue lost"], rows["Wasted marketing spend"]
    assert wasted == lost + 1

    wasted_ref = re.compile(rf"\$?C\$?{wasted}(?!\d)")
    formulas = [c.value for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not [f for f in formulas if wasted_ref.search(f)]


def test_benchmarks_are_shown_with_their_sources():
    sheet = load("handoff_leak.xlsx").active
    rows = rows_by_label(sheet)
    median = rows["Median conversion"]
    assert sheet.cell(median, 3).value == 0.13
    assert "Sales-i" in sheet.cell(median, 4).value
    assert sheet.cell(rows["High performers aim for"], 3).value == "25-30%"
    assert rows["Conversion rate"] < median


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_each_template_prints_one_page_wide(name):
    sheet = load(name).active
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide is the default, so the file may leave fitToWidth out.
    assert sheet.page_setup.fitToWidth in (None, 1)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_area


@pytest.mark.parametrize(
    "pair",
    [
        ("handoff_leak.xlsx", "handoff_leak_portable.xlsx"),
        ("handoff_leak_by_segment.xlsx", "handoff_leak_by_segment_portable.xlsx"),
    ],
)
def test_the_portable_twin_is_the_same_layout_cell_for_cell(pair):
    add_in, portable = (load(name).active for name in pair)
    add_in_values, portable_values = (
        load(name, data_only=True).active for name in pair
    )
    assert add_in.dimensions == portable.dimensions

    formula_cells = 0
    for row_a, row_p in zip(add_in.iter_rows(), portable.iter_rows(), strict=True):
        for a, p in zip(row_a, row_p, strict=True):
            assert a.number_format == p.number_format
            assert a.fill.fgColor.rgb == p.fill.fgColor.rgb
            if a.data_type == "f":
                formula_cells += 1
                assert p.data_type == "f"
                if "LEAK_" in a.value:
                    assert "LEAK_" not in p.value
                else:
                    assert a.value == p.value
                cached = add_in_values[a.coordinate].value
                assert portable_values[p.coordinate].value == cached
            else:
                assert a.value == p.value
    assert formula_cells >= 8


def table_of(sheet):
    (table,) = sheet.tables.values()
    return table


def test_by_segment_is_an_excel_table_with_a_totals_row():
    sheet = load("handoff_leak_by_segment.xlsx").active
    table = table_of(sheet)
    headers = [c.name for c in table.tableColumns]

    assert table.displayName == "LeakBySegment"
    assert table.ref == "A4:L17" and table.totalsRowCount == 1
    assert headers == [
        "Segment",
        "MQLs",
        "SQLs",
        "Closed-won revenue",
        "Cost per MQL",
        "Target rate",
        "Dropped leads",
        "Drop-off rate",
        "Revenue per SQL",
        "Revenue lost",
        "Wasted spend",
        "Recoverable revenue",
    ]
    assert [sheet.cell(4, col).value for col in range(1, 13)] == headers
    labels = [sheet.cell(row, 1).value for row in range(5, 17)]
    assert labels == [s.label for s in EXAMPLE_SEGMENTS] and len(labels) == 12
    assert sheet.cell(5, 10).value == "=LEAK_LOST(B5,C5,D5)"
    assert sheet.cell(16, 12).value == "=LEAK_RECOVERABLE(B16,C16,D16,F16)"
    for col in range(2, 7):
        assert sheet.cell(5, col).fill.fgColor.rgb == INPUT_FILL
        assert sheet.cell(4, col).comment is not None
    for col in range(7, 13):
        assert sheet.cell(5, col).fill.fgColor.rgb != INPUT_FILL


def test_totals_rates_come_from_the_totals():
    sheet = load("handoff_leak_by_segment.xlsx").active
    values = load("handoff_leak_by_segment.xlsx", data_only=True).active
    total = {sheet.cell(4, col).value: sheet.cell(17, col) for col in range(1, 13)}
    cached = {header: values[cell.coordinate].value for header, cell in total.items()}

    assert total["Segment"].value == "Total"
    assert total["MQLs"].value == "=SUM(B5:B16)"
    assert total["Closed-won revenue"].value == "=SUM(D5:D16)"
    assert total["Drop-off rate"].value == "=LEAK_DROPOFF(B17,C17)"
    assert total["Revenue per SQL"].value == "=LEAK_REV_PER_SQL(D17,C17)"
    assert total["Revenue lost"].value == "=LEAK_LOST(B17,C17,D17)"
    assert "SUMPRODUCT(B5:B16,E5:E16)/B17" in total["Cost per MQL"].value
    assert "SUMPRODUCT(B5:B16,F5:F16)/B17" in total["Target rate"].value
    for cell in total.values():
        assert "AVERAGE" not in str(cell.value)

    assert cached["MQLs"] == 500 and cached["SQLs"] == 150
    assert cached["Closed-won revenue"] == 300_000
    assert cached["Drop-off rate"] == pytest.approx(0.7)
    assert cached["Revenue per SQL"] == pytest.approx(2000)
    assert cached["Revenue lost"] == pytest.approx(700_000)
    assert cached["Wasted spend"] == pytest.approx(35_000)
    assert cached["Recoverable revenue"] == pytest.approx(50_000)
    rates = [values.cell(row, 8).value for row in range(5, 17)]
    assert cached["Drop-off rate"] != pytest.approx(sum(rates) / len(rates))


def test_the_chart_shows_revenue_lost_per_segment():
    with zipfile.ZipFile(COMMITTED / "handoff_leak_by_segment.xlsx") as package:
        charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = package.read(charts[0]).decode()
        drawing = package.read("xl/drawings/drawing1.xml").decode()
    assert "<c:barChart>" in chart and '<c:barDir val="col"/>' in chart
    assert "<c:f>Segments!$A$5:$A$16</c:f>" in chart
    assert "<c:f>Segments!$J$5:$J$16</c:f>" in chart
    assert "Revenue lost per segment" in chart
    cache = chart.split("<c:numCache>")[1].split("</c:numCache>")[0]
    shown = [float(v) for v in re.findall(r"<c:v>([^<]+)</c:v>", cache)]
    values = load("handoff_leak_by_segment.xlsx", data_only=True).active
    assert shown == [values.cell(row, 10).value for row in range(5, 17)]
    assert "<xdr:from><xdr:col>0</xdr:col>" in drawing.replace("\n", "")


HOSTILE_LABELS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "=1+1",
    "0042",
    " padded ",
    "tab\tinside",
]


@pytest.mark.parametrize("portable", [False, True])
def test_labels_stay_text_whatever_they_look_like(portable, tmp_path):
    segments = [Segment(label, 10, 5, 1000, 10, 0.6) for label in HOSTILE_LABELS]

    data = by_segment_workbook(segments, portable=portable)

    sheet = from_bytes(data).active
    for row, label in enumerate(HOSTILE_LABELS, start=5):
        cell = sheet.cell(row, 1)
        assert (cell.data_type, cell.value) == ("s", label)
    assert sheet.title == "Segments"
    assert table_of(sheet).displayName == "LeakBySegment"
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    assert OpenXmlValidator().validate(path).is_valid


def test_missing_cost_or_target_leaves_the_input_empty_and_the_result_blank():
    segments = [
        Segment("Paid search", 100, 20, 50_000),
        Segment("Events", 80, 20, 40_000, 50),
    ]

    data = by_segment_workbook(segments)

    sheet = from_bytes(data).active
    values = from_bytes(data, data_only=True).active
    assert sheet["E5"].value is None and sheet["F5"].value is None
    assert sheet["F6"].value is None and sheet["E6"].value == 50
    assert sheet["K5"].value == "=LEAK_WASTED(B5,C5,E5)"
    assert values["K5"].value in (None, "") and values["L5"].value in (None, "")
    assert values["K6"].value == pytest.approx(3000)
    assert values["J5"].value == pytest.approx(200_000)
    assert values["E7"].value in (None, "") and values["K7"].value in (None, "")
    assert values["J7"].value == pytest.approx((180 - 40) * 90_000 / 40)


def test_error_results_are_cached_as_error_values_not_text():
    segments = [
        Segment("No SQLs", 100, 0, 0, 10, 0.2),
        Segment("Cohorts mixed", 100, 120, 10_000, 10, 0.2),
        Segment("No MQLs", 0, 0, 0, 10, 0.2),
    ]

    data = by_segment_workbook(segments)

    values = from_bytes(data, data_only=True).active
    assert values["I5"].value == "#DIV/0!" and values["I5"].data_type == "e"
    assert values["J6"].value == "#NUM!" and values["J6"].data_type == "e"
    assert values["H7"].value == "#DIV/0!" and values["H7"].data_type == "e"
    xml = sheet_xml(data)
    assert re.search(r'<c r="I5"[^>]* t="e"><f>[^<]+</f><v>#DIV/0!</v>', xml)
    assert re.search(r'<c r="J6"[^>]* t="e"><f>[^<]+</f><v>#NUM!</v>', xml)


@pytest.mark.parametrize(("count", "portable"), [(1, True), (3000, False)])
def test_any_number_of_rows_from_one_to_thousands(count, portable):
    segments = [
        Segment(f"Channel {i}", 100 + i, 30 + i % 7, 60_000, 20, 0.4)
        for i in range(count)
    ]

    data = by_segment_workbook(segments, portable=portable)

    sheet = from_bytes(data).active
    totals = 5 + count
    assert table_of(sheet).ref == f"A4:L{totals}"
    assert sheet.cell(totals, 2).value == f"=SUM(B5:B{totals - 1})"
    assert sheet.cell(totals - 1, 1).value == f"Channel {count - 1}"
    values = from_bytes(data, data_only=True).active
    mqls = sum(s.mqls for s in segments)
    sqls = sum(s.sqls for s in segments)
    assert values.cell(totals, 10).value == pytest.approx(
        (mqls - sqls) * 60_000 * count / sqls
    )


def test_no_segments_or_an_infinite_input_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        by_segment_workbook([])
    with pytest.raises(ValueError, match="infinite"):
        by_segment_workbook([Segment("Jan", math.inf, 1, 1)])


def test_nan_input_is_an_empty_cell():
    data = by_segment_workbook([Segment("Jan", 100, math.nan, 1000)])

    sheet = from_bytes(data).active
    values = from_bytes(data, data_only=True).active
    assert sheet["C5"].value is None
    assert values["J5"].value in (None, "")


def test_the_committed_by_segment_template_is_the_example_months():
    assert (COMMITTED / "handoff_leak_by_segment.xlsx").read_bytes() == (
        by_segment_workbook(EXAMPLE_SEGMENTS)
    )
    assert sum(s.mqls for s in EXAMPLE_SEGMENTS) == 500
    assert sum(s.sqls for s in EXAMPLE_SEGMENTS) == 150
    assert sum(s.revenue for s in EXAMPLE_SEGMENTS) == 300_000


def test_the_readme_shows_the_committed_pictures():
    readme = (COMMITTED.parent / "README.md").read_text()
    for name in TEMPLATE_NAMES:
        picture = COMMITTED.parent / "docs" / name.replace(".xlsx", ".png")
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](docs/handoff_leak.png)" in readme
    assert "](docs/handoff_leak_by_segment.png)" in readme
