"""Property tests over random Flyte 2 programs, generated as source text from templates (not from an AST).

A program has one to three environments (some with ``depends_on``), sync and async tasks with random
parameters, and bodies that call tasks in every form (plain, ``await``, ``.aio``, ``.override(...)``,
``asyncio.gather``, ``flyte.map`` / ``flyte.map.aio``, ``functools.partial``) under branches, loops over
ranges, literals and parameters, ``try``/``except``, ``flyte.group`` blocks and nested helpers.

Properties: check and graph never crash or print a traceback; findings are deterministic (also across hash
seeds); ``# noqa: CODE`` on a finding's line removes exactly that finding; how flyte is imported
(``import flyte``, ``import flyte as fl``, ``from flyte import TaskEnvironment as TE``) changes no finding;
``--fix`` leaves text that compiles and nothing fixable.

Budget: 30 examples per property by default; ``FLYTE_LINT_FUZZ_EXAMPLES=500`` for a long run.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings, strategies as st

from flyte_lint.cli import main
from flyte_lint.config import Settings
from flyte_lint.engine import Options, run

pytestmark = pytest.mark.slow  # hypothesis over random programs, with CLI subprocesses: minutes

EXAMPLES = int(os.environ.get("FLYTE_LINT_FUZZ_EXAMPLES", "30"))
settings.register_profile(
    "flyte-lint",
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = settings.get_profile("flyte-lint")

# The import line (one line, so lines never move) and how the program then spells flyte and TaskEnvironment.
IMPORTS = {
    "plain": ("import flyte", "flyte", "flyte.TaskEnvironment"),
    "alias": ("import flyte as fl", "fl", "fl.TaskEnvironment"),
    "from-alias": ("import flyte; from flyte import TaskEnvironment as TE", "flyte", "TE"),
}


# -- the program generator ------------------------------------------------------------------------------
class Program:
    """Source text with @F@ (the flyte module) and @ENV@ (the TaskEnvironment class) placeholders."""

    def __init__(self, body: str, tasks: list[str]) -> None:
        self.body = body
        self.tasks = tasks

    def render(self, style: str = "plain") -> str:
        line, module, env = IMPORTS[style]
        return (line + "\n" + self.body).replace("@F@", module).replace("@ENV@", env)

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return "\n" + self.render()


class Task:
    def __init__(self, name: str, is_async: bool, params: list[tuple[str, int | None]]) -> None:
        self.name, self.is_async, self.params = name, is_async, params


LITERALS = ["0", "1", "2", "3"]


@st.composite
def arguments(draw, callee: Task, names: list[str]) -> str:
    values = st.sampled_from(LITERALS + names)
    required = [p for p, default in callee.params if default is None]
    style = draw(st.sampled_from(["positional", "keyword", "partial", "wrong"]))
    if style == "positional":
        return ", ".join(draw(values) for _ in required)
    if style == "keyword":
        chosen = [p for p, _ in callee.params if p in required or draw(st.booleans())]
        return ", ".join(f"{p}={draw(values)}" for p in chosen)
    if style == "partial":  # a required input missing, or one too many positional
        count = max(0, len(required) + draw(st.sampled_from([-1, 1])))
        return ", ".join(draw(values) for _ in range(count))
    return ", ".join([draw(values) for _ in required] + [f"bogus_{draw(st.integers(0, 9))}={draw(values)}"])


@st.composite
def call(draw, tasks: list[Task], is_async: bool, names: list[str]) -> str:
    """An expression calling a task, in any of the forms the SDK has (or misuses)."""
    callee = draw(st.sampled_from(tasks))
    other = draw(st.sampled_from(tasks))
    args = draw(arguments(callee, names))
    t, o = callee.name, other.name
    one = draw(st.sampled_from(LITERALS + names))
    sync_forms = [
        f"{t}({args})",
        f"{t}.override(retries=1)({args})",
        f"list(@F@.map({t}, [1, 2, 3]))",
        f"@F@.map({t}, range(3))",
        f"list(@F@.map(functools.partial({t}, {one}), [1, 2]))",
        "@F@.map(lambda v: v, [1])",
        f"{t}.aio({args})",
        f"asyncio.run({t}.aio({args}))",
        f"@F@.run({t}, {one})",
    ]
    async_forms = [
        f"await {t}({args})",
        f"await {t}.aio({args})",
        f"{t}({args})",
        f"{t}.aio({args})",
        f"await {t}.override(retries=2).aio({args})",
        f"{t}.override(retries=1)({args})",
        f"await asyncio.gather({t}.aio({args}), {o}.aio({one}))",
        f"await asyncio.gather(*[{t}.aio(v) for v in range(3)])",
        f"list(@F@.map({t}, [1, 2, 3]))",
        f"[r async for r in @F@.map.aio({t}, [1, 2])]",
        f"await @F@.map.aio({t}, [1, 2])",
        f"asyncio.create_task({t}.aio({args}))",
        f"await @F@.run.aio({t}, {one})",
    ]
    return draw(st.sampled_from(async_forms if is_async else sync_forms))


@st.composite
def block(
    draw, tasks: list[Task], is_async: bool, names: list[str], indent: int, depth: int, counter: list[int]
) -> list[str]:
    """Statements (lines, indented) of a function body."""
    pad = " " * indent
    lines: list[str] = []
    names = list(names)
    for _ in range(draw(st.integers(1, 4))):
        kinds = ["assign", "expr", "assign"] + (["if", "for", "try", "with", "helper"] if depth < 2 else [])
        kind = draw(st.sampled_from(kinds))
        counter[0] += 1
        n = counter[0]
        if kind == "assign":
            lines.append(f"{pad}v{n} = {draw(call(tasks, is_async, names))}")
            names.append(f"v{n}")
        elif kind == "expr":
            lines.append(f"{pad}{draw(call(tasks, is_async, names))}")
        elif kind == "if":
            test = draw(
                st.sampled_from(
                    [
                        f"{names[0]} > 1" if names else "True",
                        "v is None" if "v" in names else "False",
                        f"len([1, 2]) == {draw(st.integers(0, 3))}",
                    ]
                )
            )
            lines.append(f"{pad}if {test}:")
            lines += draw(block(tasks, is_async, names, indent + 4, depth + 1, counter))
            if draw(st.booleans()):
                lines.append(f"{pad}else:")
                lines += draw(block(tasks, is_async, names, indent + 4, depth + 1, counter))
        elif kind == "for":
            iterable = draw(
                st.sampled_from(["range(3)", "[1, 2]", "(4, 5, 6)", "range(0)"] + [f"range({p})" for p in names[:2]])
            )
            lines.append(f"{pad}for i{n} in {iterable}:")
            lines += draw(block(tasks, is_async, names + [f"i{n}"], indent + 4, depth + 1, counter))
            if draw(st.booleans()):
                lines.append(f"{pad}    if i{n} == 2:")
                lines.append(f"{pad}        {draw(st.sampled_from(['break', 'continue']))}")
        elif kind == "try":
            lines.append(f"{pad}try:")
            lines += draw(block(tasks, is_async, names, indent + 4, depth + 1, counter))
            lines.append(f"{pad}except {draw(st.sampled_from(['Exception', 'ValueError', '(KeyError, TypeError)']))}:")
            lines += draw(block(tasks, is_async, names, indent + 4, depth + 1, counter))
            if draw(st.booleans()):
                lines.append(f"{pad}finally:")
                lines.append(f"{pad}    pass")
        elif kind == "with":
            lines.append(f'{pad}with @F@.group("g{n}"):')
            lines += draw(block(tasks, is_async, names, indent + 4, depth + 1, counter))
        else:  # a nested helper, sync or async, called or not
            helper_async = is_async and draw(st.booleans())
            lines.append(f"{pad}{'async ' if helper_async else ''}def helper{n}(y):")
            inner = draw(block(tasks, helper_async, names + ["y"], indent + 4, depth + 1, counter))
            lines += inner + [f"{pad}    return y"]
            use = draw(st.sampled_from(["call", "await", "none"]))
            if use == "call":
                lines.append(f"{pad}h{n} = helper{n}(1)")
            elif use == "await" and helper_async:
                lines.append(f"{pad}h{n} = await helper{n}(1)")
    return lines


@st.composite
def programs(draw) -> Program:
    lines = ["import asyncio", "import functools", ""]
    env_count = draw(st.integers(1, 3))
    for i in range(env_count):
        options = []
        deps = draw(st.lists(st.integers(0, env_count - 1), max_size=2, unique=True))
        deps = [d for d in deps if d < i or (d == i and draw(st.booleans()))]
        if deps:
            options.append(f"depends_on=[{', '.join(f'env{d}' for d in deps)}]")
        if draw(st.booleans()):
            options.append(
                draw(
                    st.sampled_from(
                        [
                            'resources=@F@.Resources(cpu=1, memory="1Gi")',
                            'cache="auto"',
                            'resources=@F@.Resources(mem="1Gi")',
                        ]
                    )
                )
            )
        name = draw(st.sampled_from([f"env-{i}", f"env_{i}", f"Env {i}"]))
        lines.append(f'env{i} = @ENV@("{name}"{", " if options else ""}{", ".join(options)})')
    lines.append("")
    count = draw(st.integers(1, 5))
    tasks = []
    for i in range(count):
        params = [(f"p{k}", draw(st.one_of(st.none(), st.integers(0, 3)))) for k in range(draw(st.integers(0, 3)))]
        params = sorted(params, key=lambda p: p[1] is not None)  # no default before a required one
        tasks.append(Task(f"t{i}" if i < count - 1 else "main", draw(st.booleans()) if i < count - 1 else True, params))
    counter = [0]
    for task in tasks:
        env = draw(st.integers(0, env_count - 1))
        decorator = draw(
            st.sampled_from([f"@env{env}.task", f"@env{env}.task(retries=2)", f'@env{env}.task(cache="auto")'])
        )
        signature = ", ".join(f"{p}: int" + (f" = {d}" if d is not None else "") for p, d in task.params)
        lines.append(decorator)
        lines.append(f"{'async ' if task.is_async else ''}def {task.name}({signature}) -> int:")
        lines += draw(block(tasks, task.is_async, [p for p, _ in task.params], 4, 0, counter))
        lines.append(f"    return {draw(st.sampled_from(['0'] + [p for p, _ in task.params]))}")
        lines.append("")
    if env_count > 1 and draw(st.booleans()):
        lines.append(
            f"env{draw(st.integers(0, env_count - 1))}.add_dependency(env{draw(st.integers(0, env_count - 1))})"
        )
    if draw(st.booleans()):
        lines.append("def module_helper(x):")
        lines.append(f"    return {draw(call(tasks, False, ['x']))}")
    if draw(st.booleans()):
        lines += ['if __name__ == "__main__":', "    @F@.init_from_config()", "    print(@F@.run(main))"]
    program = Program("\n".join(lines) + "\n", [t.name for t in tasks])
    for style in IMPORTS:
        ast.parse(program.render(style))  # a generator bug otherwise
    return program


# -- running ----------------------------------------------------------------------------------------------
def cli(cwd: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        os.chdir(old)
    text_out, text_err = out.getvalue(), err.getvalue()
    assert "Traceback (most recent call last)" not in text_out + text_err, text_err[-3000:]
    return code, text_out, text_err


def lint(root: Path) -> list[tuple[str, int, int, str]]:
    result = run([root], Settings(), Options(extend_select=["FLY7"]), cwd=root)
    assert not result.internal_errors, result.internal_errors[0]
    assert not result.path_errors, result.path_errors
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


@contextlib.contextmanager
def project(text: str, name: str = "wf.py"):
    with tempfile.TemporaryDirectory(prefix="flyte-lint-fuzz-") as tmp:
        root = Path(tmp)
        (root / name).write_text(text, encoding="utf-8")
        yield root


# -- properties -------------------------------------------------------------------------------------------
@PROFILE
@given(programs(), st.sampled_from(["json", "dot", "mermaid", "graphml", "html"]), st.data())
def test_check_and_graph_never_crash_and_are_deterministic(program, fmt, data):
    text = program.render()
    with project(text) as root:
        first = cli(root, "check", ".", "--no-cache", "-j", "1", "--extend-select", "FLY7", "--format", "json")
        assert first[0] in (0, 1) and "internal error" not in first[2], first[2]
        assert all(d["code"] != "FLY001" for d in json.loads(first[1])["diagnostics"])
        second = cli(root, "check", ".", "--no-cache", "-j", "1", "--extend-select", "FLY7", "--format", "json")
        assert first == second
        listed = cli(root, "graph", "wf.py")
        assert listed[0] == 0 and "wf:main" in listed[1], listed
        entry = data.draw(st.sampled_from(program.tasks), label="entry")
        graphs = [cli(root, "graph", "wf.py", "--entry", f"wf:{entry}", "--format", fmt) for _ in range(2)]
        assert graphs[0][0] == 0 and graphs[0][1] and "internal error" not in graphs[0][2], graphs[0][2]
        assert graphs[0] == graphs[1]


@settings(PROFILE, max_examples=max(2, EXAMPLES // 10))
@given(st.lists(programs(), min_size=4, max_size=8))
def test_findings_do_not_depend_on_the_hash_seed(batch):
    """Set and dict orders that leak into the output show up with another PYTHONHASHSEED."""
    with tempfile.TemporaryDirectory(prefix="flyte-lint-fuzz-") as tmp:
        root = Path(tmp)
        for i, program in enumerate(batch):
            (root / f"wf{i}.py").write_text(program.render().replace('"env', f'"m{i}-env'), encoding="utf-8")
        script = (
            "import sys; from flyte_lint.cli import main; "
            "rc = main(['check', '.', '--no-cache', '-j', '1', '--extend-select', 'FLY7', '--format', 'json']); "
            "main(['graph', 'wf0.py', '--entry', 'wf0:main']); sys.exit(rc)"
        )
        outputs = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            proc = subprocess.run(
                [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=600
            )
            assert proc.returncode in (0, 1), proc.stderr[-3000:]
            outputs.append(proc.stdout)
        assert outputs[0] == outputs[1]


@PROFILE
@given(programs(), st.data())
def test_noqa_removes_exactly_that_finding(program, data):
    text = program.render()
    with project(text) as root:
        before = lint(root)
        assume(before)
        code, line, _, _ = data.draw(st.sampled_from(before), label="suppressed")
        lines = text.split("\n")
        lines[line - 1] += f"  # noqa: {code}"
        (root / "wf.py").write_text("\n".join(lines), encoding="utf-8")
        after = lint(root)
    note(f"suppressing {code} on line {line}")
    assert after == [f for f in before if not (f[0] == code and f[1] == line)]


@PROFILE
@given(programs())
def test_how_flyte_is_imported_changes_no_finding(program):
    found = {}
    for style in IMPORTS:
        with project(program.render(style)) as root:
            found[style] = sorted((code, line) for code, line, _, _ in lint(root))
    assert found["alias"] == found["plain"]
    assert found["from-alias"] == found["plain"]


@PROFILE
@given(programs(), st.booleans())
def test_fix_leaves_code_that_compiles_and_nothing_fixable(program, unsafe):
    text = program.render()
    flags = ["--unsafe-fixes"] if unsafe else []
    with project(text) as root:
        code, out, err = cli(root, "check", ".", "--fix", *flags)
        assert code in (0, 1) and "internal error" not in err and "not fixed" not in err, err
        fixed = (root / "wf.py").read_text(encoding="utf-8")
        compile(fixed, "wf.py", "exec", dont_inherit=True)  # parses, and compiles
        code, out, err = cli(root, "check", ".", "--diff", *flags)
        note(fixed)
        assert out == "", out
        code, out, err = cli(root, "check", ".", "--no-cache", "--format", "json", *flags)
        diagnostics = json.loads(out)["diagnostics"]
        assert not [d for d in diagnostics if d.get("fix") and (d["fix"]["safe"] or unsafe)], diagnostics
        assert all(d["code"] != "FLY001" for d in diagnostics)
