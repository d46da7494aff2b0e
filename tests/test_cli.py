"""The leak-udfs command, run as a user runs it: the installed console script.

Exports are made here in the shapes HubSpot and Salesforce write them.
"""

import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leak_udfs import metrics

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = shutil.which("leak-udfs", path=str(Path(sys.executable).parent))
COMMAND = [SCRIPT] if SCRIPT else [sys.executable, "-m", "leak_udfs"]

HUBSPOT_HEADER = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Company Name",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Create Date",
    "Amount",
]
HUBSPOT_ROWS = [
    ["101", "Ann", "Lee, Jr.", "ann@example.com", "Acme, Inc.", "salesqualifiedlead",
     "Open", "Organic Search", "2026-01-05 09:30", "$1,200.50"],
    ["102", "Bo", "Ng", "bo@example.com", "Line 1\nline 2", "marketingqualifiedlead",
     "New", "Organic Search", "2026-01-06 10:00", ""],
    ["103", "Cy", "Diaz", "cy@example.com", "Globex", "Opportunity",
     "In Progress", "Organic Search", "2026-01-07 11:15", "3,000"],
    ["104", "Di", "Ito", "di@example.com", "Initech", "marketingqualifiedlead",
     "Unqualified", "Organic Search", "2026-01-08 12:00", ""],
    ["105", "Ed", "Roe", "ed@example.com", "Umbrella; Ltd", "salesqualifiedlead",
     "Connected", "Paid Search", "2026-02-01 08:00", "2000"],
    ["106", "Fay", "Kim", "fay@example.com", 'The "Big" One', "marketingqualifiedlead",
     "New", "Paid Search", "2026-02-02 08:30", " "],
    ["107", "Gus", "Poe", "gus@example.com", "Hooli", "marketingqualifiedlead",
     "Open", "Paid Search", "2026-02-03 09:00", ""],
    ["108", "Hal", "Orr", "hal@example.com", "Vandelay", "marketingqualifiedlead",
     "New", "Referrals", "2026-03-01 14:00", ""],
    ["109", "Ivy", "Yu", "ivy@example.com", "Soylent", "marketingqualifiedlead",
     "Unqualified", "Referrals", "2026-03-02 15:00", ""],
    ["110", "Jo", "Abe", "jo@example.com", "Stark\r\nInc.", "marketingqualifiedlead",
     "Open", "Referrals", "2026-03-03 16:00", ""],
]  # fmt: skip
HUBSPOT_FLAGS = [
    "--accepted",
    "Lifecycle Stage",
    "--accepted-values",
    "salesqualifiedlead, OPPORTUNITY",
    "--revenue",
    "Amount",
]

SALESFORCE_HEADER = [
    "Lead ID",
    "First Name",
    "Last Name",
    "Company",
    "Lead Source",
    "Status",
    "Converted",
    "Opportunity Amount",
    "Description",
]
SALESFORCE_ROWS = [
    ["00Q1", "Ann", "Lee", "Acme, Inc.", "Web", "Working - Contacted", "true",
     "1200.5", "asked for a demo;\nfollow up"],
    ["00Q2", "Bo", "Ng", "Globex", "Web", "Open - Not Contacted", "false", "", ""],
    ["00Q3", "Cy", "Diaz", "Initech", "Web", "Working - Contacted", "TRUE",
     "$800.00", ""],
    ["00Q4", "Di", "Ito", "Hooli", "Partner Referral", "Closed - Converted", "True",
     "10,000", ""],
    ["00Q5", "Ed", "Roe", "Vandelay", "Partner Referral", "Open - Not Contacted",
     "false", "", "said \"call in Q3\""],
    ["00Q6", "Fay", "Kim", "Soylent", "Trade Show", "Closed - Not Converted", "false",
     "", ""],
]  # fmt: skip


def export(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    line_end: str = "\r\n",
) -> Path:
    """Write an export as a CRM does: quoting where needed, BOM and line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def hubspot(directory: Path, **options) -> Path:
    options.setdefault("bom", True)
    return export(directory / "hubspot.csv", HUBSPOT_HEADER, HUBSPOT_ROWS, **options)


def salesforce(directory: Path, **options) -> Path:
    options.setdefault("delimiter", ";")
    return export(
        directory / "salesforce.csv", SALESFORCE_HEADER, SALESFORCE_ROWS, **options
    )


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        env=None if env is None else {**os.environ, **env},
        timeout=120,
    )


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def by_segment(document: dict) -> dict:
    return {tuple(r["segment"]): r for r in document["segments"]}


KEYS = [
    "segment",
    "mqls",
    "sqls",
    "revenue",
    "dropped",
    "dropoff_rate",
    "conversion_rate",
    "revenue_per_sql",
    "revenue_lost",
    "wasted_spend",
    "recoverable_revenue",
]


def test_worked_example_reads_as_three_steps():
    result = run("report")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    step1 = next(line for line in lines if line.startswith("Step 1"))
    step2 = next(line for line in lines if line.startswith("Step 2"))
    step3 = next(line for line in lines if line.startswith("Step 3"))
    wasted = next(line for line in lines if "wasted spend" in line.lower())
    recoverable = next(line for line in lines if line.startswith("Recoverable"))
    assert "70.0%" in step1 and "350 dropped leads" in step1
    assert "$2,000" in step2
    assert "$700,000" in step3
    assert "$35,000" in wasted and "sunk cost" in wasted and "never added" in wasted
    assert "$50,000" in recoverable and "35.0%" in recoverable
    assert "$735,000" not in result.stdout
    assert "Check" not in result.stdout


def test_worked_example_as_json():
    document = run_json("report")

    assert document["segments"] == []
    total = document["total"]
    assert list(total) == KEYS
    assert total == {
        "segment": [],
        "mqls": 500,
        "sqls": 150,
        "revenue": 300_000.0,
        "dropped": 350.0,
        "dropoff_rate": pytest.approx(0.7),
        "conversion_rate": pytest.approx(0.3),
        "revenue_per_sql": pytest.approx(2000.0),
        "revenue_lost": pytest.approx(700_000.0),
        "wasted_spend": pytest.approx(35_000.0),
        "recoverable_revenue": pytest.approx(50_000.0),
    }


def test_module_runs_the_same_command():
    by_module = subprocess.run(
        [sys.executable, "-m", "leak_udfs", "report"], capture_output=True, text=True
    )
    assert by_module.returncode == 0
    assert by_module.stdout == run("report").stdout


def test_numbers_given_as_flags_as_a_person_types_them():
    args = ["report", "--mqls", "1,000", "--sqls", "200", "--revenue", "$500,000"]
    document = run_json(*args, "--cost-per-mql", "$50", "--target-rate", "25%")

    total = document["total"]
    assert total["dropped"] == 800
    assert total["dropoff_rate"] == pytest.approx(0.8)
    assert total["revenue_per_sql"] == pytest.approx(2500)
    assert total["revenue_lost"] == pytest.approx(2_000_000)
    assert total["wasted_spend"] == pytest.approx(40_000)
    assert total["recoverable_revenue"] == pytest.approx(125_000)

    text = run(*args).stdout
    assert "$2,000,000" in text and "80.0%" in text and "$2,500" in text


def test_numbers_without_cost_or_target_leave_those_figures_out():
    args = ["report", "--mqls", "500", "--sqls", "150", "--revenue", "300000"]
    total = run_json(*args)["total"]
    assert total["wasted_spend"] is None
    assert total["recoverable_revenue"] is None
    assert total["revenue_lost"] == pytest.approx(700_000)
    assert "--cost-per-mql" in run(*args).stdout


def test_sqls_above_mqls_are_flagged_not_hidden():
    args = ["report", "--mqls", "150", "--sqls", "180", "--revenue", "300000"]
    result = run(*args)

    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert first == f"Check: {metrics.problem(150, 180, 300000)}"
    step1 = next(line for line in result.stdout.splitlines() if "Step 1" in line)
    assert "#NUM!" in step1

    as_json = run(*args, "--json")
    total = json.loads(as_json.stdout)["total"]
    assert total["dropoff_rate"] == "#NUM!"
    assert total["revenue_lost"] == "#NUM!"
    assert metrics.problem(150, 180) in as_json.stderr


def test_zero_counts_give_div0_text():
    document = run_json("report", "--mqls", "0", "--sqls", "0", "--revenue", "0")
    total = document["total"]
    assert total["dropoff_rate"] == "#DIV/0!"
    assert total["revenue_per_sql"] == "#DIV/0!"
    assert total["dropped"] == 0


def test_out_of_range_flags_go_through_the_contract():
    result = run("report", "--target-rate", "35", "--cost-per-mql=-5", "--json")

    assert result.returncode == 0
    total = json.loads(result.stdout)["total"]
    assert total["recoverable_revenue"] == "#NUM!"
    assert total["wasted_spend"] == "#NUM!"
    assert total["revenue_lost"] == pytest.approx(700_000)
    assert "Cost per MQL is negative" in result.stderr

    text = run("report", "--target-rate", "35").stdout
    assert text.startswith("Check: Target rate (35) is outside 0..1")


def test_hubspot_export_by_source(tmp_path):
    path = hubspot(tmp_path)
    document = run_json(
        "report",
        str(path),
        *HUBSPOT_FLAGS,
        "--by",
        "Original Source",
        "--cost-per-mql",
        "100",
        "--target-rate",
        "0.35",
    )

    segments = by_segment(document)
    assert list(segments) == [("Organic Search",), ("Paid Search",), ("Referrals",)]
    organic = segments[("Organic Search",)]
    assert list(organic) == KEYS
    assert (organic["mqls"], organic["sqls"]) == (4, 2)
    assert organic["revenue"] == pytest.approx(4200.5)
    assert organic["dropped"] == 2
    assert organic["dropoff_rate"] == pytest.approx(0.5)
    assert organic["conversion_rate"] == pytest.approx(0.5)
    assert organic["revenue_per_sql"] == pytest.approx(2100.25)
    assert organic["revenue_lost"] == pytest.approx(4200.5)
    assert organic["wasted_spend"] == pytest.approx(200)
    assert organic["recoverable_revenue"] == 0

    paid = segments[("Paid Search",)]
    assert (paid["mqls"], paid["sqls"], paid["revenue"]) == (3, 1, 2000)
    assert paid["recoverable_revenue"] == pytest.approx((3 * 0.35 - 1) * 2000)

    referrals = segments[("Referrals",)]
    assert (referrals["mqls"], referrals["sqls"]) == (3, 0)
    assert referrals["revenue_per_sql"] == "#DIV/0!"
    assert referrals["revenue_lost"] == "#DIV/0!"
    assert referrals["wasted_spend"] == pytest.approx(300)

    total = document["total"]
    assert total["segment"] == []
    assert (total["mqls"], total["sqls"]) == (10, 3)
    assert total["revenue"] == pytest.approx(6200.5)
    assert total["revenue_lost"] == pytest.approx(7 * 6200.5 / 3)
    assert total["recoverable_revenue"] == pytest.approx(0.5 * 6200.5 / 3)


def test_salesforce_export_semicolons_by_two_columns(tmp_path):
    path = salesforce(tmp_path)
    args = ["report", str(path), "--accepted", "Converted"]
    args += ["--revenue", "Opportunity Amount", "--by", "Lead Source", "--by", "Status"]
    document = run_json(*args)

    segments = by_segment(document)
    web_working = segments[("Web", "Working - Contacted")]
    assert (web_working["mqls"], web_working["sqls"]) == (2, 2)
    assert web_working["revenue"] == pytest.approx(2000.5)
    assert segments[("Web", "Open - Not Contacted")]["sqls"] == 0
    assert segments[("Partner Referral", "Closed - Converted")]["revenue"] == 10_000
    assert len(segments) == 5
    total = document["total"]
    assert (total["mqls"], total["sqls"], total["revenue"]) == (6, 3, 12_000.5)
    assert total["wasted_spend"] is None and total["recoverable_revenue"] is None

    table = run(*args).stdout
    assert "Lead Source / Status" in table.splitlines()[0]
    assert "Web / Working - Contacted" in table


def test_same_figures_whatever_the_file_encoding(tmp_path):
    flags = [*HUBSPOT_FLAGS, "--by", "Original Source"]
    shapes = [
        {"bom": True, "delimiter": ",", "line_end": "\r\n"},
        {"bom": False, "delimiter": ",", "line_end": "\n"},
        {"bom": True, "delimiter": ";", "line_end": "\n"},
        {"bom": False, "delimiter": ";", "line_end": "\r\n"},
    ]
    documents = []
    for i, shape in enumerate(shapes):
        directory = tmp_path / str(i)
        directory.mkdir()
        documents.append(run_json("report", str(hubspot(directory, **shape)), *flags))
    assert all(document == documents[0] for document in documents)
    assert documents[0]["total"]["mqls"] == 10


def test_table_is_aligned_with_a_total_row(tmp_path):
    path = hubspot(tmp_path)
    result = run(
        "report", str(path), *HUBSPOT_FLAGS, "--by", "Original Source",
        "--cost-per-mql", "100", "--target-rate", "0.35",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header, rule = lines[0], lines[1]
    table = lines[: lines.index("")] if "" in lines else lines
    assert header.split("  ")[0].strip() == "Original Source"
    width = len("Original Source")
    assert [line[:width].rstrip() for line in table[2:5]] == [
        "Organic Search",
        "Paid Search",
        "Referrals",
    ]
    assert table[-1].startswith("Total")
    assert table[-2] == rule
    gaps = [i for i, ch in enumerate(rule) if ch == " "]
    for line in table:
        assert len(line) == len(rule), line
        assert all(line[i] == " " for i in gaps), line

    organic = table[2]
    assert "$4,201" in organic and "50.0%" in organic and "$200" in organic
    assert "#DIV/0!" in table[4]
    assert "$6,201" in table[-1] and "70.0%" in table[-1]
    assert "never added" in result.stdout


def test_no_by_gives_the_total_only(tmp_path):
    document = run_json("report", str(hubspot(tmp_path)), *HUBSPOT_FLAGS)
    assert document["segments"] == []
    assert (document["total"]["mqls"], document["total"]["sqls"]) == (10, 3)


def test_without_revenue_the_revenue_figures_are_blank(tmp_path):
    path = salesforce(tmp_path)
    args = ["report", str(path), "--accepted", "Converted", "--by", "Lead Source"]
    document = run_json(*args)
    web = by_segment(document)[("Web",)]
    assert (web["mqls"], web["sqls"]) == (3, 2)
    assert web["revenue"] is None
    assert web["revenue_per_sql"] is None and web["revenue_lost"] is None
    assert web["dropoff_rate"] == pytest.approx(1 / 3)

    header = run(*args).stdout.splitlines()[0]
    assert "Revenue" not in header and "Drop-off" in header


def test_accepted_is_truthy_in_any_case(tmp_path):
    answers = ["TRUE", " yes ", "Y", "1", "x", "X", "no", "", "0", "false", "n"]
    path = export(
        tmp_path / "leads.csv",
        ["Lead ID", "Converted"],
        [[str(i), a] for i, a in enumerate(answers)],
    )
    total = run_json("report", str(path), "--accepted", "Converted")["total"]
    assert (total["mqls"], total["sqls"]) == (len(answers), 6)


def test_amounts_as_crms_export_them(tmp_path):
    amounts = ["1200.5", "1,200.50", "$1,200.50", " $2,000 ", "", "0.25", "-$0.25"]
    path = export(
        tmp_path / "leads.csv",
        ["Lead ID", "Converted", "Amount"],
        [[str(i), "true", a] for i, a in enumerate(amounts)],
    )
    total = run_json(
        "report", str(path), "--accepted", "Converted", "--revenue", "Amount"
    )
    assert total["total"]["revenue"] == pytest.approx(3 * 1200.5 + 2000)


def test_progress_shows_on_stderr_only_when_slow(tmp_path):
    rows = [
        [str(i), "Organic Search" if i % 3 else "Paid Search", "true" if i % 4 else "",
         f"${i % 1000:,}.50", "x" * 40]
        for i in range(150_000)
    ]  # fmt: skip
    header = ["Record ID", "Original Source", "Converted", "Amount", "Notes"]
    path = export(tmp_path / "big.csv", header, rows)
    args = ["report", str(path), "--accepted", "Converted", "--revenue", "Amount"]
    args += ["--by", "Original Source", "--json"]

    slow = run(*args, env={"LEAK_UDFS_PROGRESS_AFTER": "0"})
    assert slow.returncode == 0, slow.stderr
    document = json.loads(slow.stdout)
    assert document["total"]["mqls"] == 150_000
    assert "rows" in slow.stderr and "leak-udfs: reading big.csv" in slow.stderr

    quick = run(*args)
    assert quick.stderr == ""
    assert json.loads(quick.stdout) == document


def test_report_path_imports_no_excel_library():
    code = (
        "import sys; from leak_udfs.cli import main; main(['report', '--json']); "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('xlwings', 'openpyxl', 'xlsxwriter')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_table_names_from_the_export_cannot_drive_the_terminal(tmp_path):
    names = ["Web\x1b[2J", "日本語", "two\nlines", "Café"]
    path = export(
        tmp_path / "leads.csv",
        ["Lead ID", "Lead Source", "Converted"],
        [[str(i), name, "true"] for i, name in enumerate(names)],
    )
    result = run("report", str(path), "--accepted", "Converted", "--by", "Lead Source")

    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert "Web\\x1b[2J" in result.stdout and "two lines" in result.stdout
    rows = lines[2:6]
    assert sorted(row.split("  ")[0].strip() for row in rows) == sorted(
        ["Café", "Web\\x1b[2J", "two lines", "日本語"]
    )
    wide = next(row for row in rows if row.startswith("日本語"))
    assert len(wide) + 3 == len(lines[1]), "a wide character takes two columns"


def test_readme_examples_are_real_output(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```console\n(.*?)```", section, flags=re.S)
    assert len(examples) >= 4

    hubspot(tmp_path).rename(tmp_path / "hubspot-leads.csv")
    rows = [row[:] for row in HUBSPOT_ROWS]
    rows[4][-1] = "USD 12"
    export(tmp_path / "leads.csv", HUBSPOT_HEADER, rows, bom=True)

    for example in examples:
        lines = example.splitlines()
        command = lines.pop(0)
        while command.endswith("\\"):
            command = command[:-1] + lines.pop(0)
        argv = shlex.split(command.removeprefix("$ "))
        assert argv[0] == "leak-udfs"
        result = subprocess.run(
            [*COMMAND, *argv[1:]], capture_output=True, text=True, cwd=tmp_path
        )
        shown = (result.stdout + result.stderr).splitlines()
        if lines[-1] == "...":
            assert shown[: len(lines) - 1] == lines[:-1], command
        else:
            assert shown == lines, command
