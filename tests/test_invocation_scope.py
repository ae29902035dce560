"""The same answer however flyte-lint is invoked (issue 21, §6): a finding on a named file must not depend on
whether the modules that import it were named too. Who calls a function decides findings on it: whether a
task is a root of a run (FLY401), and the task context of a plain helper (FLY105). So `check FILE` (a
pre-commit run on the staged files), `check FOLDER`, `check FILE IMPORTER` and the pylint plugin on FILE
alone agree, with and without the result cache, in one process and on workers."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from flyte_lint import engine
from flyte_lint.cli import settings_for
from flyte_lint.engine import Options, run
from lintutil import write_project
from test_pylint_plugin import pylint_keys

ENVS = """
import flyte

gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
mid = flyte.TaskEnvironment("mid")
driver = flyte.TaskEnvironment("driver", depends_on=[gpu, mid])
"""

TRAIN = """
from envs import gpu, mid


@gpu.task
async def fit(x: int) -> int:
    return x


@mid.task
async def step(x: int) -> int:
    return await fit(x)
"""

# The only root reaching step's call of fit is driver.main, whose env depends on gpu: no FLY401.
MAIN_CALLS = """
from envs import driver
from train import step


@driver.task
async def main() -> int:
    return await step(1)
"""

# main no longer calls step: step is a root of its own, and mid does not cover gpu.
MAIN_QUIET = """
from envs import driver
from train import step


@driver.task
async def main() -> int:
    return 1
"""

# An unrelated component, so that a folder run has two units of work (on workers with -j2).
OTHER = """
import flyte

other = flyte.TaskEnvironment("other")


@other.task
def alone(x: int) -> int:
    return x
"""

UTIL = """
import flyte


def helper() -> int:
    run = flyte.run(work, 1)
    return 1


@flyte.TaskEnvironment("u").task
def work(x: int) -> int:
    return x
"""

CALLER_ASYNC = """
import flyte
from util import helper

env = flyte.TaskEnvironment("callers")


@env.task
async def main() -> int:
    return helper()
"""

CALLER_SYNC = CALLER_ASYNC.replace("async def main", "def main")

MODES = [["train.py"], ["."], ["main.py", "train.py"]]


def findings_on(root: Path, paths: list[str], name: str, cache: Path | None, jobs: int) -> list[tuple]:
    """What `flyte-lint check <paths>` run from ``root`` (as pre-commit runs it) reports on ``name``."""
    old = os.getcwd()
    os.chdir(root)
    try:
        targets = [Path(p) for p in paths]
        result = run(
            targets, settings_for(argparse.Namespace(config=None), targets), Options(), cache_dir=cache, jobs=jobs
        )
    finally:
        os.chdir(old)
    assert not result.internal_errors and not result.path_errors
    return sorted((f.line, f.column, f.code, f.message) for f in result.findings if Path(f.path).name == name)


def every_mode(root: Path, name: str, modes: list[list[str]], cache_root: Path, monkeypatch) -> dict:
    """The findings on ``name`` in each mode, without cache, with a cold and a warm cache, on 1 and 2 jobs
    (workers started for any number of files, so that -j2 really analyses on them)."""
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 1)
    found = {}
    for paths in modes:
        for jobs in (1, 2):
            found[(*paths, jobs, "no cache")] = findings_on(root, paths, name, None, jobs)
            cache = cache_root / f"{'-'.join(paths)}-{jobs}"
            found[(*paths, jobs, "cold")] = findings_on(root, paths, name, cache, jobs)
            found[(*paths, jobs, "warm")] = findings_on(root, paths, name, cache, jobs)
    return found


@pytest.mark.parametrize("pyproject", [False, True], ids=["no-pyproject", "pyproject"])
def test_a_task_called_from_an_importer_is_no_root_whichever_files_are_named(tmp_path, monkeypatch, pyproject):
    files = {"envs.py": ENVS, "train.py": TRAIN, "main.py": MAIN_CALLS, "other.py": OTHER}
    if pyproject:
        files["pyproject.toml"] = "[project]\nname = 'p'\n"
    root = write_project(tmp_path / "p", files)
    found = every_mode(root, "train.py", MODES, tmp_path / "cache", monkeypatch)
    assert all(f == [] for f in found.values()), found
    assert pylint_keys(root, ["train.py"]) == set()

    # main.py stops calling step: step is a root whose env does not cover gpu, in every mode (the cached
    # findings of train.py are made stale by the edit of its importer).
    (root / "main.py").write_text(MAIN_QUIET, encoding="utf-8")
    found = every_mode(root, "train.py", MODES, tmp_path / "cache", monkeypatch)
    codes = {key: [code for _, _, code, _ in f] for key, f in found.items()}
    assert all(c == ["FLY401"] for c in codes.values()), codes
    assert len({tuple(f) for f in found.values()}) == 1, found
    line, _, _, message = found[("train.py", 1, "no cache")][0]
    assert "'mid.step'" in message and "await fit(x)" in (root / "train.py").read_text().splitlines()[line - 1]
    assert pylint_keys(root, ["train.py"]) == {("train.py", line, "missing-env-dependency")}


def test_a_task_called_several_imports_up_is_no_root(tmp_path, monkeypatch):
    """The caller imports a module that imports train.py: importers are followed transitively."""
    relay = "from train import step\n\nSTEP = step\n"
    main = MAIN_CALLS.replace("from train import step", "from relay import STEP as step")
    root = write_project(tmp_path / "p", {"envs.py": ENVS, "train.py": TRAIN, "relay.py": relay, "main.py": main})
    found = every_mode(root, "train.py", [["train.py"], ["."]], tmp_path / "cache", monkeypatch)
    assert all(f == [] for f in found.values()), found


@pytest.mark.parametrize("caller, expected", [(CALLER_ASYNC, ["FLY105"]), (CALLER_SYNC, [])], ids=["async", "sync"])
def test_a_helper_takes_its_context_from_callers_in_other_modules(tmp_path, monkeypatch, caller, expected):
    """A plain helper calling flyte.run blocks the event loop when an async task calls it (FLY105), and is
    fine from a sync task: the same on util.py checked alone and with its folder."""
    root = write_project(tmp_path / "p", {"util.py": UTIL, "flow.py": caller, "other.py": OTHER})
    found = every_mode(root, "util.py", [["util.py"], ["."], ["util.py", "flow.py"]], tmp_path / "cache", monkeypatch)
    codes = {key: [code for _, _, code, _ in f] for key, f in found.items()}
    assert all(c == expected for c in codes.values()), codes
    assert len({tuple(f) for f in found.values()}) == 1, found


def test_a_package_module_named_alone_sees_its_importers_at_the_import_root(tmp_path, monkeypatch):
    """Without a pyproject.toml, a package module named alone is analysed with the modules at its import
    root (the folder above the package), as `check` of that folder would."""
    pkg_train = TRAIN.replace("from envs import", "from app.envs import")
    main = MAIN_CALLS.replace("from envs import", "from app.envs import").replace("from train", "from app.train")
    root = write_project(
        tmp_path / "p", {"app/__init__.py": "", "app/envs.py": ENVS, "app/train.py": pkg_train, "main.py": main}
    )
    found = every_mode(root, "train.py", [["app/train.py"], ["."]], tmp_path / "cache", monkeypatch)
    assert all(f == [] for f in found.values()), found
    (root / "main.py").write_text(main.replace("return await step(1)", "return 1"), encoding="utf-8")
    assert [c for _, _, c, _ in findings_on(root, ["app/train.py"], "train.py", None, 1)] == ["FLY401"]


@pytest.mark.parametrize("pyproject", [False, True], ids=["no-pyproject", "pyproject"])
def test_a_folder_inside_the_project_sees_importers_outside_it(tmp_path, monkeypatch, pyproject):
    """`check app/` where the caller lives beside the package: the same answer as `check .`."""
    pkg_train = TRAIN.replace("from envs import", "from app.envs import")
    main = MAIN_CALLS.replace("from envs import", "from app.envs import").replace("from train", "from app.train")
    files = {"app/__init__.py": "", "app/envs.py": ENVS, "app/train.py": pkg_train, "main.py": main}
    if pyproject:
        files["pyproject.toml"] = "[project]\nname = 'p'\n"
    root = write_project(tmp_path / "p", files)
    found = every_mode(root, "train.py", [["app"], ["."]], tmp_path / "cache", monkeypatch)
    assert all(f == [] for f in found.values()), found
    (root / "main.py").write_text(main.replace("return await step(1)", "return 1"), encoding="utf-8")
    found = every_mode(root, "train.py", [["app"], ["."]], tmp_path / "cache", monkeypatch)
    assert all([c for _, _, c, _ in f] == ["FLY401"] for f in found.values()), found


def test_a_script_scope_does_not_walk_plain_subfolders(tmp_path):
    """Outside any project, the scope of a named file is its import root's modules and packages, not every
    folder below it (the file may sit in /tmp or a home folder)."""
    root = write_project(
        tmp_path / "p", {"a.py": "", "pkg/__init__.py": "", "pkg/m.py": "", "data/x.py": "", "notes.txt": ""}
    )
    scope = engine._script_scope([root / "a.py"])
    assert sorted(p.relative_to(root).as_posix() for p in scope) == ["a.py", "pkg"]
