"""Put a dollar figure on the marketing leads that Sales never works.

The formulas, for scalars, NumPy arrays and pandas Series::

    >>> import leak_udfs
    >>> leak_udfs.revenue_lost(500, 150, 300_000)
    700000.0

The Excel functions (LEAK_LOST and its siblings) are in ``leak_udfs.udfs``.
"""

from leak_udfs.metrics import (
    conversion_rate,
    dropoff_rate,
    dropped_leads,
    problem,
    recoverable_revenue,
    revenue_lost,
    revenue_per_sql,
    wasted_spend,
)

__all__ = [
    "conversion_rate",
    "dropoff_rate",
    "dropped_leads",
    "problem",
    "recoverable_revenue",
    "revenue_lost",
    "revenue_per_sql",
    "wasted_spend",
]
__version__ = "0.1.0"
