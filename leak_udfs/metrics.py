"""The lead leak formulas, vectorised over NumPy arrays and pandas Series.

Marketing hands Sales its Marketing Qualified Leads (MQLs); Sales accepts some
as Sales Qualified Leads (SQLs). The leak is measured in three steps::

    drop-off rate     = (MQLs - SQLs) / MQLs
    revenue per SQL   = closed-won revenue / SQLs
    revenue lost      = (MQLs - SQLs) x revenue per SQL

with wasted spend = (MQLs - SQLs) x cost per MQL beside it, and recoverable
revenue = max(0, MQLs x target rate - SQLs) x revenue per SQL as the realistic
figure.

Every public function here takes scalars, NumPy arrays or pandas Series, which
broadcast against each other like NumPy ufunc arguments. A scalar in gives a
Python float out, an array gives an array, and a Series gives a Series on the
same index (several Series are aligned on their index first). Where the
formula has no answer the result is NaN: a NaN or infinite input, a negative
count or amount, SQLs greater than MQLs, a target rate outside 0..1, a zero
divisor, or a result too large to represent.

The ``*_outcome`` functions give the same numbers together with a code saying
why a value is missing (``NUM`` or ``DIV0``), which the spreadsheet functions
turn into Excel's error values.
"""

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

OK = 0
DIV0 = 1
NUM = 2
BLANK = 3
VALUE = 4
"""Outcome codes, in rising precedence: when several apply, the highest wins."""

ERROR_TEXT = {DIV0: "#DIV/0!", NUM: "#NUM!", VALUE: "#VALUE!"}


@dataclass(frozen=True)
class Formula:
    """One leak formula: its arguments, its domain and its arithmetic."""

    name: str
    args: tuple[str, ...]
    compute: Callable[..., np.ndarray]
    divisor: str | None = None

    def outcome(self, *values) -> tuple[np.ndarray, np.ndarray]:
        """The formula over float arrays: ``(results, codes)``, broadcast.

        ``results`` is NaN wherever ``codes`` is not ``OK``.
        """
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
        named = dict(zip(self.args, arrays, strict=True))

        divide_by_zero = np.where(self._divisor_zero(named), DIV0, OK)
        codes = np.where(self._out_of_domain(named), NUM, divide_by_zero)
        codes = np.broadcast_to(codes, arrays[0].shape).astype(np.int8)

        with np.errstate(all="ignore"):
            results = np.asarray(self.compute(**named), dtype=np.float64)
        codes[(codes == OK) & ~np.isfinite(results)] = NUM
        results = np.where(codes == OK, results, np.nan)
        return results, codes

    def outcome_of_floats(self, *values: float) -> tuple[float, int]:
        """The formula for one set of Python floats: ``(result, code)``.

        The same rules as ``outcome``, without NumPy's cost per call.
        """
        named = dict(zip(self.args, values, strict=True))
        if self._out_of_domain(named):
            return math.nan, NUM
        if self._divisor_zero(named):
            return math.nan, DIV0

        result = float(self.compute(**named))
        if not abs(result) < math.inf:
            return math.nan, NUM
        return result, OK

    def _divisor_zero(self, named: dict):
        if self.divisor is None:
            return False
        return named[self.divisor] == 0

    def _out_of_domain(self, named: dict):
        """True where an input is NaN, infinite, negative or out of its range.

        Written with operators only, so it serves Python floats and arrays alike.
        """
        bad = False
        for value in named.values():
            bad = bad | (value != value) | (abs(value) == math.inf) | (value < 0)
        if "mqls" in named and "sqls" in named:
            bad = bad | (named["sqls"] > named["mqls"])
        if "target_rate" in named:
            bad = bad | (named["target_rate"] > 1)
        return bad


def _at_least_zero(value):
    """``max(value, 0)`` for a float or elementwise for an array."""
    if isinstance(value, np.ndarray):
        return np.maximum(value, 0.0)
    return max(value, 0.0)


DROPOFF = Formula(
    "dropoff_rate",
    ("mqls", "sqls"),
    lambda mqls, sqls: (mqls - sqls) / mqls,
    divisor="mqls",
)
DROPPED = Formula(
    "dropped_leads",
    ("mqls", "sqls"),
    lambda mqls, sqls: mqls - sqls,
)
CONVERSION = Formula(
    "conversion_rate",
    ("mqls", "sqls"),
    lambda mqls, sqls: sqls / mqls,
    divisor="mqls",
)
REV_PER_SQL = Formula(
    "revenue_per_sql",
    ("revenue", "sqls"),
    lambda revenue, sqls: revenue / sqls,
    divisor="sqls",
)
LOST = Formula(
    "revenue_lost",
    ("mqls", "sqls", "revenue"),
    lambda mqls, sqls, revenue: (mqls - sqls) * (revenue / sqls),
    divisor="sqls",
)
WASTED = Formula(
    "wasted_spend",
    ("mqls", "sqls", "cost_per_mql"),
    lambda mqls, sqls, cost_per_mql: (mqls - sqls) * cost_per_mql,
)
RECOVERABLE = Formula(
    "recoverable_revenue",
    ("mqls", "sqls", "revenue", "target_rate"),
    lambda mqls, sqls, revenue, target_rate: (
        _at_least_zero(mqls * target_rate - sqls) * (revenue / sqls)
    ),
    divisor="sqls",
)

FORMULAS = (DROPOFF, DROPPED, CONVERSION, REV_PER_SQL, LOST, WASTED, RECOVERABLE)


def _apply(formula: Formula, *values):
    """Run ``formula`` on user values, keeping their kind: scalar, array or Series."""
    # pandas is not imported here: a caller who passes a Series has imported it,
    # and the command line starts faster without it.
    pd = sys.modules.get("pandas")
    values = list(values)
    index = None
    in_series = [i for i, v in enumerate(values) if pd and isinstance(v, pd.Series)]
    if in_series:
        frame = pd.concat([values[i] for i in in_series], axis=1, keys=in_series)
        index = frame.index
        for i in in_series:
            values[i] = frame[i].to_numpy(dtype=np.float64, na_value=np.nan)

    results, _ = formula.outcome(*values)

    if index is not None:
        return pd.Series(results, index=index, name=formula.name)
    if results.ndim == 0:
        return float(results)
    return results


def dropoff_rate(mqls, sqls):
    """Share of MQLs that Sales never accepted: ``(mqls - sqls) / mqls``.

    >>> dropoff_rate(500, 150)
    0.7
    """
    return _apply(DROPOFF, mqls, sqls)


def dropped_leads(mqls, sqls):
    """MQLs that never became SQLs: ``mqls - sqls``.

    >>> dropped_leads(500, 150)
    350.0
    """
    return _apply(DROPPED, mqls, sqls)


def conversion_rate(mqls, sqls):
    """Share of MQLs accepted as SQLs: ``sqls / mqls``.

    >>> conversion_rate(500, 150)
    0.3
    """
    return _apply(CONVERSION, mqls, sqls)


def revenue_per_sql(revenue, sqls):
    """Average closed-won revenue per SQL: ``revenue / sqls``.

    >>> revenue_per_sql(300_000, 150)
    2000.0
    """
    return _apply(REV_PER_SQL, revenue, sqls)


def revenue_lost(mqls, sqls, revenue):
    """Revenue the dropped leads would have brought at the current revenue per SQL.

    ``(mqls - sqls) x revenue / sqls``. An upper bound: it assumes every dropped
    MQL would have become an SQL.

    >>> revenue_lost(500, 150, 300_000)
    700000.0
    """
    return _apply(LOST, mqls, sqls, revenue)


def wasted_spend(mqls, sqls, cost_per_mql):
    """Marketing spend on MQLs that were never worked: ``(mqls - sqls) x cost``.

    A sunk cost, to report beside revenue lost, never added to it.

    >>> wasted_spend(500, 150, 100)
    35000.0
    """
    return _apply(WASTED, mqls, sqls, cost_per_mql)


def recoverable_revenue(mqls, sqls, revenue, target_rate):
    """Revenue gained by reaching a target MQL-to-SQL conversion rate.

    ``max(0, mqls x target_rate - sqls) x revenue / sqls``.

    >>> recoverable_revenue(500, 150, 300_000, 0.35)
    50000.0
    >>> recoverable_revenue(500, 150, 300_000, 0.13)
    0.0
    """
    return _apply(RECOVERABLE, mqls, sqls, revenue, target_rate)


LABELS = {
    "mqls": "MQLs",
    "sqls": "SQLs",
    "revenue": "Revenue",
    "cost_per_mql": "Cost per MQL",
}


def problem(mqls: float, sqls: float, revenue=None, cost_per_mql=None) -> str:
    """``"OK"``, or one sentence naming what is wrong with one period's inputs.

    ``revenue`` and ``cost_per_mql`` are checked only when given.

    >>> problem(500, 150, 300_000, 100)
    'OK'
    >>> problem(150, 180)
    'SQLs (180) exceed MQLs (150): count SQLs from the same MQLs (one cohort).'
    """
    given = {
        "mqls": mqls,
        "sqls": sqls,
        "revenue": revenue,
        "cost_per_mql": cost_per_mql,
    }
    given = {name: float(v) for name, v in given.items() if v is not None}
    for name, value in given.items():
        if not math.isfinite(value):
            return f"{LABELS[name]} is not a finite number."
        if value < 0:
            return f"{LABELS[name]} is negative ({_plain(value)})."

    mqls, sqls = given["mqls"], given["sqls"]
    if sqls > mqls:
        return (
            f"SQLs ({_plain(sqls)}) exceed MQLs ({_plain(mqls)}): "
            "count SQLs from the same MQLs (one cohort)."
        )
    if mqls == 0:
        return "MQLs is zero, so there is no drop-off rate."
    if sqls == 0:
        return "SQLs is zero, so there is no revenue per SQL."
    return "OK"


def _plain(value: float) -> str:
    """A number as a person writes it in a sentence: 1,500 or 0.25."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"
