"""FLY106, FLY107, FLY301, FLY302: arguments that the task or the flyte API does not accept."""

from __future__ import annotations

import re
from typing import Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.arguments import is_static
from flyte_lint.model.analysis import CONTAINER_TASK, SHELL_CREATE, Analysis, ResolvedCall, TaskObjectCall
from flyte_lint.model.entities import Param, Signature
from flyte_lint.model.resolver import argument, enclosing_function
from flyte_lint.model.suggest import did_you_mean
from flyte_lint.model.values import EnvRef, External, Method, PartialRef, RemoteTaskRef, TaskRef, Value
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Suggestion, register, short, source_of


def _literal_keys(node: nodes.NodeNG | None, allow_empty: bool = False) -> bool:
    """``node`` is a dict display whose keys are all strings (None, no dict at all, when ``allow_empty``)."""
    if node is None:
        return allow_empty
    return isinstance(node, nodes.Dict) and (bool(node.items) or allow_empty) and all(
        isinstance(k, nodes.Const) and isinstance(k.value, str) for k, _ in node.items)


# Input types that never admit None: a shell task's input of one of these is required unless defaulted.
REQUIRED_TYPES = frozenset({"builtins.str", "builtins.int", "builtins.float", "builtins.bool", "flyte.io.File", "flyte.io.Dir"})


def _surely_required(analysis: Analysis, annotation: nodes.NodeNG) -> bool:
    """An input type that surely admits no None (``str``, ``File``, ``list[File]``): anything that might
    (``X | None``, ``Optional[X]``, a Union, an alias the model does not resolve) is not."""
    if isinstance(annotation, nodes.Subscript):
        base = analysis.resolver.value_of(annotation.value)
        return isinstance(base, External) and base.path in ("builtins.list", "builtins.dict")
    value = analysis.resolver.value_of(annotation)
    return isinstance(value, External) and value.path in REQUIRED_TYPES


def _name_of(made: nodes.Call, fallback: str) -> str:
    """The ``name`` a task object was made with, else what the caller calls it."""
    name = argument(made, 0, "name")
    return name.value if isinstance(name, nodes.Const) and isinstance(name.value, str) else fallback


suggest = did_you_mean  # (an alias of the model's: model/suggest.py)


_DID_YOU_MEAN = re.compile(r"`(?P<old>\w+)`.*; did you mean `(?P<new>\w+)`\?")


def keyword_renamed(call: nodes.Call, problem: str) -> Suggestion | None:
    """The rename a problem's "`old` ...; did you mean `new`?" proposes, made on the keyword ``old=`` of ``call``."""
    match = _DID_YOU_MEAN.search(problem)
    if match is None:
        return None
    for kw in call.keywords or []:
        if kw.arg == match.group("old"):
            return Suggestion(match.group("new"), (rename_keyword(kw, match.group("new")),))
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def binding_problems(
    sig: Signature,
    positional: int,
    keywords: list[str],
    bound_positional: int = 0,
    bound_keywords: set[str] = frozenset(),
    in_run: bool = True,
    noun: str = "parameter",
    plain_error: str = "TypeError",
) -> list[str]:
    """What goes wrong when binding these arguments to ``sig``, and what happens at runtime.

    ``in_run``: the call goes through the SDK's input binding (a task called inside a run, or
    ``flyte.run``), which maps positional values onto the inputs in order and then checks the keyword
    count (flyte/models.py ``NativeInterface.convert_to_kwargs``). Otherwise it is a plain Python call
    (a task called outside a run, or ``.forward``), where every problem is a TypeError, which a task's own call
    re-raises as RuntimeUserError (``plain_error`` names what the call raises). ``noun``: what the
    messages call the task's parameters (a ContainerTask has inputs).
    """
    problems: list[str] = []
    slots = sig.positional
    names = [p.name for p in sig.params if p.kind != "positional_only"]
    total = bound_positional + positional
    if total > len(slots) and not sig.var_positional and bound_positional <= len(slots):
        problem = f"takes {_plural(len(slots), 'positional argument')} but {total} were given: "
        keyword_only = [p.name for p in sig.params if p.kind == "keyword_only"]
        if not in_run:
            problem += f"the call fails with {plain_error}"
        elif total <= len(sig.params):
            extra = ", ".join(f"`{n}`" for n in keyword_only[: total - len(slots)])
            problem += f"the SDK binds the extra value to keyword-only {extra} (a plain Python call raises TypeError)"
        else:
            problem += "the call fails (\"Too many positional arguments provided\")"
        problems.append(problem + ". Remove the extra arguments or pass them by keyword")
    filled = {p.name for p in sig.params[:total]} if in_run else {p.name for p in slots[:total]}
    given = set(filled)
    for kw in list(keywords) + sorted(set(bound_keywords) - set(keywords)):
        if kw in filled:
            effect = (
                f"inside a run the SDK silently keeps the positional value and drops `{kw}=`"
                if in_run else f"the call fails with {plain_error}"
            )
            problems.append(f"gets `{kw}` both by position and by keyword: {effect}. Pass it once")
        given.add(kw)
    unknown = [kw for kw in keywords if sig.get(kw) is None and kw not in bound_keywords and not sig.var_keyword]
    too_many = len(given) > len(sig.params)
    for kw in unknown:
        if not in_run:
            effect = f"the call fails with {plain_error}"
        elif too_many:
            effect = "the call fails (\"Too many keyword arguments provided\")"
        else:
            effect = "inside a run the SDK silently drops the value"
        advice = suggest(kw, names, given) or f". Pass only the task's {noun}s"
        problems.append(f"has no {noun} `{kw}`: {effect}{advice}")
    missing = [p.name for p in sig.params if p.required and p.name not in given]
    if missing:
        listed = ", ".join(f"`{m}`" for m in missing)
        effect = f"the call fails with \"Missing required inputs: {', '.join(missing)}\"" if in_run else f"the call fails with {plain_error}"
        problems.append(f"is missing required input{'s' if len(missing) > 1 else ''} {listed}: {effect}. Pass {'them' if len(missing) > 1 else 'it'}")
    return problems


def partial_problems(sig: Signature, partial: PartialRef) -> list[str]:
    """What ``functools.partial(task, ...)`` itself binds wrongly: values that can never reach the task."""
    problems: list[str] = []
    slots = sig.positional
    if partial.bound_positional > len(slots) and not sig.var_positional:
        problems.append(
            f"binds {partial.bound_positional} positional values but the task takes {len(slots)}: every call "
            "of the partial fails. Remove the extra values"
        )
    if not sig.var_keyword:
        names = [p.name for p in sig.params if p.kind != "positional_only"]
        for kw in sorted(partial.bound_keywords):
            if sig.get(kw) is None:
                problems.append(
                    f"binds `{kw}=`, which is not a parameter of the task: the value never arrives (inside a run "
                    f"the SDK drops it or rejects the call){suggest(kw, names, partial.bound_keywords) or '. Remove it'}"
                )
    return problems


@register
class TaskCallArguments(Rule):
    code = "FLY106"
    symbol = "task-call-arguments"
    summary = ("Reports a task called with an unknown keyword, too many positional arguments, a missing required input or "
               "a value passed twice; a `ContainerTask` or a shell task (`flyte.extras.shell.create`) too, against its "
               "literal `inputs`.")
    rationale = (
        "Inside a run, the SDK binds a task call to the task's interface: an unknown keyword is silently "
        "dropped (the value you meant to pass never arrives), a value passed both by position and by keyword "
        "silently keeps the positional one, a missing input fails with \"Missing required inputs\", and extra "
        "positional arguments fail. Outside a run each of these is Python's TypeError: a direct call of the task "
        "re-raises it as flyte's RuntimeUserError, while `.aio(...)` and `.forward(...)` raise the TypeError itself."
        " Severity: error: every task call is bound to the task's interface the same way, in local runs and in "
        "a cluster alike, so the value is lost or the call fails in both."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def train(epochs: int, lr: float = 0.1) -> float:
            return lr * epochs

        @env.task
        def main() -> float:
            return train(epochs=3, learning_rate=0.01)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def train(epochs: int, lr: float = 0.1) -> float:
            return lr * epochs

        @env.task
        def main() -> float:
            return train(epochs=3, lr=0.01)
    """
    fix = "Pass exactly the task's parameters, by their names."
    runtime_effect = "unknown keyword silently dropped"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.task is None or site.form in ("map", "map_aio", "remote"):
                continue
            call = site.node
            if not is_static(call):
                continue
            bound_pos, bound_kw = 0, set()
            if isinstance(site.callee, PartialRef):
                if not site.callee.static:
                    continue
                bound_pos, bound_kw = site.callee.bound_positional, site.callee.bound_keywords
            # ``.forward`` calls the raw function; a task called outside a run is a plain call too.
            # A call in a lambda runs wherever the lambda does: look through lambdas, not only defs.
            in_run = site.form != "forward" and analysis.in_task_context(enclosing_function(site.node))
            keywords = [k.arg for k in call.keywords or []]
            raises, raised_at, plain = _outside_run_failure(site.form, call) if not in_run else (None, None, "")
            for problem in binding_problems(site.task.signature, len(call.args), keywords, bound_pos, bound_kw, in_run,
                                            plain_error=plain):
                yield self.finding(site.module, call, f"task '{site.task.name}' {problem}", raises=raises,
                                   suggestions=[keyword_renamed(call, problem)],
                                   raised_at=raised_at)
        yield from self._check_choices(analysis)
        for used in analysis.task_object_calls:
            yield from self._check_container_task(analysis, used)
            yield from self._check_shell_task(analysis, used)
        for call in analysis.calls_to("functools.partial"):
            yield from self._check_partial(analysis, call)
        for call in analysis.calls_to(*sorted(RUN_PATHS)):
            yield from self._check_run(analysis, call)

    def _check_choices(self, analysis: Analysis) -> Iterable[Finding]:
        """A call inside a run of one of several tasks (Analysis.choice_sites: ``TOOLS[k](q=...)``): a problem is
        reported only when binding the arguments goes wrong in the same way for every task the call may run."""
        for site in analysis.watch(analysis.choice_sites):
            call = site.node
            if site.form == "partial" or not is_static(call) or not analysis.in_task_context(enclosing_function(call)):
                continue
            keywords = [k.arg for k in call.keywords or []]
            common: list[str] | None = None
            for task in site.candidates:
                problems = binding_problems(task.signature, len(call.args), keywords)
                common = problems if common is None else [p for p in common if p in problems]
            label = " or ".join(f"'{task.name}'" for task in site.candidates)
            for problem in common or []:
                yield self.finding(site.module, call, f"task {label} {problem}", suggestions=[keyword_renamed(call, problem)])

    def _check_container_task(self, analysis: Analysis, used: TaskObjectCall) -> Iterable[Finding]:
        """A ``ContainerTask(..., inputs={"x": int, ...})`` called inside a run binds its arguments to those
        inputs as a task's (flyte 2.12.1: the same "Too many keyword arguments provided", "Missing required
        inputs", silently dropped keywords). Not through ``.override(...)``, which fails on its own (a
        ContainerTask's override re-creates it without its command)."""
        call, made = used.call.node, used.made
        if used.maker != CONTAINER_TASK or used.form not in ("call", "aio") or not is_static(call):
            return
        inputs = argument(made, 3, "inputs")
        if not _literal_keys(inputs) or any(isinstance(v, nodes.Tuple) for _, v in inputs.items):
            return  # (inputs unknown, or given defaults)
        if not analysis.in_task_context(used.call.function):
            return  # (outside a run: not the SDK's binding)
        signature = Signature([Param(k.value, "positional_or_keyword", required=True) for k, _ in inputs.items])
        label = _name_of(made, used.name)
        keywords = [k.arg for k in call.keywords or []]
        for problem in binding_problems(signature, len(call.args), keywords, noun="input"):
            yield self.finding(used.call.module, call, f"ContainerTask '{label}' {problem}",
                               suggestions=[keyword_renamed(call, problem)])

    def _check_shell_task(self, analysis: Analysis, used: TaskObjectCall) -> Iterable[Finding]:
        """A shell task (``flyte.extras.shell.create``) takes its inputs by keyword only and passes on only the
        inputs it declares (flyte 2.12.1, ``_Shell._prepare_kwargs``): another keyword is dropped without a word,
        and a declared input that is neither given, optional nor in ``defaults=`` fails with TypeError."""
        call, made = used.call.node, used.made
        if used.maker != SHELL_CREATE or used.form != "call":
            return  # (it has no .aio nor .override: FLY108)
        inputs = argument(made, None, "inputs")
        defaults = argument(made, None, "defaults")
        if not _literal_keys(inputs, allow_empty=True) or (defaults is not None and not _literal_keys(defaults)):
            return
        label = _name_of(made, used.name)
        names = [k.value for k, _ in inputs.items] if inputs is not None else []
        if call.args:  # (the call fails before anything else is looked at)
            yield self.finding(used.call.module, call, f"shell task '{label}' takes its inputs by keyword only: the "
                                                       f"call fails with TypeError. Pass {', '.join(f'`{n}=`' for n in names) or 'none'}",
                               raises=TYPE_ERROR)  # (``async def __call__(self, **kwargs)``: raised by the call itself)
            return
        if not is_static(call):
            return
        given = {k.arg for k in call.keywords or []}
        for kw in [k.arg for k in call.keywords or []]:
            if kw not in names:
                advice = suggest(kw, names, given) or ". Pass only the task's inputs"
                yield self.finding(used.call.module, call, f"shell task '{label}' has no input `{kw}`: the SDK silently "
                                                           f"drops the value{advice}",
                                   suggestions=[keyword_renamed(call, f"`{kw}`{advice}")])
        defaulted = {k.value for k, _ in defaults.items} if defaults is not None else set()
        missing = [k.value for k, v in (inputs.items if inputs is not None else []) if k.value not in given
                   and k.value not in defaulted and _surely_required(analysis, v)]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            yield self.finding(used.call.module, call,
                               f"shell task '{label}' is missing required input{'s' if len(missing) > 1 else ''} {listed}: "
                               f"the call fails with TypeError (\"Missing required input: '{missing[0]}'\"). Pass "
                               f"{'them' if len(missing) > 1 else 'it'}",
                               # (raised in the coroutine's body: where it is awaited, when that is right here)
                               raises=TYPE_ERROR if isinstance(call.parent, nodes.Await) else None,
                               raised_at=call.parent if isinstance(call.parent, nodes.Await) else None)

    def _check_partial(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        """``functools.partial(task, ...)`` binding values the task has no place for."""
        if call.external_path != "functools.partial":
            return
        value = analysis.resolver.value_of(call.node)
        if not isinstance(value, PartialRef) or not isinstance(value.target, TaskRef) or not value.static:
            return
        task = value.target.task
        for problem in partial_problems(task.signature, value):
            yield self.finding(call.module, call.node, f"`functools.partial` of task '{task.name}' {problem}")

    def _check_run(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        """``flyte.run(task, ...)`` binds the remaining arguments to the task's inputs."""
        if call.external_path not in RUN_PATHS or not call.node.args:
            return
        target = analysis.resolver.value_of(call.node.args[0])
        if not isinstance(target, TaskRef) or not is_static(call.node, skip=1):
            return
        keywords = [k.arg for k in call.node.keywords or []]
        for problem in binding_problems(target.task.signature, len(call.node.args) - 1, keywords):
            yield self.finding(call.module, call.node, f"task '{target.task.name}' run by `flyte.run` {problem}",
                               suggestions=[keyword_renamed(call.node, problem)])


TYPE_ERROR = "builtins.TypeError"
RUNTIME_USER_ERROR = "flyte.errors.RuntimeUserError"


def _outside_run_failure(form: str, call: nodes.Call) -> tuple[str | None, nodes.NodeNG | None, str]:
    """What a task call of this form raises outside a run when Python cannot bind its arguments (flyte 2.12.1):
    (the exception, the node it is raised at, its name for a message). ``.forward`` is the plain function: a
    TypeError. ``.aio`` runs ``forward`` in its coroutine: a TypeError where it is awaited. The task's own call
    (also through ``.override(...)`` or a partial) re-raises the TypeError as RuntimeUserError."""
    if form == "forward":
        return TYPE_ERROR, call, "TypeError"
    if form == "aio":
        awaited = call.parent if isinstance(call.parent, nodes.Await) else None
        return (TYPE_ERROR if awaited is not None else None), awaited, "TypeError when it is awaited"
    return RUNTIME_USER_ERROR, call, "RuntimeUserError (the SDK re-raises the TypeError)"


# ``flyte.run(task, ...)`` and ``flyte.with_runcontext(...).run(task, ...)``, sync and async.
RUN_PATHS = {"flyte.run", "flyte.run.aio", "flyte._run._Runner.run", "flyte._run._Runner.run.aio"}


@register
class RemoteTaskPositionalArgs(Rule):
    code = "FLY107"
    symbol = "remote-task-positional-args"
    summary = "Reports positional arguments passed to a `flyte.remote.Task.get(...)` reference."
    rationale = (
        "A remote task reference only takes keyword arguments: the SDK rejects the call with \"does not support positional arguments\"."
        " Severity: error: the reference rejects the call wherever it runs, in local runs and in a cluster "
        "alike."
    )
    bad = """
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: str) -> str:
            ref = remote.Task.get("other_env.process", auto_version="latest")
            return await ref(x)
    """
    good = """
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: str) -> str:
            ref = remote.Task.get("other_env.process", auto_version="latest")
            return await ref(x=x)
    """
    fix = "Pass every input by name: `await ref(x=...)`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.form == "remote" and site.node.args:
                ref = site.callee.owner if isinstance(site.callee, Method) else site.callee
                name = ref.name if isinstance(ref, RemoteTaskRef) else None
                label = f"remote task '{name}'" if name else "a remote task reference"
                effect = "the SDK rejects them (\"does not support positional arguments\")"
                if site.via_aio:
                    # flyte.remote's LazyEntity has no ``.aio``: calling the reference is already async.
                    effect += ", and the reference has no `.aio` (AttributeError)"
                func = site.node.func
                if site.via_aio and isinstance(func, nodes.Attribute):
                    func = func.expr
                shown = short(source_of(site.module, func), 50)
                yield self.finding(
                    site.module, site.node,
                    f"{label} is called with positional arguments: {effect}. Pass every input by keyword: "
                    f"`await {shown}(name=value)`",
                )


@register
class TaskObjectMethod(Rule):
    code = "FLY108"
    symbol = "task-object-method"
    summary = ("Reports a method of a task function that a task object does not have: `.aio`, `.override` or "
               "`.forward` of a shell task, `.forward` of a ContainerTask.")
    rationale = (
        "A task made by `flyte.extras.shell.create` is no task template: it is called, and awaited, directly. "
        "It has no `.aio`, `.override` or `.forward`, so each fails with AttributeError. A ContainerTask runs an "
        "image, not Python code: its `.forward` raises NotImplementedError."
        " Severity: error: the method is missing (or raises) in local runs and in a cluster alike."
    )
    bad = """
        import flyte
        from flyte.extras import shell

        count = shell.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
        env = flyte.TaskEnvironment("demo", depends_on=[count.env])

        @env.task
        async def main(x: int) -> None:
            await count.aio(x=x)
    """
    good = """
        import flyte
        from flyte.extras import shell

        count = shell.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
        env = flyte.TaskEnvironment("demo", depends_on=[count.env])

        @env.task
        async def main(x: int) -> None:
            await count(x=x)
    """
    fix = "Await the shell task's own call: `await count(x=...)`; it takes no `.override`."
    runtime_effect = "AttributeError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        shell = sdk.returns(SHELL_CREATE)  # (the class of what it makes; the table lists the methods it has)
        lacking = [f"{shell}.{name}" for name in TASK_METHODS if shell and sdk.callable_info(f"{shell}.{name}") is None]
        for call in analysis.calls_to(*lacking):
            method, shown = call.external_path.rpartition(".")[2], _object_shown(call)
            hint = (f"await `{shown}(...)` itself" if method != "override"
                    else "it takes its resources and retries from `shell.create(...)`")
            yield self.finding(call.module, call.node.func,
                               f"shell task `{shown}` has no `.{method}`: the call fails with AttributeError "
                               f"(\"'_Shell' object has no attribute '{method}'\"). {hint[0].upper()}{hint[1:]}",
                               suggestions=[_called_itself(call, shown)] if method != "override" else (),
                               raises="builtins.AttributeError")  # (raised by the attribute, the finding's node)
        for call in analysis.calls_to(f"{CONTAINER_TASK}.forward"):
            shown = _object_shown(call)
            yield self.finding(call.module, call.node.func,
                               f"ContainerTask `{shown}` has no Python code to run: `.forward(...)` raises "
                               f"NotImplementedError. Await `{shown}(...)` to run its container",
                               suggestions=[_called_itself(call, shown)],
                               raises="builtins.NotImplementedError", raised_at=call.node)


TASK_METHODS = ("aio", "override", "forward")  # what a task function has and a task object may lack


def _called_itself(call: ResolvedCall, shown: str) -> Suggestion:
    """``obj.aio(...)`` or ``obj.forward(...)`` rewritten to ``obj(...)``: a shell task and a ContainerTask are async
    callables, so the call itself makes the coroutine the method was meant to make (awaited where it was)."""
    func = call.node.func
    drop = Edit((func.expr.end_lineno, func.expr.end_col_offset), (func.end_lineno, func.end_col_offset), "")
    return Suggestion(f"{shown}(...)", (drop,))


def _object_shown(call: ResolvedCall) -> str:
    """The object whose method ``call`` calls, as the source writes it (``count`` in ``count.aio(...)``)."""
    return short(source_of(call.module, call.node.func.expr), 50)


# Keywords from Flyte 1 or other libraries, with where they belong in Flyte 2.
KEYWORD_HINTS = {
    ("flyte.Resources", "ephemeral_storage"): "disk",
    ("flyte.TaskEnvironment.task", "resources"): "set `resources=` on the TaskEnvironment, or per call with `t.override(resources=...)`",
    ("flyte.TaskEnvironment.task", "image"): "set `image=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "secrets"): "set `secrets=` on the TaskEnvironment, or per call with `t.override(secrets=...)`",
    ("flyte.TaskEnvironment.task", "depends_on"): "set `depends_on=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "env_vars"): "set `env_vars=` on the TaskEnvironment, or per call with `t.override(env_vars=...)`",
    ("flyte.TaskEnvironment.task", "requests"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "limits"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "container_image"): "set `image=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "cache_version"): "use `cache=flyte.Cache(behavior=\"auto\", version_override=...)`",
    # flyte 2.12.1's RetryStrategy(count, backoff) takes the whole pacing as one flyte.Backoff(base, factor, cap)
    **{("flyte.RetryStrategy", name): f"give the {part} as `{part}=` of the one backoff policy: "
                                      "`backoff=flyte.Backoff(base=..., factor=..., cap=...)`"
       for part, names in (("factor", ("backoff_factor", "factor", "multiplier", "backoff_multiplier", "exponent")),
                           ("cap", ("cap", "max_backoff", "backoff_cap", "max_delay", "backoff_max", "max_interval")),
                           ("base", ("base", "delay", "backoff_base", "initial_delay", "initial_backoff", "interval")))
       for name in names},
}


# What to do instead of a keyword that ``t.override(...)`` rejects.
REJECTED_HINTS = {
    "name": "to change the friendly name shown in the UI, use `short_name=`",
    "image": "run the task from an environment with that image, e.g. one made with `env.clone_with(..., image=...)`",
}


def sdk_path(analysis: Analysis, callee: Value) -> str | None:
    """The SDK table path of what a call invokes, for the flyte callables we model."""
    if isinstance(callee, External) and callee.is_flyte:
        return callee.path
    if isinstance(callee, Method):
        if isinstance(callee.owner, EnvRef):
            return f"flyte.TaskEnvironment.{callee.name}"
        if isinstance(callee.owner, TaskRef) and callee.name == "override":
            return "flyte.TaskTemplate.override"
    return None


def accepted_keywords(info: dict) -> tuple[set[str], bool]:
    names = {p["name"] for p in info["params"] if p["kind"] != "positional_only"}
    extra = info.get("extra_keywords")
    if extra is not None:
        return names | set(extra), False
    return names, bool(info.get("var_keyword"))


@register
class ResourcesMem(Rule):
    code = "FLY301"
    symbol = "resources-mem"
    summary = "Reports `flyte.Resources(mem=...)`: Flyte 2 calls it `memory=`."
    rationale = (
        "`flyte.Resources` has no `mem` parameter (that is Flyte 1's spelling): the module fails to import with TypeError: unexpected keyword argument 'mem'."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", mem="2Gi"))
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))
    """
    fix = "Rename the keyword to `memory=`."
    fix_safety = "Safe: renames the keyword; the value is kept."
    runtime_effect = "TypeError"
    raises = "builtins.TypeError"  # (at the call: a deliberate ``except TypeError:`` probe around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.external_path != "flyte.Resources":
                continue
            given = {k.arg for k in call.node.keywords or []}
            for kw in call.node.keywords or []:
                if kw.arg == "mem":
                    fix = None if "memory" in given else Fix((rename_keyword(kw, "memory"),), True, "Rename to `memory=`")
                    yield self.finding(
                        call.module, kw,
                        "`flyte.Resources` has no `mem` parameter: it fails with TypeError. "
                        + ("Write `memory=`" if fix else "Remove it: `memory=` is given too"),
                        fix, suggestions=[Suggestion("memory=", fix.edits) if fix else None],
                    )


def rename_keyword(kw: nodes.Keyword, new: str) -> Edit:
    start = (kw.lineno, kw.col_offset)
    return Edit(start, (kw.lineno, kw.col_offset + len(kw.arg)), new)


@register
class UnknownArgument(Rule):
    code = "FLY302"
    symbol = "unknown-argument"
    summary = "Reports a keyword argument that the flyte API being called does not accept."
    rationale = (
        "flyte's constructors and decorators reject unknown keywords with TypeError when the module is "
        "imported, so `flyte run` and `flyte deploy` fail before anything starts. Common causes are Flyte 1 "
        "options such as `@env.task(resources=...)` and `Resources(ephemeral_storage=...)`."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task(retries=2, resources=flyte.Resources(cpu="2"))
        def work() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="2"))

        @env.task(retries=2)
        def work() -> int:
            return 1
    """
    fix = "Use the parameter the API has (the message names the closest one), or move the option where it belongs."
    fix_safety = "Safe for `ephemeral_storage=` → `disk=` on `flyte.Resources`; other cases have no automatic fix."
    runtime_effect = "TypeError"
    raises = "builtins.TypeError"  # (at the call; a keyword `.override` rejects raises ValueError)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            path = sdk_path(analysis, call.callee)
            info = sdk.callable_info(path) if path else None
            if info is None:
                continue
            accepted, open_ended = accepted_keywords(info)
            rejected = set(info.get("rejected_keywords", ()))
            given = {k.arg for k in call.node.keywords or []}
            for kw in call.node.keywords or []:
                name = kw.arg
                if name is None or (path == "flyte.Resources" and name == "mem"):
                    continue
                if name in rejected:
                    advice = REJECTED_HINTS.get(name, "remove it")
                    if name == "name" and "short_name" in given:
                        advice = "remove it (the call already passes `short_name=`)"
                    yield self.finding(
                        call.module, kw, f"`{_callee_text(call)}` rejects `{name}=`: it fails with ValueError ({name} cannot be overridden); {advice}",
                        raises="builtins.ValueError",
                        suggestions=[Suggestion("short_name=", (rename_keyword(kw, "short_name"),))
                                     if name == "name" and "short_name" not in given else None],
                    )
                    continue
                if name in accepted or open_ended:
                    continue
                hint = KEYWORD_HINTS.get((path, name))
                fix = None
                suggestion = None
                if hint and hint.isidentifier():
                    advice = f"; write `{hint}=`" if hint not in given else f"; remove it: `{hint}=` is given too"
                    if hint not in given:
                        fix = Fix((rename_keyword(kw, hint),), True, f"Rename to `{hint}=`")
                        suggestion = Suggestion(f"{hint}=", fix.edits)
                elif hint:
                    advice = f"; {hint}"
                else:
                    advice = suggest(name, accepted, given) or "; remove it"
                    suggestion = keyword_renamed(call.node, f"`{name}`{advice}")
                yield self.finding(
                    call.module, kw, f"`{_callee_text(call)}` has no parameter `{name}`: it fails with TypeError{advice}", fix,
                    suggestions=[suggestion],
                )


def _callee_text(call: ResolvedCall) -> str:
    """The callee as written, for a message (made only when there is a finding: as_string is not cheap)."""
    return short(source_of(call.module, call.node.func), 50)
