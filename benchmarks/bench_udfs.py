"""How much LEAK_LOST costs over the bare data transfer of the same call.

Excel hands a 100,000-row column to the function as xlwings delivers it, a
list of one-element rows. The baseline is the least any vectorised function
must do with it: turn the three argument lists into NumPy arrays and a result
array back into lists. The two are timed alternately in this process, and the
median of the paired ratios is printed, so that a noisy machine moves both.
Each timing holds the garbage collector off, as ``timeit`` does.

    python benchmarks/bench_udfs.py [--rows N] [--rounds N]
"""

import argparse
import gc
import random
import statistics
import time

import numpy as np

from leak_udfs import revenue_lost
from leak_udfs.udfs import LEAK_LOST


def column(rows, low, high, rng):
    return [[float(rng.randint(low, high))] for _ in range(rows)]


def spoil(col, share, rng):
    """A copy of ``col`` with ``share`` of its cells blank, empty or text."""
    col = [list(row) for row in col]
    for i in rng.sample(range(len(col)), int(len(col) * share)):
        col[i][0] = rng.choice([None, "", "n/a", " 12 "])
    return col


def bare_transfer(mqls, sqls, revenue):
    arrays = [np.array(a) for a in (mqls, sqls, revenue)]
    return np.zeros(arrays[0].shape).tolist()


def seconds(function, *args):
    """One call's wall time, with the cyclic garbage collector held off.

    As in ``timeit``: otherwise a full collection, whose cost depends on every
    object alive in the process, lands at random in one side or the other.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        function(*args)
        return time.perf_counter() - start
    finally:
        gc.enable()


def paired_ratio(function, baseline, args, rounds):
    ratios = []
    for _ in range(rounds):
        base = seconds(baseline, *args)
        ratios.append(seconds(function, *args) / base)
    return statistics.median(ratios)


def plain_lost(mqls, sqls, revenue):
    return (mqls - sqls) * (revenue / sqls)


def scalar_ratio(rounds, calls=20_000):
    ratios = []
    for _ in range(rounds):
        base = seconds(lambda: [plain_lost(500.0, 150.0, 3e5) for _ in range(calls)])
        udf = seconds(lambda: [LEAK_LOST(500.0, 150.0, 3e5) for _ in range(calls)])
        ratios.append(udf / base)
    return statistics.median(ratios), udf / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()

    rng = random.Random(7)
    mqls = column(options.rows, 200, 1_000, rng)
    sqls = column(options.rows, 1, 199, rng)
    revenue = column(options.rows, 0, 1_000_000, rng)
    numeric = (mqls, sqls, revenue)
    mixed = tuple(spoil(c, 0.01, rng) for c in numeric)
    expected = revenue_lost(*(np.array(c)[:, 0] for c in numeric))
    assert np.allclose([row[0] for row in LEAK_LOST(*numeric)], expected, rtol=0)

    print(f"LEAK_LOST over a {options.rows:,}-row column, time / bare data transfer")
    for label, args, goal in (
        ("all numeric", numeric, 1.5),
        ("1% blanks and text", mixed, 3.0),
    ):
        ratio = paired_ratio(LEAK_LOST, bare_transfer, args, options.rounds)
        print(f"  {label:<20} {ratio:5.2f}x   (goal: at most {goal}x)")

    ratio, per_call = scalar_ratio(options.rounds)
    print(
        f"LEAK_LOST on single cells, time / a plain Python expression: {ratio:.0f}x"
        f" ({per_call * 1e6:.1f} us a call)"
    )


if __name__ == "__main__":
    main()
