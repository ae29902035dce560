"""FLY201–FLY203: `flyte.map` generators that never run, or that are handed the wrong thing."""

from __future__ import annotations

from typing import Iterable

from astroid import nodes

from flyte_lint.model.analysis import SHELL_CREATE, Analysis, ResolvedCall
from flyte_lint.model.values import ClassRef, External, FunctionRef, LambdaRef, Method, PartialRef, TaskRef
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Suggestion, register, source_of
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
    fix = ("Iterate the result: in sync code `list(flyte.map(...))` or `for r in flyte.map(...)`; in async code "
           "`[r async for r in flyte.map.aio(...)]` or `async for r in flyte.map.aio(...)` (a sync map there blocks "
           "the event loop).")
    fix_safety = ("Unsafe: iterating the map (`list(flyte.map(...))` in sync code, `[r async for r in "
                  "flyte.map.aio(...)]` in async code) runs every item where nothing ran before.")
    runtime_effect = "nothing runs"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in map_calls(analysis):
            node = call.node
            parent = node.parent
            shown = source_of(call.module, node.func)
            rewrite = iterated_map(analysis, call)
            advice = f"Iterate it, e.g. `{rewrite.shown}`" if rewrite else _no_local_rewrite(call)
            fix = Fix(rewrite.edits, safe=False, title=f"Iterate the map: `{rewrite.shown}`") if rewrite else None
            if isinstance(parent, nodes.Expr):
                yield self.finding(call.module, node, f"the result of `{shown}(...)` is discarded, so no item ever runs. {advice}",
                                   fix, suggestions=[rewrite])
                continue
            target = assigned_name(parent, node)
            if target is not None:
                loads = name_loads(target)
                if not any(_iterates(analysis, load) for load in loads):
                    what = "never used" if not loads else "never iterated"
                    yield self.finding(call.module, node, f"the generator from `{shown}(...)` bound to `{target.name}` is {what}, so no item ever runs. {advice}{' where it is made' if rewrite else ''}",
                                       suggestions=[rewrite])
                continue
            if not _iterates(analysis, node):
                yield self.finding(call.module, node, f"`{shown}(...)` is never iterated here, so no item ever runs. {advice}",
                                   suggestions=[rewrite])
        yield from _unconsumed_helper_maps(self, analysis)


def iterated_map(analysis: Analysis, call: ResolvedCall) -> Suggestion | None:
    """The map made by ``call``, iterated to a list in the way its code may: ``[r async for r in
    flyte.map.aio(...)]`` in an ``async def`` (a sync map there blocks the event loop: FLY105), ``list(flyte.map(...))``
    in sync code (an async generator cannot be consumed there, so `.aio` is dropped). None in a plain function
    that runs on a task's event loop (neither form is right there) and for a `.aio` the call does not spell out."""
    node, func = call.node, call.node.func
    start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
    func_end = (func.end_lineno, func.end_col_offset)
    is_aio = call.external_path == "flyte.map.aio"
    shown = source_of(call.module, func)
    if isinstance(call.function, nodes.AsyncFunctionDef):
        return async_iteration(call)
    if call.function is not None and analysis.runs_on_event_loop(call.function):
        return None
    edits = [Edit(start, start, "list(")]
    if is_aio:
        if not (isinstance(func, nodes.Attribute) and func.attrname == "aio"):
            return None
        inner = func.expr
        edits.append(Edit((inner.end_lineno, inner.end_col_offset), func_end, ""))
        shown = source_of(call.module, inner)
    edits.append(Edit(end, end, ")"))
    return Suggestion(f"list({shown}(...))", tuple(edits))


def async_iteration(call: ResolvedCall) -> Suggestion | None:
    """The map made by ``call`` in an ``async def``, iterated as async code must: a plain ``for`` over it becomes
    ``async for``, ``list(...)`` of it an async comprehension, anything else reads ``[r async for r in
    flyte.map.aio(...)]``; a sync map gets ``.aio``. None inside a generator expression or lambda, where an async
    comprehension would not compile or would make an async generator."""
    node, func = call.node, call.node.func
    parent = node.parent
    walker = parent
    while walker is not None and not isinstance(walker, (nodes.FunctionDef, nodes.Module)):
        if isinstance(walker, (nodes.GeneratorExp, nodes.Lambda)):
            return None
        walker = walker.parent
    if not isinstance(walker, nodes.AsyncFunctionDef):
        return None
    spelled = source_of(call.module, func)
    aio = []
    if call.external_path != "flyte.map.aio":
        aio, spelled = [Edit(_end(func), _end(func), ".aio")], spelled + ".aio"
    if isinstance(parent, nodes.For) and not isinstance(parent, nodes.AsyncFor) and node is parent.iter:
        shown = f"async for {source_of(call.module, parent.target)} in {spelled}(...)"
        return Suggestion(shown, (Edit(_start(parent), _start(parent), "async "), *aio))
    if isinstance(parent, nodes.Comprehension) and node is parent.iter:
        if parent.is_async:
            return Suggestion(f"{spelled}(...)", tuple(aio)) if aio else None
        where = _comprehension_for(call.module, parent)
        shown = f"async for {source_of(call.module, parent.target)} in {spelled}(...)"
        return Suggestion(shown, (Edit(where, where, "async "), *aio)) if where else None
    shown = f"[r async for r in {spelled}(...)]"
    if isinstance(parent, nodes.Await):
        return Suggestion(shown, (Edit(_start(parent), _start(node), "[r async for r in "), *aio, Edit(_end(node), _end(node), "]")))
    if (isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Name) and parent.func.name == "list"
            and parent.args == [node] and not parent.keywords):
        return Suggestion(shown, (Edit(_start(parent), _start(node), "[r async for r in "), *aio,
                                  Edit(_end(node), _end(parent), "]")))
    return Suggestion(shown, (Edit(_start(node), _start(node), "[r async for r in "), *aio, Edit(_end(node), _end(node), "]")))


def _no_local_rewrite(call: ResolvedCall) -> str:
    if call.function is not None and not isinstance(call.function, nodes.AsyncFunctionDef) and call.external_path == "flyte.map":
        return (f"Iterate it from async code with `flyte.map.aio`: `{call.function.name}` runs on a task's event loop, "
                "where a sync map blocks it")
    return "Iterate it with `async for` in async code, or a sync `flyte.map` in sync code"


def _iterated_in_place(map_call: nodes.Call) -> bool:
    """The map is iterated where it is made: ``list(flyte.map(...))``, ``for x in flyte.map(...)``."""
    parent = map_call.parent
    if isinstance(parent, nodes.Call):
        return map_call in parent.args
    return isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.iter is map_call


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
                # (a partial's TypeError is raised where the map is iterated: guarded there, it is the author's probe)
                typed = "fails with TypeError when iterated" in problem and _iterated_in_place(call.node)
                yield self.finding(call.module, first, problem, raises="builtins.TypeError" if typed else None,
                                   raised_at=call.node if typed else None)
        for used in analysis.task_object_calls:
            if used.maker == SHELL_CREATE and used.form in ("map", "map_aio") and used.call.node.args:
                mapped = used.call.node.args[0]
                shown = f"{source_of(used.call.module, mapped)}.as_task()"
                yield self.finding(
                    used.call.module, mapped,
                    f"`flyte.map` is given the shell task '{used.name}', which is not a task template and has no "
                    "`.aio`: every item fails with AttributeError (\"'_Shell' object has no attribute 'aio'\"), which "
                    f"the map returns as that item's result unless told otherwise. Map `{shown}`, or "
                    "await a call of it for each item in async code",
                    suggestions=[Suggestion(shown, (Edit(_end(mapped), _end(mapped), ".as_task()"),))],
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
    raises = "builtins.TypeError"  # (where the generator is misused: a deliberate `except TypeError:` there is quiet)

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
                misuse = _misuse(analysis, call, use, is_aio)
                if misuse:
                    message, rewrite = misuse
                    if use is not node:
                        message += f" (`{target.name}` holds `{call.external_path}(...)` from line {node.lineno})"
                    yield self.finding(call.module, use, message, suggestions=[rewrite])


def _start(node: nodes.NodeNG) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _end(node: nodes.NodeNG) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


def _in_async_def(node: nodes.NodeNG) -> bool:
    return isinstance(node.frame(), nodes.AsyncFunctionDef)


def _aio_inserted(call: ResolvedCall) -> tuple[str, Edit]:
    """``flyte.map`` spelled as the call spells it, with ``.aio`` added, and the edit that adds it."""
    return source_of(call.module, call.node.func) + ".aio", Edit(_end(call.node.func), _end(call.node.func), ".aio")


def _comprehension_for(module, comp: nodes.Comprehension) -> tuple[int, int] | None:
    """Where the ``for`` of ``comp`` starts, when it is on the line of its target: astroid gives a comprehension
    no position of its own."""
    line, col = comp.target.lineno, comp.target.col_offset
    if not module.lines or not 0 < line <= len(module.lines):
        return None
    before = module.lines[line - 1].encode("utf-8")[:col].rstrip()
    if not before.endswith(b"for"):
        return None
    return line, len(before) - 3


def _misuse(analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG, is_aio: bool) -> tuple[str, Suggestion | None] | None:
    """What is wrong with the use ``node`` of the map made by ``call``, and the rewrite the message shows."""
    parent = node.parent
    in_async = _in_async_def(node)
    spelled = source_of(call.module, call.node.func)
    if is_aio:
        if isinstance(parent, nodes.For) and not isinstance(parent, nodes.AsyncFor) and node is parent.iter:
            if not in_async:
                return "`flyte.map.aio(...)` is an async generator: a plain `for` fails with TypeError. Use a sync `flyte.map(...)` in sync code", None
            rewrite = Suggestion("async for", (Edit(_start(parent), _start(parent), "async "),))
            return "`flyte.map.aio(...)` is an async generator: a plain `for` fails with TypeError. Write `async for`", rewrite
        if isinstance(parent, nodes.Comprehension) and node is parent.iter and not parent.is_async:
            where = _comprehension_for(call.module, parent) if in_async else None
            rewrite = Suggestion("async for", (Edit(where, where, "async "),)) if where else None
            return "`flyte.map.aio(...)` is an async generator: a plain comprehension fails with TypeError. Write `async for`", rewrite
        if isinstance(parent, nodes.Await):
            shown = f"[r async for r in {source_of(call.module, node) if node is not call.node else spelled + '(...)'}]"
            rewrite = Suggestion(shown, (Edit(_start(parent), _start(node), "[r async for r in "), Edit(_end(node), _end(node), "]")))
            return f"`flyte.map.aio(...)` is an async generator, not awaitable: `await` fails with TypeError. Write `{shown}`", rewrite
        comprehension = _async_list(call, node) if in_async else None
        if isinstance(parent, nodes.Call) and node in parent.args:
            callee = analysis.resolver.value_of(parent.func)
            if isinstance(callee, External) and callee.path in MATERIALIZERS:
                rewrite = None
                if comprehension and callee.path == "builtins.list" and len(parent.args) == 1 and not parent.keywords:
                    rewrite = Suggestion(comprehension, (Edit(_start(parent), _start(node), "[r async for r in "),
                                                         Edit(_end(node), _end(parent), "]")))
                elif comprehension:
                    rewrite = Suggestion(comprehension, (Edit(_start(node), _start(node), "[r async for r in "),
                                                         Edit(_end(node), _end(node), "]")))
                return (f"`{callee.path[9:]}()` cannot consume the async generator from `flyte.map.aio(...)`: it fails with TypeError. "
                        f"Use `{comprehension or '[r async for r in flyte.map.aio(...)]'}`"), rewrite
        if isinstance(parent, nodes.Starred):
            rewrite = Suggestion(comprehension, (Edit(_start(node), _start(node), "[r async for r in "),
                                                 Edit(_end(node), _end(node), "]"))) if comprehension else None
            return (f"`*` cannot unpack the async generator from `flyte.map.aio(...)`: it fails with TypeError. "
                    f"Use `{comprehension or '[r async for r in flyte.map.aio(...)]'}`"), rewrite
        return None
    aio, add_aio = _aio_inserted(call)
    if isinstance(parent, nodes.Await):
        shown = f"[r async for r in {aio}(...)]"
        edits = (Edit(_start(parent), _start(node), "[r async for r in "), add_aio, Edit(_end(node), _end(node), "]"))
        rewrite = Suggestion(shown, edits) if node is call.node else None
        return f"sync `flyte.map(...)` is a generator, not awaitable: `await` fails with TypeError. Use `{shown}`", rewrite
    if isinstance(parent, nodes.AsyncFor) and node is parent.iter:
        shown = f"async for r in {aio}(...)"
        return (f"sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Write `{shown}`",
                Suggestion(shown, (add_aio,)))
    if isinstance(parent, nodes.Comprehension) and node is parent.iter and parent.is_async:
        shown = f"{aio}(...)"
        return (f"sync `flyte.map(...)` is not an async iterable: `async for` fails with TypeError. Use `{shown}`",
                Suggestion(shown, (add_aio,)))
    return None


def _async_list(call: ResolvedCall, node: nodes.NodeNG) -> str:
    """The async comprehension that collects the map ``node`` reads, as a message shows it."""
    inner = source_of(call.module, node) if node is not call.node else source_of(call.module, call.node.func) + "(...)"
    return f"[r async for r in {inner}]"


def _unconsumed_helper_maps(rule: Rule, analysis: Analysis) -> Iterable[Finding]:
    """FLY201 on the calls of a helper that returns a map it makes (Analysis.map_helper_calls): the caller
    drops the generator, or binds it and never iterates it, so no item runs."""
    for call, paths in analysis.watch(analysis.map_helper_calls):
        node, parent = call.node, call.node.parent
        shown = source_of(call.module, node.func)
        helper = call.callee.func.name
        returned = " or ".join(f"`{p}(...)`" for p in sorted(paths))
        caller = call.function
        rewrite = None
        if paths == {"flyte.map"} and not isinstance(caller, nodes.AsyncFunctionDef) and not (
                caller is not None and analysis.runs_on_event_loop(caller)):
            advice = f"Iterate it, e.g. `list({shown}(...))`"
            rewrite = Suggestion(f"list({shown}(...))", (Edit(_start(node), _start(node), "list("), Edit(_end(node), _end(node), ")")))
        elif paths == {"flyte.map.aio"} and isinstance(caller, nodes.AsyncFunctionDef):
            advice = f"Iterate it, e.g. `[r async for r in {shown}(...)]`"
            rewrite = Suggestion(f"[r async for r in {shown}(...)]", (Edit(_start(node), _start(node), "[r async for r in "),
                                                                       Edit(_end(node), _end(node), "]")))
        else:
            advice = ("Iterate it: `async for` over a `flyte.map.aio(...)` in async code, a sync `flyte.map(...)` "
                      "in sync code")
        kind = "an async generator" if paths == {"flyte.map.aio"} else "a generator"
        what = f"`{helper}` returns {returned}, {kind} that runs nothing until it is iterated"
        if isinstance(parent, nodes.Expr):
            yield rule.finding(call.module, node, f"the result of `{shown}(...)` is discarded: {what}, so no item "
                                                  f"ever runs. {advice}", suggestions=[rewrite])
            continue
        target = assigned_name(parent, node)
        if target is not None:
            loads = name_loads(target)
            if not any(_iterates(analysis, load) for load in loads):
                state = "never used" if not loads else "never iterated"
                yield rule.finding(call.module, node, f"the result of `{shown}(...)` bound to `{target.name}` is "
                                                      f"{state}: {what}, so no item ever runs. {advice}",
                                   suggestions=[rewrite])
            continue
        if not _iterates(analysis, node):
            yield rule.finding(call.module, node, f"`{shown}(...)` is never iterated here: {what}, so no item ever "
                                                  f"runs. {advice}", suggestions=[rewrite])
