"""The pylint plugin, through real pylint: unit tests with pylint's CheckerTestCase, and parity with
`flyte-lint check` (the same (file, line, symbol) set) over every rule's examples and multi-module projects."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import astroid
import pytest
from pylint.interfaces import HIGH
from pylint.lint import PyLinter, Run
from pylint.reporters import CollectingReporter
from pylint.testutils import CheckerTestCase, MessageTest

from flyte_lint import pylint_plugin
from flyte_lint.cli import settings_for
from flyte_lint.engine import Options, run
from flyte_lint.pylint_plugin import MSGIDS, FlyteLintChecker, symbol
from flyte_lint.rules import REGISTRY, all_rules
from lintutil import AWAIT_SYNC_BAD as BAD, AWAIT_SYNC_GOOD as GOOD, DEPLOY_SCRIPT_PROJECT, split_files, write_project

PLUGIN = "--load-plugins=flyte_lint.pylint_plugin"
ONLY_OURS = ["--disable=all", "--enable=flyte-lint"]

# A cycle of depends_on across three modules, closed by add_dependency in a third (FLY402 in wiring.py).
CYCLE = {
    "pyproject.toml": "[tool.flyte-lint]\n",
    "envs_a.py": """
        import flyte

        a_env = flyte.TaskEnvironment("a")
    """,
    "envs_b.py": """
        import flyte

        from envs_a import a_env

        b_env = flyte.TaskEnvironment("b", depends_on=[a_env])
    """,
    "wiring.py": """
        from envs_a import a_env
        from envs_b import b_env

        a_env.add_dependency(b_env)
    """,
}


# -- helpers -----------------------------------------------------------------------------------------
EMPTY_RC = os.devnull  # no pylintrc or pyproject [tool.pylint] of the machine's or the project's


def pylint_messages(root: Path, args: list[str], *, only_ours: bool = True) -> list:
    """Run real pylint in this process from ``root``; the messages it reports."""
    reporter = CollectingReporter()
    old = os.getcwd()
    os.chdir(root)
    try:
        Run(
            [f"--rcfile={EMPTY_RC}", "--persistent=n", PLUGIN, *(ONLY_OURS if only_ours else []), *args],
            reporter=reporter,
            exit=False,
        )
    finally:
        os.chdir(old)
    return reporter.messages


def pylint_subprocess(root: Path, args: list[str]) -> list[dict]:
    """Run pylint as a command (``--jobs`` pickles the linter, which pytest's captured streams defeat)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            f"--rcfile={EMPTY_RC}",
            "--persistent=n",
            PLUGIN,
            *ONLY_OURS,
            "--output-format=json2",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert not proc.stderr.strip() or "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)["messages"]


def pylint_keys(root: Path, args: list[str], **kw) -> set[tuple[str, int, str]]:
    ours = {symbol(code) for code in REGISTRY}
    if "-j" in args:
        found = [(m["absolutePath"], m["line"], m["symbol"]) for m in pylint_subprocess(root, args)]
    else:
        found = [(m.abspath, m.line, m.symbol) for m in pylint_messages(root, args, **kw)]
    return {(Path(os.path.relpath(path, root)).as_posix(), line, sym) for path, line, sym in found if sym in ours}


def check_keys(root: Path, paths: list[str], extend_select: list[str] = ()) -> set[tuple[str, int, str]]:
    """What `flyte-lint check <paths>` reports from ``root``, as (file, line, pylint symbol)."""
    old = os.getcwd()
    os.chdir(root)
    try:
        targets = [Path(p) for p in paths]
        result = run(
            targets, settings_for(argparse.Namespace(config=None), targets), Options(extend_select=list(extend_select))
        )
    finally:
        os.chdir(old)
    assert not result.internal_errors and not result.path_errors
    return {(Path(os.path.relpath(f.module.path, root)).as_posix(), f.line, symbol(f.code)) for f in result.findings}


def project(tmp_path: Path, files: dict[str, str] | str, name: str = "proj") -> Path:
    files = {"main.py": files} if isinstance(files, str) else files
    return write_project(tmp_path / name, {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})


# -- message definitions ---------------------------------------------------------------------------------
def test_msgids_are_stable_unique_follow_severity_and_share_one_checker_id():
    missing = sorted(code for code, rule in REGISTRY.items() if rule.pylint_number is None)
    assert not missing, f"give the new rules pylint message numbers (the next free one): {', '.join(missing)}"
    numbers = pylint_plugin.rule_numbers()
    assert len(set(numbers.values())) == len(numbers) and min(numbers.values()) > 0 and max(numbers.values()) <= 99
    for code, msgid in MSGIDS.items():
        assert msgid[1:] == f"67{numbers[code]:02d}", (code, msgid)
        assert msgid[0] == {"error": "E", "warning": "W", "info": "I"}[REGISTRY[code].severity.value]
    # Pinned: a changed id renames a message users may have disabled by id.
    assert [MSGIDS[c] for c in ("FLY001", "FLY101", "FLY401", "FLY402")] == ["E6701", "E6702", "E6725", "E6726"]
    assert pylint_plugin.ERROR_MSGID == "F6700"


def test_a_warning_rule_has_a_w_id_and_a_finding_of_another_severity_says_so(tmp_path):
    assert (MSGIDS["FLY105"], MSGIDS["FLY603"]) == ("W6706", "W6741")  # warnings since FLY105/FLY603 stall in a cluster
    root = project(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(gpu="A100 80G:1"))

        @env.task
        async def child(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            flyte.run(child, x=x)
            return x
    """,
    )
    found = {(m.msg_id, m.msg.split(" ", 2)[1]) for m in pylint_messages(root, ["main.py"])}
    # FLY105 is a warning rule: W. A deprecated GPU name is a warning finding of the error rule FLY303: the rule's id,
    # its severity in the text.
    assert found == {("W6706", "`flyte.run`"), ("E6714", "(warning)")}, found


def test_symbols_are_the_rule_symbols_unless_pylint_has_taken_them():
    linter = PyLinter()
    linter.load_default_plugins()
    import pkgutil

    import pylint.extensions

    linter.load_plugin_modules(
        f"pylint.extensions.{m.name}"
        for m in pkgutil.iter_modules(pylint.extensions.__path__)
        if not m.name.startswith("_")
    )
    taken = {m.symbol for m in linter.msgs_store.messages} | {
        old for m in linter.msgs_store.messages for _, old in m.old_names
    }
    for code, rule in REGISTRY.items():
        # A rule whose symbol pylint uses needs a pylint_symbol (one pylint does not use); a stale one must go.
        assert (rule.symbol in taken) == (rule.pylint_symbol is not None), code
        assert rule.pylint_symbol not in taken, code
    assert symbol("FLY001") == "flyte-lint-syntax-error" and symbol("FLY101") == "await-sync-task"
    linter.load_plugin_modules(["flyte_lint.pylint_plugin"])  # registers next to every pylint message
    assert linter.msgs_store.get_message_definitions("E6702")[0].symbol == "await-sync-task"


# -- unit tests the way pylint plugin authors write them ------------------------------------------------
class TestChecker(CheckerTestCase):
    CHECKER_CLASS = FlyteLintChecker

    def test_reports_a_finding_with_its_position(self, tmp_path):
        path = project(tmp_path, BAD) / "main.py"
        module = astroid.MANAGER.ast_from_file(str(path), "main", source=True)
        [finding] = run([path], settings_for(argparse.Namespace(config=None), [path]), Options()).findings
        with self.assertAddsMessages(
            MessageTest(
                msg_id="await-sync-task",
                line=11,
                args=f"FLY101 {finding.message}",
                confidence=HIGH,
                col_offset=11,
                end_line=11,
                end_col_offset=26,
            )
        ):
            self.checker.process_module(module)

    def test_good_code_is_quiet(self, tmp_path):
        path = project(tmp_path, GOOD) / "main.py"
        with self.assertNoMessages():
            self.checker.process_module(astroid.MANAGER.ast_from_file(str(path), "main", source=True))

    def test_a_module_alone_is_resolved_against_its_project(self, tmp_path):
        # pylint named no files (an API caller): the module is still linted with its project's modules,
        # so deploy.py's add_dependency is known and only the missing report dependency is reported.
        root = project(tmp_path, DEPLOY_SCRIPT_PROJECT)
        module = astroid.MANAGER.ast_from_file(str(root / "app/workflow.py"), "app.workflow", source=True)
        self.checker.process_module(module)
        got = self.linter.release_messages()
        assert [(m.msg_id, m.line) for m in got] == [("missing-env-dependency", 7)], got
        assert "'report'" in got[0].args and "'train'" not in got[0].args


# -- parity with `flyte-lint check` ------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_parity_on_every_rule_example(tmp_path, rule):
    """Every rule on, the notes that are off by default too (`--extend-select ALL` on both sides)."""
    for which in ("bad", "good"):
        root = project(tmp_path, {"pyproject.toml": "[tool.flyte-lint]\n", **split_files(rule.example(which))}, which)
        expected = check_keys(root, ["."], extend_select=["ALL"])
        assert pylint_keys(root, ["--flyte-lint-extend-select=ALL", "--recursive=y", "."]) == expected, which
        assert (symbol(rule.code) in {s for _, _, s in expected}) == (which == "bad"), expected
    # and with the default selection
    assert pylint_keys(root, ["--recursive=y", "."]) == check_keys(root, ["."])


@pytest.mark.slow
@pytest.mark.parametrize(
    "files", [DEPLOY_SCRIPT_PROJECT, CYCLE], ids=["FLY401-across-modules", "FLY402-across-modules"]
)
def test_parity_across_modules(tmp_path, files):
    root = project(tmp_path, files)
    expected = check_keys(root, ["."])
    rule = "missing-env-dependency" if files is DEPLOY_SCRIPT_PROJECT else "env-dependency-cycle"
    where = ("app/workflow.py", 7) if files is DEPLOY_SCRIPT_PROJECT else ("wiring.py", 4)
    assert expected == {(*where, rule)}, expected
    # the directory, recursively
    assert pylint_keys(root, ["--recursive=y", "."]) == expected
    # every file named on the command line, as pre-commit and editors do
    files_given = sorted(p for p in files if p.endswith(".py"))
    assert pylint_keys(root, files_given) == check_keys(root, files_given) == expected
    # in parallel: each worker runs the engine over all the files and reports its own
    assert pylint_keys(root, ["-j", "2", *files_given]) == expected
    # with every pylint checker on, ours report the same among pylint's own messages
    assert pylint_keys(root, ["--recursive=y", "."], only_ours=False) == expected


def test_one_file_is_resolved_against_its_project(tmp_path):
    # `pylint app/workflow.py` like `flyte-lint check app/workflow.py`: deploy.py's add_dependency is known.
    root = project(tmp_path, DEPLOY_SCRIPT_PROJECT)
    assert (
        pylint_keys(root, ["app/workflow.py"])
        == check_keys(root, ["app/workflow.py"])
        == {("app/workflow.py", 7, "missing-env-dependency")}
    )
    assert pylint_keys(root, ["deploy.py"]) == check_keys(root, ["deploy.py"]) == set()


@pytest.mark.slow
def test_parity_on_the_bundled_example_project():
    root = Path(__file__).resolve().parents[1] / "examples"
    expected = check_keys(root, ["."])
    assert len(expected) >= 6
    assert pylint_keys(root, ["--recursive=y", "."]) == expected
    assert pylint_keys(root, ["-j", "2", "--recursive=y", "."]) == expected


def test_unparsable_files_are_reported_sequentially_and_in_parallel(tmp_path):
    root = project(
        tmp_path,
        {
            "pyproject.toml": "[tool.flyte-lint]\n",
            "broken.py": "import flyte\ndef f(:\n",
            "bad.py": BAD,
            "zz_broken.py": "import flyte\n\nx = (\n",
        },
    )
    (root / "nul.py").write_bytes(b"import flyte\x00\n")
    expected = check_keys(root, ["."])
    assert {(f, s) for f, _, s in expected} == {
        ("broken.py", "flyte-lint-syntax-error"),
        ("zz_broken.py", "flyte-lint-syntax-error"),
        ("nul.py", "flyte-lint-syntax-error"),
        ("bad.py", "await-sync-task"),
    }
    assert pylint_keys(root, ["--recursive=y", "."]) == expected
    assert pylint_keys(root, ["-j", "2", "--recursive=y", "."]) == expected


# -- suppressions -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# pylint: disable=await-sync-task", True),
        ("# pylint: disable=E6702", True),
        ("# pylint: disable=unawaited-coroutine", False),
        ("# noqa: FLY101", True),  # flyte-lint's own suppression holds under pylint too
    ],
)
def test_line_disable(tmp_path, comment, suppressed):
    root = project(tmp_path, BAD.replace("return await square(x)", f"return await square(x)  {comment}"))
    got = pylint_keys(root, ["main.py"])
    assert got == (set() if suppressed else {("main.py", 11, "await-sync-task")})


def test_disables_hold_per_module_for_cross_module_findings(tmp_path):
    files = dict(DEPLOY_SCRIPT_PROJECT)
    files["app/workflow.py"] = files["app/workflow.py"].replace(
        "return await publish(score)", "return await publish(score)  # pylint: disable=missing-env-dependency"
    )
    # a second, unsuppressed finding in another module, linted after the suppressed one
    files["zz_other.py"] = """
        from app.envs import driver_env
        from app.tasks import publish

        @driver_env.task
        async def other() -> str:
            return await publish(1.0)
    """
    root = project(tmp_path, files)
    assert check_keys(root, ["."]) == {
        ("app/workflow.py", 7, "missing-env-dependency"),
        ("zz_other.py", 6, "missing-env-dependency"),
    }
    assert pylint_keys(root, ["--recursive=y", "."]) == {("zz_other.py", 6, "missing-env-dependency")}
    assert pylint_keys(root, ["-j", "2", "--recursive=y", "."]) == {("zz_other.py", 6, "missing-env-dependency")}


def test_block_and_module_level_disables(tmp_path):
    src = BAD.replace(
        "async def main(x: int) -> int:\n", "async def main(x: int) -> int:\n    # pylint: disable=await-sync-task\n"
    )
    root = project(tmp_path, {"a.py": src, "b.py": "# pylint: disable=flyte-lint\n" + BAD, "c.py": BAD})
    assert check_keys(root, ["."]) == {
        ("a.py", 12, "await-sync-task"),
        ("b.py", 12, "await-sync-task"),
        ("c.py", 11, "await-sync-task"),
    }
    assert pylint_keys(root, ["--recursive=y", "."]) == {("c.py", 11, "await-sync-task")}
    assert pylint_keys(root, ["--recursive=y", "--disable=await-sync-task", "."]) == set()


# -- options and configuration ---------------------------------------------------------------------------
def test_flyte_lint_config_is_honoured(tmp_path):
    root = project(
        tmp_path,
        {
            "pyproject.toml": '[tool.flyte-lint]\nexclude = ["gen"]\nignore = ["FLY103"]\n',
            "gen/g.py": BAD,
            "a.py": BAD,
            "b.py": BAD.replace("return await square(x)", "square(x).aio\n    return 1"),
        },
    )
    expected = check_keys(root, ["."])
    assert expected == {("a.py", 11, "await-sync-task")} | {k for k in expected if k[0] == "b.py"}
    assert pylint_keys(root, ["--recursive=y", "."]) == expected
    # excludes hold even for files named explicitly
    assert pylint_keys(root, ["gen/g.py"]) == check_keys(root, ["gen/g.py"]) == set()
    (root / "other.toml").write_text('[tool.flyte-lint]\nignore = ["FLY101"]\n')
    assert ("a.py", 11, "await-sync-task") not in pylint_keys(root, ["--flyte-lint-config=other.toml", "a.py"])


def test_root_dir_option(tmp_path):
    # The envs live under lib/ and are imported as `envs`: only a source root makes the import resolve (a src/
    # folder would be one by itself: layout.py).
    root = project(
        tmp_path,
        {
            "pyproject.toml": "[tool.flyte-lint]\n",
            "lib/envs.py": 'import flyte\n\na_env = flyte.TaskEnvironment("a")\n'
            'b_env = flyte.TaskEnvironment("b", image=flyte.Image.from_debian_base().with_pip_packages("x"))\n',
            "lib/tasks.py": "from envs import b_env\n\n@b_env.task\nasync def leaf() -> int:\n    return 1\n",
            "flows/flow.py": "from envs import a_env\nfrom tasks import leaf\n\n@a_env.task\nasync def top() -> int:\n    return await leaf()\n",
        },
    )
    with_root = pylint_keys(root, ["--flyte-lint-root-dir=lib", "flows/flow.py"])
    assert with_root == {("flows/flow.py", 6, "missing-env-dependency")}
    assert pylint_keys(root, ["flows/flow.py"]) == check_keys(root, ["flows/flow.py"]) == set()


def test_configuration_errors_are_reported_not_swallowed(tmp_path):
    root = project(tmp_path, {"pyproject.toml": '[tool.flyte-lint]\nselcet = ["FLY1"]\n', "a.py": BAD, "b.py": BAD})
    messages = [m for m in pylint_messages(root, ["a.py", "b.py"]) if m.symbol == "flyte-lint-error"]
    assert len(messages) == 1 and "unknown [tool.flyte-lint] key: selcet" in messages[0].msg
    assert messages[0].msg_id == "F6700"


@pytest.mark.slow
def test_stdin_text_that_differs_from_the_file_is_not_reported_with_stale_positions(tmp_path):
    root = project(tmp_path, BAD)
    cmd = [
        sys.executable,
        "-m",
        "pylint",
        f"--rcfile={EMPTY_RC}",
        "--persistent=n",
        PLUGIN,
        *ONLY_OURS,
        "--from-stdin",
        "main.py",
    ]
    same = subprocess.run(cmd, cwd=root, input=BAD, capture_output=True, text=True)
    assert "main.py:11:11: E6702" in same.stdout, same.stdout + same.stderr
    edited = subprocess.run(cmd, cwd=root, input="\n\n" + BAD, capture_output=True, text=True)
    assert "E6702" not in edited.stdout, edited.stdout


# -- cost and dependencies --------------------------------------------------------------------------------
def test_the_engine_runs_once_per_pylint_run(tmp_path, monkeypatch):
    import flyte_lint.engine

    calls = []
    original = flyte_lint.engine.run

    def counting_run(paths, *args, **kw):
        calls.append(sorted(Path(p).name for p in paths))
        return original(paths, *args, **kw)

    monkeypatch.setattr(flyte_lint.engine, "run", counting_run)
    root = project(tmp_path, DEPLOY_SCRIPT_PROJECT)
    assert pylint_keys(root, ["--recursive=y", "."]) == {("app/workflow.py", 7, "missing-env-dependency")}
    assert calls == [["__init__.py", "deploy.py", "envs.py", "tasks.py", "workflow.py"]]


def test_files_that_never_mention_flyte_are_not_parsed_by_the_engine(tmp_path, monkeypatch):
    from flyte_lint.model import project as project_module

    files = {f"plain{i}.py": f"import os\n\ndef f{i}():\n    return os.getcwd()\n" for i in range(30)}
    root = project(tmp_path, {**files, "main.py": BAD})
    loaded: list[Path] = []
    original = project_module.Project.load

    def load(self, path):
        loaded.append(Path(path).name)
        return original(self, path)

    monkeypatch.setattr(project_module.Project, "load", load)
    assert pylint_keys(root, ["--recursive=y", "."]) == {("main.py", 11, "await-sync-task")}
    assert set(loaded) == {"main.py"}


def test_pylint_with_the_plugin_never_imports_flyte(tmp_path):
    root = project(tmp_path, {"a.py": BAD, "b.py": GOOD.replace('"demo"', '"other"')})
    code = textwrap.dedent("""
        import sys
        from importlib.abc import MetaPathFinder

        class NoFlyte(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "flyte" or name.startswith("flyte."):
                    raise ImportError("flyte is not installed here")

        sys.meta_path.insert(0, NoFlyte())
        from pylint.lint import Run
        run = Run(sys.argv[1:], exit=False)
        assert not any(m == "flyte" or m.startswith("flyte.") for m in sys.modules), "flyte was imported"
        sys.exit(run.linter.msg_status)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code, f"--rcfile={EMPTY_RC}", "--persistent=n", PLUGIN, *ONLY_OURS, "a.py", "b.py"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr  # 2: an error message was issued
    assert "a.py:11:11: E6702: FLY101 sync task 'demo.square' is awaited directly" in proc.stdout
    assert "b.py" not in proc.stdout


def test_loaded_and_configured_from_pyproject(tmp_path):
    """The README's pyproject snippet: no command-line flags at all."""
    fanout = """
        import flyte

        env = flyte.TaskEnvironment("fan")

        @env.task
        async def leaf(i: int) -> int:
            return i

        @env.task
        async def main(n: int) -> list[int]:
            out = []
            for i in range(n):
                out.append(await leaf(i))
            return out
    """
    pyproject = """
        [tool.flyte-lint]

        [tool.pylint.main]
        load-plugins = ["flyte_lint.pylint_plugin"]
        disable = ["all"]
        enable = ["flyte-lint"]

        [tool.pylint.flyte-lint]
        flyte-lint-extend-select = ["FLY7"]  # the notes, off by default
    """
    root = project(tmp_path, {"pyproject.toml": pyproject, "main.py": fanout})
    reporter = CollectingReporter()
    old = os.getcwd()
    os.chdir(root)
    try:
        Run(["--rcfile=pyproject.toml", "--persistent=n", "main.py"], reporter=reporter, exit=False)
    finally:
        os.chdir(old)
    got = {(m.msg_id, m.symbol, m.line) for m in reporter.messages}
    assert got == {(MSGIDS["FLY701"], "dynamic-fanout", 13)}, reporter.messages
    assert MSGIDS["FLY701"].startswith("I67")
    assert check_keys(root, ["main.py"], extend_select=["FLY7"]) == {("main.py", 13, "dynamic-fanout")}


@pytest.mark.slow
def test_the_readme_pylint_command_and_pyproject_snippet_work_as_written(tmp_path):
    """README.md's `### pylint` section, copied: the command from the checkout's root, and the pyproject
    snippet (its flyte-lint-root-dir makes vendor/ a source root, its extend-select turns the notes on)."""
    import shlex

    from test_readme import ROOT, readme_blocks

    [command] = [
        line
        for body in readme_blocks("bash", after="### pylint")
        for line in body.splitlines()
        if line.startswith("pylint ")
    ]
    args = shlex.split(command)[1:]
    reporter = CollectingReporter()
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        Run([f"--rcfile={EMPTY_RC}", "--persistent=n", *args], reporter=reporter, exit=False)
    finally:
        os.chdir(old)
    ours = {symbol(code) for code in REGISTRY}
    got = {(Path(os.path.relpath(m.abspath, ROOT)).as_posix(), m.line, m.symbol) for m in reporter.messages}
    assert got and {m.symbol for m in reporter.messages} <= ours
    assert got == check_keys(ROOT, [a for a in args if not a.startswith("-")])

    [snippet] = readme_blocks("toml", after="### pylint")
    assert 'flyte-lint-root-dir = ["vendor"]' in snippet
    root = project(
        tmp_path,
        {
            "pyproject.toml": "[tool.flyte-lint]\n\n" + snippet,
            "vendor/envs.py": 'import flyte\n\nenv = flyte.TaskEnvironment("demo")\n',
            "vendor/tasks.py": "from envs import env\n\n@env.task\ndef square(x: int) -> int:\n    return x * x\n",
            "flows/flow.py": """
            from envs import env
            from tasks import square

            @env.task
            async def main(n: int) -> list[int]:
                return [await square(i) for i in range(n)]
        """,
        },
    )
    reporter = CollectingReporter()
    os.chdir(root)
    try:
        Run(["--rcfile=pyproject.toml", "--persistent=n", "flows/flow.py"], reporter=reporter, exit=False)
    finally:
        os.chdir(old)
    got = {(m.symbol, m.line) for m in reporter.messages if m.symbol in ours}
    assert got == {("await-sync-task", 6), ("dynamic-fanout", 6)}, reporter.messages
