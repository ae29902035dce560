"""`-j N` gives exactly the findings of one process."""

from __future__ import annotations

from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from lintutil import write_project

TEMPLATE = """
import flyte
from shared{g} import helper

env = flyte.TaskEnvironment("env-{g}-{i}")
other = flyte.TaskEnvironment("other-{g}")

@other.task
def square(x: int) -> int:
    return x * x

@env.task
async def main(x: int) -> int:
    helper()
    flyte.map(square, [1, 2])
    return await square(x, bogus=1)
"""

SHARED = """
import flyte

dup = flyte.TaskEnvironment("shared-env")

def helper() -> int:
    return 1
"""


def test_parallel_results_equal_one_process(tmp_path):
    files = {}
    for g in range(8):
        files[f"shared{g}.py"] = SHARED
        for i in range(6):
            files[f"w{g}_{i}.py"] = TEMPLATE.format(g=g, i=i)
    root = write_project(tmp_path / "p", files)
    one = run([root], Settings(), Options(), cwd=root, jobs=1)
    many = run([root], Settings(), Options(), cwd=root, jobs=2)
    cached = run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache")
    key = lambda r: sorted((f.path, f.line, f.column, f.code, f.message, f.severity) for f in r.findings)
    assert len(one.findings) > 8 * 6 * 3 and not one.internal_errors
    assert key(many) == key(one) == key(cached)
    assert {f.code for f in one.findings} >= {"FLY101", "FLY201", "FLY307", "FLY401", "FLY106"}
