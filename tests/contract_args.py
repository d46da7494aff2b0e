"""The argument names and order of every LEAK_* function, as the contract states."""

CONTRACT_ARGS = {
    "LEAK_DROPOFF": ["mqls", "sqls"],
    "LEAK_DROPPED": ["mqls", "sqls"],
    "LEAK_CONVERSION": ["mqls", "sqls"],
    "LEAK_REV_PER_SQL": ["revenue", "sqls"],
    "LEAK_LOST": ["mqls", "sqls", "revenue"],
    "LEAK_WASTED": ["mqls", "sqls", "cost_per_mql"],
    "LEAK_RECOVERABLE": ["mqls", "sqls", "revenue", "target_rate"],
    "LEAK_CHECK": ["mqls", "sqls", "revenue", "cost_per_mql"],
}
NUMERIC_ARGS = {k: v for k, v in CONTRACT_ARGS.items() if k != "LEAK_CHECK"}
