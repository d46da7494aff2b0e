"""The decorators, checked through xlwings' own Office.js runtime.

That runtime is licensed by xlwings for noncommercial use; it is used here, by
the tests only, because it runs on Linux and reads the same decorators that
the classic Windows add-in reads.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from contract_args import CONTRACT_ARGS as FUNCTIONS

PROBE = Path(__file__).parent / "probes" / "officejs_probe.py"


def one(value):
    """A single cell as Office.js sends it: a 1 x 1 matrix."""
    return [[value]]


def error(text):
    return {"type": "Error", "basicValue": text}


WORKED = {"mqls": 500, "sqls": 150, "revenue": 300000, "cost_per_mql": 100}
CALLS = [
    ("LEAK_DROPOFF", [one(500), one(150)]),
    ("LEAK_DROPPED", [one(500), one(150)]),
    ("LEAK_CONVERSION", [one(500), one(150)]),
    ("LEAK_REV_PER_SQL", [one(300000), one(150)]),
    ("LEAK_LOST", [one(500), one(150), one(300000)]),
    ("LEAK_WASTED", [one(500), one(150), one(100)]),
    ("LEAK_RECOVERABLE", [one(500), one(150), one(300000), one(0.35)]),
    ("LEAK_RECOVERABLE", [one(500), one(150), one(300000), one(0.13)]),
    ("LEAK_CHECK", [one(500), one(150), one(300000), one(100)]),
    ("LEAK_CHECK", [one(150), one(180)]),
    (
        "LEAK_LOST",
        [
            [[500], [0], ["lots"], [error("#N/A")], [None], [150], [800]],
            [[150], [0], [10], [10], [5], [180], [200]],
            one(300000),
        ],
    ),
]


@pytest.fixture(scope="module")
def runtime():
    env = dict(
        os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial"
    )
    done = subprocess.run(
        [sys.executable, str(PROBE)],
        input=json.dumps(CALLS),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_meta_lists_every_function_with_its_help(runtime):
    functions = {f["name"]: f for f in runtime["meta"]["functions"]}

    assert set(functions) == set(FUNCTIONS)
    for name, args in FUNCTIONS.items():
        meta = functions[name]
        assert 20 < len(meta["description"]) <= 255
        assert [p["name"] for p in meta["parameters"]] == args
        for parameter in meta["parameters"]:
            assert parameter["dimensionality"] == "matrix"
            assert parameter["description"]
            assert not parameter["description"].startswith("Positional argument")


def test_meta_marks_only_the_checks_extra_inputs_optional(runtime):
    functions = {f["name"]: f for f in runtime["meta"]["functions"]}

    optional = {
        (name, p["name"])
        for name, f in functions.items()
        for p in f["parameters"]
        if p.get("optional")
    }
    assert optional == {("LEAK_CHECK", "revenue"), ("LEAK_CHECK", "cost_per_mql")}


def test_calls_give_the_worked_example(runtime):
    results = runtime["results"]

    assert results[:8] == [
        [[0.7]],
        [[350.0]],
        [[0.3]],
        [[2000.0]],
        [[700000.0]],
        [[35000.0]],
        [[50000.0]],
        [[0.0]],
    ]
    assert results[8] == [["OK"]]
    assert results[9][0][0].startswith("SQLs (180) exceed MQLs (150)")


def test_errors_become_real_error_cells_and_blanks_stay_empty(runtime):
    column = runtime["results"][10]

    assert column == [
        [700000.0],
        [{"type": "Error", "errorType": "Div0"}],
        [{"type": "Error", "errorType": "Value"}],
        [{"type": "Error", "errorType": "Value"}],
        [""],
        [{"type": "Error", "errorType": "Num"}],
        [900000.0],
    ]
