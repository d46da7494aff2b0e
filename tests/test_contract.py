"""Every rule of the spreadsheet contract, for single cells, 1-D and 2-D ranges."""

import datetime as dt
import inspect
import math

import numpy as np
import pytest

from leak_udfs.udfs import (
    LEAK_CHECK,
    LEAK_CONVERSION,
    LEAK_DROPOFF,
    LEAK_DROPPED,
    LEAK_LOST,
    LEAK_RECOVERABLE,
    LEAK_REV_PER_SQL,
    LEAK_WASTED,
)

NUMERIC = [
    LEAK_DROPOFF,
    LEAK_DROPPED,
    LEAK_CONVERSION,
    LEAK_REV_PER_SQL,
    LEAK_LOST,
    LEAK_WASTED,
    LEAK_RECOVERABLE,
]
GOOD_ARGS = {
    "mqls": 500,
    "sqls": 150,
    "revenue": 300_000,
    "cost_per_mql": 100,
    "target_rate": 0.35,
}


def names(function):
    return list(inspect.signature(function).parameters)


def call(function, **changes):
    args = {name: GOOD_ARGS[name] for name in names(function)}
    args.update({k: v for k, v in changes.items() if k in args})
    return function(**args)


def each_argument():
    return [(f, name) for f in NUMERIC for name in names(f)]


def ids(params):
    function, name = params
    return f"{function.__name__}-{name}"


@pytest.mark.parametrize(
    "text", ["abc", "1,000", "$100", "50%", "#N/A", "#DIV/0!", "nan", "inf", "1_000"]
)
@pytest.mark.parametrize(
    ("function", "name"), each_argument(), ids=map(ids, each_argument())
)
def test_text_that_is_not_a_plain_number_gives_value_error(function, name, text):
    assert call(function, **{name: text}) == "#VALUE!"


@pytest.mark.parametrize("flag", [True, False, np.bool_(True)])
@pytest.mark.parametrize(
    ("function", "name"), each_argument(), ids=map(ids, each_argument())
)
def test_a_boolean_gives_value_error(function, name, flag):
    assert call(function, **{name: flag}) == "#VALUE!"


@pytest.mark.parametrize(
    "odd", [dt.datetime(2026, 1, 1), {"type": "Error"}, object(), 1j]
)
def test_values_no_cell_holds_give_value_error_not_an_exception(odd):
    assert LEAK_LOST(odd, 150, 300_000) == "#VALUE!"


@pytest.mark.parametrize(
    ("text", "number"),
    [("500", 500.0), (" 150 ", 150.0), ("1e3", 1000.0), ("+42", 42.0), (".5", 0.5)],
)
def test_text_that_reads_as_a_plain_number_counts_as_that_number(text, number):
    assert LEAK_DROPPED(text, 0) == number
    assert LEAK_DROPPED([[text]], [[0]]) == [[number]]


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
@pytest.mark.parametrize(
    ("function", "name"), each_argument(), ids=map(ids, each_argument())
)
def test_a_blank_required_argument_gives_a_blank_result(function, name, blank):
    assert call(function, **{name: blank}) is None


@pytest.mark.parametrize("bad", [-1, -0.01, math.nan, math.inf, -math.inf, "-5"])
@pytest.mark.parametrize(
    ("function", "name"), each_argument(), ids=map(ids, each_argument())
)
def test_negative_nan_or_infinite_gives_num_error(function, name, bad):
    assert call(function, **{name: bad}) == "#NUM!"


@pytest.mark.parametrize(
    "function", [f for f in NUMERIC if {"mqls", "sqls"} <= set(names(f))]
)
def test_more_sqls_than_mqls_gives_num_error(function):
    assert call(function, mqls=150, sqls=180) == "#NUM!"


@pytest.mark.parametrize("rate", [1.01, -0.1, 35])
def test_target_rate_outside_zero_to_one_gives_num_error(rate):
    assert LEAK_RECOVERABLE(500, 150, 300_000, rate) == "#NUM!"


def test_target_rates_at_the_bounds_are_fine():
    assert LEAK_RECOVERABLE(500, 150, 300_000, 0) == 0.0
    assert LEAK_RECOVERABLE(500, 150, 300_000, 1) == 700_000.0


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (LEAK_DROPOFF, (0, 0)),
        (LEAK_CONVERSION, (0, 0)),
        (LEAK_REV_PER_SQL, (300_000, 0)),
        (LEAK_LOST, (500, 0, 300_000)),
        (LEAK_RECOVERABLE, (500, 0, 300_000, 0.35)),
    ],
)
def test_a_zero_divisor_gives_div0(function, args):
    assert function(*args) == "#DIV/0!"


def test_no_division_means_no_div0():
    assert LEAK_DROPPED(0, 0) == 0.0
    assert LEAK_WASTED(500, 0, 100) == 50_000.0


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (LEAK_LOST, (1e308, 1, 1e308)),
        (LEAK_WASTED, (1e308, 0, 1e10)),
        (LEAK_REV_PER_SQL, (1e308, 1e-10)),
        (LEAK_LOST, (10**400, 1, 1)),
    ],
)
def test_a_result_too_large_to_represent_gives_num_error(function, args):
    assert function(*args) == "#NUM!"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("abc", None, -1), "#VALUE!"),
        ((None, "abc", 0), "#VALUE!"),
        ((None, -1, 300_000), None),
        ((-5, 0, 300_000), "#NUM!"),
        ((500, 0, -1), "#NUM!"),
        ((0, 0, 300_000), "#DIV/0!"),
    ],
)
def test_errors_are_checked_in_the_contracts_order(args, expected):
    assert LEAK_LOST(*args) == expected


def test_more_sqls_than_zero_mqls_is_num_not_div0():
    assert LEAK_DROPOFF(0, 5) == "#NUM!"


def test_counts_may_be_fractional():
    assert LEAK_DROPOFF(500.5, 150.25) == pytest.approx(350.25 / 500.5)
    assert LEAK_LOST(12.5, 2.5, 1_000) == pytest.approx(4_000)


def test_a_column_stays_a_column_and_each_row_gets_its_own_result():
    mqls = [[500], [0], ["lots"], [None], [150], [800]]
    sqls = [[150], [0], [10], [5], [180], [200]]

    assert LEAK_DROPOFF(mqls, sqls) == [
        [pytest.approx(0.7)],
        ["#DIV/0!"],
        ["#VALUE!"],
        [None],
        ["#NUM!"],
        [pytest.approx(0.75)],
    ]


def test_a_row_stays_a_row():
    assert LEAK_DROPPED([[500, 800, 150]], [[150, 200, 180]]) == [
        [350.0, 600.0, "#NUM!"]
    ]


def test_a_2d_block_keeps_its_shape():
    result = LEAK_WASTED([[500, 800], [100, 0]], [[150, 200], [120, 0]], 100)

    assert result == [[35_000.0, 60_000.0], ["#NUM!", 0.0]]


def test_a_1d_list_gives_a_1d_list():
    assert LEAK_CONVERSION([500, 800, 0], [150, 200, 0]) == [0.3, 0.25, "#DIV/0!"]


@pytest.mark.parametrize("single", [100, [[100]], [100], "100"])
def test_a_single_cell_broadcasts_against_a_range(single):
    result = LEAK_WASTED([[500], [800]], [[150], [200]], single)

    assert result == [[35_000.0], [60_000.0]]


def test_a_single_blank_cell_blanks_every_row():
    assert LEAK_WASTED([[500], [800]], [[150], [200]], [[None]]) == [[None], [None]]


def test_a_1d_list_matches_a_column_of_the_same_length():
    assert LEAK_DROPPED([[500], [800]], [150, 200]) == [[350.0], [600.0]]


@pytest.mark.parametrize(
    ("mqls", "sqls"),
    [
        ([[500], [800]], [[150], [200], [100]]),
        ([[500], [800]], [[150, 200]]),
        ([500, 800], [150, 200, 100]),
        ([[500, 1], [800, 2]], [150, 200]),
    ],
)
def test_ranges_of_different_shapes_give_value_error(mqls, sqls):
    assert LEAK_DROPPED(mqls, sqls) == "#VALUE!"


@pytest.mark.parametrize(
    "odd_range", [[], [[]], [[1, 2], [3]], [[[1]]], [1, [2]], [[1], 2]]
)
def test_lists_that_are_not_ranges_give_value_error(odd_range):
    assert LEAK_DROPPED(odd_range, 0) == "#VALUE!"


def test_results_are_plain_floats_never_numpy_scalars():
    values = [
        LEAK_LOST(np.float64(500), np.int64(150), 300_000),
        *(v[0] for v in LEAK_LOST([[500], [800]], [[150], [200]], 300_000)),
        *LEAK_DROPOFF(np.array([500, 800]), np.array([150, 200])),
    ]

    assert all(type(v) is float for v in values)


def test_integers_give_floats():
    assert type(LEAK_DROPPED(500, 150)) is float


def test_check_names_what_is_wrong():
    assert LEAK_CHECK(500, 150, 300_000, 100) == "OK"
    assert LEAK_CHECK(150, 180) == (
        "SQLs (180) exceed MQLs (150): count SQLs from the same MQLs (one cohort)."
    )
    assert LEAK_CHECK("many", 150) == "MQLs is not a number."
    assert LEAK_CHECK(500, 150, True) == "Revenue is not a number."
    assert LEAK_CHECK(500, -3) == "SQLs is negative (-3)."
    assert LEAK_CHECK(500, 150, 300_000, -0.5) == "Cost per MQL is negative (-0.5)."
    assert LEAK_CHECK(500, math.nan) == "SQLs is not a finite number."
    assert LEAK_CHECK(0, 0) == "MQLs is zero, so there is no drop-off rate."
    assert LEAK_CHECK(500, 0) == "SQLs is zero, so there is no revenue per SQL."


def test_check_leaves_blank_rows_blank_and_skips_blank_optional_inputs():
    assert LEAK_CHECK(None, 150) is None
    assert LEAK_CHECK(500, 150, None, "") == "OK"


def test_check_works_down_a_column():
    result = LEAK_CHECK([[500], [150], [None]], [[150], [180], [1]], 300_000)

    assert result[0] == ["OK"]
    assert result[1][0].startswith("SQLs (180) exceed MQLs (150)")
    assert result[2] == [None]


def test_check_with_ranges_of_different_shapes_gives_value_error():
    assert LEAK_CHECK([[1], [2]], [[1], [2], [3]]) == "#VALUE!"
