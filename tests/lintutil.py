"""Helpers for rule tests: lint a small project written to a temporary directory."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from flyte_lint.cli import main
from flyte_lint.config import Settings
from flyte_lint.engine import Options, RunResult, run

# A one-file project with one finding (FLY101 at 11:12), and the same project fixed: shared by the CLI,
# pylint plugin and pre-commit tests.
AWAIT_SYNC_BAD = """
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def square(x: int) -> int:
    return x * x

@env.task
async def main(x: int) -> int:
    return await square(x)
""".lstrip("\n")

AWAIT_SYNC_GOOD = AWAIT_SYNC_BAD.replace("await square(x)", "await square.aio(x)")

# A package whose envs, tasks, workflow and deploy script live in different modules. The deploy script
# declares driver -> train with add_dependency; driver -> report is missing and report's image must be built
# (FLY401 in app/workflow.py:7).
# The pylint plugin and the pre-commit hooks are both held to it.
DEPLOY_SCRIPT_PROJECT = {
    "pyproject.toml": "[tool.flyte-lint]\n",
    "app/__init__.py": "",
    "app/envs.py": """
        import flyte

        train_env = flyte.TaskEnvironment("train")
        report_env = flyte.TaskEnvironment("report", image=flyte.Image.from_debian_base().with_pip_packages("jinja2"))
        driver_env = flyte.TaskEnvironment("driver")
    """,
    "app/tasks.py": """
        from .envs import report_env, train_env

        @train_env.task
        async def train(epochs: int) -> float:
            return 0.9

        @report_env.task
        async def publish(score: float) -> str:
            return str(score)
    """,
    "app/workflow.py": """
        from app.envs import driver_env
        from app.tasks import publish, train

        @driver_env.task
        async def main() -> str:
            score = await train(3)
            return await publish(score)
    """,
    "deploy.py": """
        import flyte

        from app.envs import driver_env, train_env
        from app.workflow import main

        driver_env.add_dependency(train_env)

        if __name__ == "__main__":
            flyte.deploy(driver_env)
    """,
}

FILE_MARKER = re.compile(r"^# file: (?P<name>\S+)\s*$", re.M)


def split_files(source: str) -> dict[str, str]:
    """``# file: pkg/mod.py`` lines split one source text into several files; otherwise it is main.py."""
    source = textwrap.dedent(source)
    marks = list(FILE_MARKER.finditer(source))
    if not marks:
        return {"main.py": source.strip("\n") + "\n"}
    files = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(source)
        files[mark.group("name")] = source[mark.end() : end].strip("\n") + "\n"
    return files


def write_project(root: Path, files: dict[str, str] | str) -> Path:
    if isinstance(files, str):
        files = split_files(files)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def lint_result(
    tmp_path: Path, files: dict[str, str] | str, select: list[str] | None = None, paths: list[str] | None = None
) -> RunResult:
    """Lint with ``select`` or, by default, every rule that is on by default (all but the FLY7xx notes)."""
    root = write_project(tmp_path / "project", files)
    targets = [root / p for p in paths] if paths else [root]
    result = run(targets, Settings(), Options(select=select), cwd=root)
    assert not result.internal_errors, result.internal_errors
    return result


def lint(
    tmp_path: Path, files: dict[str, str] | str, select: list[str] | None = None, paths: list[str] | None = None
) -> list[tuple[str, int, str]]:
    """(code, line, path) of every finding, sorted."""
    result = lint_result(tmp_path, files, select, paths)
    return [(f.code, f.line, f.path) for f in result.findings]


def codes(tmp_path: Path, files: dict[str, str] | str, select: list[str] | None = None) -> list[str]:
    return [code for code, _, _ in lint(tmp_path, files, select)]


def messages(tmp_path: Path, files: dict[str, str] | str, select: list[str] | None = None) -> list[str]:
    return [f"{f.code} {f.message}" for f in lint_result(tmp_path, files, select).findings]


def run_cli(args: list[str], cwd: Path, capsys) -> tuple[int, str, str]:
    """``flyte-lint ARGS`` in this process, from ``cwd``: (exit code, stdout, stderr)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(old)
    out = capsys.readouterr()
    return code, out.out, out.err


def fixed_files(tmp_path: Path, findings: list, paths: list[str] | None = None, unsafe: bool = True) -> dict[str, str]:
    """The files of a ``lint_result`` run in ``tmp_path`` that have findings (or those of ``paths``), with the fixes
    of ``findings`` applied as ``--fix`` (``unsafe``: ``--unsafe-fixes`` too) applies them: display path -> text."""
    from flyte_lint.fixes import fixed_text

    root = tmp_path / "project"
    if paths is None:
        paths = sorted({f.path for f in findings})
    fixed = {}
    for path in paths:
        text = (root / path).read_text(encoding="utf-8")
        fixed[path], _ = fixed_text(text, [f for f in findings if f.path == path], unsafe)
    return fixed
