"""FLY505 conditional: a Flyte 1 `conditional(...)` chain; Flyte 2 uses a Python `if`/`else`."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import MIGRATE_NOTE, V1Rule


@register
class Conditional(V1Rule):
    code = "FLY505"
    symbol = "conditional"
    pylint_number = 32
    scope = Scope.IMPORTERS
    summary = "Reports a Flyte 1 `conditional(...)` chain: Flyte 2 uses a Python `if`/`else`."
    rationale = (
        "`conditional(...).if_(...).then(...).else_()...` is Flyte 1's workflow DSL for branches, needed because "
        "a workflow body only builds a graph. A Flyte 2 task body runs, so a plain `if`/`elif`/`else` on real "
        "values does the same."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import conditional, task, workflow

            @task
            def small(n: int) -> str:
                return "small"

            @task
            def large(n: int) -> str:
                return "large"

            @workflow
            def main(n: int) -> str:
                return conditional("size").if_(n < 100).then(small(n=n)).else_().then(large(n=n))  # expect: FLY505
            """,
            message="`conditional('size')` is Flyte 1: write a Python `if`/`elif`/`else` in an `@env.task` that "
            "calls the task of each branch (`.fail(...)` becomes `raise`)" + MIGRATE_NOTE,
        ),
        Case(
            """
            from flytekit import conditional, task, workflow

            @task
            def low(x: int) -> int:
                return x

            @task
            def high(x: int) -> int:
                return x

            @workflow
            def main(x: int) -> int:
                return (
                    conditional("band")  # expect: FLY505
                    .if_(x < 10)
                    .then(low(x=x))
                    .elif_(x < 100)
                    .then(high(x=x))
                    .else_()
                    .fail("too big")
                )

            @workflow
            def split(x: int) -> int:
                branch = conditional("two").if_(x < 0)  # expect: FLY505
                return branch.then(low(x=x)).else_().then(high(x=x))
            """,
            name="once-per-chain-at-the-outermost-call",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def small(n: int) -> str:
                return "small"

            @env.task
            def large(n: int) -> str:
                return "large"

            @env.task
            def main(n: int) -> str:
                if n < 100:
                    return small(n=n)
                return large(n=n)
            """,
        ),
    ]
    fix = "Write the branches as `if`/`elif`/`else` in an `@env.task`, each calling its task; `.fail(...)` becomes `raise`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("conditional"):
            node = ref.site
            # Climb the chain `conditional(...).if_(...).then(...)...` to its outermost call.
            while (
                isinstance(node.parent, nodes.Attribute)
                and isinstance(node.parent.parent, nodes.Call)
                and node.parent.parent.func is node.parent
            ):
                node = node.parent.parent
            name = ""
            if ref.call is not None and ref.call.args and isinstance(ref.call.args[0], nodes.Const):
                name = f"({ref.call.args[0].value!r})"
            msg = (
                f"`conditional{name}` is Flyte 1: write a Python `if`/`elif`/`else` in an `@env.task` that calls "
                "the task of each branch (`.fail(...)` becomes `raise`)"
            )
            yield self.finding(ref.module, node, msg)
