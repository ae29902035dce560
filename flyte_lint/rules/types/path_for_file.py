"""FLY805 path-for-file: a path (a str, a Path) or an un-awaited upload where the type engine expects a
`flyte.io.File` or `Dir`, and anything but a `flyte.io.DataFrame` where one is declared."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode
from flyte_lint.model.value_types import ValueType
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._flows import PATH_FOR_FILE, mismatch, positions, value_of

_CLASSES = {"flyte.io.File": "File", "flyte.io.Dir": "Dir", "flyte.io.DataFrame": "DataFrame"}


@register
class PathForFile(Rule):
    code = "FLY805"
    symbol = "path-for-file"
    severity = Severity.ERROR
    pylint_number = 68  # its pylint message id is E6768; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task, and who calls it: importers)
    summary = (
        "Reports a str (`os.path.join(...)`, a `tempfile` path, an f-string, a literal, a URI), a `Path`, or an "
        "un-awaited `File.from_local(...)` returned or passed where `flyte.io.File` or `Dir` is declared (also "
        "as an item of `list[File]` and through `Optional`), and a pandas DataFrame, a dict, a list or a str where "
        "`flyte.io.DataFrame` is declared."
    )
    rationale = (
        "The engine converts a `File` or `Dir` only from an instance: it checks the class first, so a path fails "
        "(\"Expected value of type <class 'flyte.io._file.File'> but got '/tmp/a.txt' of type <class 'str'>\"), "
        "whether it is local or a remote URI, a str or a Path, and so does the coroutine an un-awaited "
        "`File.from_local(...)` is. A parent passing one fails at the call, a task returning one fails when its "
        "output is converted, and under `flyte.map` each item comes back as an exception value. "
        '`flyte.io.DataFrame` likewise takes only its own instances, a pandas DataFrame included ("Expected a '
        "DataFrame instance, but got <class 'pandas.DataFrame'> instead. Did you forget to wrap your dataframe in a "
        'DataFrame instance?"). Quiet on `await File.from_local(...)`, `File.from_local_sync(...)`, '
        "`File.from_existing_remote(...)`, `DataFrame.from_df(df)`, a path returned for `-> str`, and values "
        "whose type is not evident. Severity: error: the call or the task fails, in a local run and in a cluster "
        "alike."
    )
    fix = (
        "Upload the local file: `await File.from_local(path)` (or `File.from_local_sync(path)` in sync code; "
        "`Dir.from_local` for a directory); wrap a remote URI with `File.from_existing_remote(uri)`; wrap a "
        "dataframe with `flyte.io.DataFrame.from_df(df)`, or declare `pd.DataFrame`."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"n": 2},
        bad=Outcome(ok=False, error_contains=("Expected value of type <class 'flyte.io._file.File'> but got",)),
        good=Outcome(ok=True, output=2),
    )

    INVALID = [
        Case(
            """
            import os
            import tempfile

            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def report(n: int) -> File:
                path = os.path.join(tempfile.mkdtemp(), "report.txt")
                with open(path, "w") as out:
                    out.write("x" * n)
                return path  # expect: FLY805

            @env.task
            async def main(n: int) -> int:
                file = await report.aio(n)
                return n
            """,
            message="`path` is a str, and the return of task 'demo.report' declares `File`: the engine converts a "
            "File only from an instance and rejects it (\"Expected value of type <class 'flyte.io._file.File'> but "
            "got '...' of type <class 'str'>\"). Upload it (`await File.from_local(path)`), or wrap a remote URI "
            "(`File.from_existing_remote(path)`)",
        ),
        Case(
            """
            import tempfile
            from pathlib import Path
            from typing import Optional

            import flyte
            from flyte.io import DataFrame, Dir, File

            env = flyte.TaskEnvironment("demo")

            @env.task
            def read(f: File, d: Optional[Dir] = None) -> int:
                return 1

            @env.task
            def read_all(fs: list[File]) -> int:
                return len(fs)

            @env.task
            def frame(d: DataFrame) -> int:
                return 1

            @env.task
            def out_dir(n: int) -> Dir:
                return tempfile.mkdtemp()  # expect: FLY805

            @env.task
            def remote(n: int) -> File:
                return "s3://bucket/data.csv"  # expect: FLY805

            @env.task
            async def upload(n: int) -> File:
                return File.from_local("data.csv")  # expect: FLY805

            @env.task
            def table(n: int) -> DataFrame:
                return "data.parquet"  # expect: FLY805

            @env.task
            def with_default(f: File = "data.csv") -> int:  # expect: FLY805
                return 1

            @env.task
            async def main(n: int) -> int:
                root = Path(tempfile.mkdtemp())
                await read.aio(root / "a.txt")  # expect: FLY805
                await read.aio(f"{root}/a.txt")  # expect: FLY805
                await read.aio(await File.from_local("a.txt"), d=root)  # expect: FLY805
                await read_all.aio([await File.from_local("a.txt"), "b.txt"])  # expect: FLY805
                await frame.aio({"a": [1]})  # expect: FLY805
                return n
            """,
            name="dirs-uris-uploads-optional-lists-and-dataframes",
        ),
        Case(
            """
            import pandas as pd

            import flyte as fl
            from flyte import io

            env = fl.TaskEnvironment("demo")

            @env.task
            def table(n: int) -> io.DataFrame:
                return pd.read_csv("data.csv")  # expect: FLY805

            @fl.trace
            async def traced(f: io.File) -> int:
                return 1

            @env.task
            async def count(f: io.File) -> int:
                return 1

            @env.task
            async def main(paths: list[str]) -> int:
                await traced("a.txt")  # expect: FLY805
                results = fl.map(count, ["a.txt", "b.txt"])  # expect: FLY805, FLY805
                return len(list(results))
            """,
            name="pandas-traces-and-flyte-map-items",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def count(f: File, g: File) -> int:
                return 1
            # file: pkg/main.py
            import functools
            import os

            from pkg.envs import count, env

            @env.task
            async def main(root: str) -> int:
                one = functools.partial(count, g=os.path.join(root, "b.txt"))  # expect: FLY805
                await count.override(retries=2).aio(root, root)  # expect: FLY805, FLY805
                return await one(root)  # expect: FLY805
            """,
            name="another-module-override-and-partial",
        ),
    ]
    VALID = [
        Case(
            """
            import os
            import tempfile

            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def report(n: int) -> File:
                path = os.path.join(tempfile.mkdtemp(), "report.txt")
                with open(path, "w") as out:
                    out.write("x" * n)
                return await File.from_local(path)

            @env.task
            async def main(n: int) -> int:
                file = await report.aio(n)
                return n
            """,
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def count(f: File, g: File) -> int:
                return 1
            # file: pkg/main.py
            import functools
            import os

            import flyte as fl
            from flyte.io import File as F
            from pkg.envs import count, env

            @env.task
            async def main(root: str) -> int:
                local = await F.from_local(os.path.join(root, "a.txt"))
                one = functools.partial(count, g=F.from_existing_remote("s3://bucket/b.txt"))
                await count.override(retries=2).aio(local, local)
                list(fl.map(one, [local, local]))
                return await one(local)
            """,
            name="another-module-aliases-override-partial-and-map",
        ),
        Case(
            """
            import os
            from pathlib import Path

            import flyte
            from flyte.io import DataFrame, Dir, File

            env = flyte.TaskEnvironment("demo")

            @env.task
            def sync_upload(path: str) -> File:
                return File.from_local_sync(path)

            @env.task
            def existing(uri: str) -> File:
                return File.from_existing_remote(uri)

            @env.task
            def as_str(root: str) -> str:
                return os.path.join(root, "a.txt")

            @env.task
            def as_path(root: str) -> Path:
                return Path(root) / "a.txt"  # (a local path across pods: FLY806's)

            @env.task
            async def dir_upload(root: str) -> Dir:
                return await Dir.from_local(root)

            @env.task
            def frame(df: DataFrame) -> DataFrame:
                return df

            @env.task
            def anything(x, y: str) -> File:
                return helper(x)

            def helper(x) -> File:
                return "a.txt"

            @env.task
            async def main(root: str) -> int:
                f = await sync_upload.aio(os.path.join(root, "a.txt"))
                await existing.aio("s3://bucket/a.txt")
                await anything.aio("a.txt", "b.txt")
                return 1
            """,
            name="uploads-remote-wrappers-str-and-path-outputs",
        ),
        Case(
            """
            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def count(f: File) -> int:
                return 1

            @env.task
            async def guarded(path: str) -> int:
                try:
                    return await count.aio(path)
                except TypeError:  # (the engine's conversion error, raised at the call: a deliberate probe)
                    return await count.aio(await File.from_local(path))

            if __name__ == "__main__":
                count.forward("a.txt")  # (the raw function: no engine)
            """,
            name="guards-and-forward",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        seen: set[int] = set()
        for position in positions(analysis):
            value = value_of(analysis, position)
            found = mismatch(value, position.declared)
            if found is None or found.kind != PATH_FOR_FILE or id(position.node) in seen:
                continue
            seen.add(id(position.node))
            text = position.node.as_string()
            what = _declared_class(position.declared)
            yield self.finding(
                position.module,
                position.node,
                f"`{text}` is {found.value}, and {position.described()} declares `{found.declared}`: the engine "
                f'converts a {what} only from an instance and {position.rejects} ("{found.error}"). '
                f"{_fix(position.node, value, what)}",
                **position.raises,
            )


def _declared_class(declared: TypeNode) -> str:
    """Which flyte.io class the annotation declares (through Optional and list)."""
    if declared.kind is TypeKind.CLASS and declared.path in _CLASSES:
        return _CLASSES[declared.path]
    for arg in declared.args:
        if (found := _declared_class(arg)) != "File":
            return found
    return "File"


def _fix(node: nodes.NodeNG, value: ValueType | None, what: str) -> str:
    text, name = node.as_string(), value.name if value is not None else ""
    if what == "DataFrame":
        if name == "pandas.DataFrame":
            return f"Wrap it (`flyte.io.DataFrame.from_df({text})`), or declare `pd.DataFrame`"
        return "Pass a `flyte.io.DataFrame` (`flyte.io.DataFrame.from_df(df)`, `DataFrame.from_existing_remote(uri)`)"
    if name == "coroutine":
        return f"Await it (`await {text}`)"
    remote = f"`{what}.from_existing_remote({text})`"
    if isinstance(node, nodes.Const) and "://" in str(node.value):
        return f"Wrap the remote URI ({remote})"
    function = node.scope()
    upload = (
        f"`{what}.from_local_sync({text})`"
        if isinstance(function, nodes.FunctionDef) and not isinstance(function, nodes.AsyncFunctionDef)
        else f"`await {what}.from_local({text})`"
    )
    return f"Upload it ({upload}), or wrap a remote URI ({remote})"
