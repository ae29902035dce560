"""Tests of the Flyte 1 harness (tests/v1_runner.py) and of the content form both harnesses give outputs in
(tests/output_content.py): a flytekit program's known output and calls, its failures reported as sdk_runner reports
a flyte 2 program's, and the same data computed by a Flyte 1 and a Flyte 2 program comparing equal."""

from __future__ import annotations

import hashlib

import pytest

from output_content import content_jsonable, outputs_match
from sdk_runner import requires_sdk
from v1_runner import requires_flytekit, run_v1, run_v2

HELLO = hashlib.sha256(b"hello\n").hexdigest()

CHAIN = """\
from flytekit import task, workflow


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def wf(a: int = 1, b: int = 2) -> int:
    return double(x=add(a=a, b=b))
"""


@requires_flytekit
def test_workflow_output_and_calls():
    r = run_v1(CHAIN, entry="wf", args={"a": 3, "b": 4})
    assert r.ok, r.summary()
    assert r.output == 14
    assert r.tasks == ["main.add", "main.double"]
    assert all(c.ok and c.parent is None for c in r.calls)
    assert r.mode == "flytekit" and r.network_attempts == []


@requires_flytekit
def test_defaults_and_a_task_as_the_entry():
    assert run_v1(CHAIN, entry="wf").output == 6
    r = run_v1({"pkg/__init__.py": "", "pkg/flow.py": CHAIN}, entry="pkg.flow:double", args={"x": 5})
    assert r.ok and r.output == 10 and r.tasks == ["pkg.flow.double"], r.summary()


@requires_flytekit
def test_dynamic_records_its_children_as_calls_it_made():
    r = run_v1(
        """
        from flytekit import dynamic, task, workflow

        @task
        def square(x: int) -> int:
            return x * x

        @task
        def total(xs: list[int]) -> int:
            return sum(xs)

        @dynamic
        def squares(n: int) -> int:
            return total(xs=[square(x=i) for i in range(n)])

        @workflow
        def wf(n: int) -> int:
            return squares(n=n)
        """,
        entry="wf",
        args={"n": 4},
    )
    assert r.ok, r.summary()
    assert r.output == 0 + 1 + 4 + 9
    assert r.callers("main.square") == {"main.squares"} and r.ran("main.square") == 4
    assert r.callers("main.squares") == {None}


@requires_flytekit
def test_map_task_conditional_and_dataclass_outputs():
    r = run_v1(
        """
        from dataclasses import dataclass
        from typing import NamedTuple

        from flytekit import conditional, map_task, task, workflow

        @dataclass
        class Stats:
            total: int
            label: str

        Out = NamedTuple("Out", [("stats", Stats), ("squares", list[int])])

        @task
        def square(x: int) -> int:
            return x * x

        @task
        def summarise(xs: list[int]) -> Stats:
            return Stats(total=sum(xs), label="big" if sum(xs) > 10 else "small")

        @task
        def pack(s: Stats, xs: list[int]) -> Out:
            return Out(stats=s, squares=xs)

        @task
        def negate(xs: list[int]) -> list[int]:
            return [-x for x in xs]

        @workflow
        def wf(xs: list[int], flip: bool) -> Out:
            sq = map_task(square)(x=xs)
            chosen = conditional("flip").if_(flip.is_true()).then(negate(xs=sq)).else_().then(sq)
            return pack(s=summarise(xs=sq), xs=chosen)
        """,
        entry="wf",
        args={"xs": [1, 2, 3], "flip": True},
    )
    assert r.ok, r.summary()
    assert r.output == [{"total": 14, "label": "big"}, [-1, -4, -9]]
    assert r.ran("main.negate") == 1 and "main.summarise" in r.tasks


@requires_flytekit
def test_a_failing_task_reports_its_error():
    r = run_v1(
        """
        from flytekit import task, workflow

        @task
        def check(x: int) -> int:
            if x < 0:
                raise ValueError(f"negative: {x}")
            return x

        @workflow
        def wf(x: int) -> int:
            return check(x=x)
        """,
        entry="wf",
        args={"x": -2},
    )
    assert not r.ok
    assert r.phase == "run"
    assert "ValueError" in r.error_types, r.summary()
    assert "negative: -2" in r.error
    assert [c.ok for c in r.calls] == [False]


@requires_flytekit
def test_an_import_error_and_a_missing_entry_are_reported():
    r = run_v1("from flytekit import no_such_name\n", entry="wf")
    assert not r.ok and r.phase == "import" and "ImportError" in r.error_types, r.summary()
    r = run_v1(CHAIN, entry="no_such_workflow")
    assert not r.ok and r.phase == "import" and "AttributeError" in r.error_types, r.summary()


@requires_flytekit
def test_the_program_runs_offline():
    r = run_v1(
        """
        import socket
        from flytekit import task

        @task
        def fetch() -> str:
            socket.create_connection(("192.0.2.1", 80), timeout=1)
            return "reached"
        """,
        entry="fetch",
    )
    assert not r.ok and r.network_attempts, r.summary()


FILES_V1 = """\
import os
import tempfile

import pandas as pd
from flytekit import task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@task
def write(text: str) -> FlyteFile:
    path = os.path.join(tempfile.mkdtemp(), "greeting.txt")
    with open(path, "w") as fh:
        fh.write(text + "\\n")
    return FlyteFile(path)


@task
def folder(f: FlyteFile) -> FlyteDirectory:
    out = tempfile.mkdtemp()
    with open(f) as src, open(os.path.join(out, "copy.txt"), "w") as dst:
        dst.write(src.read())
    return FlyteDirectory(out)


@task
def table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"i": list(range(n)), "sq": [i * i for i in range(n)]})


@workflow
def wf(text: str, n: int) -> tuple[FlyteFile, FlyteDirectory, pd.DataFrame]:
    f = write(text=text)
    return f, folder(f=f), table(n=n)
"""

FILES_V2 = """\
import os
import tempfile

import flyte
import pandas as pd
from flyte.io import Dir, File

env = flyte.TaskEnvironment("files")


@env.task
async def write(text: str) -> File:
    path = os.path.join(tempfile.mkdtemp(), "hello.txt")
    with open(path, "w") as fh:
        fh.write(text + "\\n")
    return await File.from_local(path)


@env.task
async def folder(f: File) -> Dir:
    out = tempfile.mkdtemp()
    local = await f.download()
    with open(local) as src, open(os.path.join(out, "copy.txt"), "w") as dst:
        dst.write(src.read())
    return await Dir.from_local(out)


@env.task
async def table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"i": list(range(n)), "sq": [i * i for i in range(n)]})


@env.task
async def wf(text: str, n: int) -> tuple[File, Dir, pd.DataFrame]:
    f = await write(text)
    return f, await folder(f), await table(n)
"""


@requires_flytekit
@requires_sdk
def test_files_dirs_and_dataframes_compare_by_content_across_sdks():
    before = run_v1(FILES_V1, entry="wf", args={"text": "hello", "n": 3})
    after = run_v2(FILES_V2, entry="wf", args={"text": "hello", "n": 3})
    assert before.ok, before.summary()
    assert after.ok, after.summary()
    expected = [
        {"__file__": HELLO},
        {"__dir__": {"copy.txt": HELLO}},
        {"__dataframe__": {"columns": ["i", "sq"], "rows": [[0, 0], [1, 1], [2, 4]]}},
    ]
    assert before.output == expected  # the file names differ (greeting.txt, hello.txt): only content counts
    assert outputs_match(before.output, after.output)
    # A different text is a different result.
    other = run_v2(FILES_V2, entry="wf", args={"text": "bye", "n": 3})
    assert other.ok and not outputs_match(before.output, other.output)


@requires_sdk
def test_run_v2_refuses_flytekit():
    r = run_v2(
        """
        import flyte
        from flytekit import task

        env = flyte.TaskEnvironment("half")

        @env.task
        def main() -> int:
            return 1
        """,
        entry="main",
    )
    assert not r.ok and r.phase == "import" and "ModuleNotFoundError" in r.error_types, r.summary()
    assert "flytekit" in r.error


def test_content_jsonable_reads_paths_and_structures(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "a.txt").write_text("hello\n")
    (tmp_path / "f.txt").write_text("hello\n")

    class Colour:  # no dataclass, no model: its repr
        def __repr__(self) -> str:
            return "Colour()"

    value = {"f": tmp_path / "f.txt", "d": tmp_path / "d", "s": {3, 1}, "t": (1.5, float("nan")), "c": Colour()}
    assert content_jsonable(value) == {
        "f": {"__file__": HELLO},
        "d": {"__dir__": {"sub/a.txt": HELLO}},
        "s": [1, 3],
        "t": [1.5, "nan"],
        "c": "Colour()",
    }


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (0.1 + 0.2, 0.3, True),
        (1, 1.0, True),
        (True, 1, False),
        ([1, {"x": 2.0}], [1, {"x": 2}], True),
        ([1, 2], [1, 2, 3], False),
        ({"x": 1}, {"y": 1}, False),
        ("1", 1, False),
        (1.0, 1.001, False),
    ],
)
def test_outputs_match(a, b, same):
    assert outputs_match(a, b) is same
