"""Time and peak memory of ``leak-udfs report`` against a bare pandas read.

Writes a lead-level export in HubSpot's shape (1,000,000 rows by default) to a
temporary directory, then runs, alternately and as whole processes:

- ``leak-udfs report LEADS.csv --accepted ... --revenue ... --by ...``
- ``python -c "import pandas; pandas.read_csv(path)"``

and prints, for each pair of runs and as the median over the pairs, the ratio
of wall time and of peak resident memory (the child's ru_maxrss, from
os.wait4). A ratio under 1 means the report beat the bare read.

    .venv/bin/python benchmarks/bench_report.py [--rows N] [--runs N]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = (
    "Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage,"
    "Lead Status,Original Source,Create Date,Amount"
)
SOURCES = np.array(
    [
        "Organic Search",
        "Paid Search",
        "Email Marketing",
        "Social Media",
        "Referrals",
        "Direct Traffic",
        "Offline Sources",
    ]
)
STAGES = np.array(["marketingqualifiedlead", "salesqualifiedlead", "opportunity"])
STATUSES = np.array(["New", "Open", "In Progress", "Unqualified", "Connected"])


def write_export(path: Path, rows: int, seed: int = 0) -> None:
    """A HubSpot-shaped export: quoted names with commas, $1,200.50 amounts."""
    rng = np.random.default_rng(seed)
    stage = STAGES[rng.choice(3, rows, p=[0.7, 0.2, 0.1])]
    source = SOURCES[rng.integers(0, len(SOURCES), rows)]
    status = STATUSES[rng.integers(0, len(STATUSES), rows)]
    cents = rng.integers(10_000, 5_000_000, rows)
    won = (stage != STAGES[0]) & (rng.random(rows) < 0.4)
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(HEADER + "\r\n")
        step = 100_000
        for start in range(0, rows, step):
            lines = []
            for i in range(start, min(start + step, rows)):
                amount = f'"${cents[i] / 100:,.2f}"' if won[i] else ""
                lines.append(
                    f'{i + 1},Ann{i % 997},"Smith, Jr.",ann{i}@example.com,'
                    f'"Acme {i % 5003}, Inc.",{stage[i]},{status[i]},{source[i]},'
                    f"2026-0{i % 9 + 1}-{i % 28 + 1:02d} 09:30,{amount}\r\n"
                )
            file.write("".join(lines))


def command() -> list[str]:
    """The installed console script beside this Python, else ``-m leak_udfs``."""
    script = shutil.which("leak-udfs", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "leak_udfs"]


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS in bytes of one child process run to the end."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv[0]} exited with status {child.returncode}")
    scale = 1 if sys.platform == "darwin" else 1024
    return elapsed, usage.ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "leads.csv"
        write_export(path, options.rows)
        size = path.stat().st_size / 2**20
        print(f"export: {options.rows:,} rows, {size:.0f} MiB")

        report = [
            *command(),
            "report",
            str(path),
            "--accepted",
            "Lifecycle Stage",
            "--accepted-values",
            "salesqualifiedlead,opportunity",
            "--revenue",
            "Amount",
            "--by",
            "Original Source",
            "--cost-per-mql",
            "100",
            "--target-rate",
            "0.35",
        ]
        bare = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]
        print("report:", " ".join(report[:2]), "...")
        print("bare:  ", " ".join(bare[1:]))

        measure(bare)
        time_ratios, memory_ratios = [], []
        for run in range(1, options.runs + 1):
            report_time, report_memory = measure(report)
            bare_time, bare_memory = measure(bare)
            time_ratios.append(report_time / bare_time)
            memory_ratios.append(report_memory / bare_memory)
            print(
                f"run {run}: report {report_time:.2f} s {report_memory / 2**20:.0f} MiB"
                f", bare read {bare_time:.2f} s {bare_memory / 2**20:.0f} MiB"
                f", ratios {time_ratios[-1]:.2f}x time {memory_ratios[-1]:.2f}x memory"
            )

    print(
        f"median ratio, report / bare read: {statistics.median(time_ratios):.2f}x "
        f"time, {statistics.median(memory_ratios):.2f}x peak memory"
    )


if __name__ == "__main__":
    main()
