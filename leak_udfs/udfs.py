"""The LEAK_* spreadsheet functions, for Excel through xlwings.

Each function is one decorator stack and one call into the formulas; reading
cells, broadcasting ranges and error values live in ``leak_udfs.cells``. Every
argument is read as a 2-D range (``ndim=2``) so that a column comes back as a
column, and with ``err_to_str`` so that an error cell arrives as its text.
"""

import xlwings as xw

from leak_udfs import cells, metrics

CATEGORY = "Lead Leak"

MQLS = "MQLs handed to Sales in the period (a number, a cell or a range)."
SQLS = "SQLs: the MQLs that Sales accepted (a number, a cell or a range)."
REVENUE = "Closed-won revenue from those SQLs, in your currency."
COST = "Marketing cost per MQL, in your currency."
TARGET = "Target MQL-to-SQL conversion rate, between 0 and 1 (e.g. 25%)."


def _cells(*names, optional=()):
    """The ``@xw.arg`` stack shared by every function: 2-D ranges, errors as text."""
    docs = {
        "mqls": MQLS,
        "sqls": SQLS,
        "revenue": REVENUE,
        "cost_per_mql": COST,
        "target_rate": TARGET,
    }

    def decorate(function):
        for name in reversed(names):
            doc = docs[name] + (" Optional." if name in optional else "")
            function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
        return xw.func(category=CATEGORY)(function)

    return decorate


@_cells("mqls", "sqls")
def LEAK_DROPOFF(mqls, sqls):
    """Lead drop-off rate: the share of MQLs Sales never accepted, (MQLs - SQLs) / MQLs. 500 MQLs and 150 SQLs give 70%."""  # noqa: E501
    return cells.evaluate(metrics.DROPOFF, mqls, sqls)


@_cells("mqls", "sqls")
def LEAK_DROPPED(mqls, sqls):
    """Dropped leads: MQLs that never became SQLs, MQLs - SQLs. 500 MQLs and 150 SQLs give 350."""  # noqa: E501
    return cells.evaluate(metrics.DROPPED, mqls, sqls)


@_cells("mqls", "sqls")
def LEAK_CONVERSION(mqls, sqls):
    """MQL-to-SQL conversion rate, SQLs / MQLs. 500 MQLs and 150 SQLs give 30%."""
    return cells.evaluate(metrics.CONVERSION, mqls, sqls)


@_cells("revenue", "sqls")
def LEAK_REV_PER_SQL(revenue, sqls):
    """Average closed-won revenue per SQL, revenue / SQLs. $300,000 from 150 SQLs gives $2,000."""  # noqa: E501
    return cells.evaluate(metrics.REV_PER_SQL, revenue, sqls)


@_cells("mqls", "sqls", "revenue")
def LEAK_LOST(mqls, sqls, revenue):
    """Revenue lost to dropped leads, (MQLs - SQLs) x revenue / SQLs: an upper bound. 500 MQLs, 150 SQLs and $300,000 give $700,000."""  # noqa: E501
    return cells.evaluate(metrics.LOST, mqls, sqls, revenue)


@_cells("mqls", "sqls", "cost_per_mql")
def LEAK_WASTED(mqls, sqls, cost_per_mql):
    """Marketing spend wasted on dropped leads, (MQLs - SQLs) x cost per MQL; a sunk cost, not added to revenue lost. 500, 150 and $100 give $35,000."""  # noqa: E501
    return cells.evaluate(metrics.WASTED, mqls, sqls, cost_per_mql)


@_cells("mqls", "sqls", "revenue", "target_rate")
def LEAK_RECOVERABLE(mqls, sqls, revenue, target_rate):
    """Revenue recovered by reaching a target conversion rate, max(0, MQLs x rate - SQLs) x revenue / SQLs. 500, 150, $300,000 at 35% give $50,000."""  # noqa: E501
    return cells.evaluate(metrics.RECOVERABLE, mqls, sqls, revenue, target_rate)


@_cells("mqls", "sqls", "revenue", "cost_per_mql", optional=("revenue", "cost_per_mql"))
def LEAK_CHECK(mqls, sqls, revenue=None, cost_per_mql=None):
    """Checks the inputs: "OK", or one plain sentence naming what is wrong with them (text, a negative number, SQLs above MQLs, a zero count)."""  # noqa: E501
    return cells.check(mqls, sqls, revenue, cost_per_mql)
