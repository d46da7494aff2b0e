"""What the classic Windows add-in reads: xlwings.conf and the decorators."""

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from contract_args import CONTRACT_ARGS as CONTRACT

ROOT = Path(__file__).parent.parent
PROBE = Path(__file__).parent / "probes" / "classic_probe.py"


def read_conf(path):
    """Keys and values as xlwings reads them: two quoted strings per line."""
    config = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        values = re.findall(r'"[^"]*"', line)
        if values:
            config[values[0].strip('"')] = values[1].strip('"')
    return config


def test_xlwings_conf_names_the_module_that_holds_every_function():
    config = read_conf(ROOT / "xlwings.conf")

    module = importlib.import_module(config["UDF MODULES"])

    found = {name for name in dir(module) if name.startswith("LEAK_")}
    assert found == set(CONTRACT)


@pytest.fixture(scope="module")
def classic():
    done = subprocess.run(
        [sys.executable, str(PROBE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_function_is_in_one_category_of_its_own(classic):
    categories = {f["category"] for f in classic["functions"].values()}

    assert set(classic["functions"]) == set(CONTRACT)
    assert categories == {"Lead Leak"}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_help_text_fits_what_excel_shows(classic, name):
    meta = classic["functions"][name]

    assert 20 < len(meta["ret"]["doc"]) <= 255
    assert [a["name"] for a in meta["args"]] == CONTRACT[name]
    for arg in meta["args"]:
        assert not arg["doc"].startswith("Positional argument")
        assert "\n" not in arg["doc"]
        assert len(arg["doc"]) <= 255


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_every_argument_arrives_as_a_2d_range_with_errors_as_text(classic, name):
    for arg in classic["functions"][name]["args"]:
        assert arg["options"] == {"ndim": 2, "err_to_str": True}


def test_import_functions_writes_a_vba_wrapper_per_function(classic):
    vba = classic["vba"]

    for name, args in CONTRACT.items():
        if name == "LEAK_CHECK":
            continue
        assert f"Function {name}({', '.join(args)})" in vba
    assert (
        "Function LEAK_CHECK(mqls, sqls, Optional revenue, Optional cost_per_mql)"
        in vba
    )
    assert 'XLPy.CallUDF("leak_udfs.udfs", "LEAK_LOST"' in vba


def test_the_templates_folder_carries_the_same_config_beside_the_workbooks():
    beside = ROOT / "workbook_templates" / "xlwings.conf"

    assert read_conf(beside) == read_conf(ROOT / "xlwings.conf")
