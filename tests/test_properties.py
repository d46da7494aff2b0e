"""Property-based tests: whatever a cell holds, the functions keep the contract.

The oracle below is a second, deliberately plain reading of the contract, one
cell at a time in pure Python; the functions must agree with it everywhere.
"""

import math
import re

import pytest
from contract_args import NUMERIC_ARGS as FUNCTIONS
from hypothesis import given, settings
from hypothesis import strategies as st

from leak_udfs import udfs

ERRORS = ("#DIV/0!", "#NUM!", "#VALUE!")
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def read(cell):
    """A cell as a float, "blank" or "value" (an argument Excel would reject)."""
    if cell is None:
        return "blank"
    if isinstance(cell, bool):
        return "value"
    if isinstance(cell, int | float):
        try:
            return float(cell)
        except OverflowError:
            return math.inf
    if isinstance(cell, str):
        if cell.strip() == "":
            return "blank"
        if PLAIN_NUMBER.fullmatch(cell.strip()):
            return float(cell.strip())
        return "value"
    return "value"


def oracle(name, cells):
    """The contract for one set of single cells."""
    values = dict(zip(FUNCTIONS[name], map(read, cells), strict=True))
    if "value" in values.values():
        return "#VALUE!"
    if "blank" in values.values():
        return None
    if any(not math.isfinite(v) or v < 0 for v in values.values()):
        return "#NUM!"
    m, s = values.get("mqls"), values["sqls"]
    r, c, t = (values.get(k) for k in ("revenue", "cost_per_mql", "target_rate"))
    if m is not None and s > m:
        return "#NUM!"
    if t is not None and t > 1:
        return "#NUM!"

    divisor = m if name in ("LEAK_DROPOFF", "LEAK_CONVERSION") else s
    if name not in ("LEAK_DROPPED", "LEAK_WASTED") and divisor == 0:
        return "#DIV/0!"
    result = {
        "LEAK_DROPOFF": lambda: (m - s) / m,
        "LEAK_DROPPED": lambda: m - s,
        "LEAK_CONVERSION": lambda: s / m,
        "LEAK_REV_PER_SQL": lambda: r / s,
        "LEAK_LOST": lambda: (m - s) * (r / s),
        "LEAK_WASTED": lambda: (m - s) * c,
        "LEAK_RECOVERABLE": lambda: max(m * t - s, 0.0) * (r / s),
    }[name]()
    return result if math.isfinite(result) else "#NUM!"


numbers_as_text = st.one_of(
    st.integers(-1000, 10**6).map(str),
    st.floats(0, 1e6).map(lambda x: f" {x!r} "),
    st.sampled_from(["1e3", ".5", "+7", "-0", "0.", "1,000", "$5", "12%", "1_0"]),
)
cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1e9),
    st.integers(-(10**3), 10**6),
    st.integers(min_value=10**308, max_value=10**400),
    st.booleans(),
    st.text(max_size=8),
    numbers_as_text,
    st.sampled_from(["", "  ", "#N/A", "#DIV/0!", "#VALUE!", "nan", "inf", "TRUE"]),
)
plausible = st.one_of(
    st.floats(0, 1e4), st.integers(0, 10**4), st.floats(0, 1.5), st.sampled_from([0, 1])
)


def ranges(elements):
    """A scalar, a 1-D list or a 2-D list of rows, as xlwings may deliver."""
    return st.one_of(
        elements,
        st.lists(elements, min_size=1, max_size=6),
        st.integers(1, 4).flatmap(
            lambda width: st.lists(
                st.lists(elements, min_size=width, max_size=width),
                min_size=1,
                max_size=6,
            )
        ),
    )


anything = st.recursive(
    cells, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner), max_leaves=12
)


def flatten(result):
    if isinstance(result, list):
        for item in result:
            yield from flatten(item)
    else:
        yield result


def is_cell_result(value):
    return value is None or type(value) is float or value in ERRORS


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(FUNCTIONS)), data=st.data())
def test_any_values_give_only_cell_results_and_never_raise(name, data):
    args = [data.draw(anything) for _ in FUNCTIONS[name]]

    result = getattr(udfs, name)(*args)

    assert all(is_cell_result(v) for v in flatten(result))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(FUNCTIONS)), data=st.data())
def test_single_cells_agree_with_the_contract(name, data):
    args = [data.draw(st.one_of(cells, plausible, plausible)) for _ in FUNCTIONS[name]]

    result = getattr(udfs, name)(*args)

    assert result == oracle(name, args)


def elementwise(name, args):
    """The oracle over ranges of one shape, with single cells broadcast."""
    shapes = [(len(a), len(a[0])) for a in args if isinstance(a, list)]
    rows, cols = shapes[0]

    def at(a, i, j):
        return a[i][j] if isinstance(a, list) else a

    return [
        [oracle(name, [at(a, i, j) for a in args]) for j in range(cols)]
        for i in range(rows)
    ]


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(FUNCTIONS)),
    rows=st.integers(1, 8),
    cols=st.integers(1, 3),
    data=st.data(),
)
def test_ranges_agree_with_the_contract_element_by_element(name, rows, cols, data):
    block = st.lists(
        st.lists(st.one_of(cells, plausible, plausible), min_size=cols, max_size=cols),
        min_size=rows,
        max_size=rows,
    )
    args = [data.draw(st.one_of(block, block, cells)) for _ in FUNCTIONS[name]]
    if not any(isinstance(a, list) for a in args):
        args[0] = [[args[0]] * cols] * rows

    result = getattr(udfs, name)(*args)

    assert result == elementwise(name, args)


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(sorted(FUNCTIONS)),
    shapes=st.lists(
        st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=2, max_size=2
    ),
)
def test_ranges_of_different_shapes_give_value_error(name, shapes):
    (r1, c1), (r2, c2) = shapes
    if (r1, c1) == (r2, c2) or r1 * c1 == 1 or r2 * c2 == 1:
        return
    first = [[500.0] * c1] * r1
    second = [[150.0] * c2] * r2
    rest = [1.0] * (len(FUNCTIONS[name]) - 2)

    assert getattr(udfs, name)(first, second, *rest) == "#VALUE!"


@settings(max_examples=200, deadline=None)
@given(args=st.lists(anything, min_size=2, max_size=4))
def test_check_never_raises_and_gives_text_or_blank(args):
    result = udfs.LEAK_CHECK(*args)

    assert all(v is None or isinstance(v, str) for v in flatten(result))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_oracle_agrees_on_the_worked_example(name):
    worked = {"mqls": 500, "sqls": 150, "revenue": 300_000, "cost_per_mql": 100}
    args = [worked.get(a, 0.35) for a in FUNCTIONS[name]]

    assert getattr(udfs, name)(*args) == pytest.approx(oracle(name, args))


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(FUNCTIONS)), data=st.data())
def test_numbers_agree_with_the_formula(name, data):
    args = [data.draw(plausible) for _ in FUNCTIONS[name]]

    result = getattr(udfs, name)(*args)

    assert result == oracle(name, args)
