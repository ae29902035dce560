"""`flyte-lint migrate` keeps what a program computes: each small Flyte 1 program below (written in the shapes of
flytesnacks' and flyte-migrate's examples: tasks, workflows, map_task, conditional, dynamic, subworkflows, `>>`,
launch plans, files, directories, dataframes, dataclasses) runs locally under flytekit (tests/v1_runner.py's run_v1),
is migrated in a temporary copy by the real command (``python -m flyte_lint migrate PATH``), and the migrated entry
of the same name runs locally under flyte 2 with flytekit unimportable (run_v2); the outputs must be equal by content.

``test_original_computes_its_known_output`` pins each original's output under flytekit now, so the cases are sound
before the command exists; the comparison skips with a clear reason while ``flyte-lint migrate`` is not available.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from output_content import outputs_match
from sdk_runner import requires_sdk
from test_migrate_imperative import IMPERATIVE, TASKS as IMPERATIVE_TASKS
from v1_runner import FLYTE1_PACKAGES, requires_flytekit, run_v1, run_v2

pytestmark = pytest.mark.slow


@functools.cache
def migrate_available() -> bool:
    """Whether this checkout has the command (``flyte-lint migrate --help`` succeeds); asked by running it."""
    proc = subprocess.run(
        [sys.executable, "-m", "flyte_lint", "migrate", "--help"], capture_output=True, timeout=120, check=False
    )
    return proc.returncode == 0


requires_migrate = pytest.mark.skipif(
    not migrate_available(), reason="migrate command not available: `flyte-lint migrate --help` fails in this checkout"
)


@dataclass(frozen=True)
class Case:
    files: dict[str, str]
    entry: str  # "module:name" of the workflow / task / launch plan; the migrated callable has the same name
    args: dict = field(default_factory=dict)
    expected: object = None  # the original's output under flytekit, in tests/output_content.py's form


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


CASES: dict[str, Case] = {
    "tasks-and-workflow": Case(
        {
            "main.py": """
            from flytekit import task, workflow


            @task
            def slope(x: list[int], y: list[int]) -> float:
                n = len(x)
                sx, sy = sum(x), sum(y)
                sxy = sum(a * b for a, b in zip(x, y))
                sxx = sum(a * a for a in x)
                return (n * sxy - sx * sy) / (n * sxx - sx * sx)


            @task
            def intercept(x: list[int], y: list[int], slope: float) -> float:
                return (sum(y) - slope * sum(x)) / len(x)


            @workflow
            def line(x: list[int] = [-3, 0, 3], y: list[int] = [7, 4, -2]) -> float:
                s = slope(x=x, y=y)
                return intercept(x=x, y=y, slope=s)
            """
        },
        "main:line",
        {},
        3.0,
    ),
    "named-outputs": Case(
        {
            "main.py": """
            from typing import NamedTuple

            from flytekit import task, workflow

            Stats = NamedTuple("Stats", [("total", int), ("mean", float)])


            @task
            def stats(xs: list[int]) -> Stats:
                return Stats(total=sum(xs), mean=sum(xs) / len(xs))


            @workflow
            def describe(xs: list[int]) -> Stats:
                return stats(xs=xs)
            """
        },
        "main:describe",
        {"xs": [1, 2, 3, 6]},
        [12, 3.0],
    ),
    "map-task-with-partial": Case(
        {
            "main.py": """
            import functools

            from flytekit import map_task, task, workflow


            @task
            def price(quantity: int, unit: float, shipping: float) -> float:
                return quantity * unit + shipping


            @workflow
            def prices(quantities: list[int], unit: float = 2.5) -> list[float]:
                priced = functools.partial(price, unit=unit, shipping=1.0)
                return map_task(priced, concurrency=2)(quantity=quantities)
            """
        },
        "main:prices",
        {"quantities": [1, 2, 4]},
        [3.5, 6.0, 11.0],
    ),
    "conditional": Case(
        {
            "main.py": """
            from flytekit import conditional, task, workflow


            @task
            def circumference(radius: float) -> float:
                return 2 * 3.0 * radius


            @task
            def area(radius: float) -> float:
                return 3.0 * radius * radius


            @task
            def nothing(radius: float) -> float:
                return 0.0


            @workflow
            def shape(radius: float) -> float:
                return (
                    conditional("shape")
                    .if_((radius >= 0.1) & (radius < 1.0))
                    .then(circumference(radius=radius))
                    .elif_((radius >= 1.0) & (radius <= 10.0))
                    .then(area(radius=radius))
                    .else_()
                    .then(nothing(radius=radius))
                )
            """
        },
        "main:shape",
        {"radius": 2.0},
        12.0,
    ),
    "conditional-on-a-task-output": Case(
        {
            "main.py": """
            from flytekit import conditional, task, workflow


            @task
            def is_even(n: int) -> bool:
                return n % 2 == 0


            @task
            def half(n: int) -> int:
                return n // 2


            @task
            def triple_plus_one(n: int) -> int:
                return 3 * n + 1


            @workflow
            def collatz_step(n: int) -> int:
                even = is_even(n=n)
                return conditional("step").if_(even.is_true()).then(half(n=n)).else_().then(triple_plus_one(n=n))
            """
        },
        "main:collatz_step",
        {"n": 7},
        22,
    ),
    "dynamic": Case(
        {
            "main.py": """
            from flytekit import dynamic, task, workflow


            @task
            def square(x: int) -> int:
                return x * x


            @task
            def total(xs: list[int]) -> int:
                return sum(xs)


            @dynamic
            def sum_of_squares(n: int) -> int:
                squares = []
                for i in range(n):
                    squares.append(square(x=i))
                return total(xs=squares)


            @workflow
            def run(n: int = 4) -> int:
                return sum_of_squares(n=n)
            """
        },
        "main:run",
        {"n": 5},
        30,
    ),
    "subworkflow-in-another-module": Case(
        {
            "pipeline/__init__.py": "",
            "pipeline/steps.py": """
            from flytekit import task, workflow


            @task
            def add(a: int, b: int) -> int:
                return a + b


            @task
            def mul(a: int, b: int) -> int:
                return a * b


            @workflow
            def affine(x: int, a: int, b: int) -> int:
                return add(a=mul(a=x, b=a), b=b)
            """,
            "pipeline/flow.py": """
            from flytekit import workflow

            from pipeline.steps import affine


            @workflow
            def twice(x: int) -> int:
                once = affine(x=x, a=2, b=1)
                return affine(x=once, a=2, b=1)
            """,
        },
        "pipeline.flow:twice",
        {"x": 3},
        15,
    ),
    "ordering-with-shift": Case(
        {
            "main.py": """
            from flytekit import task, workflow


            @task
            def append(path: str, text: str):
                with open(path, "a") as fh:
                    fh.write(text)


            @task
            def read(path: str) -> str:
                with open(path) as fh:
                    return fh.read()


            @workflow
            def ordered(path: str) -> str:
                first = append(path=path, text="a")
                second = append(path=path, text="b")
                third = append(path=path, text="c")
                result = read(path=path)
                first >> second >> third >> result
                return result
            """
        },
        "main:ordered",
        {"path": "order.txt"},  # relative: each run starts in a fresh program directory
        "abc",
    ),
    "launch-plan": Case(
        {
            "main.py": """
            from flytekit import LaunchPlan, task, workflow


            @task
            def greet(name: str, greeting: str) -> str:
                return f"{greeting}, {name}!"


            @workflow
            def greeting_wf(name: str = "world", greeting: str = "Hello") -> str:
                return greet(name=name, greeting=greeting)


            french = LaunchPlan.get_or_create(
                greeting_wf, name="french", default_inputs={"name": "monde"}, fixed_inputs={"greeting": "Bonjour"}
            )
            """
        },
        "main:french",
        {},
        "Bonjour, monde!",
    ),
    "task-options": Case(
        {
            "main.py": """
            from datetime import timedelta

            from flytekit import Resources, task, workflow


            @task(
                cache=True,
                cache_version="1.0",
                retries=2,
                timeout=timedelta(minutes=5),
                requests=Resources(cpu="1", mem="500Mi"),
                limits=Resources(cpu="2", mem="1Gi"),
                environment={"GREETING": "hi"},
            )
            def count_unique(xs: list[int]) -> int:
                return len(set(xs))


            @workflow
            def unique(xs: list[int]) -> int:
                return count_unique(xs=xs)
            """
        },
        "main:unique",
        {"xs": [1, 1, 2, 3, 3]},
        3,
    ),
    "flyte-file": Case(
        {
            "main.py": """
            import os
            import tempfile

            from flytekit import task, workflow
            from flytekit.types.file import FlyteFile


            @task
            def write(text: str) -> FlyteFile:
                path = os.path.join(tempfile.mkdtemp(), "notes.txt")
                with open(path, "w") as fh:
                    fh.write(text)
                return FlyteFile(path=path)


            @task
            def shout(f: FlyteFile) -> FlyteFile:
                f.download()
                with open(f.path) as fh:
                    text = fh.read()
                out = os.path.join(tempfile.mkdtemp(), "loud.txt")
                with open(out, "w") as fh:
                    fh.write(text.upper())
                return FlyteFile(path=out)


            @workflow
            def loud(text: str) -> FlyteFile:
                return shout(f=write(text=text))
            """
        },
        "main:loud",
        {"text": "quiet words\n"},
        {"__file__": sha("QUIET WORDS\n")},
    ),
    "flyte-directory": Case(
        {
            "main.py": """
            import os
            import tempfile

            from flytekit import task, workflow
            from flytekit.types.directory import FlyteDirectory


            @task
            def make_dir(n: int) -> FlyteDirectory:
                out = tempfile.mkdtemp()
                for i in range(n):
                    with open(os.path.join(out, f"part-{i}.txt"), "w") as fh:
                        fh.write(f"{i}\\n")
                return FlyteDirectory(path=out)


            @task
            def count_files(d: FlyteDirectory) -> int:
                return len(os.listdir(d.download()))


            @workflow
            def parts(n: int) -> tuple[FlyteDirectory, int]:
                d = make_dir(n=n)
                return d, count_files(d=d)
            """
        },
        "main:parts",
        {"n": 2},
        [{"__dir__": {"part-0.txt": sha("0\n"), "part-1.txt": sha("1\n")}}, 2],
    ),
    "dataclasses": Case(
        {
            "main.py": """
            from dataclasses import dataclass

            from flytekit import task, workflow


            @dataclass
            class Point:
                x: float
                y: float


            @dataclass
            class Box:
                low: Point
                high: Point
                label: str


            @task
            def bounding_box(xs: list[float], ys: list[float]) -> Box:
                return Box(low=Point(min(xs), min(ys)), high=Point(max(xs), max(ys)), label=f"{len(xs)} points")


            @task
            def area(box: Box) -> float:
                return (box.high.x - box.low.x) * (box.high.y - box.low.y)


            @workflow
            def box_area(xs: list[float], ys: list[float]) -> tuple[Box, float]:
                box = bounding_box(xs=xs, ys=ys)
                return box, area(box=box)
            """
        },
        "main:box_area",
        {"xs": [0.0, 2.0, 1.0], "ys": [1.0, 4.0, 2.0]},
        [{"low": {"x": 0.0, "y": 1.0}, "high": {"x": 2.0, "y": 4.0}, "label": "3 points"}, 6.0],
    ),
    "dataframes": Case(
        {
            "main.py": """
            import pandas as pd
            from flytekit import StructuredDataset, task, workflow


            @task
            def make(n: int) -> pd.DataFrame:
                return pd.DataFrame({"i": list(range(n)), "sq": [i * i for i in range(n)]})


            @task
            def wrap(df: pd.DataFrame) -> StructuredDataset:
                return StructuredDataset(dataframe=df)


            @task
            def odd_rows(sd: StructuredDataset) -> pd.DataFrame:
                df = sd.open(pd.DataFrame).all()
                return df[df["i"] % 2 == 1].reset_index(drop=True)


            @workflow
            def odd_squares(n: int) -> pd.DataFrame:
                return odd_rows(sd=wrap(df=make(n=n)))
            """
        },
        "main:odd_squares",
        {"n": 5},
        {"__dataframe__": {"columns": ["i", "sq"], "rows": [[1, 1], [3, 9]]}},
    ),
    "iterators": Case(
        {
            "main.py": """
            import typing
            from typing import Iterator

            from flytekit import task, workflow


            @task
            def greet(names: list[str]) -> Iterator[str]:
                for name in names:
                    if name == "stop":
                        return
                    yield f"hi {name}"
                yield from ["bye"]


            @task
            def evens(n: int) -> typing.Iterator[int]:
                return iter(range(0, n, 2))


            @task
            def count(items: Iterator[str], numbers: Iterator[int]) -> int:
                return len(list(items)) + sum(numbers)


            @workflow
            def greetings(names: list[str]) -> Iterator[str]:
                return greet(names=names)


            @workflow
            def total(names: list[str], n: int) -> int:
                return count(items=greet(names=names), numbers=evens(n=n))
            """
        },
        "main:total",
        {"names": ["a", "b"], "n": 7},
        15,  # 3 greetings + 0 + 2 + 4 + 6
    ),
    "imperative-workflow": Case(
        {"pkg/__init__.py": "", "pkg/tasks.py": IMPERATIVE_TASKS, "pkg/imperative.py": IMPERATIVE},
        "pkg.imperative:wf",
        {"x": [0, 2], "y": [1, 5]},
        [2.0, "2 values, mean 3.0"],
    ),
    "generator-returns-early": Case(
        {
            "main.py": """
            from typing import Iterator

            from flytekit import task, workflow


            @task
            def greet(names: list[str]) -> Iterator[str]:
                \"\"\"Greets until a name is "stop".\"\"\"
                for name in names:
                    if name == "stop":
                        return
                    yield f"hi {name}"
                yield from ["bye"]


            @workflow
            def greetings(names: list[str]) -> Iterator[str]:
                return greet(names=names)
            """
        },
        "main:greetings",
        {"names": ["a", "stop", "b"]},
        ["hi a"],
    ),
}


def write_project(root: Path, files: dict[str, str]) -> dict[str, str]:
    texts = {rel: textwrap.dedent(src).lstrip("\n") for rel, src in files.items()}
    for rel, text in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return texts


@requires_flytekit
@pytest.mark.parametrize("name", sorted(CASES))
def test_original_computes_its_known_output(name, tmp_path):
    case = CASES[name]
    files = write_project(tmp_path, case.files)
    before = run_v1(files, entry=case.entry, args=case.args)
    assert before.ok, before.summary()
    assert outputs_match(before.output, case.expected), before.summary()


@requires_migrate
@requires_flytekit
@requires_sdk
@pytest.mark.parametrize("name", sorted(CASES))
def test_migrated_program_computes_the_same(name, tmp_path):
    case = CASES[name]
    root = tmp_path / "project"
    original = write_project(root, case.files)
    proc = subprocess.run(
        [sys.executable, "-m", "flyte_lint", "migrate", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Every file after the migration: it may add modules (a shared TaskEnvironment module for a project).
    migrated = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}
    shown = "\n".join(f"--- {rel}\n{text}" for rel, text in migrated.items())
    assert proc.returncode == 0, f"migrate exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n{shown}"
    assert not any(pkg in text for text in migrated.values() for pkg in FLYTE1_PACKAGES), shown
    before = run_v1(original, entry=case.entry, args=case.args)
    after = run_v2(migrated, entry=case.entry, args=case.args)
    assert before.ok, before.summary()
    assert after.ok, f"{after.summary()}\n{shown}"
    assert outputs_match(before.output, after.output), f"{before.output!r} != {after.output!r}\n{shown}"
