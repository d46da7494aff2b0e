"""Reading lead-level exports into counts per segment, in process."""

import csv
import io
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leak_udfs import leads
from leak_udfs.leads import LeadsError, parse_amount, read_leads, record_line


def write(path, header, rows, *, delimiter=",", bom=False, line_end="\r\n"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())
    return path


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200.5", 1200.5),
        ("1,200.50", 1200.5),
        ("$1,200.50", 1200.5),
        (" $12,345,678 ", 12_345_678),
        ("-$5", -5),
        (".5", 0.5),
        ("3e5", 300_000),
    ],
)
def test_amounts_read_as_crms_export_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "1200,50", "1,20", "12,3456", "$", "USD 5", "nan", "1e999"]
)
def test_text_that_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_segments_sorted_and_trimmed(tmp_path):
    path = write(
        tmp_path / "leads.csv",
        ["Id", "Source", "SQL", "Amount"],
        [
            ["1", "Web ", "yes", "$10"],
            ["2", "Web", "no", ""],
            ["3", "Ads", "Y", "5"],
            ["4", "", "x", "1"],
        ],
    )
    counts = read_leads(path, "SQL", revenue="Amount", by=["Source"])
    assert counts.segments == [("",), ("Ads",), ("Web",)]
    assert counts.mqls.tolist() == [1, 1, 2]
    assert counts.sqls.tolist() == [1, 1, 1]
    assert counts.revenue.tolist() == [1.0, 5.0, 10.0]
    assert (counts.total_mqls, counts.total_sqls, counts.total_revenue) == (4, 3, 16)


def test_accepted_values_replace_the_truthy_ones(tmp_path):
    path = write(
        tmp_path / "leads.csv",
        ["Id", "Stage"],
        [["1", "SQL"], ["2", " opportunity "], ["3", "yes"], ["4", "MQL"]],
    )
    counts = read_leads(path, "Stage", accepted_values=["sql", "Opportunity"])
    assert (counts.total_mqls, counts.total_sqls) == (4, 2)
    assert counts.revenue is None and counts.total_revenue is None


def test_many_batches_count_as_one(tmp_path, monkeypatch):
    rows = [
        [str(i), f"S{i % 7}", "true" if i % 3 == 0 else "", f"${i:,}"]
        for i in range(5000)
    ]
    path = write(tmp_path / "leads.csv", ["Id", "Source", "SQL", "Amount"], rows)
    whole = read_leads(path, "SQL", revenue="Amount", by=["Source"])

    monkeypatch.setattr(leads, "_BLOCK_SIZE", 4096)
    seen = []
    batched = read_leads(
        path, "SQL", revenue="Amount", by=["Source"], progress=lambda *a: seen.append(a)
    )
    assert len(seen) > 10
    assert seen[-1][0] == 5000 and seen[-1][2] == path.stat().st_size
    assert batched.segments == whole.segments
    assert np.array_equal(batched.mqls, whole.mqls)
    assert np.array_equal(batched.sqls, whole.sqls)
    assert np.allclose(batched.revenue, whole.revenue)
    assert whole.total_revenue == sum(range(5000))


def test_bad_amount_line_counts_line_breaks_in_quoted_fields(tmp_path, monkeypatch):
    rows = [
        [str(i), "note\nwith\nbreaks" if i % 10 == 0 else "plain", "5"]
        for i in range(3000)
    ]
    rows[2500][2] = "five"
    path = write(tmp_path / "leads.csv", ["Id", "Notes", "Amount"], rows, line_end="\n")
    monkeypatch.setattr(leads, "_BLOCK_SIZE", 4096)

    with pytest.raises(LeadsError) as error:
        read_leads(path, "Id", revenue="Amount")
    line = 2 + 2500 + 2 * 250
    assert f"line {line}: cannot read 'five'" in str(error.value)
    assert path.read_text().split("\n")[line - 1].startswith("2500,")


def test_record_line_skips_blank_lines(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text('a,b\r\n1,"x\r\ny"\r\n\r\n2,z\r\n3,w\r\n', encoding="utf-8")
    assert [record_line(path, ",", i) for i in range(3)] == [2, 5, 6]
    counts = read_leads(path, "a", by=["b"])
    assert counts.total_mqls == 3


def test_semicolons_detected_even_with_commas_in_the_header(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text('"Name, full";SQL;Amount\nAnn;yes;"1,200.50"\n', encoding="utf-8")
    counts = read_leads(path, "SQL", revenue="Amount", by=["Name, full"])
    assert counts.segments == [("Ann",)]
    assert counts.total_revenue == 1200.5


def test_the_same_column_as_label_and_answer(tmp_path):
    path = write(tmp_path / "leads.csv", ["Id", "Status"], [["1", "yes"], ["2", "no"]])
    counts = read_leads(path, "Status", by=["Status"])
    assert counts.segments == [("no",), ("yes",)]
    assert counts.sqls.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf  \n", "is empty"),
        (b"Id,SQL\r\n", "has a header but no rows"),
        (b"Id,SQL\r\n\r\n\r\n", "has a header but no rows"),
        (b"Id,Answer\n1,yes\n", "no column 'SQL'; its columns are: 'Id', 'Answer'"),
        (b"Id,SQL,Amount\n1,yes,5\n2,no,1e999\n", "line 3: cannot read '1e999'"),
        (b"Id,SQL,Amount\n1,yes,1e308\n2,no,1e308\n", "add up to more than"),
    ],
)
def test_exports_that_cannot_be_read(tmp_path, content, says):
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(LeadsError, match=says):
        read_leads(path, "SQL", revenue="Amount" if b"Amount" in content else None)


pieces = ["a", "b", " ", ",", ";", '"', "\n", "\r\n", "x", "Y", "1", "$"]
cells = st.lists(st.sampled_from(pieces), max_size=6).map("".join)
"""Cell text with the characters that need quoting; a line break is LF or CRLF."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(cells, st.sampled_from(["yes", "no", " X ", "", "TRUE"]), cells),
        min_size=1,
        max_size=30,
    ),
    delimiter=st.sampled_from([",", ";"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_counts_match_a_plain_reading(tmp_path_factory, rows, delimiter, line_end, bom):
    path = tmp_path_factory.mktemp("export") / "leads.csv"
    write(path, ["Segment", "SQL", "Notes"], rows, delimiter=delimiter, bom=bom,
          line_end=line_end)  # fmt: skip
    expected = defaultdict(lambda: [0, 0])
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=delimiter)
        next(reader)
        for record in reader:
            if record:
                counts = expected[(record[0].strip(),)]
                counts[0] += 1
                counts[1] += record[1].strip().lower() in leads.TRUTHY

    counts = read_leads(path, "SQL", by=["Segment"])
    got = {
        segment: [int(m), int(s)]
        for segment, m, s in zip(counts.segments, counts.mqls, counts.sqls, strict=True)
    }
    assert got == dict(expected)
