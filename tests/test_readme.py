"""The README's Python examples run and give what their comments say."""

import re
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_python_example_runs(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = textwrap.dedent(block)
    namespace = {}

    exec(compile(code, str(README), "exec"), namespace)

    for line in code.splitlines():
        claimed = re.fullmatch(r"(\S.*\S)\s+# (-?[0-9][0-9.]*)", line)
        if claimed:
            expression, value = claimed.groups()
            assert eval(expression, namespace) == float(value)
