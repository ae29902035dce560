"""FLY201–FLY203: `flyte.map` generators that never run, or that are handed the wrong thing."""

from __future__ import annotations

from typing import Iterable

from astroid import nodes

from flyte_lint.model.analysis import SHELL_CREATE, Analysis, ResolvedCall
from flyte_lint.model.values import ClassRef, External, FunctionRef, LambdaRef, Method, PartialRef, TaskRef
from flyte_lint.rules.base import Edit, Fix, Finding, Rule, register, source_of
from flyte_lint.rules.usage import assigned_name, name_loads

MAP_PATHS = ("flyte.map", "flyte.map.aio")
# Calls that look at an object without iterating it.
NON_ITERATING = {"builtins.print", "builtins.repr", "builtins.str", "builtins.id", "builtins.type",
                 "builtins.bool", "builtins.format", "builtins.isinstance", "builtins.hash"}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
MATERIALIZERS = {"builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted", "builtins.sum",
                 "builtins.dict", "builtins.frozenset", "builtins.min", "builtins.max", "builtins.any", "builtins.all"}


def map_calls(analysis: Analysis) -> Iterable[ResolvedCall]:
    return analysis.calls_to(*MAP_PATHS)


def _iterates(analysis: Analysis, expr: nodes.NodeNG) -> bool:
    """Whether the place ``expr`` appears in makes the generator run (or may: unknown code counts)."""
    parent = expr.parent
    if isinstance(parent, (nodes.Expr, nodes.FormattedValue, nodes.Compare, nodes.BoolOp, nodes.UnaryOp)):
        return False
    if isinstance(parent, (nodes.If, nodes.While, nodes.IfExp)) and expr is parent.test:
        return False
    if isinstance(parent, nodes.Call) and expr is not parent.func:
        callee = analysis.resolver.value_of(parent.func)
        if isinstance(callee, External) and callee.path in NON_ITERATING:
            return False
        if isinstance(callee, External) and callee.path.startswith("logging."):
            return False
        if isinstance(parent.func, nodes.Attribute) and parent.func.attrname in LOG_METHODS and _looks_like_logger(parent.func.expr):
            return False
    return True


def _looks_like_logger(node: nodes.NodeNG) -> bool:
    text = node.as_string().lower()
    return "log" in text


@register
class UnconsumedMap(Rule):
    code = "FLY201"
    symbol = "unconsumed-map"
    summary = "Reports a `flyte.map(...)` or `flyte.map.aio(...)` whose result is discarded or never iterated."
    rationale = (
        "`flyte.map` returns a generator (`flyte.map.aio` an async generator). Nothing is submitted until it "
        "is iterated, so a map that is discarded, or only printed or logged, runs no task at all and the parent "
        "succeeds as if it had."
        " Severity: error: no task runs and the parent succeeds, in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def process(x: int) -> int:
            return x * 2

        @env.task
        def main(items: list[int]) -> None:
            flyte.map(process, items)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def process(x: int) -> int:
            return x * 2

        @env.task
        def main(items: list[int]) -> list[int]:
            return list(flyte.map(process, items))
    """
    fix = "Iterate the result: `list(flyte.map(...))`, `for r in flyte.map(...)`, or `async for r in flyte.map.aio(...)`."
    fix_safety = "Unsafe: wrapping the call in `list(...)` runs every item where nothing ran before."
    runtime_effect = "nothing runs"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            node = call.node
            parent = node.parent
            shown = source_of(call.module, node.func)
            if isinstance(parent, nodes.Expr):
                yield self.finding(call.module, node, f"the result of `{shown}(...)` is discarded, so no item ever runs. Iterate it, e.g. `list({shown}(...))`",
                                   _materialize_fix(call))
                continue
            target = assigned_name(parent, node)
            if target is not None:
                loads = name_loads(target)
                if not any(_iterates(analysis, load) for load in loads):
                    what = "never used" if not loads else "never iterated"
                    yield self.finding(call.module, node, f"the generator from `{shown}(...)` bound to `{target.name}` is {what}, so no item ever runs. Iterate it, e.g. `list({target.name})`")
                continue
            if not _iterates(analysis, node):
                yield self.finding(call.module, node, f"`{shown}(...)` is never iterated here, so no item ever runs. Iterate it, e.g. `list({shown}(...))`")
        yield from _unconsumed_helper_maps(self, analysis)


def _materialize_fix(call) -> Fix | None:
    """``flyte.map(...)`` → ``list(flyte.map(...))``; ``flyte.map.aio(...)`` in async code →
    ``[r async for r in flyte.map.aio(...)]``. Unsafe: items that never ran before now run."""
    node = call.node
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    if call.external_path == "flyte.map":
        return Fix((Edit(start, start, "list("), Edit(end, end, ")")), safe=False, title="Iterate the map with `list(...)`")
    if isinstance(call.function, nodes.AsyncFunctionDef):
        return Fix((Edit(start, start, "[_ async for _ in "), Edit(end, end, "]")), safe=False,
                   title="Iterate the map with an async comprehension")
    return None


@register
class MapNonTask(Rule):
    code = "FLY202"
    symbol = "map-non-task"
    summary = ("Reports `flyte.map` given a lambda, a plain function, a non-task callable, a shell task, or a `partial` "
               "that does not leave exactly one parameter open.")
    rationale = (
        "`flyte.map` submits each item as a task run, so it needs a task. A lambda or plain function fails when "
        "the map is iterated (\"'function' object has no attribute 'name'\"), and a `functools.partial` must "
        "leave exactly one parameter unspecified or the SDK raises TypeError."
        " Severity: error: the map fails when it is iterated, in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def main(items: list[int]) -> list[int]:
            return list(flyte.map(lambda x: x * 2, items))
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def double(x: int) -> int:
            return x * 2

        @env.task
        def main(items: list[int]) -> list[int]:
            return list(flyte.map(double, items))
    """
    fix = "Map a task (`@env.task`), or a `functools.partial` of one that binds every parameter but the mapped one."
    runtime_effect = "has no attribute 'name'"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            if not call.node.args or isinstance(call.node.args[0], nodes.Starred):
                continue
            first = call.node.args[0]
            value = analysis.resolver.value_of(first)
            problem = self._problem(value)
            if problem:
                yield self.finding(call.module, first, problem)
        for used in analysis.task_object_calls:
            if used.maker == SHELL_CREATE and used.form in ("map", "map_aio") and used.call.node.args:
                yield self.finding(
                    used.call.module, used.call.node.args[0],
                    f"`flyte.map` is given the shell task '{used.name}', which is not a task template and has no "
                    "`.aio`: every item fails with AttributeError (\"'_Shell' object has no attribute 'aio'\"), which "
                    f"the map returns as that item's result unless told otherwise. Map `{used.name}.as_task()`, or "
                    f"await `{used.name}(...)` for each item in async code",
                )

    def _problem(self, value) -> str | None:
        fails = "it fails when iterated (AttributeError: no attribute 'name')"
        if isinstance(value, LambdaRef):
            return f"`flyte.map` is given a lambda, not a task: {fails}. Map an `@env.task` function"
        if isinstance(value, FunctionRef):
            kind = "a traced function" if value.traced else "the plain function"
            return f"`flyte.map` is given {kind} '{value.func.name}', not a task: {fails}. Decorate it with `@env.task`"
        if isinstance(value, ClassRef):
            return f"`flyte.map` is given the class '{value.cls.name}', not a task: {fails}. Map an `@env.task` function"
        if isinstance(value, External) and value.path.startswith("builtins."):
            return f"`flyte.map` is given the builtin `{value.path[9:]}`, not a task: {fails}. Map an `@env.task` function"
        if isinstance(value, Method) and isinstance(value.owner, TaskRef) and value.name in ("aio", "forward"):
            return (f"`flyte.map` is given `.{value.name}` of task '{value.owner.task.name}', a plain method: {fails}. "
                    "Pass the task itself; in async code iterate `flyte.map.aio(task, ...)`")
        if isinstance(value, PartialRef):
            return self._partial_problem(value)
        return None

    def _partial_problem(self, partial: PartialRef) -> str | None:
        target = partial.target
        if isinstance(target, (FunctionRef, LambdaRef)) or (isinstance(target, External) and target.path.startswith("builtins.")):
            return ("`flyte.map` is given a `partial` of something that is not a task: it fails when iterated "
                    "(AttributeError). Make the partial of an `@env.task` function")
        if not isinstance(target, TaskRef) or not partial.static:
            return None
        params = [p.name for p in target.task.signature.params]
        bound_kw = partial.bound_keywords
        open_count = len(params) - partial.bound_positional - len(bound_kw)
        if open_count != 1:
            return (f"the `partial` of task '{target.task.name}' leaves {open_count} parameters unspecified; "
                    "`flyte.map` needs exactly one: it fails with TypeError when iterated. Bind all parameters but the mapped one")
        for name in params[: partial.bound_positional + 1]:
            if name in bound_kw:
                return (f"the mapped argument of task '{target.task.name}' lands on `{name}`, which the `partial` "
                        "already binds by keyword: it fails with TypeError when iterated. Bind the parameters before the "
                        "mapped one positionally, or leave the first one open")
        return None


@register
class MapAioMisuse(Rule):
    code = "FLY203"
    symbol = "map-aio-misuse"
    summary = "Reports `flyte.map.aio` iterated with plain `for`, awaited, unpacked or passed to `list()`, and sync `flyte.map` in `async for` or awaited."
    rationale = (
        "`flyte.map.aio(...)` is an async generator: a plain `for`, `list()` or `*` unpacking raises TypeError "
        "(\"'async_generator' object is not iterable\") and `await` raises TypeError too. Sync `flyte.map(...)` is "
        "a plain generator: neither an async iterable, so `async for` over it fails, nor awaitable."
        " Severity: error: it raises TypeError in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def main(items: list[int]) -> list[int]:
            return list(flyte.map.aio(double, items))
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def main(items: list[int]) -> list[int]:
            return [r async for r in flyte.map.aio(double, items)]
    """
    fix = "Use `async for r in flyte.map.aio(...)` (or an async comprehension) in async code, `for r in flyte.map(...)` in sync code."
    runtime_effect = "TypeError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            node = call.node
            is_aio = call.external_path == "flyte.map.aio"
            # The generator itself, or every read of the name it is bound to.
            target = assigned_name(node.parent, node)
            if target is not None and len(target.scope().locals.get(target.name, ())) != 1:
                continue  # the name is bound more than once: which value a read sees is not known
            uses = name_loads(target) if target is not None else [node]
            for use in uses:
                message = self._misuse(analysis, use, is_aio)
                if message:
                    if use is not node:
                        message += f" (`{target.name}` holds `{call.external_path}(...)` from line {node.lineno})"
                    yield self.finding(call.module, use, message)

    @staticmethod
    def _misuse(analysis: Analysis, node: nodes.NodeNG, is_aio: bool) -> str | None:
        parent = node.parent
        if is_aio:
            if isinstance(parent, nodes.For) and not isinstance(parent, nodes.AsyncFor) and node is parent.iter:
                return "`flyte.map.aio(...)` is an async generator: a plain `for` fails with TypeError. Write `async for`"
            if isinstance(parent, nodes.Comprehension) and node is parent.iter and not parent.is_async:
                return "`flyte.map.aio(...)` is an async generator: a plain comprehension fails with TypeError. Write `async for`"
            if isinstance(parent, nodes.Await):
                return "`flyte.map.aio(...)` is an async generator, not awaitable: `await` fails with TypeError. Write `async for r in flyte.map.aio(...)`"
            if isinstance(parent, nodes.Call) and node in parent.args:
                callee = analysis.resolver.value_of(parent.func)
                if isinstance(callee, External) and callee.path in MATERIALIZERS:
                    return f"`{callee.path[9:]}()` cannot consume the async generator from `flyte.map.aio(...)`: it fails with TypeError. Use `[r async for r in flyte.map.aio(...)]`"
            if isinstance(parent, nodes.Starred):
                return "`*` cannot unpack the async generator from `flyte.map.aio(...)`: it fails with TypeError. Use `[r async for r in flyte.map.aio(...)]`"
            return None
        if isinstance(parent, nodes.Await):
            return "sync `flyte.map(...)` is a generator, not awaitable: `await` fails with TypeError. Use `[r async for r in flyte.map.aio(...)]`"
        if isinstance(parent, nodes.AsyncFor) and node is parent.iter:
            return "sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Write `async for r in flyte.map.aio(...)`"
        if isinstance(parent, nodes.Comprehension) and node is parent.iter and parent.is_async:
            return "sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Use `flyte.map.aio(...)`"
        return None


def _unconsumed_helper_maps(rule: Rule, analysis: Analysis) -> Iterable[Finding]:
    """FLY201 on the calls of a helper that returns a map it makes (Analysis.map_helper_calls): the caller
    drops the generator, or binds it and never iterates it, so no item runs."""
    for call, paths in analysis.watch(analysis.map_helper_calls):
        node, parent = call.node, call.node.parent
        shown = source_of(call.module, node.func)
        helper = call.callee.func.name
        returned = " or ".join(f"`{p}(...)`" for p in sorted(paths))
        caller = call.function
        if paths == {"flyte.map"} and not isinstance(caller, nodes.AsyncFunctionDef) and not (
                caller is not None and analysis.runs_on_event_loop(caller)):
            advice = f"Iterate it, e.g. `list({shown}(...))`"
        elif paths == {"flyte.map.aio"} and isinstance(caller, nodes.AsyncFunctionDef):
            advice = f"Iterate it, e.g. `[r async for r in {shown}(...)]`"
        else:
            advice = ("Iterate it: `async for` over a `flyte.map.aio(...)` in async code, a sync `flyte.map(...)` "
                      "in sync code")
        kind = "an async generator" if paths == {"flyte.map.aio"} else "a generator"
        what = f"`{helper}` returns {returned}, {kind} that runs nothing until it is iterated"
        if isinstance(parent, nodes.Expr):
            yield rule.finding(call.module, node, f"the result of `{shown}(...)` is discarded: {what}, so no item "
                                                  f"ever runs. {advice}")
            continue
        target = assigned_name(parent, node)
        if target is not None:
            loads = name_loads(target)
            if not any(_iterates(analysis, load) for load in loads):
                state = "never used" if not loads else "never iterated"
                yield rule.finding(call.module, node, f"the result of `{shown}(...)` bound to `{target.name}` is "
                                                      f"{state}: {what}, so no item ever runs. {advice}")
            continue
        if not _iterates(analysis, node):
            yield rule.finding(call.module, node, f"`{shown}(...)` is never iterated here: {what}, so no item ever "
                                                  f"runs. {advice}")
