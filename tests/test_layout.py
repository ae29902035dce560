"""Source roots from the packaging metadata (flyte_lint/layout.py): `check DIR`, `check FILES...`, a check
from inside a member project and the pylint plugin give the same findings on src/ layouts, uv workspaces,
setuptools/hatch/poetry package folders and path dependencies; and a nested pyproject.toml without a
``[tool.flyte-lint]`` table does not hide the settings above it."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from lintutil import run_cli, write_project
from test_pylint_plugin import pylint_keys

TOOLS = """
    import flyte

    tools_env = flyte.TaskEnvironment("tools")

    @tools_env.task
    def prep(x: int) -> int:
        return x + 1
"""

# A member project calling a task of another member: `await` on a sync task (FLY101) at line 5.
APP_FLOW = """
    from tools.tasks import prep, tools_env

    @tools_env.task
    async def run_app(x: int) -> int:
        return await prep(x)
"""

# The workspace root's own src/ package calling the same task without .aio() (FLY102) at line 5.
DRIVER_FLOW = """
    from tools.tasks import prep, tools_env

    @tools_env.task
    async def drive(x: int) -> int:
        return prep(x)
"""

# A uv workspace nested one folder down (as flyte-sdk's examples/project_structures/uv_workspace/albatross):
# every project uses a src/ layout, members come from a glob, and one member is excluded.
WORKSPACE = {
    "ws/pyproject.toml": """
        [project]
        name = "driver"
        version = "0.1.0"
        dependencies = ["app", "tools"]

        [tool.uv.sources]
        app = { workspace = true }
        tools = { workspace = true }

        [tool.uv.workspace]
        members = ["packages/*"]
        exclude = ["packages/old"]
    """,
    "ws/src/driver/__init__.py": "",
    "ws/src/driver/flow.py": DRIVER_FLOW,
    "ws/packages/tools/pyproject.toml": '[project]\nname = "tools"\nversion = "0.1.0"\n',
    "ws/packages/tools/src/tools/__init__.py": "",
    "ws/packages/tools/src/tools/tasks.py": TOOLS,
    "ws/packages/app/pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["tools"]\n',
    "ws/packages/app/src/app/__init__.py": "",
    "ws/packages/app/src/app/flow.py": APP_FLOW,
    # excluded from the workspace, so not installed: its `legacy` package is not importable
    "ws/packages/old/pyproject.toml": '[project]\nname = "old"\nversion = "0.1.0"\n',
    "ws/packages/old/src/legacy/__init__.py": "",
    "ws/packages/old/src/legacy/tasks.py": TOOLS.replace('"tools"', '"legacy"'),
    "ws/packages/app/src/app/uses_legacy.py": """
        from legacy.tasks import prep, tools_env

        @tools_env.task
        async def via_legacy(x: int) -> int:
            return await prep(x)
    """,
}

APP = "ws/packages/app/src/app/flow.py"
DRIVER = "ws/src/driver/flow.py"


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_project(tmp_path, {name: textwrap.dedent(text).lstrip("\n") for name, text in files.items()})


def check(root: Path, args: list[str], capsys, cwd: str = ".") -> set[tuple[str, int, int, str, str]]:
    """`flyte-lint check ARGS --format json` from ``root/cwd``: (path from root, line, column, code, message)."""
    here = root / cwd
    code, out, err = run_cli(["check", "--no-cache", "--format", "json", *args], here, capsys)
    assert code in (0, 1) and not err, err
    return {
        (Path(os.path.relpath(here / d["path"], root)).as_posix(), d["line"], d["column"], d["code"], d["message"])
        for d in json.loads(out)["diagnostics"]
    }


def py_files(root: Path, under: str) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / under).rglob("*.py"))


def only(found: set, *paths: str) -> set:
    return {f for f in found if f[0] in paths}


def test_a_uv_workspace_of_src_layouts_gives_the_same_findings_however_it_is_checked(tmp_path, capsys):
    root = make(tmp_path, WORKSPACE)
    whole = check(root, ["ws"], capsys)
    assert {(path, line, code) for path, line, _, code, _ in whole} == {(APP, 5, "FLY101"), (DRIVER, 5, "FLY102")}
    assert check(root, ["."], capsys) == whole  # the folder above the workspace (no pyproject.toml there)
    assert check(root, [], capsys, cwd="ws") == {(p, *rest) for p, *rest in whole}  # from inside, no path
    assert check(root, py_files(root, "ws"), capsys) == whole  # every file named, as pre-commit does
    assert check(root, ["ws/src"], capsys) == only(whole, DRIVER)
    assert check(root, [DRIVER], capsys) == only(whole, DRIVER)
    # the member: its folder, its files, from inside it and from inside its package
    member = only(whole, APP)
    assert check(root, ["ws/packages/app"], capsys) == member
    assert check(root, py_files(root, "ws/packages/app"), capsys) == member
    assert check(root, [APP], capsys) == member
    assert check(root, [], capsys, cwd="ws/packages/app") == member
    assert check(root, ["."], capsys, cwd="ws/packages/app/src/app") == member


def test_the_pylint_plugin_finds_what_check_finds_in_a_uv_workspace(tmp_path, capsys):
    root = make(tmp_path, WORKSPACE)
    expected = {
        (path, line, {"FLY101": "await-sync-task", "FLY102": "sync-task-in-async"}[code])
        for path, line, _, code, _ in check(root, ["ws"], capsys)
    }
    assert len(expected) == 2
    assert pylint_keys(root, ["--recursive=y", "ws"]) == expected
    assert pylint_keys(root, py_files(root, "ws")) == expected
    assert pylint_keys(root, ["-j", "2", *py_files(root, "ws")]) == expected  # each worker runs the engine
    assert pylint_keys(root, [APP]) == {e for e in expected if e[0] == APP}
    assert pylint_keys(root, ["--recursive=y", "ws/packages/app"]) == {e for e in expected if e[0] == APP}


def test_fixed_workspace_code_is_quiet_however_it_is_checked(tmp_path, capsys):
    fixed = {
        **WORKSPACE,
        "ws/packages/app/src/app/flow.py": APP_FLOW.replace("await prep(x)", "await prep.aio(x)"),
        "ws/src/driver/flow.py": DRIVER_FLOW.replace("return prep(x)", "return await prep.aio(x)"),
    }
    root = make(tmp_path, fixed)
    assert check(root, ["ws"], capsys) == set()
    assert check(root, py_files(root, "ws"), capsys) == set()
    assert check(root, [], capsys, cwd="ws/packages/app") == set()
    assert pylint_keys(root, ["--recursive=y", "ws"]) == set()


def test_an_excluded_member_is_not_a_source_root(tmp_path, capsys):
    # uv leaves packages/old out of the workspace: `legacy` is not installed, the import fails at run time, and
    # the model does not pretend to know what `prep` is there (uses_legacy.py stays quiet).
    root = make(tmp_path, WORKSPACE)
    assert not any(f[0].endswith("uses_legacy.py") for f in check(root, ["ws"], capsys))
    included = {
        **WORKSPACE,
        "ws/pyproject.toml": WORKSPACE["ws/pyproject.toml"].replace('exclude = ["packages/old"]', ""),
    }
    root = make(tmp_path / "included", included)
    assert any(f[0].endswith("uses_legacy.py") and f[3] == "FLY101" for f in check(root, ["ws"], capsys))


def test_an_excluded_member_is_a_project_of_its_own(tmp_path, capsys):
    # Its own code imports its own package, whether the workspace's folder or its own is checked.
    root = make(tmp_path, {**WORKSPACE, "ws/packages/old/src/legacy/flow.py": APP_FLOW.replace("tools", "legacy")})
    own = {("ws/packages/old/src/legacy/flow.py", 5, "FLY101")}
    assert {f[:2] + f[3:4] for f in check(root, ["ws"], capsys) if "/old/" in f[0]} == own
    assert {f[:2] + f[3:4] for f in check(root, ["ws/packages/old"], capsys)} == own
    assert {f[:2] + f[3:4] for f in check(root, ["ws/packages/old/src/legacy/flow.py"], capsys)} == own


CALLER = """
    from pkg.tasks import prep, tools_env

    @tools_env.task
    async def caller(x: int) -> int:
        return await prep(x)
"""


@pytest.mark.parametrize(
    "pyproject, folder",
    [
        ('[tool.setuptools.packages.find]\nwhere = ["lib"]\n', "lib"),
        ('[tool.setuptools]\npackage-dir = {"" = "code"}\n', "code"),
        ('[tool.hatch.build.targets.wheel]\npackages = ["python/pkg"]\n', "python"),
        ('[tool.poetry]\npackages = [{ include = "pkg", from = "pysrc" }]\n', "pysrc"),
        ('[tool.uv.build-backend]\nmodule-root = "source"\n', "source"),
        ("", "src"),
    ],
    ids=["setuptools-find", "setuptools-package-dir", "hatch", "poetry", "uv-build", "src-layout"],
)
def test_package_folders_of_the_build_configuration_are_source_roots(tmp_path, capsys, pyproject, folder):
    root = make(
        tmp_path,
        {
            "proj/pyproject.toml": '[project]\nname = "p"\nversion = "0"\n' + pyproject,
            f"proj/{folder}/pkg/__init__.py": "",
            f"proj/{folder}/pkg/tasks.py": TOOLS,
            "proj/flows/caller.py": CALLER,  # a script next to the package, as `flyte run flows/caller.py` runs it
        },
    )
    expected = check(root, ["proj"], capsys)
    assert {(p, line, code) for p, line, _, code, _ in expected} == {("proj/flows/caller.py", 5, "FLY101")}
    assert check(root, ["proj/flows"], capsys) == expected
    assert check(root, ["proj/flows/caller.py"], capsys) == expected
    assert check(root, [], capsys, cwd="proj/flows") == expected
    assert pylint_keys(root, ["--recursive=y", "proj"]) == {("proj/flows/caller.py", 5, "await-sync-task")}
    # not a package folder of this configuration: the import does not resolve and nothing is claimed
    other = make(
        tmp_path / "other",
        {
            "proj/pyproject.toml": '[project]\nname = "p"\nversion = "0"\n',
            "proj/elsewhere/pkg/__init__.py": "",
            "proj/elsewhere/pkg/tasks.py": TOOLS,
            "proj/flows/caller.py": CALLER,
        },
    )
    assert check(other, ["proj"], capsys) == set()


def test_a_path_dependency_is_a_source_root(tmp_path, capsys):
    root = make(
        tmp_path,
        {
            "app/pyproject.toml": '[project]\nname = "app"\nversion = "0"\n\n[tool.uv.sources]\nshared = { path = "../shared", editable = true }\n',
            "app/src/app/__init__.py": "",
            "app/src/app/flow.py": CALLER.replace("pkg.tasks", "shared_tasks.tasks"),
            "shared/pyproject.toml": '[project]\nname = "shared"\nversion = "0"\n',
            "shared/src/shared_tasks/__init__.py": "",
            "shared/src/shared_tasks/tasks.py": TOOLS,
        },
    )
    expected = {("app/src/app/flow.py", 5, "FLY101")}
    assert {(p, line, code) for p, line, _, code, _ in check(root, ["app"], capsys)} == expected
    assert {(p, line, code) for p, line, _, code, _ in check(root, ["app/src/app/flow.py"], capsys)} == expected


def test_projects_of_a_monorepo_each_import_their_own_package(tmp_path, capsys):
    # Two projects with the same src/app package: `from app.tasks import ...` in each means its own project's,
    # whether the monorepo, one project or the files are checked. Only a's task is sync.
    files = {}
    for name, sync in (("a", True), ("b", False)):
        files[f"{name}/pyproject.toml"] = f'[project]\nname = "{name}"\nversion = "0"\n'
        files[f"{name}/src/app/__init__.py"] = ""
        files[f"{name}/src/app/tasks.py"] = TOOLS if sync else TOOLS.replace("def prep", "async def prep")
        files[f"{name}/src/app/flow.py"] = CALLER.replace("pkg.tasks", "app.tasks")
    root = make(tmp_path, files)
    expected = {("a/src/app/flow.py", 5, "FLY101")}
    for args in (["."], ["a", "b"], ["b", "a"], ["b/src/app/flow.py", "a/src/app/flow.py"]):
        assert {(p, line, code) for p, line, _, code, _ in check(root, args, capsys)} == expected, args
    assert check(root, ["b"], capsys) == set()
    assert pylint_keys(root, ["--recursive=y", "b", "a"]) == {("a/src/app/flow.py", 5, "await-sync-task")}


# -- settings: the nearest pyproject.toml with a [tool.flyte-lint] table -----------------------------------
def test_a_nested_pyproject_without_the_table_does_not_hide_the_settings_above(tmp_path, capsys):
    root = make(
        tmp_path,
        {
            "pyproject.toml": '[tool.flyte-lint]\nignore = ["FLY101"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/tools/pyproject.toml": '[project]\nname = "tools"\nversion = "0"\n',
            "packages/tools/src/tools/__init__.py": "",
            "packages/tools/src/tools/tasks.py": TOOLS,
            "packages/app/pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
            "packages/app/src/app/__init__.py": "",
            "packages/app/src/app/flow.py": APP_FLOW,
        },
    )
    assert check(root, ["."], capsys) == set()
    assert check(root, [], capsys, cwd="packages/app") == set()  # the member's own pyproject has no table
    assert check(root, ["packages/app/src/app/flow.py"], capsys) == set()
    assert pylint_keys(root, ["packages/app/src/app/flow.py"]) == set()
    # the same member with a table of its own: its settings hold for it (and only the nearest table counts)
    (root / "packages/app/pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n\n[tool.flyte-lint]\n')
    assert {(p, c) for p, _, _, c, _ in check(root, [], capsys, cwd="packages/app")} == {
        ("packages/app/src/app/flow.py", "FLY101")
    }
    # without the table above either, the defaults hold
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    (root / "packages/app/pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    assert {(p, c) for p, _, _, c, _ in check(root, [], capsys, cwd="packages/app")} == {
        ("packages/app/src/app/flow.py", "FLY101")
    }


def test_src_in_the_settings_adds_to_the_roots_the_layout_implies(tmp_path, capsys):
    # [tool.flyte-lint] src names a root the packaging metadata do not imply; src/ stays one.
    root = make(
        tmp_path,
        {
            "pyproject.toml": '[tool.flyte-lint]\nsrc = ["vendor"]\n',
            "vendor/pkg/__init__.py": "",
            "vendor/pkg/tasks.py": TOOLS,
            "src/own/__init__.py": "",
            "src/own/tasks.py": TOOLS.replace('"tools"', '"own"'),
            "flows/a.py": CALLER,
            "flows/b.py": CALLER.replace("pkg.tasks", "own.tasks"),
        },
    )
    assert {(p, c) for p, _, _, c, _ in check(root, ["flows"], capsys)} == {
        ("flows/a.py", "FLY101"),
        ("flows/b.py", "FLY101"),
    }
    assert check(root, ["flows"], capsys) == check(root, ["flows/a.py", "flows/b.py"], capsys)


def test_an_invalid_nested_pyproject_is_a_usage_error_not_a_traceback(tmp_path, capsys):
    root = make(
        tmp_path, {"pyproject.toml": "[tool.flyte-lint]\n", "sub/pyproject.toml": "[project\n", "sub/a.py": TOOLS}
    )
    code, _, err = run_cli(["check", "--no-cache", "."], root / "sub", capsys)
    assert code == 2 and "invalid TOML" in err and "Traceback" not in err
    # found while walking (not read for the settings): its folder is still linted, with the roots it can give
    code, out, err = run_cli(["check", "--no-cache", "."], root, capsys)
    assert code == 0 and not err, out + err


def test_code_outside_every_project_does_not_import_from_a_project_it_does_not_install(tmp_path, capsys):
    # scripts/run.py sits in no project: nothing installs proj for it, so `from pkg.tasks import ...` is not
    # resolved to proj's src/ (quiet, whether the folder or the file is checked), while proj's own flow is.
    root = make(
        tmp_path,
        {
            "proj/pyproject.toml": '[project]\nname = "p"\nversion = "0"\n',
            "proj/src/pkg/__init__.py": "",
            "proj/src/pkg/tasks.py": TOOLS,
            "proj/src/pkg/flow.py": CALLER,
            "scripts/run.py": CALLER,
        },
    )
    expected = {("proj/src/pkg/flow.py", 5, "FLY101")}
    assert {(p, line, code) for p, line, _, code, _ in check(root, ["."], capsys)} == expected
    assert check(root, ["scripts/run.py"], capsys) == set()
    assert {
        (p, line, code) for p, line, _, code, _ in check(root, ["scripts/run.py", "proj/src/pkg/flow.py"], capsys)
    } == expected


@pytest.mark.parametrize("members", ['[""]', '["/abs/*"]', '["../elsewhere/*"]', '"packages/*"', "3", '[{"a" = 1}]'])
def test_odd_workspace_tables_are_not_a_crash(tmp_path, capsys, members):
    root = make(
        tmp_path,
        {
            "pyproject.toml": f"[tool.uv.workspace]\nmembers = {members}\n\n[tool.uv.sources]\nx = 5\ny = {{ path = 7 }}\n",
            "packages/tools/pyproject.toml": '[project]\nname = "tools"\nversion = "0"\n',
            "packages/tools/src/tools/__init__.py": "",
            "packages/tools/src/tools/tasks.py": TOOLS,
            "flow.py": CALLER.replace("pkg.tasks", "tools.tasks"),
        },
    )
    code, out, err = run_cli(["check", "--no-cache", "."], root, capsys)
    assert code in (0, 1) and not err, out + err


def test_a_broken_pyproject_farther_up_that_is_not_ours_does_not_stop_the_run(tmp_path, capsys):
    root = make(
        tmp_path, {"pyproject.toml": "[project\n", "proj/pyproject.toml": '[project]\nname = "p"\n', "proj/a.py": TOOLS}
    )
    code, out, err = run_cli(["check", "--no-cache", "."], root / "proj", capsys)
    assert code == 0 and not err, out + err
    (root / "pyproject.toml").write_text("[tool.flyte-lint\n")  # but one that may hold our table does
    code, _, err = run_cli(["check", "--no-cache", "."], root / "proj", capsys)
    assert code == 2 and "invalid TOML" in err


def test_the_cache_follows_the_packaging_metadata(tmp_path, capsys):
    root = make(tmp_path / "p", WORKSPACE)
    cache = ["--cache-dir", str(tmp_path / "cache"), "--format", "json"]

    def cached() -> set:
        code, out, err = run_cli(["check", *cache, "ws"], root, capsys)
        assert code in (0, 1) and not err, err
        return {(d["path"], d["code"]) for d in json.loads(out)["diagnostics"]}

    first = cached()
    assert (APP, "FLY101") in first and cached() == first
    # tools leaves the workspace: it is no longer installed, so what app imports from it is unknown
    pyproject = root / "ws/pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('exclude = ["packages/old"]', 'exclude = ["packages/old", "packages/tools"]')
    )
    assert (APP, "FLY101") not in cached()
