"""The pre-commit hooks through the real pre-commit: it builds the hook's isolated environment from this
repository (pip installs flyte-lint and its dependencies from PyPI, never flyte) and runs it on a
temporary git repository.

`pre-commit try-repo` always installs into a throwaway store, so it is used for the two headline
scenarios only; the others use `pre-commit run` with a config naming the hook repository, and a
PRE_COMMIT_HOME shared by this module, so that environment is installed once.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lintutil import AWAIT_SYNC_BAD as BAD, AWAIT_SYNC_GOOD as GOOD, DEPLOY_SCRIPT_PROJECT

pytestmark = pytest.mark.slow  # the real pre-commit builds hook environments and runs git

if importlib.util.find_spec("pre_commit") is None:  # pragma: no cover
    pytest.skip("pre-commit is not installed (pip install -e '.[test]')", allow_module_level=True)

REPO = Path(__file__).resolve().parents[1]

# The shared multi-module project, with a generated file its config excludes.
PROJECT = {**DEPLOY_SCRIPT_PROJECT, "pyproject.toml": '[tool.flyte-lint]\nexclude = ["gen"]\n', "gen/generated.py": BAD}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def make_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    return root


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This repository's working tree (uncommitted work included) committed into a temporary git repo:
    pre-commit installs hooks from a commit."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert (copy / ".pre-commit-hooks.yaml").is_file()
    git(copy, "init", "-q")
    git(copy, "add", ".")
    git(copy, "commit", "-q", "-m", "snapshot")
    return copy


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["PRE_COMMIT_HOME"] = str(home)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color=never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "An unexpected error has occurred" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def run_hook(repo: Path, hook_repo: Path, home: Path, hook: dict, args: list[str]) -> subprocess.CompletedProcess:
    """`pre-commit run` with a config that names the hook repository at its commit."""
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    hook_yaml = "\n".join(f"      {line}" for line in textwrap.dedent(hook["yaml"]).strip().splitlines())
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_posix()}\n    rev: {rev}\n    hooks:\n{hook_yaml}\n", encoding="utf-8"
    )
    git(repo, "add", ".pre-commit-config.yaml")
    return pre_commit(["run", *args], repo, home)


# -- try-repo ---------------------------------------------------------------------------------------------
def test_try_repo_fails_on_the_bad_file(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", {"bad.py": BAD, "good.py": GOOD})
    proc = pre_commit(["try-repo", str(hook_repo), "flyte-lint", "--all-files"], repo, pre_commit_home)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "flyte-lint" in out and "Failed" in out
    assert "bad.py:11:12: FLY101 sync task 'demo.square' is awaited directly" in out
    assert "good.py:" not in out


def test_try_repo_passes_on_the_good_file(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", {"bad.py": BAD, "good.py": GOOD})
    proc = pre_commit(["try-repo", str(hook_repo), "flyte-lint", "--files", "good.py"], repo, pre_commit_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


# -- pre-commit run, one shared environment ------------------------------------------------------------------
LINT = {"yaml": "- id: flyte-lint"}


def test_a_file_passed_alone_is_resolved_against_its_project(tmp_path, hook_repo, pre_commit_home):
    """Only the task module is passed (as when only it changed); the env dependency on 'train' is declared
    by add_dependency in the unchanged deploy module, so only the missing 'report' dependency is reported."""
    repo = make_repo(tmp_path / "work", PROJECT)
    proc = run_hook(repo, hook_repo, pre_commit_home, LINT, ["--files", "app/workflow.py"])
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "app/workflow.py:7:18: FLY401 task 'driver.main' (env 'driver') calls task 'report.publish'" in out
    assert "'train.train'" not in out
    assert "Found 1 finding (1 error) in 1 file checked." in out

    # The whole repository: the same single finding, and the excluded generated file stays quiet.
    proc = run_hook(repo, hook_repo, pre_commit_home, LINT, ["--all-files"])
    assert proc.returncode == 1 and "Found 1 finding (1 error)" in proc.stdout, proc.stdout
    assert "gen/" not in proc.stdout

    # Declaring the dependency in the deploy script (the task module unchanged) makes it pass.
    deploy = repo / "deploy.py"
    deploy.write_text(
        deploy.read_text()
        .replace(
            "driver_env.add_dependency(train_env)",
            "driver_env.add_dependency(train_env)\ndriver_env.add_dependency(report_env)",
        )
        .replace("import driver_env, train_env", "import driver_env, report_env, train_env")
    )
    git(repo, "add", "deploy.py")
    proc = run_hook(repo, hook_repo, pre_commit_home, LINT, ["--files", "app/workflow.py"])
    assert proc.returncode == 0, proc.stdout


def test_excludes_hold_for_files_passed_explicitly(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", PROJECT)
    proc = run_hook(repo, hook_repo, pre_commit_home, LINT, ["--files", "gen/generated.py"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


# A task of train.py called only from main.py (no pyproject.toml around them): whether it is the root of a
# run (FLY401) depends on main.py, which a commit touching only train.py does not stage.
SCOPE = {
    "envs.py": """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        mid = flyte.TaskEnvironment("mid")
        driver = flyte.TaskEnvironment("driver", depends_on=[gpu, mid])
    """,
    "train.py": """
        from envs import gpu, mid


        @gpu.task
        async def fit(x: int) -> int:
            return x


        @mid.task
        async def step(x: int) -> int:
            return await fit(x)
    """,
    "main.py": """
        from envs import driver
        from train import step


        @driver.task
        async def main() -> int:
            return await step(1)
    """,
}


def test_a_staged_file_gets_the_answer_of_the_folder(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", SCOPE)
    for args in (["--files", "train.py"], ["--all-files"]):
        proc = run_hook(repo, hook_repo, pre_commit_home, LINT, args)
        assert proc.returncode == 0, (args, proc.stdout + proc.stderr)
    # main.py stops calling step: step is a root whose env 'mid' does not cover 'gpu', for both runs.
    main = repo / "main.py"
    main.write_text(main.read_text().replace("return await step(1)", "return 1"))
    git(repo, "add", "main.py")
    for args in (["--files", "train.py"], ["--all-files"]):
        proc = run_hook(repo, hook_repo, pre_commit_home, LINT, args)
        assert proc.returncode == 1, (args, proc.stdout + proc.stderr)
        assert "train.py:11:18: FLY401 task 'mid.step' (env 'mid') calls task 'gpu.fit'" in proc.stdout
        assert "Found 1 finding (1 error)" in proc.stdout


def test_the_hook_environment_has_no_flyte(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", {"good.py": GOOD})
    assert run_hook(repo, hook_repo, pre_commit_home, LINT, ["--all-files"]).returncode == 0
    pythons = sorted(pre_commit_home.glob("repo*/py_env-*/bin/python")) + sorted(
        pre_commit_home.glob("repo*/py_env-*/Scripts/python.exe")
    )
    assert pythons, list(pre_commit_home.iterdir())
    probe = "import importlib.util as u; print(u.find_spec('flyte') is None, u.find_spec('flyte_lint') is not None)"
    for python in pythons:
        out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout.split()
        assert out == ["True", "True"], (python, out)


GRAPH = {
    "yaml": """
    - id: flyte-lint-graph
      args: [--entry, app.workflow:main, -o, dag.json, .]
"""
}


def test_graph_hook_keeps_a_committed_dag_current_and_checks_it_is_static(tmp_path, hook_repo, pre_commit_home):
    repo = make_repo(tmp_path / "work", PROJECT)
    proc = run_hook(repo, hook_repo, pre_commit_home, GRAPH, ["--all-files"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"entry": "driver.main"' in (repo / "dag.json").read_text()
    git(repo, "add", "dag.json")

    # A changed workflow changes the DAG: the hook rewrites the committed export, so pre-commit fails
    # until the new export is staged.
    workflow = repo / "app/workflow.py"
    workflow.write_text(
        workflow.read_text().replace("score = await train(3)", "score = await train(3)\n    score = await train(4)")
    )
    git(repo, "add", "app/workflow.py")
    proc = run_hook(repo, hook_repo, pre_commit_home, GRAPH, ["--all-files"])
    assert proc.returncode == 1 and "files were modified by this hook" in proc.stdout, proc.stdout + proc.stderr
    git(repo, "add", "dag.json")
    assert run_hook(repo, hook_repo, pre_commit_home, GRAPH, ["--all-files"]).returncode == 0

    # --check: a fan-out over run-time data is not static.
    workflow.write_text(
        workflow.read_text().replace(
            "async def main() -> str:\n    score = await train(3)\n    score = await train(4)",
            "async def main(n: int) -> str:\n    for e in range(n):\n        score = await train(e)",
        )
    )
    git(repo, "add", "app/workflow.py")
    proc = run_hook(repo, hook_repo, pre_commit_home, GRAPH, ["--all-files"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FLY701" in proc.stdout and "driver.main is not fully static" in proc.stdout


def test_manifest_is_valid_and_the_lint_hook_sees_all_files_at_once():
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert hooks["flyte-lint"]["entry"] == "flyte-lint check" and hooks["flyte-lint"]["require_serial"] is True
    assert hooks["flyte-lint"]["language"] == "python" and hooks["flyte-lint"]["types"] == ["python"]
    assert hooks["flyte-lint-graph"]["pass_filenames"] is False


def test_the_readme_snippet_works_as_written(tmp_path, hook_repo, pre_commit_home):
    """README.md's `.pre-commit-config.yaml`, copied into a repository holding the bundled example project, with
    its `repo:` a local clone and its `rev:` a full commit SHA as the README says to pin."""
    from test_readme import readme_blocks

    [snippet] = readme_blocks("yaml", after="### pre-commit")
    assert "rev: <full commit sha>" in snippet
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    assert re.fullmatch(r"[0-9a-f]{40}", rev)
    config = re.sub(r"repo: \S+", f"repo: {hook_repo.as_posix()}", snippet).replace("<full commit sha>", rev)
    files = {
        f"examples/{p.relative_to(REPO / 'examples').as_posix()}": p.read_text(encoding="utf-8")
        for p in (REPO / "examples").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    repo = make_repo(tmp_path / "work", {**files, ".pre-commit-config.yaml": config})
    proc = pre_commit(["run", "--all-files"], repo, pre_commit_home)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "examples/pipeline/workflow.py:17:19: FLY101" in out  # the lint hook fails on the deliberate mistakes
    assert '"entry": "driver.main"' in (repo / "dag.json").read_text()  # the graph hook wrote the export
