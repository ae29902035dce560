"""FLY318 env-var-not-string: an int, float or bool value in ``env_vars``, which protobuf rejects at deploy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.project import Module
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, Suggestion, register
from flyte_lint.rules.config._task_options import WIRE_PROBE, option_sites
from flyte_lint.rules.config._values import env_argument, node_edit

TRIGGERS = ("flyte.Trigger", "flyte.Trigger.daily", "flyte.Trigger.hourly", "flyte.Trigger.minutely")
TRIGGERS += ("flyte.Trigger.weekly", "flyte.Trigger.monthly")
MAX_DEPTH = 8


def _as_text(value: object) -> str:
    """The string ``str(value)`` gives (``"4"``, ``"0.5"``, ``"True"``): what the program reading it would get
    from a value it stringified itself."""
    return str(value)


@register
class EnvVarNotString(Rule):
    code = "FLY318"
    symbol = "env-var-not-string"
    severity = Severity.ERROR
    pylint_number = 60  # its pylint message id is E6760; never change it once released
    scope = Scope.IMPORTERS  # `.override` of a task, and a dict constant used by importers
    summary = (
        "Reports an int, float or bool value in the `env_vars` of a TaskEnvironment (or `clone_with`), a task's "
        "`.override` or a `flyte.Trigger`."
    )
    rationale = (
        "Environment variables are strings. Nothing checks the values when the env, override or trigger is "
        'made, and local runs do not set them, so `env_vars={"WORKERS": 4}` works locally. `flyte deploy`, a '
        "remote run and a parent's pod serialize the task, putting each pair in a protobuf `KeyValuePair` "
        "(`translate_task_to_wire`; the trigger serde for a Trigger's), which raises TypeError "
        '("bad argument type for built-in operation") naming neither the env nor the variable. `None` and '
        "bytes values serialize (None as an empty value): they are left alone. A dict bound to a module "
        "constant is read through the name."
        " Severity: error: every deploy of the task, and every remote run that submits it, fails; only local "
        "runs pass."
    )
    fix = 'Quote the value: `env_vars={"WORKERS": "4"}` (or `str(...)` a computed one).'
    runtime = RuntimeSpec(
        entry="wire_probe",
        append=WIRE_PROBE,
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("TypeError", "bad argument type for built-in operation")),
        good=Outcome(ok=True, output_items={"env": {"WORKERS": "4"}}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl", env_vars={"WORKERS": 4})  # expect: FLY318

            @env.task
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
            message='env_vars value 4 (an int) for "WORKERS": environment variables are strings; local runs '
            "never set them, but deploying the task or running it remotely serializes it, and protobuf raises "
            'TypeError ("bad argument type for built-in operation"), naming neither the env nor the variable. '
            'Write "4"',
        ),
        Case(
            """
            import flyte as fl
            from flyte import Trigger as T

            BASE = {
                "RATIO": 0.5,  # expect: FLY318
                "DEBUG": True,  # expect: FLY318
                "NAME": "etl",
            }
            PORT = 8080
            env = fl.TaskEnvironment("etl", env_vars=BASE)
            gpu = env.clone_with("gpu", env_vars={**BASE, "PORT": PORT, "OFFSET": -1})  # expect: FLY318 FLY318

            @env.task(triggers=T.hourly(env_vars={"RETRIES": 3}))  # expect: FLY318
            async def step(x: int) -> int:
                return x

            @env.task(triggers=fl.Trigger("nightly", fl.Cron("0 0 * * *"), env_vars=dict(LIMIT=10)))  # expect: FLY318
            async def main(x: int) -> int:
                return await step.override(env_vars={"SEED": 7})(x)  # expect: FLY318
            """,
            name="aliases-constants-clones-triggers-overrides",
        ),
        Case(
            """
            # file: pkg/config.py
            import flyte

            SETTINGS = {"THREADS": 8}  # expect: FLY318
            SHARED = flyte.TaskEnvironment("shared", env_vars=SETTINGS)

            # file: pkg/constants.py
            LIMITS = {"MAX_ROWS": 1000}

            # file: pkg/main.py
            import flyte
            from pkg.config import SETTINGS
            from pkg.constants import LIMITS

            env = flyte.TaskEnvironment("etl", env_vars=SETTINGS)
            other = flyte.TaskEnvironment("other", env_vars=LIMITS)  # expect: FLY318

            @env.task
            def main(x: int) -> int:
                return x
            """,
            name="constants-from-other-modules",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl", env_vars={"WORKERS": "4"})

            @env.task
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
        ),
        Case(
            """
            import functools
            import os

            import flyte
            import docker

            WORKERS = 4
            env = flyte.TaskEnvironment(
                "etl",
                env_vars={"WORKERS": str(WORKERS), "HOME": os.getenv("HOME"), "UNSET": None, "RAW": b"x", "F": f"{WORKERS}"},
            )
            container = docker.from_env().containers.run("img", environment={"WORKERS": 4})
            counts = {"WORKERS": 4}

            @env.task
            async def step(x: int) -> int:
                return x

            @env.task
            async def main(x: int) -> int:
                run = functools.partial(step.override(env_vars={"SEED": "7"}))
                return await run(x)
            """,
            name="strings-none-bytes-computed-other-dicts",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        analysed = {id(module) for module in analysis.modules}
        seen: set[int] = set()
        for use_module, use in self._env_var_dicts(analysis):
            for module, key, value_node, value in self._values(analysis, use, 0):
                # A value in a module flyte-lint does not check (a constants file that never imports flyte) is
                # reported where the dict is used.
                at, where = (value_node, module) if id(module) in analysed else (use, use_module)
                if id(value_node) in seen:
                    continue
                seen.add(id(value_node))
                yield self._finding(where, key, at, value, None if at is value_node else module)

    def _env_var_dicts(self, analysis: Analysis) -> Iterator[tuple[Module, nodes.NodeNG]]:
        for env in analysis.envs:
            if env.origin in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH):
                node = env_argument(analysis, env, "env_vars")
                if node is not None:
                    yield env.module, node
        for site in option_sites(analysis, "env_vars"):
            if site.override:
                yield site.call.module, site.value
        for call in analysis.calls:
            if call.external_path in TRIGGERS:
                node = sdk_arguments(call.node, call.external_path).get("env_vars")
                if node is not None:
                    yield call.module, node

    def _values(self, analysis: Analysis, node: nodes.NodeNG, depth: int):
        """(module, key, value node, value) of each int/float/bool value of the dict ``node`` stands for."""
        node = analysis.definition(node)
        if node is None or depth > MAX_DEPTH:
            return
        if isinstance(node, nodes.Dict):
            for key, value in node.items:
                if isinstance(key, nodes.DictUnpack):
                    yield from self._values(analysis, value, depth + 1)
                    continue
                yield from self._checked(analysis, node, key.value if isinstance(key, nodes.Const) else None, value)
        elif (
            isinstance(node, nodes.Call)
            and isinstance(node.func, nodes.Name)
            and node.func.name == "dict"
            and analysis.is_builtin(node.func)
            and not node.args
        ):
            for keyword in node.keywords or []:
                if keyword.arg is not None:
                    yield from self._checked(analysis, node, keyword.arg, keyword.value)

    def _checked(self, analysis: Analysis, owner: nodes.NodeNG, key, value_node: nodes.NodeNG):
        value = analysis.literal(value_node)
        if value is not MISSING and isinstance(value, (bool, int, float)):
            yield analysis.resolver.module_of(owner), key, value_node, value

    def _finding(self, module: Module, key, node: nodes.NodeNG, value, source: Module | None) -> Finding:
        """``source``: the module holding the value when the finding is reported where the dict is used."""
        text = _as_text(value)
        kind = type(value).__name__
        written = f'"{text}"'
        in_place = source is None and isinstance(node, (nodes.Const, nodes.UnaryOp))
        suggestion = Suggestion(written, (node_edit(node, written),)) if in_place else None
        advice = f"Write {written}" if suggestion else f"Make it a string ({written})"
        name = f' for "{key}"' if isinstance(key, str) else ""
        origin = f" (in {source.display_path})" if source is not None else ""
        return self.finding(
            module,
            node,
            f"env_vars value {value!r} (a{'n' if kind == 'int' else ''} {kind}){name}{origin}: environment "
            "variables are strings; local runs never set them, but deploying the task or running it remotely "
            'serializes it, and protobuf raises TypeError ("bad argument type for built-in operation"), naming neither the '
            f"env nor the variable. {advice}",
            suggestions=[suggestion],
        )
