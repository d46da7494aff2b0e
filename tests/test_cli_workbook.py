"""``-o REPORT.xlsx`` and ``leak-udfs templates DIR``, read back with openpyxl."""

import json
import os
from pathlib import Path

import openpyxl
import pytest
from libreoffice import find_soffice, recalculate
from test_cli import (
    HUBSPOT_FLAGS,
    HUBSPOT_HEADER,
    HUBSPOT_ROWS,
    ROOT,
    export,
    run,
    salesforce,
)

from leak_udfs import cli, templates

TRICKY = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]


def tricky_export(directory: Path) -> Path:
    """The HubSpot export with sources that a spreadsheet would take as formulas."""
    rows = [row[:] for row in HUBSPOT_ROWS]
    for i, row in enumerate(rows):
        row[7] = TRICKY[i % len(TRICKY)]
    return export(directory / "leads.csv", HUBSPOT_HEADER, rows, bom=True)


def segment_rows(path: Path, *, data_only: bool = False) -> tuple[list, list]:
    """The by-segment table's header cells and its rows of cells, totals last."""
    book = openpyxl.load_workbook(path, data_only=data_only)
    sheet = book[templates.SEGMENT_SHEET]
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == "Segment")
    header = [cell.value for cell in rows[start]]
    body = []
    for row in rows[start + 1 :]:
        body.append(row)
        if row[0].value == "Total":
            break
    return header, body


def column(header: list, title: str) -> int:
    return header.index(title)


def test_workbook_keeps_segment_names_as_text(tmp_path):
    path = tricky_export(tmp_path)
    target = tmp_path / "report.xlsx"
    args = ["report", str(path), *HUBSPOT_FLAGS, "--by", "Original Source"]
    args += ["--cost-per-mql", "100", "--target-rate", "0.35"]
    result = run(*args, "-o", str(target), "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    header, body = segment_rows(target)
    labels = [row[0] for row in body[:-1]]
    assert sorted(cell.value for cell in labels) == sorted(TRICKY)
    for cell in labels:
        assert cell.data_type == "s", cell.value
    assert body[-1][0].value == "Total"

    lost = column(header, "Revenue lost")
    for row in body:
        formula = row[lost].value
        assert isinstance(formula, str) and formula.startswith("=LEAK_LOST("), formula

    _, cached = segment_rows(target, data_only=True)
    expected = {tuple(r["segment"]): r for r in document["segments"]}
    for row in cached[:-1]:
        record = expected[(row[0].value,)]
        assert row[column(header, "MQLs")].value == record["mqls"]
        assert row[column(header, "SQLs")].value == record["sqls"]
        if isinstance(record["revenue_lost"], str):
            assert row[lost].value == record["revenue_lost"]
        else:
            assert row[lost].value == pytest.approx(record["revenue_lost"])
    assert cached[-1][lost].value == pytest.approx(document["total"]["revenue_lost"])

    book = openpyxl.load_workbook(target)
    sheet = book[templates.SEGMENT_SHEET]
    assert templates.SEGMENT_TABLE in sheet.tables
    assert len(sheet._charts) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_workbook_of_the_worked_example(tmp_path):
    target = tmp_path / "quarter.xlsx"
    result = run("report", "-o", str(target))

    assert result.returncode == 0, result.stderr
    assert "$700,000" in result.stdout
    header, body = segment_rows(target, data_only=True)
    assert [row[0].value for row in body] == [cli.ALL_LEADS, "Total"]
    row = body[0]
    assert row[column(header, "MQLs")].value == 500
    assert row[column(header, "Revenue lost")].value == pytest.approx(700_000)
    assert row[column(header, "Wasted spend")].value == pytest.approx(35_000)
    assert row[column(header, "Recoverable revenue")].value == pytest.approx(50_000)


def test_workbook_without_revenue_leaves_it_blank(tmp_path):
    path = tricky_export(tmp_path)
    target = tmp_path / "report.xlsx"
    flags = ["--accepted", "Lifecycle Stage", "--by", "Original Source"]
    result = run("report", str(path), *flags, "-o", str(target))

    assert result.returncode == 0, result.stderr
    header, body = segment_rows(target, data_only=True)
    revenue = column(header, "Closed-won revenue")
    assert all(row[revenue].value is None for row in body[:-1])
    assert all(row[column(header, "MQLs")].value for row in body[:-1])


def test_workbook_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"keep me")

    result = run("report", "-o", str(target))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "--force" in result.stderr
    assert result.stdout == ""
    assert target.read_bytes() == b"keep me"

    forced = run("report", "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")

    def crash(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        cli.write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_templates_written_byte_identical_with_xlwings_conf(tmp_path):
    directory = tmp_path / "set-up"
    result = run("templates", str(directory))

    assert result.returncode == 0, result.stderr
    names = sorted([*templates.TEMPLATE_NAMES, "xlwings.conf"])
    assert sorted(p.name for p in directory.iterdir()) == names
    for name in templates.TEMPLATE_NAMES:
        committed = (ROOT / "workbook_templates" / name).read_bytes()
        assert (directory / name).read_bytes() == committed, name
    conf = (directory / "xlwings.conf").read_bytes()
    assert conf == (ROOT / "xlwings.conf").read_bytes()
    assert conf == b'"UDF MODULES","leak_udfs.udfs"\n'


def test_xlwings_conf_constant_is_the_repository_file():
    assert (ROOT / "xlwings.conf").read_text(encoding="utf-8") == cli.XLWINGS_CONF


def test_templates_are_not_overwritten_without_force(tmp_path):
    assert run("templates", str(tmp_path)).returncode == 0
    conf = tmp_path / "xlwings.conf"
    conf.write_text("mine\n")

    again = run("templates", str(tmp_path))
    assert again.returncode == 2
    assert "Traceback" not in again.stderr
    assert len(again.stderr.splitlines()) == 1 and "--force" in again.stderr
    assert conf.read_text() == "mine\n"

    assert run("templates", str(tmp_path), "--force").returncode == 0
    assert conf.read_text() == cli.XLWINGS_CONF


def test_templates_into_a_file_is_refused(tmp_path):
    file = tmp_path / "taken"
    file.write_text("x")
    result = run("templates", str(file))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "not a directory" in result.stderr


def test_portable_workbook_as_libreoffice_computes_it(tmp_path):
    soffice = find_soffice()
    path = tricky_export(tmp_path)
    target = tmp_path / "report.xlsx"
    args = ["report", str(path), *HUBSPOT_FLAGS, "--by", "Original Source"]
    args += ["--cost-per-mql", "100", "--target-rate", "0.35"]
    result = run(*args, "-o", str(target), "--portable", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)

    header, body = segment_rows(target)
    assert not any("LEAK_" in str(cell.value) for row in body for cell in row)

    out = recalculate(soffice, [target], tmp_path)

    header, body = segment_rows(out / target.name, data_only=True)
    records = {tuple(r["segment"]): r for r in document["segments"]}
    figures = {
        "Dropped leads": "dropped",
        "Drop-off rate": "dropoff_rate",
        "Revenue per SQL": "revenue_per_sql",
        "Revenue lost": "revenue_lost",
        "Wasted spend": "wasted_spend",
        "Recoverable revenue": "recoverable_revenue",
    }
    assert sorted(row[0].value for row in body[:-1]) == sorted(TRICKY)
    for row in body:
        label = row[0].value
        record = document["total"] if label == "Total" else records[(label,)]
        for title, key in figures.items():
            found = row[column(header, title)].value
            if isinstance(record[key], str):
                assert found == record[key], (label, title)
            else:
                assert found == pytest.approx(record[key], rel=1e-12), (label, title)


def test_workbook_labels_join_several_by_columns(tmp_path):
    path = salesforce(tmp_path)
    target = tmp_path / "report.xlsx"
    args = ["report", str(path), "--accepted", "Converted", "--revenue"]
    args += ["Opportunity Amount", "--by", "Lead Source", "--by", "Status"]
    result = run(*args, "-o", str(target))

    assert result.returncode == 0, result.stderr
    _, body = segment_rows(target)
    labels = [row[0].value for row in body[:-1]]
    assert "Web / Working - Contacted" in labels
    assert "Partner Referral / Closed - Converted" in labels
    assert len(labels) == 5
