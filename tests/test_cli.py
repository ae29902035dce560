"""The `flyte-lint check` command end to end: discovery, formats, exit codes, config, suppressions, fixes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lintutil import AWAIT_SYNC_BAD as BAD, AWAIT_SYNC_GOOD as GOOD, run_cli, write_project


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "proj", {"bad.py": BAD, "good.py": GOOD})


def test_exit_codes_and_text_format(project, capsys):
    code, out, _ = run_cli(["check", "."], project, capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("bad.py:11:12: FLY101 sync task 'demo.square' is awaited directly")
    assert "Found 1 finding (1 error) in 2 files checked." in out
    code, out, _ = run_cli(["check", "good.py"], project, capsys)
    assert code == 0 and "All checks passed" in out


def test_missing_path_and_unknown_code_are_usage_errors(project, capsys):
    code, _, err = run_cli(["check", "nope.py"], project, capsys)
    assert code == 2 and "nope.py: no such file or directory" in err
    code, _, err = run_cli(["check", ".", "--select", "FLY999"], project, capsys)
    assert code == 2 and "unknown rule code: FLY999" in err


def test_json_schema(project, capsys):
    code, out, _ = run_cli(["check", ".", "--format", "json"], project, capsys)
    assert code == 1
    diag = json.loads(out)["diagnostics"]
    assert diag == [
        {
            "path": "bad.py",
            "line": 11,
            "column": 12,
            "end_line": 11,
            "end_column": 27,
            "code": "FLY101",
            "symbol": "await-sync-task",
            "severity": "error",
            "message": diag[0]["message"],
            "fix": {"safe": True, "title": "Insert `.aio`"},
        }
    ]
    assert "\n" not in diag[0]["message"]


def test_select_and_ignore_by_prefix(project, capsys):
    assert run_cli(["check", ".", "--ignore", "FLY1"], project, capsys)[0] == 0
    assert run_cli(["check", ".", "--select", "FLY2,FLY4"], project, capsys)[0] == 0
    assert run_cli(["check", ".", "--select", "FLY10"], project, capsys)[0] == 1
    assert run_cli(["check", ".", "--select", "await-sync-task"], project, capsys)[0] == 1


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# noqa", True),
        ("# noqa: FLY101", True),
        ("# noqa: FLY1", True),
        ("# noqa:FLY201, FLY101", True),
        ("# noqa: FLY201", False),
        ("# NOQA: fly101", True),
    ],
)
def test_noqa(tmp_path, capsys, comment, suppressed):
    src = BAD.replace("return await square(x)", f"return await square(x)  {comment}")
    root = write_project(tmp_path / "p", {"m.py": src})
    code, out, _ = run_cli(["check", "."], root, capsys)
    assert (code == 0) is suppressed, out


def test_file_level_noqa_and_unused_noqa(tmp_path, capsys):
    root = write_project(
        tmp_path / "p", {"m.py": "# flyte-lint: noqa\n" + BAD, "n.py": GOOD.replace("x * x", "x * x  # noqa: FLY101")}
    )
    code, out, _ = run_cli(["check", "."], root, capsys)
    assert code == 0
    code, out, _ = run_cli(["check", ".", "--report-unused-noqa"], root, capsys)
    assert code == 1 and "n.py:7:19: NOQA unused `# noqa: FLY101`" in out


def test_syntax_error_is_reported_and_the_run_goes_on(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"broken.py": "import flyte\ndef f(:\n", "bad.py": BAD, "bin.py": "flyte"})
    (root / "bin.py").write_bytes(b"flyte\x00\x01")
    code, out, err = run_cli(["check", "."], root, capsys)
    assert code == 1 and "Traceback" not in out + err
    assert "broken.py:2:7: FLY001 cannot analyse this file: syntax error" in out
    assert "bin.py:1:1: FLY001 cannot analyse this file: source contains NUL bytes" in out
    assert "bad.py:11:12: FLY101" in out


def test_gitignore_venv_and_build_dirs_are_skipped(tmp_path, capsys):
    root = write_project(
        tmp_path / "p", {"ok.py": GOOD, "ignored/bad.py": BAD, ".venv/lib/bad.py": BAD, "build/bad.py": BAD}
    )
    (root / ".gitignore").write_text("ignored/\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    code, out, _ = run_cli(["check", "."], root, capsys)
    assert code == 0, out


def test_gitignore_holds_when_the_project_is_reached_through_a_symlink(tmp_path, capsys):
    # git answers with paths under the folder as named; the walk spells them the same way, symlink unresolved
    root = write_project(tmp_path / "real" / "p", {"pkg/bad.py": BAD, "ignored/bad.py": BAD, "pkg/ok.py": GOOD})
    (root / ".gitignore").write_text("ignored/\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    code, out, _ = run_cli(["check", "."], tmp_path / "link" / "p", capsys)
    assert code == 1 and "pkg/bad.py:11:12: FLY101" in out and "ignored" not in out, out
    code, out, _ = run_cli(["check", str(tmp_path / "link" / "p" / "pkg")], tmp_path, capsys)
    assert code == 1 and "bad.py:11:12: FLY101" in out and "ignored" not in out, out


def test_config_select_exclude_per_file_ignores(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"a.py": BAD, "tests/t.py": BAD, "gen/g.py": BAD})
    (root / "pyproject.toml").write_text(
        '[tool.flyte-lint]\nexclude = ["gen"]\nper-file-ignores = { "tests/*" = ["FLY1"] }\n'
    )
    code, out, _ = run_cli(["check", "."], root, capsys)
    assert code == 1 and "a.py:11" in out and "tests/" not in out and "gen/" not in out
    # Excludes hold even for files named explicitly (pre-commit passes files one by one).
    code, out, _ = run_cli(["check", "gen/g.py"], root, capsys)
    assert code == 0, out
    code, out, _ = run_cli(["check", ".", "--ignore", "FLY101"], root, capsys)
    assert code == 0


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.flyte-lint]\nselcet = ["FLY1"]\n', "unknown [tool.flyte-lint] key: selcet"),
        ('[tool.flyte-lint]\nignore = ["FLY777"]\n', "unknown rule code: FLY777"),
        ("[tool.flyte-lint\n", "invalid TOML"),
    ],
)
def test_config_errors_exit_2_with_a_clear_message(tmp_path, capsys, config, message):
    root = write_project(tmp_path / "p", {"a.py": BAD})
    (root / "pyproject.toml").write_text(config)
    code, out, err = run_cli(["check", "."], root, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_config_file_flag(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"a.py": BAD})
    (root / "lint.toml").write_text('[tool.flyte-lint]\nignore = ["FLY101"]\n')
    assert run_cli(["check", ".", "--config", "lint.toml"], root, capsys)[0] == 0
    assert run_cli(["check", ".", "--config", "missing.toml"], root, capsys)[0] == 2


def test_fix_diff_and_idempotence(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"a.py": BAD})
    code, out, _ = run_cli(["check", ".", "--diff"], root, capsys)
    assert code == 1 and "+    return await square.aio(x)" in out
    assert (root / "a.py").read_text() == BAD
    code, out, err = run_cli(["check", ".", "--fix"], root, capsys)
    assert code == 0 and "await square.aio(x)" in (root / "a.py").read_text()
    code, out, _ = run_cli(["check", ".", "--diff"], root, capsys)
    assert code == 0 and out == ""


def test_github_and_sarif_formats(project, capsys):
    code, out, _ = run_cli(["check", ".", "--format", "github"], project, capsys)
    assert out.startswith(
        "::error file=bad.py,line=11,col=12,endLine=11,endColumn=27,title=flyte-lint (FLY101)::sync task"
    )
    code, out, _ = run_cli(["check", ".", "--format", "sarif"], project, capsys)
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "$schema" in sarif
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "flyte-lint" and {"FLY101", "FLY401"} <= {r["id"] for r in driver["rules"]}
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "FLY101" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.py"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 11,
        "startColumn": 12,
        "endLine": 11,
        "endColumn": 27,
    }


def test_statistics(project, capsys):
    code, out, _ = run_cli(["check", ".", "--statistics"], project, capsys)
    assert "1\tFLY101\tawait-sync-task" in out


def test_console_script_runs_without_flyte_imported(project):
    code = (
        "import sys; from flyte_lint.cli import main; rc = main(['check', '.']); "
        "assert 'flyte' not in sys.modules, 'flyte was imported'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "FLY101" in proc.stdout


# The console script's process imports astroid without its brain plugins (flyte_lint/model/brainless.py).
BRAINS = "sum(m.startswith('astroid.brain.brain_') for m in sys.modules)"


def test_the_console_script_runs_without_astroids_brains(project, capsys):
    code = (
        "import sys; from flyte_lint import cli\n"
        "real = cli.main\n"
        "def main():\n"
        "    rc = real(['check', '--no-cache', '-j', '1', '.'])\n"
        f"    print('brains:', {BRAINS}, 'astroid:', 'astroid' in sys.modules)\n"
        "    return rc\n"
        "cli.main = main\n"
        "cli.entry()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    findings, _, counts = proc.stdout.rpartition("brains:")
    assert proc.returncode == 1 and counts.split() == ["0", "astroid:", "True"], proc.stdout + proc.stderr
    in_process = run_cli(["check", "--no-cache", "-j", "1", "."], project, capsys)[1]  # (astroid with its brains)
    assert findings == in_process and "FLY101" in findings


@pytest.mark.parametrize(
    "broken",
    ["", "brainless._manager_without_brains = lambda: None"],
    ids=["stand-in", "an-astroid-it-cannot-make-a-manager-for"],
)
def test_astroid_without_brains_is_astroid_with_the_same_manager(broken):
    # Where the stand-in cannot make the manager, it takes the real module: the brains come back, nothing breaks.
    code = (
        f"import sys; from flyte_lint.model import brainless; {broken or 'pass'}\n"
        "brainless.install(); import astroid; from astroid.manager import AstroidManager\n"
        "assert astroid.MANAGER.brain is AstroidManager().brain\n"
        "from astroid import nodes; from flyte_lint.model.source import parse_indexed\n"
        "assert parse_indexed('x = 1', 'm', 'm.py')[0].body[0].__class__ is nodes.Assign\n"
        f"print({BRAINS})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (int(proc.stdout) == 0) == (not broken), proc.stdout


def test_astroid_imported_before_keeps_its_brains():
    # A process where astroid is already there (pylint running the plugin, a test session): nothing changes.
    code = (
        "import sys, astroid; from flyte_lint.model import brainless; brainless.install()\n"
        "assert type(sys.modules['astroid.astroid_manager']).__name__ == 'module'\n"
        f"print({BRAINS})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and int(proc.stdout) > 0, proc.stdout + proc.stderr


def test_version_and_help():
    proc = subprocess.run([sys.executable, "-m", "flyte_lint", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("flyte-lint ")
    proc = subprocess.run([sys.executable, "-m", "flyte_lint", "check", "--bogus"], capture_output=True, text=True)
    assert proc.returncode == 2


def test_target_flyte_version_changes_what_the_message_says(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"a.py": BAD})
    code, out, _ = run_cli(["check", "."], root, capsys)
    assert "raises SyncTaskCallInAsyncContextError" in out
    (root / "pyproject.toml").write_text('[tool.flyte-lint]\ntarget-flyte-version = "2.6"\n')
    code, out, _ = run_cli(["check", "--no-cache", "."], root, capsys)
    assert code == 1 and "can't be used in 'await' expression" in out
    (root / "pyproject.toml").write_text('[tool.flyte-lint]\ntarget-flyte-version = "latest"\n')
    code, _, err = run_cli(["check", "."], root, capsys)
    assert code == 2 and "target-flyte-version" in err


# A Ctrl-C while Python still imports flyte-lint's modules (about 40 ms before the command runs), here made
# to arrive as `flyte_lint.cli` is imported, as each entry point runs it.
INTERRUPTED_IMPORT = (
    "import builtins, runpy, sys\n"
    "real = builtins.__import__\n"
    "def interrupted(name, *args, **kwargs):\n"
    "    if name == 'flyte_lint.cli':\n"
    "        raise KeyboardInterrupt\n"
    "    return real(name, *args, **kwargs)\n"
    "builtins.__import__ = interrupted\n"
)


@pytest.mark.parametrize(
    "start",
    [
        "from flyte_lint.launch import main\nmain()",  # the console script, as pip writes it
        "sys.argv = ['flyte_lint', 'rules']\nrunpy.run_module('flyte_lint', run_name='__main__')",  # python -m flyte_lint
    ],
    ids=["console-script", "python-m"],
)
def test_ctrl_c_while_importing_ends_quietly(start):
    proc = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT + start], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "")


def test_the_console_script_is_the_launcher():
    # (flyte_lint.cli's own imports would run on the script's import line, outside any handler)
    from pathlib import Path

    import tomllib

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"flyte-lint": "flyte_lint.launch:main"}
