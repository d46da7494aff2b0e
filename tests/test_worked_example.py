"""The worked example through every function, in cells and in the Python API.

One quarter: 500 MQLs, 150 SQLs, $300,000 closed-won revenue, $100 per MQL.
"""

import doctest

import numpy as np
import pandas as pd
import pytest

import leak_udfs
from leak_udfs import metrics
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

MQLS, SQLS, REVENUE, COST = 500, 150, 300_000, 100

CELL_CASES = [
    (LEAK_DROPOFF, (MQLS, SQLS), 0.7),
    (LEAK_DROPPED, (MQLS, SQLS), 350.0),
    (LEAK_CONVERSION, (MQLS, SQLS), 0.3),
    (LEAK_REV_PER_SQL, (REVENUE, SQLS), 2_000.0),
    (LEAK_LOST, (MQLS, SQLS, REVENUE), 700_000.0),
    (LEAK_WASTED, (MQLS, SQLS, COST), 35_000.0),
    (LEAK_RECOVERABLE, (MQLS, SQLS, REVENUE, 0.35), 50_000.0),
    (LEAK_RECOVERABLE, (MQLS, SQLS, REVENUE, 0.13), 0.0),
    (LEAK_RECOVERABLE, (MQLS, SQLS, REVENUE, 0.30), 0.0),
]


@pytest.mark.parametrize(("function", "args", "expected"), CELL_CASES)
def test_cell_function_gives_the_worked_example(function, args, expected):
    result = function(*args)

    assert result == pytest.approx(expected, rel=1e-15)
    assert type(result) is float


@pytest.mark.parametrize(("function", "args", "expected"), CELL_CASES)
def test_cell_function_on_a_one_cell_range_as_xlwings_gives_it(
    function, args, expected
):
    assert function(*([[a]] for a in args)) == [[pytest.approx(expected, rel=1e-15)]]


def test_worked_example_inputs_pass_the_check():
    assert LEAK_CHECK(MQLS, SQLS, REVENUE, COST) == "OK"
    assert LEAK_CHECK(MQLS, SQLS) == "OK"


API_CASES = [
    (leak_udfs.dropoff_rate, (MQLS, SQLS), 0.7),
    (leak_udfs.dropped_leads, (MQLS, SQLS), 350.0),
    (leak_udfs.conversion_rate, (MQLS, SQLS), 0.3),
    (leak_udfs.revenue_per_sql, (REVENUE, SQLS), 2_000.0),
    (leak_udfs.revenue_lost, (MQLS, SQLS, REVENUE), 700_000.0),
    (leak_udfs.wasted_spend, (MQLS, SQLS, COST), 35_000.0),
    (leak_udfs.recoverable_revenue, (MQLS, SQLS, REVENUE, 0.35), 50_000.0),
    (leak_udfs.recoverable_revenue, (MQLS, SQLS, REVENUE, 0.13), 0.0),
]


@pytest.mark.parametrize(("function", "args", "expected"), API_CASES)
def test_python_api_scalars(function, args, expected):
    result = function(*args)

    assert result == pytest.approx(expected, rel=1e-15)
    assert type(result) is float


def test_python_api_arrays_broadcast_against_scalars():
    mqls = np.array([500, 800, 0, 100])
    sqls = np.array([150, 200, 0, 120])

    lost = leak_udfs.revenue_lost(mqls, sqls, np.array([300_000, 500_000, 0, 1]))
    rates = leak_udfs.dropoff_rate(mqls, sqls)

    np.testing.assert_allclose(lost[:2], [700_000, 1_500_000])
    assert np.isnan(lost[2:]).all()
    np.testing.assert_allclose(rates[:2], [0.7, 0.75])
    assert np.isnan(rates[2:]).all()


def test_python_api_series_keep_their_index():
    months = pd.Index(["Jan", "Feb", "Mar"], name="month")
    mqls = pd.Series([200.0, 150.0, 150.0], index=months)
    sqls = pd.Series([60.0, 40.0, 50.0], index=months)
    revenue = pd.Series([120_000.0, 80_000.0, 100_000.0], index=months)

    lost = leak_udfs.revenue_lost(mqls, sqls, revenue)
    wasted = leak_udfs.wasted_spend(mqls, sqls, 100)

    assert list(lost.index) == ["Jan", "Feb", "Mar"]
    assert lost.index.name == "month"
    assert lost.tolist() == pytest.approx([280_000.0, 220_000.0, 200_000.0])
    assert wasted.tolist() == pytest.approx([14_000.0, 11_000.0, 10_000.0])


def test_python_api_aligns_series_on_their_index():
    mqls = pd.Series([500.0, 800.0], index=["email", "events"])
    sqls = pd.Series([200.0, 150.0], index=["events", "email"])

    rates = leak_udfs.dropoff_rate(mqls, sqls)

    assert rates["email"] == pytest.approx(0.7)
    assert rates["events"] == pytest.approx(0.75)


def test_python_api_gives_nan_where_a_cell_gives_an_error():
    assert np.isnan(leak_udfs.dropoff_rate(0, 0))
    assert np.isnan(leak_udfs.dropoff_rate(150, 180))
    assert np.isnan(leak_udfs.revenue_lost(500, -1, 300_000))
    assert np.isnan(leak_udfs.recoverable_revenue(500, 150, 300_000, 1.5))


def test_docstring_examples_run():
    failures, tried = doctest.testmod(metrics)

    assert tried >= 8
    assert failures == 0
