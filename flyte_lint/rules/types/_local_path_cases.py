"""FLY806's cases (kept apart so the rule file stays short); the first of each list is the documented example."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID = [
    Case(
        """
        import os
        import tempfile

        import flyte
        from flyte.io import File

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def write_report(text: str) -> File:
            path = os.path.join(tempfile.mkdtemp(), "report.txt")
            with open(path, "w") as fh:
                fh.write(text)
            return File(path=path)  # expect: FLY806

        @env.task
        async def main(text: str) -> str:
            report = await write_report(text)
            async with report.open("rb") as fh:
                return bytes(await fh.read()).decode()
        """,
        message="task 'demo.write_report' returns `File(path=...)` of a local path (`tempfile.mkdtemp()`): the "
        "constructor uploads nothing, so the literal names a path in this task's pod. A local run shares one "
        "filesystem and works; in a cluster each action runs in its own pod, and reading it fails "
        "(FileNotFoundError). Return `await File.from_local(path)`, which uploads it",
    ),
    Case(
        """
        import tempfile
        from pathlib import Path
        from typing import Optional

        import flyte
        import flyte.io as fio

        env = flyte.TaskEnvironment("demo")

        @env.task
        def scratch(n: int) -> Path:
            out = Path(tempfile.mkdtemp()) / "x.txt"
            out.write_text(str(n))
            return out  # expect: FLY806

        @env.task
        def maybe(n: int) -> Optional[Path]:
            if n:
                return Path("/tmp/results") / str(n)  # expect: FLY806
            return None

        @env.task
        def csv(name: str) -> fio.File:
            return fio.File(path=f"/tmp/{name}.csv")  # expect: FLY806

        @env.task
        def folder(n: int) -> fio.Dir:
            with tempfile.TemporaryDirectory() as tmp:
                return fio.Dir(path=tmp)  # expect: FLY806

        @env.task
        def pair(n: int) -> tuple[fio.File, int]:
            report = fio.File(path="/tmp/report.txt")
            return report, n  # expect: FLY806
        """,
        name="path-outputs-sync-dirs-and-tuples",
    ),
    Case(
        """
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: pkg/tasks.py
        import os
        import tempfile

        from flyte.io import File as F

        from pkg.envs import env

        def export(name: str) -> F:
            return F(path=os.path.join(tempfile.gettempdir(), name))  # expect: FLY806

        export_task = env.task(export)
        """,
        name="env-from-another-module",
    ),
    Case(
        """
        # file: pkg/produce.py
        import os
        import tempfile

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def export(text: str) -> str:
            path = os.path.join(tempfile.mkdtemp(), "out.txt")
            with open(path, "w") as fh:
                fh.write(text)
            return path  # expect: FLY806

        @env.task
        async def label(text: str) -> str:
            return os.path.join(tempfile.mkdtemp(), "out.txt")
        # file: pkg/consume.py
        from pathlib import Path

        from pkg.produce import env, export, label

        @env.task
        def count(path: str) -> int:
            return len(Path(path).read_text())

        @env.task
        def show(name: str) -> str:
            return name.upper()

        @env.task
        async def main(text: str) -> int:
            path = await export(text)
            print(await show.aio(await label(text)))
            return await count.aio(path=path)
        """,
        name="str-path-a-consumer-opens",
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
        async def write_report(text: str) -> File:
            path = os.path.join(tempfile.mkdtemp(), "report.txt")
            with open(path, "w") as fh:
                fh.write(text)
            return await File.from_local(path)

        @env.task
        async def main(text: str) -> str:
            report = await write_report(text)
            async with report.open("rb") as fh:
                return bytes(await fh.read()).decode()
        """,
    ),
    Case(
        """
        import os
        import tempfile
        from pathlib import Path

        import flyte
        from flyte.io import Dir, File
        from mylib import File as OtherFile

        env = flyte.TaskEnvironment("demo")
        BUCKET = "s3://bucket/reports/latest.csv"

        @env.task
        def remote(name: str, bucket: str) -> File:
            if name:
                return File(path="s3://bucket/x.csv")
            if bucket:
                return File(path=f"gs://{bucket}/{name}.csv")
            return File(path=BUCKET)

        @env.task
        def given(path: str) -> File:
            return File(path=path)

        @env.task
        def bundled(name: str) -> File:
            return File(path="data/input.csv")

        @env.task
        def config(name: str) -> Path:
            return Path("configs") / f"{name}.yaml"

        @env.task
        def here(name: str) -> File:
            return File(path=os.path.join(os.getcwd(), "data", name))

        @env.task
        def existing(uri: str) -> File:
            return File.from_existing_remote(uri)

        @env.task
        def uploaded(n: int) -> Dir:
            tmp = tempfile.mkdtemp()
            return Dir.from_local_sync(tmp)

        @env.task
        def nothing(n: int) -> Path:
            return None

        @env.task
        def other_library(n: int) -> OtherFile:
            return OtherFile(path="/tmp/x")

        @flyte.trace
        async def traced(n: int) -> Path:
            return Path(tempfile.mkdtemp())

        def plain(n: int) -> File:
            return File(path="/tmp/x")
        """,
        name="remote-uris-uploads-traces-and-plain-functions",
    ),
    Case(
        """
        from pathlib import Path

        class Env:
            def task(self, fn):
                return fn

        env = Env()

        @env.task
        def scratch(n: int) -> Path:
            return Path("/tmp") / str(n)
        """,
        name="another-library-task-decorator",
    ),
]
