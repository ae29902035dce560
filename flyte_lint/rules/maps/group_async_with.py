"""FLY204 group-async-with: `async with flyte.group(...)`, a sync context manager entered asynchronously."""

from __future__ import annotations

import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import walk
from flyte_lint.model.source import rendered
from flyte_lint.model.values import External
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register

GROUP = "flyte.group"
ASYNC_WITH = re.compile(r"\basync\s+with\b")


@register
class GroupAsyncWith(Rule):
    code = "FLY204"
    symbol = "group-async-with"
    pylint_number = 54
    scope = Scope.MODULE  # (an `async with` and what the names it enters resolve to)
    raises = "builtins.TypeError"
    summary = "Reports `async with flyte.group(...)`."
    rationale = (
        "`flyte.group` is a plain `@contextlib.contextmanager` function: its context manager has `__enter__`/"
        "`__exit__` and no `__aenter__`/`__aexit__`. `async with flyte.group(...)` raises TypeError "
        "(\"'_GeneratorContextManager' object does not support the asynchronous context manager protocol\") before "
        "the block runs, so the task fails and none of the block's tasks run. A plain `with flyte.group(...)` works "
        "in async code too: the block may `await` tasks."
        " Severity: error: the TypeError is raised wherever the task runs, in local runs and in a cluster."
    )
    fix = "Enter it with a plain `with`: `with flyte.group(...):` (also inside `async def`)."
    fix_safety = "Safe: removes `async` before `with` when every context manager of the statement is a flyte.group."
    runtime = RuntimeSpec(
        entry="main",
        args={"x": 3},
        bad=Outcome(
            ok=False,
            error_contains=("TypeError", "does not support the asynchronous context manager protocol"),
            ran={"demo.square": 0},
        ),
        good=Outcome(ok=True, output=9, ran={"demo.square": 1}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                async with flyte.group("squares"):  # expect: FLY204
                    y = await square(x)
                return y
            """,
            message="`async with flyte.group(...)` raises TypeError: flyte.group is a sync context manager (no "
            "`__aenter__`), so the task fails before the block runs. Write `with flyte.group(...):` (it works in "
            "async code too)",
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                with flyte.group("squares"):
                    y = await square(x)
                return y
            """,
        ),
        Case(
            """
            import contextlib
            import flyte as fl
            from flyte import group as g
            from flyte import group

            env = fl.TaskEnvironment("demo")
            STAGE = fl.group("stage")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                async with fl.group("a"):  # expect: FLY204
                    x = await square(x)
                async with g(f"b-{x}") as grp:  # expect: FLY204
                    x = await square(x)
                async with group("c"), contextlib.AsyncExitStack():  # expect: FLY204
                    x = await square(x)
                named = fl.group("d")
                async with named:  # expect: FLY204
                    x = await square(x)
                async with STAGE:  # expect: FLY204
                    x = await square(x)
                return x
            """,
            name="aliases-and-a-group-held-in-a-variable",
        ),
        Case(
            """
            # file: pkg/envs.py
            import flyte

            env = flyte.TaskEnvironment("demo")
            FANOUT = flyte.group("fanout")
            # file: pkg/main.py
            import flyte
            from pkg import envs
            from pkg.envs import env, FANOUT

            @env.task
            async def square(x: int) -> int:
                return x * x

            async def helper(x: int) -> int:
                async with FANOUT:  # expect: FLY204
                    return await square(x)

            @env.task
            async def main(x: int) -> int:
                async with envs.FANOUT:  # expect: FLY204
                    x = await square(x)
                return await helper(x)
            """,
            name="group-from-another-module-and-in-a-helper",
        ),
        # Only the `async` of a statement whose context managers are all flyte groups is removed.
        Case(
            """
            import contextlib
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                async  with flyte.group("a"), flyte.group("b"):  # expect: FLY204
                    x = await square(x)
                async with flyte.group("c"), contextlib.AsyncExitStack():  # expect: FLY204
                    x = await square(x)
                return x
            """,
            fixed="""
            import contextlib
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                with flyte.group("a"), flyte.group("b"):
                    x = await square(x)
                async with flyte.group("c"), contextlib.AsyncExitStack():
                    x = await square(x)
                return x
            """,
            name="fix-only-where-every-manager-is-a-group",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                with flyte.group("squares"):
                    y = await square(x)
                return y
            """,
        ),
        Case(
            """
            import contextlib
            import flyte as fl
            from flyte import group as g
            from mylib import concurrency
            from mylib.concurrency import group as lib_group

            env = fl.TaskEnvironment("demo")

            @contextlib.asynccontextmanager
            async def group(name: str):
                yield name

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int) -> int:
                with fl.group("a"):
                    x = await square(x)
                with g("b"):
                    x = await square(x)
                async with group("own"):
                    x = await square(x)
                async with lib_group("lib"), concurrency.group("lib2"):
                    x = await square(x)
                async with contextlib.AsyncExitStack() as stack:
                    stack.enter_context(fl.group("c"))
                    x = await square(x)
                return x
            """,
            name="plain-with-a-project-group-and-another-library-group",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")
            group = flyte.group

            @env.task
            async def square(x: int) -> int:
                return x * x

            @env.task
            async def main(x: int, names: list[str]) -> int:
                g = flyte.group("a")
                g = make()
                async with g:  # (rebound: which manager it is is not known)
                    x = await square(x)
                try:
                    async with group("guarded"):
                        x = await square(x)
                except TypeError:
                    pass
                return x

            def make():
                return object()
            """,
            name="rebound-variable-and-an-author-guard",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for module in analysis.modules:
            if not ASYNC_WITH.search(module.text or ""):
                continue
            for node in walk(module.tree):
                if isinstance(node, nodes.AsyncWith):
                    group = next((expr for expr, _ in node.items if _is_group(analysis, expr)), None)
                    if group is not None:
                        yield self._report(analysis, module, node, group)

    def _report(self, analysis: Analysis, module: Module, statement: nodes.AsyncWith, group: nodes.NodeNG) -> Finding:
        made = analysis.definition(group)
        shown = rendered(made.func) if made is group else rendered(group)
        written = f"{shown}(...)" if made is group else shown
        fix = None
        removal = _async_keyword(module, statement)
        if removal is not None and all(_is_group(analysis, expr) for expr, _ in statement.items):
            fix = Fix((removal,), safe=True, title="Enter the group with a plain `with`")
        return self.finding(
            module,
            group,  # (the context manager, not the whole block: an editor underlines what is wrong)
            f"`async with {written}` raises TypeError: flyte.group is a sync context manager (no `__aenter__`), "
            f"so the task fails before the block runs. Write `with {written}:` (it works in async code too)",
            fix,
            suggestions=[Suggestion(f"with {written}:", fix.edits) if fix else None],
        )


def _is_group(analysis: Analysis, expr: nodes.NodeNG) -> bool:
    """``expr`` is a `flyte.group(...)` call, or a name (or module attribute) bound once to one."""
    made = analysis.definition(expr)
    if not isinstance(made, nodes.Call):
        return False
    callee = analysis.resolver.value_of(made.func)
    return isinstance(callee, External) and callee.path == GROUP


def _async_keyword(module, statement: nodes.AsyncWith) -> Edit | None:
    """The edit removing ``async`` (and the blanks after it) from the head of ``statement``."""
    line, col = statement.lineno, statement.col_offset
    if not module.lines or not 0 < line <= len(module.lines):
        return None
    text = module.lines[line - 1].encode("utf-8")[col:]
    if not text.startswith(b"async"):
        return None
    rest = text[len(b"async") :]
    blanks = len(rest) - len(rest.lstrip(b" \t"))
    if blanks == 0 or not rest[blanks:].startswith(b"with"):
        return None
    return Edit((line, col), (line, col + len(b"async") + blanks), "")
