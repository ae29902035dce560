"""FLY806 against the SDK, with the pods apart. A local run gives every action one filesystem, so a local path
handed from one task to the next works there (the rule's documented example completes in the driver). Here each
form runs in a run whose raw data store is not the local disk (``memory://``, as a cluster's is ``s3://...``), and
the producer's files are deleted once it returns (its pod, and its filesystem, are gone) before the consumer
reads. A form ending in ``_bad`` must then fail (FileNotFoundError), one ending in ``_ok`` must read the file back
(``from_local`` uploaded it), and the rule must report exactly in the failing producers."""

from __future__ import annotations

import re

from lintutil import lint_result
from sdk_runner import requires_sdk, run_program

PODS = """
import os
import shutil
import tempfile
from pathlib import Path

import flyte
from flyte.io import Dir, File

env = flyte.TaskEnvironment("demo")
WRITTEN = []  # the producers' directories: this process plays every pod


def _write(path: str) -> None:
    WRITTEN.append(os.path.dirname(path))
    with open(path, "w") as fh:
        fh.write("hello")


@env.task
def ctor_bad() -> File:
    path = os.path.join(tempfile.mkdtemp(), "r.txt")
    _write(path)
    return File(path=path)


@env.task
def fstring_bad() -> File:
    folder = tempfile.mkdtemp()
    _write(f"{folder}/r.txt")
    return File(path=f"{folder}/r.txt")


@env.task
async def from_local_ok() -> File:
    path = os.path.join(tempfile.mkdtemp(), "r.txt")
    _write(path)
    return await File.from_local(path)


@env.task
def from_local_sync_ok() -> File:
    path = os.path.join(tempfile.mkdtemp(), "r.txt")
    _write(path)
    return File.from_local_sync(path)


@env.task
def path_bad() -> Path:
    path = Path(tempfile.mkdtemp()) / "r.txt"
    _write(str(path))
    return path


@env.task
def dir_bad() -> Dir:
    folder = tempfile.mkdtemp()
    _write(os.path.join(folder, "r.txt"))
    return Dir(path=folder)


@env.task
def dir_from_local_ok() -> Dir:
    folder = tempfile.mkdtemp()
    _write(os.path.join(folder, "r.txt"))
    return Dir.from_local_sync(folder)


@env.task
async def str_bad() -> str:
    path = os.path.join(tempfile.mkdtemp(), "r.txt")
    _write(path)
    return path


@env.task
def read_str(p: str) -> str:
    with open(p) as fh:
        return fh.read()


@env.task
async def str_flow() -> str:  # (the flow the rule needs to see: a task that opens str_bad's output)
    return await read_str.aio(await str_bad.aio())


@env.task
def read_file(f: File) -> str:
    with f.open_sync("rb") as fh:
        return bytes(fh.read()).decode()


@env.task
def read_path(p: Path) -> str:
    return p.read_text()


@env.task
async def read_dir(d: Dir) -> str:
    return Path(await d.download(), "r.txt").read_text()


@env.task
async def pods(name: str) -> str:
    value = await globals()[name].aio()
    for folder in WRITTEN:
        shutil.rmtree(folder, ignore_errors=True)
    readers = {str: read_str, Dir: read_dir, File: read_file}
    reader = read_path if isinstance(value, Path) else readers[type(value)]
    return await reader.aio(value)


FORMS = [name for name in list(globals()) if name.endswith(("_bad", "_ok"))]


@env.task
def main() -> dict:
    out = {}
    for name in FORMS:
        try:
            run = flyte.with_runcontext(mode="local", raw_data_path="memory://bucket/raw").run(pods, name=name)
            out[name] = run.outputs()[0]
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out
"""


def _reported_defs(tmp_path, source: str) -> set[str]:
    lines = source.lstrip("\n").split("\n")
    found = set()
    for finding in lint_result(tmp_path, source, select=["FLY806"]).findings:
        at = finding.line - 1
        while not (match := re.match(r"\s*(?:async )?def (\w+)", lines[at])):
            at -= 1
        found.add(match.group(1))
    return found


@requires_sdk
def test_fly806_reports_exactly_the_outputs_a_separate_pod_cannot_read(tmp_path):
    r = run_program(PODS, entry="main")
    assert r.ok, r.summary()
    failed = {name for name, outcome in r.output.items() if outcome != "hello"}
    assert failed == {name for name in r.output if name.endswith("_bad")}, r.output
    for name in failed:
        assert "No such file or directory" in r.output[name], (name, r.output[name])
    assert _reported_defs(tmp_path, PODS) == failed
