"""FLY109 task-not-loadable: a task a pod cannot load, because the module of its function does not bind the
function's own name to the task.

What the SDK does (flyte 2.12.1): a task's wire spec names the default resolver and the loader args
``["mod", <module of the function>, "instance", <func.__name__>]`` (flyte/_internal/resolvers/default.py,
``extract_task_module``); the pod imports that module and runs ``getattr(module, func.__name__)``. Local runs call
the task object directly and never ask. tests/test_task_loading_sdk.py loads every form below the pod's way.
"""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.source import short_source
from flyte_lint.model.task_loading import LoadFailure, Unloadable, unloadable_tasks
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.calls._task_not_loadable_cases import MORE_INVALID, NO_ATTRIBUTE
from flyte_lint.rules.calls._task_not_loadable_quiet_cases import MORE_VALID

# What a pod does with the task `main` calls (flyte/_bin/runtime.py -> load_and_run_task): the task's wire spec
# (translate_task_to_wire) names a resolver and its loader args; the pod loads the task with them
# (entrypoints.load_task), reads its native_interface to convert the inputs, and runs it (task.execute).
POD_PROBE = """


pod_env = flyte.TaskEnvironment("pod")


@pod_env.task
async def pod_run(text: str) -> int:
    import pathlib

    from flyte._internal.image_cache import ImageCache
    from flyte._internal.runtime.entrypoints import load_task
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    cache = ImageCache(image_lookup={"demo": "registry.example/demo:v1"})
    context = SerializationContext(version="v1", root_dir=pathlib.Path(__file__).parent, image_cache=cache)
    args = list(translate_task_to_wire(parse, context).task_template.container.args)
    loaded = load_task(*args[args.index("--resolver") + 1 :])
    loaded.native_interface
    return await loaded.execute(text=text)
"""


@register
class TaskNotLoadable(Rule):
    code = "FLY109"
    symbol = "task-not-loadable"
    severity = Severity.ERROR
    pylint_number = 46
    scope = Scope.IMPORTERS
    summary = (
        "Reports a task a pod cannot load: the module of its function does not bind the function's own name to the "
        "task (`parse = env.task(_parse)`, an imported function wrapped, a task defined in a function or a loop, a "
        "wrapper bound over the task's name)."
    )
    rationale = (
        "In a pod, the SDK's default resolver imports the module the task's function was defined in and loads the "
        "task as `getattr(module, func.__name__)` (flyte/_internal/resolvers/default.py). Local runs call the task "
        "object directly, so all of these work locally and fail in a cluster: `parse = env.task(_parse)` (the pod "
        "loads `_parse`, the plain function: AttributeError: 'function' object has no attribute 'native_interface'); "
        "`dedupe = env.task(dedupe)` of a function imported from another module (the pod loads that module's plain "
        "function); `@env.task` on a function defined inside another function or a class (the module has no such "
        "name: AttributeError), unless the factory's result is bound at module level under the inner function's "
        "name (a second result bound under another name then loads as that one); `@env.task` in a loop (every iteration's task loads as the last iteration's); a task defined only "
        'under `if __name__ == "__main__":` (the pod imports the module by its name, so the block does not run); '
        "and a module-level rebinding of the task's name to a wrapper function or a functools.partial, "
        "`process = timed(process)`, or a wrapping decorator stacked above `@env.task` (the pod loads the wrapper). "
        "The SDK's own `@flyte.ai.agents.tool` above "
        "`@env.task` is fine: it gives the task a resolver that unwraps it; `@flyte.trace` above a task is FLY601. "
        "Notebook (interactive) runs pickle the task and skip the resolver."
        " Severity: error: the task fails in every pod (a cluster run of it, a deployed run), only local runs work."
    )
    fix = (
        "Bind the task under its function's own name in the function's module: `parse = env.task(parse)` or "
        "`@env.task` on the def; define tasks at module level (a factory's result bound as `inner = make(...)`); "
        "put a wrapper below `@env.task` (with functools.wraps) instead of over the task's name."
    )
    runtime = RuntimeSpec(
        entry="pod_run",
        args={"text": "a b c"},
        append=POD_PROBE,
        bad=Outcome(ok=False, error_contains=("AttributeError", "native_interface")),
        good=Outcome(ok=True, output=3),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")


            def _parse(text: str) -> int:
                return len(text.split())


            parse = env.task(_parse)  # expect: FLY109


            @env.task
            def main(text: str) -> int:
                return parse(text)
            """,
            message="task 'demo._parse' cannot be loaded in a pod: the pod loads it as `main._parse` (the function's "
            "own name in its module), which is the plain function, not the task, so the task fails in a cluster "
            f"({NO_ATTRIBUTE}). Bind the task under the function's name: `_parse = env.task(_parse)`, or put "
            "`@env.task` on `def _parse`",
        ),
        *MORE_INVALID,  # (_task_not_loadable_cases.py)
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")


            def parse(text: str) -> int:
                return len(text.split())


            parse = env.task(parse)


            @env.task
            def main(text: str) -> int:
                return parse(text)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for unloadable in unloadable_tasks(analysis):
            yield self.finding(unloadable.module, unloadable.node, _message(unloadable))


def _message(u: Unloadable) -> str:
    task, name = u.task, u.task.func.name
    head = f"task '{task.name}' cannot be loaded in a pod: "
    module = u.loads.rpartition(".")[0]
    if u.failure is LoadFailure.PLAIN_FUNCTION:
        return (
            f"{head}the pod loads it as `{u.loads}` (the function's own name in its module), which is the plain "
            f"function, not the task, so the task fails in a cluster ({NO_ATTRIBUTE}). Bind the task under the "
            f"function's name: `{name} = env.task({name})`, or put `@env.task` on `def {name}`"
        )
    if u.failure is LoadFailure.IMPORTED_FUNCTION:
        return (
            f"{head}it wraps `{name}` of `{module}`, and the pod loads `{u.loads}`, the plain function, so the task "
            f"fails in a cluster ({NO_ATTRIBUTE}). Put `@env.task` on the function in `{module}`, or define a task "
            "here that calls it"
        )
    if u.failure is LoadFailure.NESTED:
        where = f"class `{u.holder}`" if u.in_class else f"function `{u.holder}`"
        advice = "Define it at module level" + (
            f", or bind the factory's result under the function's name: `{name} = {u.holder}(...)`" if u.factory else ""
        )
        return (
            f"{head}it is defined inside {where}, and the pod loads it as `{u.loads}`, a name module `{module}` does "
            f"not bind, so the task fails in a cluster (AttributeError: module '{module}' has no attribute '{name}'). "
            f"{advice}"
        )
    if u.failure is LoadFailure.FACTORY_ALIAS:
        return (
            f"{head}`{short_source(u.module, u.node)}` binds a task `{u.holder}` makes under another name than its "
            f"function's, and the pod loads every task `{u.holder}` makes as `{u.loads}`, the one bound under that "
            "name, so this one runs that one's code in a cluster. Define one task at module level and pass what "
            "differs as an input"
        )
    if u.failure is LoadFailure.LOOP:
        return (
            f"{head}it is defined in a loop, and the pod loads every iteration's task as `{u.loads}`, the last "
            "iteration's, so the others run the wrong code in a cluster. Define one task at module level and pass "
            "the loop's value as an input"
        )
    if u.failure is LoadFailure.MAIN_GUARD:
        return (
            f'{head}it is defined under `if __name__ == "__main__":`, and the pod imports `{module}` as a module, '
            f"where that block does not run, so the task fails in a cluster (AttributeError: module '{module}' has "
            f"no attribute '{name}'). Define it at module level, above the `if __name__ == \"__main__\":` block"
        )
    if u.failure is LoadFailure.REBOUND and u.partial:
        return (
            f"{head}`{short_source(u.module, u.node)}` rebinds the task's name to a functools.partial object, and the "
            f"pod loads `{u.loads}`, that object, not the task, so the task fails in a cluster (AttributeError: "
            "'functools.partial' object has no attribute 'native_interface'). Bind the partial to another name"
        )
    if u.failure is LoadFailure.REBOUND:
        return (
            f"{head}`{name} = {u.holder}({name})` rebinds the task's name to the function `{u.holder}` returns, and "
            f"the pod loads `{u.loads}`, that wrapper, not the task, so the task fails in a cluster ({NO_ATTRIBUTE})."
            " Keep the task under its name: put the wrapper below `@env.task` (with functools.wraps), or bind the "
            "wrapped function to another name"
        )
    return (
        f"{head}`@{u.holder}` above `@env.task` binds `{name}` to the function it returns, and the pod loads "
        f"`{u.loads}`, that wrapper, not the task, so the task fails in a cluster ({NO_ATTRIBUTE}). Put "
        f"`@{u.holder}` below `@env.task` (with functools.wraps), or call the task from a wrapper of another name"
    )
