"""The ``leak-udfs`` command: the leak report from numbers or a CRM export.

``leak-udfs report`` prints the worked example, or the report for the numbers
given as flags, or for a lead-level export (one row per MQL) grouped by
segment; ``-o`` also writes the by-segment workbook filled in. ``leak-udfs
templates DIR`` writes the template workbooks and their ``xlwings.conf``.

Results go to stdout, progress and problems to stderr. Bad input exits with
status 2 and one line on stderr; status 1 means a bug.
"""

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from leak_udfs import files, metrics, report
from leak_udfs.leads import LeadsError, parse_amount, read_leads

XLWINGS_CONF = '"UDF MODULES","leak_udfs.udfs"\n'
"""The xlwings configuration naming the module that holds the LEAK_* functions."""

WORKED_EXAMPLE = {
    "mqls": 500.0,
    "sqls": 150.0,
    "revenue": 300_000.0,
    "cost_per_mql": 100.0,
    "target_rate": 0.35,
}
"""One quarter's numbers, reported when ``report`` is given none."""

ALL_LEADS = "All leads"
"""The workbook's segment label when the report has no segments."""

PROGRESS_AFTER = 2.0
"""Seconds of reading before progress shows; LEAK_UDFS_PROGRESS_AFTER overrides."""


class UsageError(Exception):
    """Input the command refuses; the message is one line."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, status 2."""

    def error(self, message: str):
        text = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {text} (see '{self.prog} --help')\n")


def _number(text: str) -> float:
    try:
        return parse_amount(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _rate(text: str) -> float:
    stripped = text.strip()
    if stripped.endswith("%"):
        return _number(stripped[:-1]) / 100
    return _number(stripped)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="leak-udfs",
        description="Put a dollar figure on the marketing leads Sales never works.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "report",
        help="the leak report, from numbers or a CRM export",
        description=(
            "The leak report. With no LEADS.csv: the worked example, or the "
            "numbers given with --mqls, --sqls and --revenue. With LEADS.csv "
            "(one row per MQL): MQLs, SQLs and revenue counted per segment."
        ),
    )
    run.add_argument(
        "leads", nargs="?", metavar="LEADS.csv", help="a CRM export, one row per MQL"
    )
    run.add_argument("--mqls", type=_number, metavar="N", help="MQLs in the period")
    run.add_argument("--sqls", type=_number, metavar="N", help="SQLs in the period")
    run.add_argument(
        "--revenue",
        metavar="X|COLUMN",
        help="closed-won revenue; with LEADS.csv, the column of each lead's amount",
    )
    run.add_argument(
        "--accepted",
        metavar="COLUMN",
        help="with LEADS.csv: the column saying whether a lead became an SQL",
    )
    run.add_argument(
        "--accepted-values",
        action="append",
        metavar="V1,V2,...",
        help="values of --accepted that mean an SQL (default: true, yes, y, 1, x)",
    )
    run.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="with LEADS.csv: group by this column; may be given more than once",
    )
    run.add_argument(
        "--cost-per-mql", type=_number, metavar="X", help="marketing cost of one MQL"
    )
    run.add_argument(
        "--target-rate",
        type=_rate,
        metavar="R",
        help="target MQL-to-SQL conversion rate, 0.35 or 35%%",
    )
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.add_argument(
        "-o",
        "--output",
        metavar="REPORT.xlsx",
        help="also write the by-segment workbook, filled in",
    )
    run.add_argument(
        "--portable",
        action="store_true",
        help="with -o: plain formulas that any spreadsheet computes, no add-in",
    )
    run.add_argument(
        "--force", action="store_true", help="let -o overwrite an existing file"
    )
    run.set_defaults(run=_report)

    write = commands.add_parser(
        "templates",
        help="write the template workbooks and xlwings.conf into a directory",
        description="Write the template workbooks and their xlwings.conf into DIR.",
    )
    write.add_argument("directory", metavar="DIR", help="created if missing")
    write.add_argument(
        "--force", action="store_true", help="overwrite files already there"
    )
    write.set_defaults(run=_templates)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the return value is the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a segment's name shows an escape instead.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, LeadsError) as error:
        print(f"leak-udfs: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("leak-udfs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _report(args) -> int:
    if args.portable and args.output is None:
        raise UsageError("--portable goes with -o REPORT.xlsx")
    output = _output_path(args.output, args.force)
    if args.leads is None:
        result, check = _numbers_report(args)
    else:
        result, check = _leads_report(args)

    if output is not None:
        _write_workbook(output, result, force=args.force, portable=args.portable)

    if args.json:
        if check:
            print(f"leak-udfs: warning: {check}", file=sys.stderr)
        print(json.dumps(result.document(), indent=2, allow_nan=False))
    else:
        text = report.steps(result) if args.leads is None else report.table(result)
        print(f"Check: {check}\n\n{text}" if check else text)
    return 0


def _numbers_report(args) -> tuple[report.Report, str | None]:
    """The report for one period's numbers, or for the worked example."""
    export_flags = {
        "--accepted": args.accepted,
        "--accepted-values": args.accepted_values,
        "--by": args.by,
    }
    for flag, value in export_flags.items():
        if value:
            raise UsageError(f"{flag} needs a LEADS.csv export to read")

    given = (args.mqls, args.sqls, args.revenue)
    cost_per_mql, target_rate = args.cost_per_mql, args.target_rate
    if given == (None, None, None):
        example = WORKED_EXAMPLE
        mqls, sqls, revenue = example["mqls"], example["sqls"], example["revenue"]
        if cost_per_mql is None:
            cost_per_mql = example["cost_per_mql"]
        if target_rate is None:
            target_rate = example["target_rate"]
    elif None in given:
        raise UsageError(
            "--mqls, --sqls and --revenue go together; give all three, "
            "or none for the worked example"
        )
    else:
        mqls, sqls = args.mqls, args.sqls
        try:
            revenue = parse_amount(args.revenue)
        except ValueError:
            raise UsageError(f"--revenue: {args.revenue!r} is not a number") from None

    result = report.period(
        mqls, sqls, revenue, cost_per_mql=cost_per_mql, target_rate=target_rate
    )
    return result, _check(mqls, sqls, revenue, cost_per_mql, target_rate)


def _leads_report(args) -> tuple[report.Report, str | None]:
    """The report per segment of a lead-level export."""
    if args.mqls is not None or args.sqls is not None:
        raise UsageError("--mqls and --sqls are counted from LEADS.csv; leave them out")
    if not args.accepted:
        raise UsageError(
            "a LEADS.csv report needs --accepted COLUMN, the column that says "
            "whether a lead became an SQL"
        )
    accepted_values = None
    if args.accepted_values:
        # Known limit: values are split on commas, so a value holding a comma
        # cannot be listed.
        accepted_values = [
            value.strip()
            for given in args.accepted_values
            for value in given.split(",")
            if value.strip()
        ]
        if not accepted_values:
            raise UsageError("--accepted-values lists no value")

    progress = _Progress(Path(args.leads).name)
    try:
        counts = read_leads(
            args.leads,
            args.accepted,
            accepted_values=accepted_values,
            revenue=args.revenue,
            by=args.by,
            progress=progress,
        )
    finally:
        progress.close()

    total = (counts.total_mqls, counts.total_sqls, counts.total_revenue)
    result = report.build(
        counts.by,
        counts.segments,
        counts.mqls,
        counts.sqls,
        counts.revenue,
        total=total,
        cost_per_mql=args.cost_per_mql,
        target_rate=args.target_rate,
    )
    return result, _check(*total, args.cost_per_mql, args.target_rate)


def _check(mqls, sqls, revenue, cost_per_mql, target_rate) -> str | None:
    """The sentence naming what is wrong with the inputs, or None."""
    sentence = metrics.problem(mqls, sqls, revenue, cost_per_mql)
    if sentence != "OK":
        return sentence
    if target_rate is not None and not 0 <= target_rate <= 1:
        return (
            f"Target rate ({target_rate:g}) is outside 0..1: "
            "give it as a fraction (0.35) or a percentage (35%)."
        )
    return None


class _Progress:
    """Rows read, on stderr, once reading has taken a couple of seconds."""

    def __init__(self, name: str, every: float = 1.0):
        try:
            after = float(os.environ.get("LEAK_UDFS_PROGRESS_AFTER", PROGRESS_AFTER))
        except ValueError:
            after = PROGRESS_AFTER
        self.name = name
        self.every = every
        self.next = time.monotonic() + after
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, rows: int, done: int, size: int) -> None:
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.every
        share = f", {min(done / size, 1):.0%}" if size else ""
        line = f"leak-udfs: reading {self.name}: {rows:,} rows{share}"
        sys.stderr.write(f"\r{line}" if self.tty else f"{line}\n")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _output_path(name: str | None, force: bool) -> Path | None:
    """The -o path, refused early if it cannot or may not be written."""
    if name is None:
        return None
    path = Path(name)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {name}: the workbook's name must end in .xlsx")
    if path.is_dir():
        raise UsageError(f"-o {name} is a directory")
    if path.exists() and not force:
        raise UsageError(f"{name} exists; give --force to overwrite it")
    if not path.parent.is_dir():
        raise UsageError(f"-o {name}: directory {path.parent} does not exist")
    return path


def _write_workbook(
    path: Path, result: report.Report, *, force: bool, portable: bool
) -> None:
    """The by-segment workbook of the report, written atomically."""
    from leak_udfs import templates

    rows = result.records()
    segments = rows[:-1] or rows[-1:]
    filled = [
        templates.Segment(
            label=report.workbook_label(row["segment"]) or ALL_LEADS,
            mqls=float(row["mqls"]),
            sqls=float(row["sqls"]),
            revenue=math.nan if row["revenue"] is None else row["revenue"],
            cost_per_mql=result.cost_per_mql,
            target_rate=result.target_rate,
        )
        for row in segments
    ]
    data = templates.by_segment_workbook(filled, portable=portable)
    write_atomic(path, data, force=force)
    print(f"leak-udfs: wrote {path}", file=sys.stderr)


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically, as ``files.write_atomic`` does.

    Without ``force`` an existing file is kept; that and any failure to write
    raise ``UsageError`` with one line.
    """
    try:
        files.write_atomic(path, data, replace=force)
    except FileExistsError:
        raise UsageError(f"{path} exists; give --force to overwrite it") from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None


def _templates(args) -> int:
    """Write the template workbooks and xlwings.conf into a directory."""
    from leak_udfs import templates

    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a directory")
    names = [*templates.TEMPLATE_NAMES, "xlwings.conf"]
    present = [name for name in names if (directory / name).exists()]
    if present and not args.force:
        raise UsageError(
            f"{directory} already has {', '.join(present)}; give --force to overwrite"
        )

    try:
        written = templates.write_templates(directory)
    except OSError as error:
        raise UsageError(f"cannot write into {directory}: {error.strerror}") from None
    conf = directory / "xlwings.conf"
    write_atomic(conf, XLWINGS_CONF.encode(), force=True)
    for path in [*written, conf]:
        print(path)
    return 0
