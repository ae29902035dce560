"""FLY509 node-ordering: Flyte 1 node ordering (`a >> b`, `a.runs_before(b)`) between task results."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, walk
from flyte_lint.model.flyte1_index import flyte1_index, guarded
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, Severity, register
from flyte_lint.rules.flyte1._common import MIGRATE_NOTE, V1Rule
from flyte_lint.rules.flyte1._task_results import SHIFTABLE, kind_text, shift_message, task_result


@register
class NodeOrdering(V1Rule):
    code = "FLY509"
    symbol = "node-ordering"
    pylint_number = 36
    scope = Scope.IMPORTERS
    summary = (
        "Reports Flyte 1 node ordering (`a >> b`, `a.runs_before(b)`) between task results: Flyte 2 runs "
        "calls in the order written. Between Flyte 2 task results that are not ints it fails (error)."
    )
    rationale = (
        "A Flyte 1 workflow only builds a graph, so tasks that pass no data between them need `>>` to be ordered. "
        "A Flyte 2 task body runs: sync task calls run one after the other, and awaited async calls run in "
        "`await` order. On Flyte 2 values `>>` is Python's shift operator."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import task, workflow

            @task
            def clear() -> None:
                print("cleared")

            @task
            def load() -> None:
                print("loaded")

            @workflow
            def main() -> None:
                first = clear()
                second = load()
                first >> second  # expect: FLY509
            """,
            message="`first >> second` orders Flyte 1 nodes: in Flyte 2 call the tasks in that order (await each one "
            "in an async task) and drop the `>>`" + MIGRATE_NOTE,
        ),
        Case(
            """
            from flytekit import create_node, task, workflow, LaunchPlan

            @task
            def extract() -> int:
                return 1

            @task
            def publish() -> None: ...

            @workflow
            def sub() -> None:
                publish()

            plan = LaunchPlan.get_or_create(sub, "plan")

            @workflow
            def main() -> None:
                first = extract()
                second = publish()
                first >> second  # expect: FLY509
                second << first  # expect: FLY509
                extract() >> publish() >> sub()  # expect: FLY509
                a, b = extract(), publish()
                a >> b  # expect: FLY509
                n1 = create_node(extract)
                n2 = create_node(publish)
                n1.runs_before(n2)  # expect: FLY509
                plan() >> sub()  # expect: FLY509
            """,
            name="ordering-between-task-results",
        ),
        Case(
            """
            # file: steps.py
            import flyte as fl

            env = fl.TaskEnvironment("steps")


            @env.task
            async def clear() -> None:
                print("cleared")


            @env.task
            async def load() -> None:
                print("loaded")


            @env.task
            def sync_clear() -> None:
                print("cleared")


            @env.task
            def sync_load() -> None:
                print("loaded")


            @env.task
            def count() -> int:
                return 8


            @env.task
            def one() -> int:
                return 1
            # file: main.py
            import flyte
            import steps
            from steps import clear, load as fill

            env = flyte.TaskEnvironment("main", depends_on=[steps.env])


            @env.task
            async def bad_coroutines() -> str:
                clear() >> fill()  # expect: FLY509
                return "done"


            @env.task
            async def bad_awaited() -> str:
                await clear() >> await fill.override(retries=1)()  # expect: FLY509
                first = await clear()
                first >> await steps.load.aio()  # expect: FLY509
                return "done"


            @env.task
            def bad_sync() -> str:
                steps.sync_clear() >> steps.sync_load()  # expect: FLY509
                return "done"


            @env.task
            def bad_runs_before() -> str:
                steps.sync_clear().runs_before(steps.sync_load())  # expect: FLY509
                return "done"


            @env.task
            def ints_shift() -> int:
                return steps.count() >> steps.one()


            @env.task
            async def good() -> str:
                await clear()
                await fill()
                return "done"


            @env.task
            def good_sync() -> str:
                steps.sync_clear()
                steps.sync_load()
                return "done"
            """,
            name="flyte2-task-results",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def clear() -> None:
                print("cleared")

            @env.task
            def load() -> None:
                print("loaded")

            @env.task
            def main() -> None:
                clear()
                load()
            """,
        ),
        Case(
            """
            import flyte
            from flytekit import task

            env = flyte.TaskEnvironment("demo")

            @task
            def old() -> int:
                return 1

            @env.task
            def shifts(x: int, y: int) -> int:
                a = x >> 2
                b = 1 << y
                c = x >> y
                flags = 8
                flags >>= 1
                return a + b + c + flags

            def helper(pipe, other):
                pipe >> other
                pipe.runs_before(other)
                return 1 >> old()

            class Node:
                def __rshift__(self, other):
                    return other

            Node() >> Node()
            """,
            name="shifts-of-plain-values",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def untyped():
                return 1

            @env.task
            def data() -> list[int]:
                return [1]

            @env.task
            async def later() -> int:
                return 1

            @env.task
            def count() -> int:
                return 2

            @env.task
            async def main(x: int) -> int:
                a = untyped() >> x
                b = data() >> x
                c = await later() >> count.override()()
                d = x >> 1
                e = later() >> x  # (x could be an object with __rrshift__: not a task result)
                return a + b + c + d
            """,
            name="flyte2-results-it-cannot-type",
        ),
    ]
    fix = "Call the tasks in the order they must run (await each one in an async task) and drop the `>>`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = flyte1_index(analysis)
        for module in analysis.modules:
            text = module.text or ""
            if ">>" not in text and "<<" not in text and "runs_before" not in text:
                continue
            for node in walk(module.tree):
                if isinstance(node, nodes.BinOp) and node.op in (">>", "<<"):
                    parent = node.parent
                    if isinstance(parent, nodes.BinOp) and parent.op in (">>", "<<"):
                        continue  # reported at the outermost `a >> b >> c`
                    operands = _chain(node)
                    if (
                        any(idx.is_promise(o) for o in operands)
                        and not any(isinstance(o, LITERALS) for o in operands)
                        and not guarded(node)
                    ):
                        yield self.finding(
                            module,
                            node,
                            (
                                f"`{short_source(module, node, 50)}` orders Flyte 1 nodes: in Flyte 2 call the tasks in that order "
                                "(await each one in an async task) and drop the `{}`".format(node.op)
                            ),
                        )
                    elif (
                        (kinds := [task_result(analysis, o) for o in operands])
                        and None not in kinds
                        and not all(k in SHIFTABLE for k in kinds)
                    ):
                        yield self.finding(
                            module,
                            node,
                            shift_message(short_source(module, node, 50), node.op, kinds),
                            severity=Severity.ERROR,
                        )
                elif (
                    isinstance(node, nodes.Call)
                    and isinstance(node.func, nodes.Attribute)
                    and node.func.attrname == "runs_before"
                    and idx.is_promise(node.func.expr)
                    and not guarded(node)
                ):
                    yield self.finding(
                        module,
                        node,
                        (
                            f"`{short_source(module, node, 50)}` orders Flyte 1 nodes: in Flyte 2 call the tasks in that order "
                            "(await each one in an async task) and drop `.runs_before(...)`"
                        ),
                    )
                elif (
                    isinstance(node, nodes.Call)
                    and isinstance(node.func, nodes.Attribute)
                    and node.func.attrname == "runs_before"
                    and (kind := task_result(analysis, node.func.expr))
                ):
                    yield self.finding(
                        module,
                        node,
                        (
                            f"`{short_source(module, node, 50)}` calls `.runs_before` on a Flyte 2 task's result, {kind_text(kind)}: "
                            f"it fails with AttributeError (\"'{kind}' object has no attribute 'runs_before'\"). Flyte 2 "
                            "runs calls in the order written: call the tasks one after the other (await each one in an "
                            "async task) and drop `.runs_before(...)`"
                        ),
                        severity=Severity.ERROR,
                    )


# Operands that are plain Python values: `>>` on them is a shift, whatever the other side is.
LITERALS = (
    nodes.Const,
    nodes.List,
    nodes.Tuple,
    nodes.Dict,
    nodes.Set,
    nodes.JoinedStr,
    nodes.ListComp,
    nodes.SetComp,
    nodes.DictComp,
    nodes.GeneratorExp,
)


def _chain(node: nodes.NodeNG) -> list[nodes.NodeNG]:
    if isinstance(node, nodes.BinOp) and node.op in (">>", "<<"):
        return _chain(node.left) + _chain(node.right)
    return [node]
