"""Helpers for the `flyte-lint migrate` tests: migrate a small project written to a temporary directory, and
hold the result to the command's promises (idempotent, lint-clean of FLY5xx and errors)."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

from flyte_lint.cli import main
from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from flyte_lint.findings import Severity
from lintutil import write_project


def migrate(root: Path, *args: str) -> int:
    """``flyte-lint migrate ARGS root`` in this process, from ``root``: the exit code."""
    old = os.getcwd()
    os.chdir(root if root.is_dir() else root.parent if root.parent.is_dir() else old)
    try:
        return main(["migrate", *args, str(root)])
    finally:
        os.chdir(old)


def migrated(tmp_path: Path, files: dict[str, str] | str, path: str = "main.py") -> tuple[int, str]:
    """Write ``files`` (a str: main.py), migrate the project, check the result is idempotent and lint-clean:
    (exit code, the migrated text of ``path``)."""
    root = write_project(tmp_path / "project", files)
    code = migrate(root)
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}
    assert migrate(root) == code, "a second run exits differently"
    assert {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))} == texts, "not idempotent"
    assert_lint_clean(root, todo_ok=code == 1)
    return code, (root / path).read_text(encoding="utf-8")


def assert_lint_clean(root: Path, todo_ok: bool = False) -> None:
    """``flyte-lint check``: no FLY5xx finding and no error-severity finding (a file left with TODOs may keep
    FLY5xx findings on what it could not migrate)."""
    result = run([root], Settings(), Options(), cwd=root)
    assert not result.internal_errors, result.internal_errors
    bad = [
        f"{f.path}:{f.line} {f.code} {f.message}"
        for f in result.findings
        if f.severity == Severity.ERROR or (f.code.startswith("FLY5") and not todo_ok)
    ]
    assert not bad, "\n".join(bad)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def run_script(root: Path, script: str, python: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """``python script`` in ``root`` (its `__main__` block), with a private HOME: the completed process."""
    env = dict(os.environ, HOME=str(root / ".home"), PYTHONPATH=str(root), FLYTE_LINT_NO_CACHE="1")
    (root / ".home").mkdir(exist_ok=True)
    return subprocess.run(
        [python, script], cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
