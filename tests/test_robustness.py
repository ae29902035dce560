"""The guarantees, under hostile input: flyte-lint never runs what it reads, never crashes (no traceback: a
file that cannot be read or parsed is a FLY001 finding and the run goes on; anything else is exit 2 with a
message), never hangs, and never damages a file.

Exit codes: 0 clean, 1 findings, 2 usage or internal error.

Timings are printed (``pytest -s tests/test_robustness.py -k time``). The whole standard library analysed
without the byte scan takes minutes: it runs only with FLYTE_LINT_SLOW=1.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

import pytest

import flyte_lint.engine as engine
import flyte_lint.index as index
from flyte_lint.catalogue import RULES
from flyte_lint.cli import main
from flyte_lint.config import Settings
from flyte_lint.discovery import discover
from flyte_lint.engine import Options, run
from flyte_lint.rules import REGISTRY, Rule
from lintutil import AWAIT_SYNC_BAD as BAD, AWAIT_SYNC_GOOD as FIXED, lint_result, run_cli, write_project

BAD_LINE = 11  # `return await square(x)`: FLY101, fixable (`.aio`)
SLOW = os.environ.get("FLYTE_LINT_SLOW") == "1"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# -- helpers ------------------------------------------------------------------------------------------
def cli(capsys, cwd: Path, *args) -> tuple[int, str, str]:
    """``flyte-lint ARGS`` in-process from ``cwd``; check runs without the cache and in this process."""
    args = [str(a) for a in args]
    if args and args[0] == "check":
        args[1:1] = ["--no-cache", "-j", "1"]
    return run_cli(args, cwd, capsys)


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback (most recent call last)" not in text, text[-3000:]
        assert "maximum recursion depth exceeded" not in text or "internal error while compiling" in text, text[-3000:]


@contextlib.contextmanager
def within(seconds: float):
    """Fail (instead of hanging the suite) when the block takes longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path) -> dict[str, tuple[bytes | str, int, int]]:
    """Every entry under ``root``: content (or link target), mode and mtime."""
    found = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(dirpath) / name
            info = path.lstat()
            if path.is_symlink():
                found[str(path)] = (os.readlink(path), info.st_mode, info.st_mtime_ns)
            elif path.is_file():
                found[str(path)] = (path.read_bytes(), info.st_mode, info.st_mtime_ns)
            else:
                found[str(path)] = (b"", info.st_mode, 0)
    return found


def codes_and_lines(out: str) -> list[tuple[str, int]]:
    found = []
    for line in out.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[3].strip().startswith("FLY"):
            found.append((parts[3].split()[0], int(parts[1])))
    return found


# -- never runs what it reads -------------------------------------------------------------------------
def side_effects(canary: Path, name: str) -> str:
    """Module-body code that leaves a file behind if it ever runs: by open(), os.system and subprocess."""
    stem = f"{canary}-{name.replace('/', '.')}"
    return textwrap.dedent(f"""\
        import os, subprocess
        open({stem + "-open"!r}, "w").close()
        os.system("touch " + {stem + "-system"!r})
        subprocess.run(["touch", {stem + "-subprocess"!r}])
        """)


def hostile_project(root: Path, canary: Path) -> Path:
    """A project whose every module has side effects: local modules named like stdlib modules and like
    flyte-lint's own dependencies, a flyte plugin, a package __init__, setup.py, conftest.py, sitecustomize.py."""
    plain = [
        "json.py",
        "ast.py",
        "tokenize.py",
        "typing_extensions.py",
        "astroid.py",
        "networkx.py",
        "tomli.py",
        "sitecustomize.py",
        "usercustomize.py",
        "conftest.py",
        "setup.py",
        "__main__.py",
        "flyteplugins/__init__.py",
        "flyteplugins/spark/__init__.py",
        "pkg/__init__.py",
    ]
    files = {name: side_effects(canary, name) for name in plain}
    files["side.py"] = side_effects(canary, "side") + textwrap.dedent("""\
        import flyte

        side_env = flyte.TaskEnvironment("side")

        @side_env.task
        def helper_task(n: int) -> int:
            return n
        """)
    files["pkg/tasks.py"] = side_effects(canary, "pkg.tasks") + textwrap.dedent("""\
        import flyte

        env = flyte.TaskEnvironment("pkg")

        @env.task
        def work(n: int) -> int:
            return n
        """)
    files["workflow.py"] = side_effects(canary, "workflow") + textwrap.dedent(f"""\
        import json, ast, tokenize
        import flyte
        import flyteplugins.spark
        from side import helper_task, side_env
        from pkg.tasks import env as pkg_env, work

        exec(compile("open({str(canary) + "-exec"!r}, 'w')", "x", "exec"))
        __import__("side")

        env = flyte.TaskEnvironment("hostile", depends_on=[pkg_env, side_env])

        @env.task
        async def main(n: int) -> int:
            os.system("touch {canary}-task")
            a = await work(n)
            b = await helper_task.aio(n)
            return a + b
        """)
    return write_project(root, files)


AUDITED_RUN = r"""
import json, os, sys
project, log, runs = os.path.realpath(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
events, phase = [], [None]

def inside(path):
    try:
        path = os.fsdecode(path)
        return os.path.isabs(path) and os.path.realpath(path).startswith(project + os.sep)
    except (TypeError, ValueError):
        return False

def hook(event, args):
    if event in ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "pty.spawn"):
        events.append([phase[0], event, repr(args)[:300]])
    elif event == "subprocess.Popen" and os.path.basename(str(args[0])) != "git":
        events.append([phase[0], event, repr(args)[:300]])
    elif event == "exec" and inside(getattr(args[0], "co_filename", "")):
        events.append([phase[0], event, args[0].co_filename])
    elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)) and inside(args[0]):
        mode, flags = args[1], args[2]
        if (mode and any(c in str(mode) for c in "wax+")) or (flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
            events.append([phase[0], "write", os.fsdecode(args[0])])
    elif event in ("os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.truncate") and inside(args[0]):
        events.append([phase[0], event, os.fsdecode(args[0])])

sys.addaudithook(hook)
from flyte_lint.cli import main
codes = []
for args in runs:
    phase[0] = " ".join(args)
    codes.append(main(args))
loaded = sorted(name for name, module in list(sys.modules.items())
                if inside(getattr(module, "__file__", None) or ""))
with open(log, "w") as handle:
    json.dump({"codes": codes, "events": events, "flyte_imported": "flyte" in sys.modules, "loaded": loaded}, handle)
"""


def test_nothing_the_linted_code_says_is_run(tmp_path):
    """check (every format, --diff, --fix) and graph (list, every export) over modules whose bodies would write
    files and run shell commands: nothing runs (audit hook: no process but git, no exec of project code, no
    project module imported, no write in the project but --fix's own), and flyte is never imported."""
    canary = tmp_path / "canary"
    root = hostile_project(tmp_path / "project", canary)
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ["check", ".", "--no-cache", "--extend-select", "FLY7"],
        ["check", ".", "--no-cache", "--format", "json"],
        ["check", ".", "--no-cache", "--format", "sarif"],
        ["check", "workflow.py", "side.py", "--no-cache", "--format", "github"],
        ["check", ".", "--diff"],
        ["graph", "."],
        ["graph", ".", "--entry", "workflow:main", "-o", str(out / "g.json")],
        ["graph", ".", "--entry", "workflow:main", "--format", "html", "-o", str(out / "g.html")],
        ["graph", "workflow.py", "--entry", "main", "--format", "dot"],
        ["check", ".", "--fix"],
    ]
    log = tmp_path / "log.json"
    proc = subprocess.run(
        [sys.executable, "-I", "-c", AUDITED_RUN, str(root), str(log), json.dumps(runs)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    no_traceback(proc.stdout, proc.stderr)
    report = json.loads(log.read_text())
    assert report["codes"] == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], (report["codes"], proc.stderr[-3000:])
    assert "FLY101" in proc.stdout  # the analysis did happen
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("canary")) == []
    assert report["flyte_imported"] is False
    assert report["loaded"] == []
    fix_phase = " ".join(runs[-1])
    assert [e for e in report["events"] if e[0] != fix_phase] == []
    # --fix writes workflow.py (through a temporary file and a rename), nothing else, and runs nothing.
    fix_events = [e for e in report["events"] if e[0] == fix_phase]
    assert {e[1] for e in fix_events} <= {"write", "os.rename", "os.chmod"}
    assert fix_events and all(
        Path(e[2]).name == "workflow.py" or Path(e[2]).name.startswith(".workflow.py.") for e in fix_events
    ), fix_events
    assert "await work.aio(n)" in (root / "workflow.py").read_text()


def test_the_console_script_run_inside_the_project_imports_none_of_it(tmp_path):
    """`flyte-lint` as installed (the pre-commit entry point), run from inside a project whose local modules
    shadow the standard library, astroid and networkx."""
    script = Path(sys.executable).with_name("flyte-lint")
    if not script.exists():
        pytest.skip("the flyte-lint console script is not installed next to this interpreter")
    canary = tmp_path / "canary"
    root = hostile_project(tmp_path / "project", canary)
    for args in (["check", ".", "--no-cache"], ["graph", ".", "--entry", "workflow:main"]):
        proc = subprocess.run([str(script), *args], cwd=root, capture_output=True, text=True, timeout=300)
        no_traceback(proc.stdout, proc.stderr)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("canary")] == []


def test_python_dash_m_run_inside_the_project_imports_none_of_it(tmp_path):
    canary = tmp_path / "canary"
    root = hostile_project(tmp_path / "project", canary)
    proc = subprocess.run(
        [sys.executable, "-m", "flyte_lint", "check", ".", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("canary")] == []
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_git_never_runs_a_command_the_linted_repository_configures(tmp_path, capsys):
    """Discovery asks git what it ignores; a repository's own .git/config (core.fsmonitor) must not make
    git run a command."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = write_project(tmp_path / "repo", {"bad.py": BAD})
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    git = ["git", "-c", "user.email=a@b.c", "-c", "user.name=n"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True, env=env)
    subprocess.run([*git, "add", "bad.py"], cwd=root, check=True, env=env)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True, env=env)
    canary = tmp_path / "canary-fsmonitor"
    subprocess.run(["git", "config", "core.fsmonitor", f"touch {canary}; echo"], cwd=root, check=True, env=env)
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 1 and "bad.py:11:12: FLY101" in out
    assert not canary.exists()


# -- files that cannot be read, decoded or parsed -------------------------------------------------------
UNREADABLE = {
    "binary": (b"flyte\x00\x89PNG\r\n\x1a\n" + bytes(range(256)), "source contains NUL bytes"),
    "nul-byte": (b"import flyte\nx = 1\x00\n", "source contains NUL bytes"),
    "invalid-utf8": (b"import flyte\nx = '\xff\xfe'\n", "cannot decode as utf-8"),
    "lone-surrogate-utf8": (b"import flyte\nx = '\xed\xa0\x80'\n", "cannot decode as utf-8"),
    "bogus-coding": (b"# -*- coding: no-such-codec -*-\nimport flyte\n", "unknown encoding"),
    "non-text-coding": (b"# coding: rot13\nimport flyte\n", "cannot analyse this file"),
    "latin1-declared-utf8": (b"# coding: utf-8\nimport flyte\nx = 'caf\xe9'\n", "cannot decode as utf-8"),
    "syntax-error": (b"import flyte\ndef f(:\n", "syntax error"),
    "tabs-and-spaces": (b"import flyte\nif True:\n\tx = 1\n        y = 2\n", "syntax error"),
    "control-character": (b"import flyte\nx = 1\x1b\n", "syntax error"),
    "python2": (b"import flyte\nprint 'hello'\n", "syntax error"),
    "newer-python-or-junk": (b"import flyte\ntype X[T] = list[T] if\n", "syntax error"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file_is_fly001_and_the_run_goes_on(tmp_path, capsys, name):
    data, reason = UNREADABLE[name]
    root = write_project(tmp_path / "p", {"bad.py": BAD})
    (root / "broken.py").write_bytes(data)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1, err
    broken = [line for line in out.splitlines() if line.startswith("broken.py:")]
    assert len(broken) == 1 and ": FLY001 cannot analyse this file: " in broken[0] and reason in broken[0], out
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "bad:main")
    no_traceback(out, err)
    assert code == 0 and "broken.py:" in err and "FLY001" in err


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\n\n\n",
        b"flyte",
        b"\xef\xbb\xbfflyte\n",
        b"#!/usr/bin/env python\n",
        b"# flyte\n",
        b"import flyte\n",
        b"from flyte import *\n",
        b"'''flyte",
        b"\\\n",
    ],
    ids=repr,
)
def test_tiny_and_empty_files(tmp_path, capsys, data):
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_bytes(data)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code in (0, 1) and all(c == "FLY001" for c, _ in codes_and_lines(out)), out
    code, out, err = cli(capsys, root, "graph", ".")
    no_traceback(out, err)
    assert code in (0, 1)


def test_latin1_declaration_is_decoded_and_lints_normally(tmp_path, capsys):
    source = (
        "# -*- coding: latin-1 -*-\n"
        + BAD.replace("return await square(x)", "return await square(x)  # caf\xe9 cr\xe8me")
        + 'GREETING = "\xe9t\xe9 \xe0 S\xe3o Paulo"\n'
    )
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_bytes(source.encode("latin-1"))
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1
    assert codes_and_lines(out) == [("FLY101", BAD_LINE + 1)], out
    assert f"m.py:{BAD_LINE + 1}:12: FLY101" in out
    code, out, err = cli(capsys, root, "graph", "m.py", "--entry", "m:main")
    assert code == 0 and json.loads(out)["graph"]["entry"] == "demo.main"


@pytest.mark.parametrize(
    "prefix",
    [b"\xef\xbb\xbf", b"# coding: cp1252\n", b"#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n"],
    ids=["utf8-bom", "cp1252", "vim-utf8"],
)
def test_other_declared_encodings_lint_normally(tmp_path, capsys, prefix):
    root = tmp_path / "p"
    root.mkdir()
    encoding = "cp1252" if b"cp1252" in prefix else "utf-8"
    (root / "m.py").write_bytes(prefix + (BAD + "S = '\u20ac\xe9'\n").encode(encoding))
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    lines = prefix.count(b"\n")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE + lines)], out


def test_line_separators_python_does_not_count_keep_lines_and_columns(tmp_path, capsys):
    """Form feeds, \\v, \\x1c and \\u2028 in comments and strings do not end a line for Python."""
    odd = 'import flyte\n\x0c\nX = "a\u2028b\x1cc\x85d"  # \u2029 \x0b\n'
    root = write_project(tmp_path / "p", {"m.py": BAD.replace("import flyte\n", odd)})
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE + 2)], out
    assert f"m.py:{BAD_LINE + 2}:12: FLY101" in out


def test_columns_after_a_line_separator_python_does_not_count(tmp_path, capsys):
    source = BAD.replace("import flyte\n", 'import flyte\nX = "\u2028"\n').replace(
        "async def main(x: int) -> int:\n", 'async def main(x: int) -> int:\n    s = "\xe9\xe9\xe9\xe9"\n'
    )
    root = write_project(tmp_path / "p", {"m.py": source})
    code, out, err = cli(capsys, root, "check", ".")
    assert f"m.py:{BAD_LINE + 2}:12: FLY101" in out, out


# -- absurd nesting -----------------------------------------------------------------------------------
def _task_body(expression: str) -> str:
    return textwrap.dedent("""\
        import flyte

        env = flyte.TaskEnvironment("deep")

        @env.task
        def t(x: int = 0) -> int:
            return x

        @env.task
        async def main(x: int = 0) -> int:
            a = x
            y = {expr}
            return 0
        """).replace("{expr}", expression)


def _nested_ifs(depth: int) -> str:
    lines = ["import flyte", "x = 1"]
    lines += [" " * i + "if x:" for i in range(depth)]
    return "\n".join(lines + [" " * depth + "pass", ""])


def _elif_chain(count: int) -> str:
    body = "    if x == 0:\n        y = await t.aio(0)\n" + "".join(
        f"    elif x == {i}:\n        y = await t.aio({i})\n" for i in range(1, count)
    )
    return _task_body("0").replace("    y = 0\n", body)


TOO_DEEP = {
    "parentheses-10000": "import flyte\nx = " + "(" * 10000 + ")" * 10000 + "\n",
    "brackets-10000": "import flyte\nx = " + "[" * 10000 + "]" * 10000 + "\n",
    "ifs-1000": _nested_ifs(1000),
    "calls-5000": _task_body("t(" * 5000 + "1" + ")" * 5000),
    "attributes-5000": _task_body("a" + ".b" * 5000),
    "flyte-attributes-5000": _task_body("flyte" + ".b" * 5000),
    "method-chain-5000": _task_body("a" + ".m()" * 5000),
    "binop-100000": _task_body(" + ".join(["a"] * 100000)),
    "unary-10000": _task_body("-" * 10000 + "a"),
    "not-10000": _task_body("not " * 10000 + "a"),
    "subscripts-5000": _task_body("a" + "[0]" * 5000),
    "ifexp-5000": _task_body(" if a else ".join(["t(1)"] * 5000)),
    "lambdas-5000": _task_body("lambda: " * 5000 + "a"),
    "elif-3000": _elif_chain(3000),
    "strings-5000": _task_body(" + ".join(['"s"'] * 5000)),
}


@pytest.mark.parametrize("name", sorted(TOO_DEEP))
def test_absurd_nesting_is_fly001_with_a_reason(tmp_path, capsys, name):
    root = write_project(tmp_path / "p", {"m.py": TOO_DEEP[name], "bad.py": BAD})
    code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
    no_traceback(out, err)
    assert code == 1 and "internal error" not in err, err[-2000:]
    deep = [line for line in out.splitlines() if line.startswith("m.py:")]
    assert len(deep) == 1 and "FLY001 cannot analyse this file: " in deep[0], out[-2000:]
    assert any(word in deep[0] for word in ("nested", "indentation", "recursion")), deep[0]
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "m:main")
    no_traceback(out, err)
    assert code == 2 and "m.py:" in err and "FLY001" in err and "no task matches" in err


# The deepest of each shape the parser may still accept: the resolver, the rules and the DAG compiler all walk
# these; whatever the stack allows, the outcome is findings or FLY001, never a crash.
def _nested_loops(depth: int) -> str:
    return (
        "import flyte\nenv = flyte.TaskEnvironment('e')\n@env.task\nasync def t(x: int) -> int:\n    return x\n"
        "@env.task\nasync def main(x: int) -> int:\n"
        + "".join(" " * (4 * (i + 1)) + f"for i{i} in range(2):\n" for i in range(depth))
        + " " * (4 * (depth + 1))
        + "await t(x)\n    return 0\n"
    )


DEEP_BUT_PARSABLE = {
    "attributes-450": _task_body("a" + ".b" * 450),
    "task-calls-190": _task_body("t(" * 190 + "1" + ")" * 190),
    "call-chain-450": _task_body("t" + "()" * 450),
    "method-chain-250": _task_body("a" + ".m()" * 250),
    "binop-of-task-calls-400": _task_body(" + ".join(["t(1)"] * 400)),
    "ifexp-400": _task_body(" if a else ".join(["t(1)"] * 400)),
    "subscripts-450": _task_body("a" + "[0]" * 450),
    "lambdas-400": _task_body("lambda: " * 400 + "a"),
    "boolop-5000": _task_body(" and ".join(["t(1)"] * 5000)),
    "compare-5000": _task_body(" < ".join(["a"] * 5000)),
    "fstring-2000": _task_body('f"' + "{t(1)}" * 2000 + '"'),
    "elif-200": _elif_chain(200),
    "nested-ifs-95": "import flyte\nenv = flyte.TaskEnvironment('e')\n@env.task\nasync def t(x: int) -> int:\n    return x\n"
    "@env.task\nasync def main(x: int) -> int:\n"
    + "".join(" " * (4 * (i + 1)) + f"if x > {i}:\n" for i in range(95))
    + " " * 384
    + "await t(x)\n    return 0\n",
    "nested-loops-8": _nested_loops(8),
    "nested-defs-90": "import flyte\nenv = flyte.TaskEnvironment('e')\n@env.task\ndef t(x: int) -> int:\n    return x\n"
    "@env.task\nasync def main(x: int) -> int:\n"
    + "".join(" " * (4 * (i + 1)) + f"def f{i}():\n" for i in range(90))
    + " " * 364
    + "return t(1)\n    return 0\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_BUT_PARSABLE))
def test_deep_but_parsable_code_gives_findings_or_fly001(tmp_path, capsys, name):
    root = write_project(tmp_path / "p", {"m.py": DEEP_BUT_PARSABLE[name]})
    code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
    no_traceback(out, err)
    assert code in (0, 1) and "internal error" not in err, err[-2000:]
    parsed = "FLY001" not in out
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "m:main", "--no-notes")
    no_traceback(out, err)
    if parsed:
        assert code == 0, err[-2000:]
        assert json.loads(out)["graph"]["entry"] == ("e.main" if "nested" in name else "deep.main")
    else:
        assert code == 2 and "FLY001" in err


def test_deeply_nested_loops_with_the_default_rules(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"m.py": _nested_loops(90)})
    with within(60):
        code, out, err = cli(capsys, root, "check", ".")
    assert code == 0 and "All checks passed" in out, out + err


def test_eighteen_nested_loops_compile_in_seconds(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"m.py": _nested_loops(18)})
    with within(20):
        code, out, err = cli(capsys, root, "graph", "m.py", "--entry", "m:main", "--no-notes")
        assert code == 0
        code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
        assert code in (0, 1) and "internal error" not in err


def _task_chain(count: int, sync: bool) -> str:
    head = 'import flyte\n\nenv = flyte.TaskEnvironment("chain")\n\n'
    tasks = []
    for i in range(count):
        call = (f"t{i + 1}(x)" if sync else f"await t{i + 1}(x)") if i < count - 1 else "x"
        tasks.append(f"@env.task\n{'' if sync else 'async '}def t{i}(x: int) -> int:\n    return {call}\n")
    return head + "\n".join(tasks)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_long_chain_of_tasks_never_crashes_graph(tmp_path, capsys, sync):
    """Each task calls the next: check is quiet; graph compiles it or says why, without a traceback."""
    root = write_project(tmp_path / "p", {"m.py": _task_chain(400, sync)})
    code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
    no_traceback(out, err)
    assert code == 0, out[-2000:] + err[-2000:]
    code, out, err = cli(capsys, root, "graph", "m.py", "--entry", "m:t0", "--no-notes")
    no_traceback(out, err)
    assert code in (0, 2)
    if code == 2:
        assert err.startswith("flyte-lint: internal error while compiling the graph of m:t0: RecursionError")


def test_graph_compiles_a_chain_of_200_async_tasks(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"m.py": _task_chain(200, sync=False)})
    code, out, err = cli(capsys, root, "graph", "m.py", "--entry", "m:t0", "--no-notes")
    assert code == 0, err
    assert len(json.loads(out)["nodes"]) >= 200


def test_a_deep_call_stack_gives_findings_or_fly001_never_a_crash(tmp_path, capsys):
    """Deep code met with less stack left (a module loaded lazily during resolution, an embedding caller):
    FLY001 or findings, never a crash."""
    root = write_project(tmp_path / "p", {"m.py": DEEP_BUT_PARSABLE["attributes-450"], "bad.py": BAD})

    def deeper(n: int):
        return deeper(n - 1) if n else cli(capsys, root, "check", ".")

    for extra in (0, 200, 500):
        code, out, err = deeper(extra)
        no_traceback(out, err)
        assert code == 1 and f"bad.py:{BAD_LINE}:12: FLY101" in out and "internal error" not in err


# -- big inputs -----------------------------------------------------------------------------------------
def _big_file(lines: int) -> str:
    """``lines`` lines of a realistic module: tasks with branches and loops, helpers, constants."""
    head = 'import asyncio\n\nimport flyte\n\nenv = flyte.TaskEnvironment("big")\n\n\n'
    block = textwrap.dedent("""\
        @env.task
        def t{i}(x: int) -> int:
            y = x + {i}
            if y > 3:
                y -= 1
            for k in range(3):
                y += k
            return y


        CONSTANT_{i} = {{"name": "t{i}", "values": [1, 2, 3]}}


        """)
    per_block = block.count("\n")
    body = "".join(block.format(i=i) for i in range((lines - 20) // per_block))
    tail = textwrap.dedent("""\
        @env.task
        async def main(x: int) -> int:
            a = await t0.aio(x)
            b = await asyncio.gather(t1.aio(a), t2.aio(a))
            return await t3(b[0])
        """)
    text = head + body + tail
    return text + "\n" * max(0, lines - text.count("\n"))


@pytest.mark.slow
def test_time_200000_line_file(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"big.py": _big_file(200_000)})
    start = time.monotonic()
    with within(600):  # a hang guard, not a timing: the speed is measured by benchmarks/bench.py
        code, out, err = cli(capsys, root, "check", "big.py")
    elapsed = time.monotonic() - start
    print(f"\n[timing] check of a 200,000-line file: {elapsed:.1f} s")
    no_traceback(out, err)
    lines = (root / "big.py").read_text().splitlines()
    expected = [i + 1 for i, line in enumerate(lines) if "await t3(b[0])" in line]
    assert code == 1 and codes_and_lines(out) == [("FLY101", expected[0])], out


# -- resource bounds: pathological inference ------------------------------------------------------------
def _rebound(count: int) -> str:
    """Generated code: a module-level name rebound ``count`` times, each binding using the one before.
    astroid's flow filtering costs a step per binding for each use: count**2 / 2 steps (5,000: 94 s)."""
    lines = ["import flyte", "", 'env = flyte.TaskEnvironment("gen")', "", "x = 0"]
    lines += ["x = env.task(x)"] * count
    return "\n".join(lines) + "\n"


def test_a_name_rebound_thousands_of_times_stops_at_the_budget_and_the_run_goes_on(tmp_path, capsys, monkeypatch):
    from astroid.nodes._base_nodes import LookupMixIn

    from flyte_lint.model import resolver

    lookups = []
    real_lookup = LookupMixIn.lookup
    monkeypatch.setattr(
        LookupMixIn, "lookup", lambda self, name: lookups.append((self.root().name, name)) or real_lookup(self, name)
    )
    root = write_project(tmp_path / "p", {"gen.py": _rebound(5000), "bad.py": BAD})
    with within(300):  # a hang guard, not a timing: without the budget this takes minutes
        code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1 and err == ""
    assert codes_and_lines(out) == [("FLY101", BAD_LINE), ("FLY001", 85)], out
    assert (
        "gen.py:85:1: FLY001 analysis stopped: resolving names here needs more than 400,000 steps of flow "
        "analysis ('x' is bound 5,001 times in one scope)"
    ) in out
    # the budget bounds the work: astroid was asked about gen.py's `x` until its steps ran out, then never again
    # (by the resolver or by any other query of the model: model.names.lookup answers nothing known there)
    assert lookups.count(("gen", "x")) == resolver.LOOKUP_BUDGET // 5001


def test_the_lookup_budget_counts_a_step_per_binding_per_use_and_leaves_small_cases_alone(tmp_path):
    # 40 uses of a name bound 41 times: 1,640 steps, a 250th of the budget. (The most any module of
    # flyte-sdk's examples or unionai's v2 spends is about a thousand.)
    from flyte_lint.model import resolver

    result = lint_result(tmp_path, {"gen.py": _rebound(40), "bad.py": BAD})
    spent = sorted(result.analysis.resolver._spent.values())
    assert spent == [1, 40 * 41] and spent[-1] < resolver.LOOKUP_BUDGET // 200
    assert not result.analysis.resolver.exhausted
    assert [f.code for f in result.findings] == ["FLY101"]


def _workflow(body: list[str]) -> str:
    head = [
        "import asyncio",
        "",
        "import flyte",
        "",
        'env = flyte.TaskEnvironment("e")',
        "",
        "@env.task",
        "async def t(x: int) -> int:",
        "    return x",
        "",
        "@env.task",
        "async def main(k: int) -> int:",
        "    v = 0",
    ]
    return "\n".join(head + body + ["    return v", ""])


@pytest.mark.parametrize(
    "line, code",
    [("    c{i} = t({i})", "FLY103"), ("    g = flyte.map(t, [1, 2])", "FLY201")],
    ids=["unused-coroutines", "unconsumed-maps"],
)
def test_thousands_of_findings_in_one_function_cost_linear_time(tmp_path, capsys, line, code):
    # each finding used to walk the whole function (its name's reads) and split the whole file (its column)
    root = write_project(tmp_path / "p", {"gen.py": _workflow([line.format(i=i) for i in range(5000)])})
    with within(300):  # a hang guard, not a timing (these took 100 and 180 s)
        status, out, err = cli(capsys, root, "check", "--select", code, "--statistics", ".")
    assert status == 1 and f"5000\t{code}" in out, out


@pytest.mark.slow
def test_a_graph_with_quadratically_many_dependencies_is_refused_not_drawn(tmp_path, capsys):
    # 5,000 optional calls in a row: each may feed every later one, 12.5 million edges (140 s, 1.2 GB of json)
    body = [f"    if k > {i}:\n        v = await t(v)" for i in range(5000)]
    root = write_project(tmp_path / "p", {"gen.py": _workflow(body), "small.py": _workflow(body[:300])})
    with within(300):  # a hang guard, not a timing
        code, out, err = cli(capsys, root, "graph", "gen.py", "--entry", "gen:main", "-o", tmp_path / "g.json")
    assert code == 2 and out == "" and not (tmp_path / "g.json").exists()
    assert err == (
        "flyte-lint: error: the graph of gen:main has more than 250,000 dependencies between its calls: "
        "optional calls in a row (under `if`, in loops) that may each feed every later one; nothing was written\n"
    )
    # below the bound the graph is drawn in full: 300 calls, each after all those before it
    code, out, err = cli(capsys, root, "graph", "small.py", "--entry", "small:main", "-o", tmp_path / "s.json")
    graph = json.loads((tmp_path / "s.json").read_text())
    assert code == 0 and len(graph["nodes"]) == 301 and len(graph["edges"]) == 300 * 299 // 2
    # the DAG notes, which compile each task, skip the body too large to draw and still check the rest
    code, out, err = cli(capsys, root, "check", "--select", "FLY7,FLY1", ".")
    assert code in (0, 1) and err == "", err


def test_environments_that_all_depend_on_one_another_report_every_short_cycle(tmp_path, capsys):
    # 12 envs, each adding every other as a dependency: hundreds of millions of simple cycles (FLY402 enumerated
    # them all and never finished). Every declaration closing a two-env cycle is still named: 66 of them.
    envs = [f'e{i} = flyte.TaskEnvironment("e{i}")' for i in range(12)]
    wiring = [f"e{i}.add_dependency(e{j})" for i in range(12) for j in range(12) if i != j]
    ring = [f'r{i} = flyte.TaskEnvironment("r{i}", depends_on=[r{i - 1}])' for i in range(1, 200)]
    files = {
        "dense.py": "\n".join(["import flyte", *envs, *wiring, ""]),
        "ring.py": "\n".join(
            ["import flyte", 'r0 = flyte.TaskEnvironment("r0")', *ring, "r0.add_dependency(r199)", ""]
        ),
    }
    root = write_project(tmp_path / "p", files)
    with within(300):  # a hang guard, not a timing
        code, out, err = cli(capsys, root, "check", "--select", "FLY402", ".")
    found = [line for line in out.splitlines() if ": FLY402 " in line]
    assert code == 1 and len([f for f in found if f.startswith("dense.py")]) == 66, out
    ring_found = [f for f in found if f.startswith("ring.py")]
    assert len(ring_found) == 1, ring_found  # the one 200-env cycle, its middle counted, not listed
    assert ring_found[0].startswith(
        "ring.py:202:19: FLY402 environment dependency cycle 'r199' -> 'r198' -> 'r197' "
        "-> 'r196' -> ... (194 more) ... -> 'r1' -> 'r0' -> 'r199': "
    ), ring_found


def test_three_thousand_envs_of_one_name_cost_linear_time(tmp_path, capsys):
    # each env was compared with every earlier one of its name (branch by branch): 4.5 million pairs
    root = write_project(
        tmp_path / "p",
        {"envs.py": "\n".join(["import flyte", *[f'env{i} = flyte.TaskEnvironment("same")' for i in range(3000)], ""])},
    )
    with within(300):  # a hang guard, not a timing
        code, out, err = cli(capsys, root, "check", "--select", "FLY307", "--statistics", ".")
    assert code == 1 and "2999\tFLY307" in out, out


def test_the_dag_notes_of_thousands_of_tasks_cost_linear_work(tmp_path, capsys, monkeypatch):
    # FLY7xx compile each task body: each compilation indexed every call site of the project anew and ran
    # on a thread of its own (500 files of 6 tasks took 5 s more than the rest of the check)
    import threading
    from functools import cached_property

    from flyte_lint.graph.compiler import DEEP_STACK_THREAD
    from flyte_lint.model.analysis import Analysis

    built, started = [], []
    real_index = Analysis.site_of_call
    monkeypatch.setattr(
        Analysis, "site_of_call", cached_property(lambda self: built.append(1) or real_index.func(self))
    )
    Analysis.site_of_call.__set_name__(Analysis, "site_of_call")
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name) or start(self))
    tasks = [f"@env.task\nasync def t{i}(x: int) -> int:\n    return await t{i + 1}(x)\n" for i in range(400)]
    tasks.append("@env.task\nasync def t400(x: int) -> int:\n    return x\n")
    root = write_project(
        tmp_path / "p", {"chain.py": 'import flyte\n\nenv = flyte.TaskEnvironment("chain")\n\n' + "\n".join(tasks)}
    )
    code, out, err = cli(capsys, root, "check", "--select", "FLY7", "--statistics", ".")
    assert code == 0 and err == "", (out, err)
    assert len(built) == 1 and started.count(DEEP_STACK_THREAD) == 1, (len(built), started)


def _many_calls(count: int, style: str) -> str:
    head = 'import asyncio\n\nimport flyte\n\nenv = flyte.TaskEnvironment("many")\n\n'
    if style == "await":
        leaf = "@env.task\nasync def leaf(x: int) -> int:\n    return x\n\n"
        body = "".join(f"    total += await leaf(x + {i})\n" for i in range(count))
        entry = "@env.task\nasync def main(x: int) -> int:\n    total = 0\n" + body + "    return total\n"
    elif style == "sync":
        leaf = "@env.task\ndef leaf(x: int) -> int:\n    return x\n\n"
        body = "".join("    y = leaf(y)\n" for _ in range(count))
        entry = "@env.task\ndef main(x: int) -> int:\n    y = x\n" + body + "    return y\n"
    else:  # gather
        leaf = "@env.task\nasync def leaf(x: int) -> int:\n    return x\n\n"
        body = "".join(f"        leaf(x + {i}),\n" for i in range(count))
        entry = "@env.task\nasync def main(x: int) -> list[int]:\n    return await asyncio.gather(\n" + body + "    )\n"
    return head + leaf + entry


@pytest.mark.parametrize("style", ["await", "sync", "gather"])
def test_graph_of_a_500_call_workflow(tmp_path, capsys, style):
    root = write_project(tmp_path / "p", {"wf.py": _many_calls(500, style)})
    start = time.monotonic()
    code, out, err = cli(capsys, root, "graph", "wf.py", "--entry", "wf:main", "--no-notes")
    print(f"\n[timing] graph of a 500-call workflow ({style}): {time.monotonic() - start:.1f} s")
    assert code == 0, err
    nodes = json.loads(out)["nodes"]
    assert sum(1 for n in nodes if n["task"] == "many.leaf") == 500


GRAPH_BUDGET = 30.0  # a hang guard, not a timing: the speed is measured by benchmarks/bench.py


@pytest.mark.slow
@pytest.mark.parametrize("style", ["await", "sync", "gather"])
def test_time_graph_of_a_5000_call_workflow(tmp_path, style):
    """In a child process with a timeout, so that a too slow graph fails instead of stalling the suite."""
    root = write_project(tmp_path / "p", {"wf.py": _many_calls(5000, style)})
    code = (
        "import sys, time; from flyte_lint.cli import main; start = time.monotonic(); "
        "rc = main(['graph', 'wf.py', '--entry', 'wf:main', '--no-notes', '-o', 'g.json']); "
        "print(f'{time.monotonic() - start:.2f}'); sys.exit(rc)"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=GRAPH_BUDGET + 10
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"graph of a 5,000-call workflow ({style}) took more than {GRAPH_BUDGET + 10} s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    elapsed = float(proc.stdout.split()[-1])
    print(f"\n[timing] graph of a 5,000-call workflow ({style}): {elapsed:.1f} s")
    nodes = json.loads((root / "g.json").read_text())["nodes"]
    assert sum(1 for n in nodes if n["task"] == "many.leaf") == 5000


@pytest.mark.parametrize("style", ["await", "sync"])
def test_graph_work_is_linear_in_the_number_of_calls(tmp_path, capsys, monkeypatch, style):
    from flyte_lint.graph.compiler import Compiler

    class Counting(dict):
        lookups = 0

        def get(self, key, default=None):
            Counting.lookups += 1
            return super().get(key, default)

    real_init = Compiler.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.pred = Counting(self.pred)

    monkeypatch.setattr(Compiler, "__init__", init)
    calls = 2000
    root = write_project(tmp_path / "p", {"wf.py": _many_calls(calls, style)})
    code, out, err = cli(capsys, root, "graph", "wf.py", "--entry", "wf:main", "--no-notes")
    assert code == 0, err
    assert Counting.lookups <= 20 * calls, Counting.lookups


@pytest.mark.parametrize("style", ["await", "sync", "gather"])
def test_time_check_of_a_5000_call_workflow(tmp_path, capsys, style):
    root = write_project(tmp_path / "p", {"wf.py": _many_calls(5000, style)})
    start = time.monotonic()
    with within(300):
        code, out, err = cli(capsys, root, "check", ".")
    print(f"\n[timing] check of a 5,000-call workflow ({style}): {time.monotonic() - start:.1f} s")
    no_traceback(out, err)
    assert code in (0, 1) and "FLY001" not in out


# -- imports: cycles, stars, shadowing -------------------------------------------------------------------
TASKS = """\
import flyte

env = flyte.TaskEnvironment("{name}")

@env.task
def square(x: int) -> int:
    return x * x
"""


@pytest.mark.parametrize(
    "files",
    [
        {
            "a.py": "from b import helper\n"
            + TASKS.format(name="a")
            + "@env.task\nasync def main(x: int) -> int:\n    return await helper(x)\n",
            "b.py": "from a import square as helper, main\nimport a\n",
        },
        {
            "a.py": "from b import *\n"
            + TASKS.format(name="a")
            + "@env.task\nasync def main(x: int) -> int:\n    return await other(x)\n",
            "b.py": "from a import *\nother = square\n",
        },
        {
            "a.py": "from a import *\nfrom a import square as again\nimport a\n"
            + TASKS.format(name="a")
            + "@env.task\nasync def main(x: int) -> int:\n    return await a.again(x)\n"
        },
        {
            "pkg/__init__.py": "from .mod import *\nfrom . import mod\n",
            "pkg/mod.py": "from pkg import *\nfrom . import *\n" + TASKS.format(name="pkg"),
            "a.py": "import flyte\nfrom pkg import square, env\n@env.task\nasync def main(x: int) -> int:\n    return await square(x)\n",
        },
        {
            "a.py": "import b\n"
            + TASKS.format(name="a")
            + "@env.task\nasync def main(x: int) -> int:\n    return await b.c.a.square(x)\n",
            "b.py": "import c\n",
            "c.py": "import a\n",
        },
    ],
    ids=["a-b-a", "star-cycle", "self-import", "package-star-cycle", "three-cycle"],
)
def test_import_cycles_terminate(tmp_path, capsys, files):
    root = write_project(tmp_path / "p", files)
    with within(120):
        code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
        no_traceback(out, err)
        assert code in (0, 1) and "internal error" not in err and "FLY001" not in out
        code, out, err = cli(capsys, root, "graph", ".", "--entry", "a:main")
        no_traceback(out, err)
        assert code == 0, err


def test_a_chain_of_star_imports_costs_a_linear_number_of_lookups(tmp_path, monkeypatch):
    from flyte_lint.model.resolver import Resolver

    n = 12
    files = {"m0.py": TASKS.format(name="chain")}
    files.update({f"m{i}.py": f"from m{i - 1} import *\n" for i in range(1, n)})
    files["main.py"] = (
        f"import flyte\nfrom m{n - 1} import *\n@env.task\nasync def main(x: int) -> int:\n    return await square(x)\n"
    )
    root = write_project(tmp_path / "p", files)
    calls = []
    original = Resolver._star_lookup
    monkeypatch.setattr(
        Resolver, "_star_lookup", lambda self, tree, name: calls.append(name) or original(self, tree, name)
    )
    result = run([root], Settings(), Options(), cwd=root)
    assert [f.code for f in result.findings] == ["FLY101"]
    assert len(calls) <= 40 * n, len(calls)


def test_star_import_from_flyte_finds_what_import_flyte_finds(tmp_path, capsys):
    star = BAD.replace("import flyte\n", "from flyte import *\n").replace("flyte.TaskEnvironment", "TaskEnvironment")
    root = write_project(tmp_path / "p", {"plain.py": BAD, "star.py": star})
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 1
    assert codes_and_lines(out) == [("FLY101", BAD_LINE), ("FLY101", BAD_LINE)], out


@pytest.mark.parametrize(
    "files",
    [
        {
            "flyte.py": "class TaskEnvironment:\n    def __init__(self, *a, **k): pass\n    def task(self, f): return f\n",
            "m.py": BAD.replace('"demo"', '"Not A Valid Name"'),
        },
        {"flyte/__init__.py": "TaskEnvironment = dict\n", "m.py": BAD.replace('"demo"', '"Not A Valid Name"')},
        {
            "m.py": BAD.replace("import flyte\n", "import flyte\nflyte = __import__('types')\n").replace(
                '"demo"', '"Not Valid"'
            )
        },
        {
            "m.py": "import flyte\n\ndef make(flyte):\n    env = flyte.TaskEnvironment('Not Valid')\n\n    @env.task\n    def sq(x: int) -> int:\n"
            "        return x\n\n    @env.task\n    async def main(x: int) -> int:\n        return await sq(x)\n    return main\n"
        },
        {
            "m.py": "import flyte as fl\nflyte = None\n\nclass flyte:\n    TaskEnvironment = dict\n\nenv = flyte.TaskEnvironment(name='Not Valid')\n"
        },
    ],
    ids=["local-flyte-module", "local-flyte-package", "reassigned-name", "parameter-named-flyte", "class-named-flyte"],
)
def test_flyte_shadowed_locally_is_not_the_sdk(tmp_path, capsys, files):
    root = write_project(tmp_path / "p", files)
    code, out, err = cli(capsys, root, "check", ".", "--extend-select", "FLY7")
    no_traceback(out, err)
    assert code == 0 and codes_and_lines(out) == [], out
    code, out, err = cli(capsys, root, "graph", ".")
    no_traceback(out, err)
    assert code in (0, 1)


# -- the file system ------------------------------------------------------------------------------------
def test_symlink_loops_and_dangling_symlinks(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"bad.py": BAD, "pkg/mod.py": GOOD_MOD})
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    (root / "dangling.py").symlink_to("nowhere.py")
    (root / ".#bad.py").symlink_to("user@host.1234:1700000000")  # an Emacs lock file
    (root / "pkg" / "self").symlink_to(".")
    (root / "pkg" / "up").symlink_to("..")
    (root / "pkg" / "loop_dir").symlink_to("loop_dir")
    with within(120):
        code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE)], out
    assert "in 2 files checked" in out
    # Named explicitly, a dangling symlink says why it cannot be read.
    code, out, err = cli(capsys, root, "check", "dangling.py", "bad.py")
    no_traceback(out, err)
    assert code == 1 and "dangling.py:1:1: FLY001 cannot analyse this file: cannot read file" in out
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "bad:main")
    assert code == 0, err


def test_a_symlink_loop_named_explicitly_is_fly001(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"bad.py": BAD})
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    code, out, err = cli(capsys, root, "check", "loop_a.py", "bad.py")
    assert code == 1 and "loop_a.py:1:1: FLY001 cannot analyse this file: cannot read file" in out


GOOD_MOD = FIXED


def test_unreadable_file_is_fly001(tmp_path, capsys, monkeypatch):
    """Simulated: chmod 000 does not stop root, which these tests may run as."""
    root = write_project(tmp_path / "p", {"bad.py": BAD, "secret.py": BAD})
    secret = root / "secret.py"
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1
    assert "secret.py:1:1: FLY001 cannot analyse this file: cannot read file: Permission denied" in out
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out
    assert secret.read_text() == BAD


@pytest.mark.skipif(IS_ROOT, reason="chmod 000 does not stop root")
def test_chmod_000_file_and_directory(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"bad.py": BAD, "secret.py": BAD, "locked/inner.py": BAD})
    (root / "secret.py").chmod(0)
    (root / "locked").chmod(0)
    try:
        code, out, err = cli(capsys, root, "check", ".")
    finally:
        (root / "secret.py").chmod(0o644)
        (root / "locked").chmod(0o755)
    no_traceback(out, err)
    assert code == 2 and "secret.py:1:1: FLY001 cannot analyse this file: cannot read file" in out
    assert "locked: cannot read directory" in err


def test_unreadable_directory_is_reported_and_the_run_goes_on(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "p", {"bad.py": BAD, "locked/inner.py": BAD, "open/fine.py": BAD})
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 2  # the check is incomplete: a CI run must not pass
    assert "locked: cannot read directory: Permission denied" in err
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out and f"open/fine.py:{BAD_LINE}:12: FLY101" in out
    assert "inner.py" not in out


def test_file_removed_after_discovery(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "p", {"bad.py": BAD, "gone.py": BAD})
    real = engine.discover

    def discover_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        (root / "gone.py").unlink(missing_ok=True)
        return found

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1
    assert "gone.py:1:1: FLY001 cannot analyse this file: cannot read file: No such file or directory" in out
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out


def test_file_removed_between_the_scan_and_the_parse(tmp_path, capsys, monkeypatch):
    from flyte_lint.model.project import Project

    root = write_project(tmp_path / "p", {"bad.py": BAD, "gone.py": BAD})
    real = Project.load

    def load(self, path):
        if Path(path).name == "gone.py":
            Path(path).unlink(missing_ok=True)
        return real(self, path)

    monkeypatch.setattr(Project, "load", load)
    code, out, err = cli(capsys, root, "check", ".")
    no_traceback(out, err)
    assert code == 1 and "gone.py:1:1: FLY001 cannot analyse this file: cannot read file" in out
    assert f"bad.py:{BAD_LINE}:12: FLY101" in out


def test_fifo_socket_and_device_never_block(tmp_path, capsys):
    """A FIFO named like a module would block a read forever; only regular files are read."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    root = write_project(tmp_path / "p", {"bad.py": BAD})
    os.mkfifo(root / "pipe.py")
    with within(120):
        code, out, err = cli(capsys, root, "check", ".")
        assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE)], out
        code, out, err = cli(capsys, root, "check", "pipe.py", "bad.py")
        assert code == 2 and "pipe.py: not a regular file" in err and f"bad.py:{BAD_LINE}:12: FLY101" in out
        if Path("/dev/null").exists():
            code, out, err = cli(capsys, root, "check", "/dev/null", "bad.py")
            assert code == 2 and "/dev/null: not a regular file" in err
    no_traceback(out, err)


def test_non_python_files_named_explicitly_are_fly001_and_the_rest_is_linted(tmp_path, capsys):
    """A file named on the command line is linted when it is Python (.py/.pyi/.pyw, or a python shebang);
    anything else (README.md, data) gets a FLY001 saying so, without being parsed, and the other files are
    still linted. Walking a folder only ever picks .py/.pyi files. `graph` needs a Python file: exit 2."""
    root = write_project(
        tmp_path / "p",
        {
            "bad.py": BAD,
            "README.md": "# flyte project\n\nRun `flyte run main.py`.\n",
            "data.json": '{"flyte": 1}\n',
            "run_pipeline": "#!/usr/bin/env python3\n" + BAD,
            "tool.pyw": BAD,
        },
    )
    code, out, err = cli(capsys, root, "check", "README.md", "data.json", "bad.py")
    no_traceback(out, err)
    assert code == 1 and err == "", err
    assert codes_and_lines(out) == [("FLY001", 1), ("FLY101", BAD_LINE), ("FLY001", 1)], out
    assert "README.md:1:1: FLY001 cannot analyse this file: not a Python file (no .py, .pyi or .pyw suffix" in out
    assert "data.json:1:1: FLY001" in out and "in 3 files checked" in out
    code, out, err = cli(capsys, root, "check", "--select", "FLY1", "README.md", "bad.py")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE)], out
    code, out, err = cli(capsys, root, "check", "run_pipeline", "tool.pyw")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE + 1), ("FLY101", BAD_LINE)], out
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE)], out
    code, out, err = cli(capsys, root, "graph", "README.md")
    assert code == 2 and "README.md: not a Python file" in err


def test_a_directory_git_ignores_is_linted_when_named(tmp_path, capsys):
    """Like the standard library inside a pyenv checkout: named explicitly, an ignored folder is linted."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = write_project(tmp_path / "repo", {"versions/lib/bad.py": BAD, "top.py": FIXED})
    (root / ".gitignore").write_text("versions/\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 0, out
    code, out, err = cli(capsys, root, "check", "versions/lib")
    assert code == 1 and codes_and_lines(out) == [("FLY101", BAD_LINE)], out


# -- internal errors ------------------------------------------------------------------------------------
class Exploding(Rule):
    code = "FLY998"
    symbol = "exploding-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        for module in sorted(analysis.modules, key=lambda m: m.path):
            if module.path.name == "boom.py":
                raise RuntimeError("rule exploded on purpose")
            yield self.finding(module, module.tree, "seen")


def install(monkeypatch, rule: Rule) -> None:
    """Register a test rule for this test, in the registry and in the catalogue runs enable rules from."""
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    monkeypatch.setitem(RULES, rule.code, (rule.symbol, rule.severity.value))


@pytest.fixture
def exploding(monkeypatch):
    install(monkeypatch, Exploding())


def test_an_internal_error_in_one_rule_exits_2_and_keeps_the_other_findings(tmp_path, capsys, exploding):
    root = write_project(tmp_path / "p", {"a_bad.py": BAD, "boom.py": BAD, "z_bad.py": BAD})
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 2
    assert "internal error in rule FLY998" in err and "rule exploded on purpose" in err
    for name in ("a_bad.py", "boom.py", "z_bad.py"):
        assert f"{name}:{BAD_LINE}:12: FLY101" in out  # the other rules' findings, on every file


def test_an_internal_error_names_the_file_and_the_rule_still_reports_the_others(tmp_path, capsys, exploding):
    root = write_project(tmp_path / "p", {"a_bad.py": BAD, "boom.py": BAD, "z_bad.py": BAD})
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 2
    assert "FLY998" in err and "boom.py" in err
    assert "a_bad.py:1:1: FLY998 seen" in out and "z_bad.py:1:1: FLY998 seen" in out


class ExplodingInLoop(Rule):
    """Fails on boom.py's call site after an inner lookup over every task has finished: the file named is the
    call site's, not the last task's of the lookup."""

    code = "FLY997"
    symbol = "exploding-in-loop-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        for site in analysis.call_sites:
            named = [t for t in analysis.tasks if site.task is not None and t.name == site.task.name]
            if site.module.path.name == "boom.py" and named:
                raise KeyError("exploded inside the loop")
            if named:
                yield self.finding(site.module, site.node, "site")


class ExplodingEverywhere(Rule):
    code = "FLY996"
    symbol = "exploding-everywhere-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        raise ValueError("fails before looking at any file")
        yield  # pragma: no cover


def test_an_internal_error_inside_a_loop_names_the_loop_file_after_an_inner_lookup(tmp_path, capsys, monkeypatch):
    install(monkeypatch, ExplodingInLoop())
    # zz_last.py sorts last: its tasks are the last the inner lookup sees before boom.py's site raises
    root = write_project(tmp_path / "p", {"a_bad.py": BAD, "boom.py": BAD, "zz_last.py": BAD})
    code, out, err = cli(capsys, root, "check", ".", "--select", "FLY997")
    assert code == 2
    assert err.count("internal error in rule FLY997") == 1
    assert "FLY997 (exploding-in-loop-test-rule) on boom.py: KeyError('exploded inside the loop')" in err
    assert f"a_bad.py:{BAD_LINE}:" in out and f"zz_last.py:{BAD_LINE}:" in out and "boom.py" not in out


def test_an_internal_error_no_file_explains_is_reported_once(tmp_path, capsys, monkeypatch):
    install(monkeypatch, ExplodingEverywhere())
    root = write_project(tmp_path / "p", {"a_bad.py": BAD, "boom.py": BAD})
    code, out, err = cli(capsys, root, "check", ".")
    assert code == 2
    assert err.count("internal error in rule FLY996") == 1
    assert "FLY996 (exploding-everywhere-test-rule); the rule stopped there: ValueError(" in err
    assert f"a_bad.py:{BAD_LINE}:12: FLY101" in out  # the other rules still ran


def test_an_internal_error_in_the_graph_compiler_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    from flyte_lint.graph.compiler import Compiler

    root = write_project(tmp_path / "p", {"bad.py": BAD})

    def explode(self, entry, expand=True):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(Compiler, "compile", explode)
    code, out, err = cli(capsys, root, "graph", "bad.py", "--entry", "bad:main", "-o", tmp_path / "g.json")
    assert code == 2 and out == ""
    assert err.startswith("flyte-lint: internal error while compiling the graph of bad:main: RecursionError(")
    assert "test_robustness.py" not in err and "Traceback (most recent call last)" not in err
    assert not (tmp_path / "g.json").exists()


# -- safe writes ------------------------------------------------------------------------------------------
def _as_bytes(text: str, newline: str = "\n", encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = text.replace("\n", newline).encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


FIX_VARIANTS = {
    "lf": {},
    "crlf": dict(newline="\r\n"),
    "cr": dict(newline="\r"),
    "bom": dict(bom=True),
    "latin1": dict(encoding="latin-1"),
}


@pytest.mark.parametrize("variant", sorted(FIX_VARIANTS))
def test_fix_keeps_encoding_bom_line_endings_and_mode(tmp_path, capsys, variant):
    options = FIX_VARIANTS[variant]
    header = "# -*- coding: latin-1 -*-\n" if variant == "latin1" else ""
    text = header + BAD + 'NOTE = "d\xe9j\xe0 vu"\n'
    before = _as_bytes(text, **options)
    root = tmp_path / "p"
    root.mkdir()
    path = root / "m.py"
    path.write_bytes(before)
    path.chmod(0o751)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 0, out + err
    assert path.read_bytes() == _as_bytes(header + FIXED + 'NOTE = "d\xe9j\xe0 vu"\n', **options)
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert [p.name for p in root.iterdir()] == ["m.py"]  # no temporary file left behind


def test_fix_leaves_the_other_line_endings_of_a_mixed_file_alone(tmp_path, capsys):
    before = BAD.replace("import flyte\n", "import flyte\r\n").replace("return x * x\n", "return x * x\r\n").encode()
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_bytes(before)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 0
    assert (root / "m.py").read_bytes() == before.replace(b"await square(x)", b"await square.aio(x)")


def test_fix_after_line_separators_python_does_not_count(tmp_path, capsys):
    """Edits land where astroid says: \\f and \\u2028 do not shift them (str.splitlines would)."""
    odd = 'import flyte\n\x0c\nX = "a\u2028b"  # \x0b \x1c\n'
    root = write_project(tmp_path / "p", {"m.py": BAD.replace("import flyte\n", odd)})
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 0, out + err
    assert (root / "m.py").read_text(encoding="utf-8") == FIXED.replace("import flyte\n", odd)


def test_fix_writes_through_a_temporary_file_and_an_atomic_rename(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "p", {"m.py": BAD})
    renames = []
    real = os.replace

    def replace(src, dst):
        renames.append((Path(src), Path(dst), Path(src).read_bytes(), Path(dst).read_bytes()))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 0
    [(src, dst, new, old)] = renames
    assert src.parent == dst.parent == root and dst.name == "m.py" and src.name != "m.py"
    assert new == FIXED.encode() and old == BAD.encode()  # the file is whole before and after, never partial


def test_a_failed_write_leaves_the_file_and_no_temporary_behind(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "p", {"m.py": BAD})

    def replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 1 and "m.py: not fixed: No space left on device" in err
    assert (root / "m.py").read_text() == BAD
    assert [p.name for p in root.iterdir()] == ["m.py"]


def test_fix_skips_a_file_changed_while_it_was_checked(tmp_path, capsys, monkeypatch):
    root = write_project(tmp_path / "p", {"m.py": BAD})
    edited = BAD + "# edited in the editor meanwhile\n"
    real = engine.run

    def run_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        (root / "m.py").write_text(edited)
        return result

    monkeypatch.setattr(engine, "run", run_then_edit)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 1 and "m.py: not fixed: the file changed while it was being checked" in err
    assert (root / "m.py").read_text() == edited


def test_fix_never_writes_code_that_does_not_compile(tmp_path, capsys, monkeypatch):
    import flyte_lint.fixes as fixes

    root = write_project(tmp_path / "p", {"m.py": BAD, "n.py": BAD.replace("bad", "n")})
    real = fixes.fixed_text
    broken = {
        "m.py": lambda t: t.replace("await square.aio(x)", "await square.aio(x"),  # does not parse
        "n.py": lambda t: t.replace("def square", "def square2(): await x\ndef square"),
    }  # parses, does not compile

    def fixed_text(text, findings, unsafe):
        new, applied = real(text, findings, unsafe)
        return broken[Path(findings[0].module.path).name](new), applied

    monkeypatch.setattr(fixes, "fixed_text", fixed_text)
    before = snapshot(root)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 1
    assert "m.py: not fixed: the fixed code would not compile" in err
    assert "n.py: not fixed: the fixed code would not compile" in err and "outside async function" in err
    assert snapshot(root) == before


def test_fix_leaves_files_it_cannot_fix_untouched(tmp_path, capsys):
    unfixable = BAD.replace("return await square(x)", "return await square.aio(x, bogus=1)")  # FLY106: no fix
    root = write_project(
        tmp_path / "p",
        {
            "broken.py": "import flyte\ndef f(:\n",
            "unfixable.py": unfixable,
            "clean.py": FIXED.replace("demo", "clean"),
            "fixable.py": BAD.replace("demo", "fixable"),
        },
    )
    before = snapshot(root)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert code == 1 and "fixable.py: fixed 1 finding" in err
    after = snapshot(root)
    changed = sorted(Path(p).name for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert changed == ["fixable.py"]


def test_fix_never_writes_through_a_symlink_out_of_the_tree(tmp_path, capsys):
    outside = write_project(tmp_path / "outside", {"bad.py": BAD, "sub/bad.py": BAD})
    root = write_project(tmp_path / "tree", {"own.py": BAD.replace("demo", "own")})
    (root / "link.py").symlink_to(outside / "bad.py")
    (root / "linkdir").symlink_to(outside / "sub")
    before = snapshot(outside)
    code, out, err = cli(capsys, root, "check", ".", "--fix")
    assert "link.py: not fixed: it is a symbolic link" in err
    assert "own.py: fixed 1 finding" in err
    assert snapshot(outside) == before
    assert (root / "link.py").is_symlink() and (root / "linkdir").is_symlink()
    assert (root / "own.py").read_text() == FIXED.replace("demo", "own")


def test_the_cache_never_writes_through_a_symlink_out_of_the_tree(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = write_project(tmp_path / "p", {"bad.py": BAD, "pyproject.toml": "[tool.flyte-lint]\n"})
    (root / ".flyte-lint-cache").symlink_to(outside)
    old = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            main(["check", ".", "-j", "1"])
    finally:
        os.chdir(old)
    assert list(outside.iterdir()) == []


def test_check_diff_and_graph_write_nothing(tmp_path, capsys):
    root = write_project(
        tmp_path / "p", {"bad.py": BAD, "pkg/mod.py": FIXED.replace("demo", "mod"), "broken.py": "def f(:\n"}
    )
    before = snapshot(root)
    for args in (
        ["check", "."],
        ["check", ".", "--format", "json"],
        ["check", ".", "--format", "sarif"],
        ["check", ".", "--diff"],
        ["check", ".", "--diff", "--unsafe-fixes"],
        ["check", ".", "--statistics"],
        ["graph", "."],
        ["graph", ".", "--entry", "bad:main"],
        ["graph", ".", "--entry", "bad:main", "--format", "html"],
    ):
        code, out, err = cli(capsys, root, *args)
        no_traceback(out, err)
    assert snapshot(root) == before


def test_diff_output_applies_cleanly_also_without_a_final_newline(tmp_path, capsys):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = write_project(tmp_path / "p", {"a.py": BAD.rstrip("\n"), "b.py": BAD.replace("demo", "other")})
    code, out, err = cli(capsys, root, "check", ".", "--diff")
    assert code == 1 and "\\ No newline at end of file" in out
    (tmp_path / "fix.patch").write_text(out)
    proc = subprocess.run(
        ["git", "apply", "-p1", str(tmp_path / "fix.patch")], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert (root / "a.py").read_text() == FIXED.rstrip("\n")
    assert (root / "b.py").read_text() == FIXED.replace("demo", "other")


@pytest.mark.parametrize("target", ["bad.py", "pkg/mod.py", "link.json", "script", "stub.pyi", "pkg"])
def test_graph_output_refuses_to_overwrite_sources(tmp_path, capsys, target):
    root = write_project(
        tmp_path / "p",
        {"bad.py": BAD, "pkg/mod.py": FIXED.replace("demo", "mod"), "script": "#!/usr/bin/env python\nprint('hi')\n"},
    )
    (root / "link.json").symlink_to("pkg/mod.py")
    before = snapshot(root)
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "bad:main", "-o", target)
    assert code == 2 and f"refusing to overwrite {target}" in err
    assert snapshot(root) == before
    code, out, err = cli(capsys, root, "graph", ".", "--entry", "bad:main", "-o", "dag.json")
    assert code == 0 and json.loads((root / "dag.json").read_text())["graph"]["entry"] == "demo.main"


# -- code that is not flyte: the standard library -------------------------------------------------------
STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.slow
def test_time_stdlib_is_quiet(capsys):
    """`flyte-lint check Lib/` of this interpreter: every file found (even when a git checkout around it ignores
    it), almost all skipped by the byte scan, no finding but FLY001 (its speed is measured by benchmarks/bench.py, not here)."""
    files, problems = discover([STDLIB], [], STDLIB)
    # (as many as a plain walk finds outside installed packages: some 1,800 in a CPython build, some 670 in
    # Debian's python3, which packages the tests and idlelib apart)
    walked = [p for p in STDLIB.rglob("*.py") if not {"site-packages", "dist-packages"} & set(p.parts)]
    assert len(files) >= 0.95 * len(walked) and len(files) > 500 and not problems
    start = time.monotonic()
    with within(300):
        code, out, err = cli(capsys, STDLIB, "check", ".", "--extend-select", "FLY7", "--format", "json")
    elapsed = time.monotonic() - start
    print(f"\n[timing] check of the standard library ({len(files)} files): {elapsed:.1f} s")
    no_traceback(err)
    assert code in (0, 1) and "internal error" not in err
    assert {d["code"] for d in json.loads(out)["diagnostics"]} <= {"FLY001"}


STDLIB_SAMPLE = ["asyncio", "concurrent", "json", "functools.py", "dataclasses.py", "typing.py", "enum.py"]


@pytest.mark.slow
def test_time_stdlib_sample_fully_analysed_is_quiet(monkeypatch):
    """The same without the byte scan, on a sample: every file parsed, resolved and run through every rule."""
    monkeypatch.setattr(index, "mentions_flyte", lambda data: True)
    start = time.monotonic()
    with within(600):
        result = run([STDLIB / name for name in STDLIB_SAMPLE], Settings(), Options(extend_select=["FLY7"]), cwd=STDLIB)
    elapsed = time.monotonic() - start
    print(f"\n[timing] stdlib sample fully analysed ({result.files_checked} files): {elapsed:.1f} s")
    assert result.files_checked > 40
    assert not result.internal_errors, result.internal_errors[:1]
    assert [(f.path, f.line, f.code) for f in result.findings if f.code != "FLY001"] == []


@pytest.mark.skipif(not SLOW, reason="minutes: set FLYTE_LINT_SLOW=1")
def test_time_stdlib_fully_analysed_is_quiet(monkeypatch):
    monkeypatch.setattr(index, "mentions_flyte", lambda data: True)
    start = time.monotonic()
    result = run([STDLIB], Settings(), Options(extend_select=["FLY7"]), cwd=STDLIB, jobs=os.cpu_count() or 1)
    elapsed = time.monotonic() - start
    print(f"\n[timing] whole stdlib fully analysed ({result.files_checked} files): {elapsed:.1f} s")
    assert not result.internal_errors, result.internal_errors[:1]
    assert [(f.path, f.line, f.code) for f in result.findings if f.code != "FLY001"] == []
