"""FLY813 namedtuple-attribute: a field read by name on what a NamedTuple-returning task's call gave the caller,
which the engine hands back as a plain tuple (or, for one field, the bare value)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.model.entities import CallSite
from flyte_lint.model.kinds import CallForm
from flyte_lint.model.names import loads_of
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register

# NamedTuple members that a plain tuple lacks too (a tuple's own `count`/`index` work on both).
_NAMEDTUPLE_MEMBERS = frozenset({"_asdict", "_replace", "_fields", "_field_defaults", "_make"})
# A field named like a tuple method reads the method on a plain tuple: no AttributeError (left alone).
_TUPLE_MEMBERS = frozenset(dir(tuple))
_ONE_RESULT = (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE, CallForm.PARTIAL)
_MAPPED = (CallForm.MAP, CallForm.MAP_AIO)


@register
class NamedtupleAttribute(Rule):
    code = "FLY813"
    symbol = "namedtuple-attribute"
    severity = Severity.ERROR
    pylint_number = 76  # its pylint message id is E6776; never change it once released
    scope = Scope.IMPORTERS  # (the calls of a task sit in the modules importing it)
    summary = (
        "Reports a field read by name (`r.mean`, `r._asdict()`) on the result of calling a task whose return "
        "annotation is a NamedTuple, in a run: the caller gets a plain tuple, or the bare value for a one-field "
        "NamedTuple."
    )
    rationale = (
        "The engine reads a NamedTuple return annotation as one output per field, and a task call in a run gives "
        "the caller those outputs back as a plain tuple (a single field: the bare value), not the NamedTuple: "
        "`r = await stats(xs)` then `r.mean` raises AttributeError (\"'tuple' object has no attribute 'mean'\"). "
        "The items of `flyte.map(stats, ...)` are plain tuples too. Unpacking the result (`mean, count = await "
        "stats(xs)`), indexing it, and passing it to another task that declares the NamedTuple all work; a "
        "`@flyte.trace` function returns the NamedTuple itself, and so does a task called outside any run (the "
        "function runs directly). A field named like a tuple method (`count`, `index`) reads that method on the "
        "plain tuple, with no error, and is left alone. Severity: error: the field read fails in a local run and in a cluster alike."
    )
    fix = (
        "Unpack the result (`mean, count = await stats(xs)`), or rebuild the NamedTuple in the caller "
        "(`r = Stats(*await stats(xs))`), or return a dataclass instead, which the engine hands back whole."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"xs": [1.0, 2.0, 3.0]},
        bad=Outcome(ok=False, error_contains=("AttributeError", "object has no attribute 'mean'")),
        good=Outcome(ok=True, output=2.0),
    )

    INVALID = [
        Case(
            """
            from typing import NamedTuple

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Stats(NamedTuple):
                mean: float
                count: int

            @env.task
            async def stats(xs: list[float]) -> Stats:
                return Stats(sum(xs) / len(xs), len(xs))

            @env.task
            async def main(xs: list[float]) -> float:
                result = await stats(xs)
                return result.mean  # expect: FLY813
            """,
            message="`result` holds what task 'demo.stats' returned, which a run hands back as a plain tuple, not "
            "the NamedTuple `Stats` its return annotation declares: `result.mean` raises AttributeError. Unpack it "
            "(`mean, count = ...`), or rebuild it (`Stats(*...)`)",
        ),
        Case(
            """
            from typing import NamedTuple

            import flyte as fl

            env = fl.TaskEnvironment("demo")

            class One(NamedTuple):
                value: int

            class Pair(NamedTuple):
                left: int
                right: int

            @env.task
            def one(x: int) -> One:
                return One(x)

            @env.task
            async def pair(x: int) -> Pair:
                return Pair(x, x)

            def helper(x: int) -> int:
                got = one(x)
                return got.value  # expect: FLY813

            @env.task
            async def main(x: int) -> dict:
                direct = (await pair(x)).left  # expect: FLY813
                via_aio: Pair = await pair.aio(x)
                overridden = await pair.override(cache="disable")(x)
                total = 0
                for item in fl.map(one, [1, 2]):
                    total += item.value  # expect: FLY813
                async for p in fl.map.aio(pair, [1, 2]):
                    total += p.right  # expect: FLY813
                return {
                    "a": via_aio.right,  # expect: FLY813
                    "b": overridden._asdict(),  # expect: FLY813
                    "c": helper(x),
                    "d": direct,
                }
            """,
            name="forms-one-field-map-and-helpers",
        ),
        Case(
            """
            # file: pkg/shapes.py
            from typing import NamedTuple

            class Stats(NamedTuple):
                mean: float
                count: int
            # file: pkg/envs.py
            import flyte
            from pkg.shapes import Stats

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def stats(xs: list[float]) -> Stats:
                return Stats(sum(xs) / len(xs), len(xs))
            # file: pkg/main.py
            from pkg.envs import env, stats

            @env.task
            async def main(xs: list[float]) -> float:
                result = await stats(xs)
                return result.mean  # expect: FLY813
            """,
            name="task-and-namedtuple-in-other-modules",
        ),
    ]
    VALID = [
        Case(
            """
            from typing import NamedTuple

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Stats(NamedTuple):
                mean: float
                count: int

            @env.task
            async def stats(xs: list[float]) -> Stats:
                return Stats(sum(xs) / len(xs), len(xs))

            @env.task
            async def main(xs: list[float]) -> float:
                mean, count = await stats(xs)
                return mean
            """,
        ),
        Case(
            """
            from typing import NamedTuple

            import flyte

            env = flyte.TaskEnvironment("demo")

            class Stats(NamedTuple):
                mean: float
                count: int

            @env.task
            async def stats(xs: list[float]) -> Stats:
                result = Stats(1.0, len(xs))
                return Stats(result.mean, result.count)

            @flyte.trace
            async def traced(xs: list[float]) -> Stats:
                return Stats(1.0, len(xs))

            @env.task
            async def report(s: Stats) -> float:
                return s.mean

            @env.task
            async def main(xs: list[float]) -> float:
                result = await stats(xs)
                first = result[0]
                rebuilt = Stats(*result)
                n = result.count(1.0)  # (tuple.count: a field named like a tuple method reads the method)
                t = await traced(xs)
                passed = await report(result)
                return first + rebuilt.mean + t.mean + passed + n

            if __name__ == "__main__":
                direct = stats.forward([1.0])
            """,
            name="index-rebuild-pass-trace-and-tuple-methods",
        ),
        Case(
            """
            import collections
            from typing import NamedTuple

            import flyte
            from mylib import Shape

            env = flyte.TaskEnvironment("demo")
            Point = collections.namedtuple("Point", ["x", "y"])

            class Stats(NamedTuple):
                mean: float

            @env.task
            async def shape(x: int) -> Shape:
                return Shape(x)

            @env.task
            async def point(x: int) -> Point:
                return Point(x, x)

            @env.task
            async def stats(x: float) -> Stats:
                return Stats(x)

            @env.task
            async def main(x: int) -> float:
                s = await shape(x)
                p = await point(x)
                value = await stats(1.0)
                value = Stats(value)
                def inner(value):
                    return value.mean
                return s.size + p.x + value.mean + inner(value)

            def outside() -> float:
                local = stats(1.0)
                return 0.0
            """,
            name="unknown-fields-rebound-names-and-shadowing",
        ),
        Case(
            """
            from typing import NamedTuple

            import flyte
            from scipy import stats

            env = flyte.TaskEnvironment("demo")

            class Result(NamedTuple):
                pvalue: float

            def local_test(xs: list[float]) -> Result:
                return Result(0.5)

            @env.task
            async def main(xs: list[float]) -> float:
                library = stats.ttest_1samp(xs, 0.0)
                plain = local_test(xs)
                return library.pvalue + plain.pvalue
            """,
            name="another-library-and-plain-functions",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.task is None or site.form not in (*_ONE_RESULT, *_MAPPED):
                continue
            returns = signature_types(analysis, site.task.func).returns
            if returns.kind is not TypeKind.NAMEDTUPLE or not returns.fields:
                continue  # (a namedtuple() call, or fields not known: quiet)
            if not analysis.in_task_context(site.function):
                continue  # (outside any run the function runs directly and returns the NamedTuple)
            for holder, attribute in _field_reads(analysis, site, returns):
                yield self.finding(site.module, attribute, _message(site, returns, holder, attribute))


def _message(site: CallSite, returns: TypeNode, holder: str, attribute: nodes.Attribute) -> str:
    task = f"task '{site.task.name}'"
    several = len(returns.fields) > 1
    what = "a plain tuple" if several else f"the bare value of its one field `{returns.fields[0]}`"
    if site.form in _MAPPED:
        where = f"`{holder}` is an item of `flyte.map` over {task}, which a run hands back as {what}"
    else:
        where = f"`{holder}` holds what {task} returned, which a run hands back as {what}"
    name = returns.label()
    fix = (
        f"Unpack it (`{', '.join(returns.fields)} = ...`), or rebuild it (`{name}(*...)`)"
        if several
        else "Use the value itself"
    )
    return (
        f"{where}, not the NamedTuple `{name}` its return annotation declares: `{holder}.{attribute.attrname}` "
        f"raises AttributeError. {fix}"
    )


def _field_reads(analysis: Analysis, site: CallSite, returns: TypeNode) -> Iterator[tuple[str, nodes.Attribute]]:
    """The attribute reads, by a field's name, on the result of the call (or on each mapped item)."""
    fields = (set(returns.fields) - _TUPLE_MEMBERS) | _NAMEDTUPLE_MEMBERS
    if site.form in _MAPPED:
        holder = _loop_target(site.node)
        targets = [holder] if holder is not None else []
    else:
        result = _result_of(site)
        if result is None:
            return
        parent = result.parent
        if isinstance(parent, nodes.Attribute) and parent.attrname in fields:
            yield f"({result.as_string()})", parent
            return
        if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
            targets = [parent.targets[0]]
        elif isinstance(parent, nodes.AnnAssign) and parent.value is result:
            targets = [parent.target]  # (`r: Stats = await stats(xs)`)
        else:
            targets = []
    for target in targets:
        if not isinstance(target, nodes.AssignName) or not _bound_once(target):
            continue
        for load in loads_of(target):
            if not _reads_variable(load, target):
                continue  # (a nested def binding its own variable of that name)
            if isinstance(load.parent, nodes.Attribute) and load.parent.expr is load and load.parent.attrname in fields:
                yield target.name, load.parent


def _result_of(site: CallSite) -> nodes.NodeNG | None:
    """The expression that holds the task's result: the awaited call, or the call of a sync task not awaited."""
    node = site.node
    if isinstance(node.parent, nodes.Await):
        return node.parent
    if site.form is CallForm.AIO or isinstance(site.task.func, nodes.AsyncFunctionDef):
        return None  # (a coroutine, not the result: FLY1xx's business)
    return node


def _loop_target(call: nodes.Call) -> nodes.NodeNG | None:
    parent = call.parent
    if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is call:
        return parent.target
    return None


def _reads_variable(load: nodes.Name, target: nodes.AssignName) -> bool:
    """``load`` reads the variable ``target`` binds: in its scope, or in a nested def, lambda or comprehension that
    binds no variable of that name itself."""
    scope, home = load.scope(), target.scope()
    while scope is not home:
        if load.name in scope.locals or scope.parent is None:
            return False
        scope = scope.parent.scope()
    return True


def _bound_once(target: nodes.AssignName) -> bool:
    return len(target.scope().locals.get(target.name, ())) == 1
