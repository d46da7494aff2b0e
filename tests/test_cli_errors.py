"""Bad input: one line on stderr, exit status 2, no traceback, no output file."""

from pathlib import Path

import pytest
from test_cli import (
    HUBSPOT_FLAGS,
    HUBSPOT_HEADER,
    HUBSPOT_ROWS,
    export,
    hubspot,
    run,
)


def refused(*args: str, workbook: Path | None = None) -> str:
    """Run the command expecting a refusal; the one line it printed."""
    extra = ["-o", str(workbook)] if workbook is not None else []
    result = run(*args, *extra)

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    if workbook is not None:
        assert list(workbook.parent.iterdir()) == [], "a file was left behind"
    return lines[0]


@pytest.fixture
def workbook(tmp_path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    return out / "report.xlsx"


def test_missing_file(tmp_path, workbook):
    line = refused(
        "report", str(tmp_path / "nope.csv"), "--accepted", "X", workbook=workbook
    )
    assert "nope.csv does not exist" in line


def test_empty_file(tmp_path, workbook):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty.csv is empty" in refused(
        "report", str(path), "--accepted", "X", workbook=workbook
    )
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    assert "is empty" in refused("report", str(path), "--accepted", "X")


def test_header_and_no_rows(tmp_path, workbook):
    path = export(tmp_path / "leads.csv", HUBSPOT_HEADER, [])
    line = refused("report", str(path), *HUBSPOT_FLAGS, workbook=workbook)
    assert "has a header but no rows" in line


def test_missing_column_lists_the_columns(tmp_path, workbook):
    path = hubspot(tmp_path)
    line = refused(
        "report", str(path), *HUBSPOT_FLAGS, "--by", "Source", workbook=workbook
    )
    assert "no column 'Source'" in line
    assert "'Original Source'" in line and "'Record ID'" in line


def test_unreadable_amount_names_its_file_line(tmp_path, workbook):
    rows = [row[:] for row in HUBSPOT_ROWS]
    rows[4][-1] = "USD 12"
    path = export(tmp_path / "leads.csv", HUBSPOT_HEADER, rows, bom=True)
    line = refused("report", str(path), *HUBSPOT_FLAGS, workbook=workbook)

    # Data row 5 starts on file line 7: the header is line 1 and data row 2
    # holds a line break in a quoted field, so it takes lines 3 and 4.
    assert "line 7" in line and "'USD 12'" in line
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert text.split("\n")[6].startswith("105,")


def test_european_decimal_comma_is_refused_not_misread(tmp_path):
    path = export(
        tmp_path / "leads.csv",
        ["Lead ID", "Converted", "Amount"],
        [["1", "true", "1.200"], ["2", "true", "1200,50"]],
        delimiter=";",
    )
    line = refused(
        "report", str(path), "--accepted", "Converted", "--revenue", "Amount"
    )
    assert "line 3" in line and "'1200,50'" in line


def test_row_with_the_wrong_number_of_fields(tmp_path, workbook):
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Converted\n1,true\n2,true,extra\n", encoding="utf-8")
    line = refused("report", str(path), "--accepted", "Converted", workbook=workbook)
    assert "line 3" in line and "3 fields" in line


def test_not_utf8(tmp_path, workbook):
    path = tmp_path / "leads.csv"
    path.write_bytes("Lead ID,Converted\n1,true\n2,Sí\n".encode("cp1252"))
    line = refused("report", str(path), "--accepted", "Converted", workbook=workbook)
    assert "line 3" in line and "UTF-8" in line


@pytest.mark.parametrize(
    "flags",
    [
        ["--mqls", "abc", "--sqls", "1", "--revenue", "1"],
        ["--mqls", "500", "--sqls", "1e", "--revenue", "1"],
        ["--mqls", "500", "--sqls", "150", "--revenue", "lots"],
        ["--cost-per-mql", "cheap"],
        ["--target-rate", "high"],
        ["--target-rate", "nan"],
    ],
)
def test_flag_that_is_not_a_number(flags, workbook):
    line = refused("report", *flags, workbook=workbook)
    assert "is not a number" in line


def test_flag_not_a_number_with_an_export(tmp_path, workbook):
    path = hubspot(tmp_path)
    line = refused(
        "report", str(path), *HUBSPOT_FLAGS, "--cost-per-mql", "ten", workbook=workbook
    )
    assert "argument --cost-per-mql: 'ten' is not a number" in line


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--mqls", "500"], "go together"),
        (["--by", "Status"], "--by needs a LEADS.csv"),
        (["--accepted", "Status"], "--accepted needs a LEADS.csv"),
        (["--frobnicate"], "unrecognized arguments"),
        (["--portable"], "--portable goes with -o"),
    ],
)
def test_flags_that_do_not_fit(flags, says):
    assert says in refused("report", *flags)


def test_export_without_accepted_column(tmp_path):
    assert "needs --accepted" in refused("report", str(hubspot(tmp_path)))


def test_export_with_counts_given(tmp_path):
    line = refused("report", str(hubspot(tmp_path)), *HUBSPOT_FLAGS, "--mqls", "5")
    assert "leave them out" in line


def test_no_command():
    assert "required" in refused()


def test_workbook_name_must_be_xlsx(tmp_path):
    target = tmp_path / "report.csv"
    assert ".xlsx" in refused("report", "-o", str(target))
    assert not target.exists()


def test_workbook_in_a_missing_directory(tmp_path):
    target = tmp_path / "nowhere" / "report.xlsx"
    assert "does not exist" in refused("report", "-o", str(target))
