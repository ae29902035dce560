"""FLY106 task-call-arguments: a task called with arguments its interface does not bind."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import CONTAINER_TASK, SHELL_CREATE, Analysis, ResolvedCall, TaskObjectCall
from flyte_lint.model.arguments import argument, is_static
from flyte_lint.model.entities import Param, Signature
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.suggest import did_you_mean
from flyte_lint.model.values import External, PartialRef, TaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.calls._binding import binding_problems, partial_problems
from flyte_lint.rules.calls._common import keyword_renamed
from flyte_lint.rules.calls._task_call_arguments_cases import MORE_INVALID, MORE_VALID


def _literal_keys(node: nodes.NodeNG | None, allow_empty: bool = False) -> bool:
    """``node`` is a dict display whose keys are all strings (None, no dict at all, when ``allow_empty``)."""
    if node is None:
        return allow_empty
    return (
        isinstance(node, nodes.Dict)
        and (bool(node.items) or allow_empty)
        and all(isinstance(k, nodes.Const) and isinstance(k.value, str) for k, _ in node.items)
    )


# Input types that never admit None: a shell task's input of one of these is required unless defaulted.
REQUIRED_TYPES = frozenset(
    {"builtins.str", "builtins.int", "builtins.float", "builtins.bool", "flyte.io.File", "flyte.io.Dir"}
)


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


@register
class TaskCallArguments(Rule):
    code = "FLY106"
    symbol = "task-call-arguments"
    pylint_number = 7
    advice_elsewhere = (
        (
            r"takes its inputs by keyword only: .*Pass `",
            "lists the shell task's input names: which positional value is meant for which input is the author's call",
        ),
    )
    scope = Scope.IMPORTERS
    summary = (
        "Reports a task called with an unknown keyword, too many positional arguments, a missing required input or "
        "a value passed twice; a `ContainerTask` or a shell task (`flyte.extras.shell.create`) too, against its "
        "literal `inputs`."
    )
    rationale = (
        "Inside a run, the SDK binds a task call to the task's interface: an unknown keyword is silently "
        "dropped (the value you meant to pass never arrives), a value passed both by position and by keyword "
        'silently keeps the positional one, a missing input fails with "Missing required inputs", and extra '
        "positional arguments fail. Outside a run each of these is Python's TypeError: a direct call of the task "
        "re-raises it as flyte's RuntimeUserError, while `.aio(...)` and `.forward(...)` raise the TypeError itself."
        " Severity: error: every task call is bound to the task's interface the same way, in local runs and in "
        "a cluster alike, so the value is lost or the call fails in both."
    )
    fix = "Pass exactly the task's parameters, by their names."
    # The unknown keyword is dropped silently: train runs with the default lr, not the one passed.
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=True, output=0.3, approx=True),
        good=Outcome(ok=True, output=0.03, approx=True),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def train(epochs: int, lr: float = 0.1) -> float:
                return lr * epochs

            @env.task
            def main() -> float:
                return train(epochs=3, learning_rate=0.01)  # expect: FLY106
            """,
            message="task 'demo.train' has no parameter `learning_rate`: inside a run the SDK silently drops the "
            "value. Pass only the task's parameters",
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def train(epochs: int, lr: float = 0.1) -> float:
                return lr * epochs

            @env.task
            def main() -> float:
                return train(epochs=3, lr=0.01)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.task is None or site.form in (CallForm.MAP, CallForm.MAP_AIO, CallForm.REMOTE):
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
            in_run = site.form != CallForm.FORWARD and analysis.in_task_context(enclosing_function(site.node))
            keywords = [k.arg for k in call.keywords or []]
            raises, raised_at, plain = _outside_run_failure(site.form, call) if not in_run else (None, None, "")
            for problem in binding_problems(
                site.task.signature, len(call.args), keywords, bound_pos, bound_kw, in_run, plain_error=plain
            ):
                yield self.finding(
                    site.module,
                    call,
                    f"task '{site.task.name}' {problem}",
                    raises=raises,
                    suggestions=[keyword_renamed(call, problem)],
                    raised_at=raised_at,
                )
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
        for site in analysis.choice_sites:
            call = site.node
            if (
                site.form == CallForm.PARTIAL
                or not is_static(call)
                or not analysis.in_task_context(enclosing_function(call))
            ):
                continue
            keywords = [k.arg for k in call.keywords or []]
            common: list[str] | None = None
            for task in site.candidates:
                problems = binding_problems(task.signature, len(call.args), keywords)
                common = problems if common is None else [p for p in common if p in problems]
            label = " or ".join(f"'{task.name}'" for task in site.candidates)
            for problem in common or []:
                yield self.finding(
                    site.module, call, f"task {label} {problem}", suggestions=[keyword_renamed(call, problem)]
                )

    def _check_container_task(self, analysis: Analysis, used: TaskObjectCall) -> Iterable[Finding]:
        """A ``ContainerTask(..., inputs={"x": int, ...})`` called inside a run binds its arguments to those
        inputs as a task's (flyte 2.12.1: the same "Too many keyword arguments provided", "Missing required
        inputs", silently dropped keywords). Not through ``.override(...)``, which fails on its own (a
        ContainerTask's override re-creates it without its command)."""
        call, made = used.call.node, used.made
        if used.maker != CONTAINER_TASK or used.form not in (CallForm.CALL, CallForm.AIO) or not is_static(call):
            return
        inputs = argument(made, 3, "inputs")
        if not _literal_keys(inputs) or any(isinstance(v, nodes.Tuple) for _, v in inputs.items):
            return  # (inputs unknown, or given defaults)
        if not analysis.in_task_context(used.call.function):
            return  # (outside a run: not the SDK's binding)
        signature = Signature([Param(k.value, ParamKind.POSITIONAL_OR_KEYWORD, required=True) for k, _ in inputs.items])
        label = _name_of(made, used.name)
        keywords = [k.arg for k in call.keywords or []]
        for problem in binding_problems(signature, len(call.args), keywords, noun="input"):
            yield self.finding(
                used.call.module,
                call,
                f"ContainerTask '{label}' {problem}",
                suggestions=[keyword_renamed(call, problem)],
            )

    def _check_shell_task(self, analysis: Analysis, used: TaskObjectCall) -> Iterable[Finding]:
        """A shell task (``flyte.extras.shell.create``) takes its inputs by keyword only and passes on only the
        inputs it declares (flyte 2.12.1, ``_Shell._prepare_kwargs``): another keyword is dropped without a word,
        and a declared input that is neither given, optional nor in ``defaults=`` fails with TypeError."""
        call, made = used.call.node, used.made
        if used.maker != SHELL_CREATE or used.form != CallForm.CALL:
            return  # (it has no .aio nor .override: FLY108)
        inputs = argument(made, None, "inputs")
        defaults = argument(made, None, "defaults")
        if not _literal_keys(inputs, allow_empty=True) or (defaults is not None and not _literal_keys(defaults)):
            return
        label = _name_of(made, used.name)
        names = [k.value for k, _ in inputs.items] if inputs is not None else []
        if call.args:  # (the call fails before anything else is looked at)
            yield self.finding(
                used.call.module,
                call,
                f"shell task '{label}' takes its inputs by keyword only: the "
                f"call fails with TypeError. Pass {', '.join(f'`{n}=`' for n in names) or 'none'}",
                raises=TYPE_ERROR,
            )  # (``async def __call__(self, **kwargs)``: raised by the call itself)
            return
        if not is_static(call):
            return
        given = {k.arg for k in call.keywords or []}
        for kw in [k.arg for k in call.keywords or []]:
            if kw not in names:
                advice = did_you_mean(kw, names, given) or ". Pass only the task's inputs"
                yield self.finding(
                    used.call.module,
                    call,
                    f"shell task '{label}' has no input `{kw}`: the SDK silently drops the value{advice}",
                    suggestions=[keyword_renamed(call, f"`{kw}`{advice}")],
                )
        defaulted = {k.value for k, _ in defaults.items} if defaults is not None else set()
        missing = [
            k.value
            for k, v in (inputs.items if inputs is not None else [])
            if k.value not in given and k.value not in defaulted and _surely_required(analysis, v)
        ]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            yield self.finding(
                used.call.module,
                call,
                f"shell task '{label}' is missing required input{'s' if len(missing) > 1 else ''} {listed}: "
                f"the call fails with TypeError (\"Missing required input: '{missing[0]}'\"). Pass "
                f"{'them' if len(missing) > 1 else 'it'}",
                # (raised in the coroutine's body: where it is awaited, when that is right here)
                raises=TYPE_ERROR if isinstance(call.parent, nodes.Await) else None,
                raised_at=call.parent if isinstance(call.parent, nodes.Await) else None,
            )

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
            yield self.finding(
                call.module,
                call.node,
                f"task '{target.task.name}' run by `flyte.run` {problem}",
                suggestions=[keyword_renamed(call.node, problem)],
            )


TYPE_ERROR = "builtins.TypeError"
RUNTIME_USER_ERROR = "flyte.errors.RuntimeUserError"


def _outside_run_failure(form: CallForm, call: nodes.Call) -> tuple[str | None, nodes.NodeNG | None, str]:
    """What a task call of this form raises outside a run when Python cannot bind its arguments (flyte 2.12.1):
    (the exception, the node it is raised at, its name for a message). ``.forward`` is the plain function: a
    TypeError. ``.aio`` runs ``forward`` in its coroutine: a TypeError where it is awaited. The task's own call
    (also through ``.override(...)`` or a partial) re-raises the TypeError as RuntimeUserError."""
    if form == CallForm.FORWARD:
        return TYPE_ERROR, call, "TypeError"
    if form == CallForm.AIO:
        awaited = call.parent if isinstance(call.parent, nodes.Await) else None
        return (TYPE_ERROR if awaited is not None else None), awaited, "TypeError when it is awaited"
    return RUNTIME_USER_ERROR, call, "RuntimeUserError (the SDK re-raises the TypeError)"


# ``flyte.run(task, ...)`` and ``flyte.with_runcontext(...).run(task, ...)``, sync and async.
RUN_PATHS = {"flyte.run", "flyte.run.aio", "flyte._run._Runner.run", "flyte._run._Runner.run.aio"}
