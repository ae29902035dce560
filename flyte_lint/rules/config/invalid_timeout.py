"""FLY317 invalid-timeout: a task timeout given as a str or a float, which only serialization rejects."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, Suggestion, register
from flyte_lint.rules.config._task_options import WIRE_PROBE, duration_seconds, option_sites
from flyte_lint.rules.config._values import node_edit, q

TIMEOUT_FIELDS = ("max_runtime", "max_queued_time", "deadline")


def _bad(value: object) -> bool:
    return isinstance(value, (str, float))


@register
class InvalidTimeout(Rule):
    code = "FLY317"
    symbol = "invalid-timeout"
    severity = Severity.ERROR
    pylint_number = 59  # its pylint message id is E6759; never change it once released
    scope = Scope.IMPORTERS  # `.override` of a task: whether the receiver is a task
    summary = (
        "Reports a task `timeout=` given a str or a float (`@env.task`, `.override`), and a `flyte.Timeout` field "
        "given one."
    )
    rationale = (
        "A task timeout is an int number of seconds, a `datetime.timedelta` or a `flyte.Timeout` "
        "(`flyte/_timeout.py`). Nothing checks it when the task is made: local runs ignore it, and the task is "
        'serialized only by `flyte deploy`, a remote run and a parent\'s pod submitting it, where `timeout="1h"` or '
        '`timeout=1.5` raises ValueError ("Timeout must be an instance of Timeout, int, or timedelta", '
        "`get_proto_timeout_strategy`/`translate_task_to_wire`). Inside `flyte.Timeout(max_runtime=..., "
        "max_queued_time=..., deadline=...)` a str or a float raises AttributeError (\"'str' object has no "
        "attribute 'total_seconds'\") at the same point. A bool is an int to the SDK (`timeout=True` is one "
        "second) and is left alone; so is a falsy value on `.override`, which the SDK ignores (FLY314)."
        " Severity: error: every deploy of the task, and every remote run that submits it, fails; only local "
        "runs, which ignore the timeout, pass."
    )
    fix = "Give the timeout as an int number of seconds (`timeout=3600`), a `datetime.timedelta(hours=1)` or a `flyte.Timeout(max_runtime=...)` of those."
    runtime = RuntimeSpec(
        entry="wire_probe",
        append=WIRE_PROBE,
        modes=("local",),
        bad=Outcome(
            ok=False, error_contains=("ValueError", "Timeout must be an instance of Timeout, int, or timedelta")
        ),
        good=Outcome(ok=True, output_items={"timeout": 3600}),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(timeout="1h")  # expect: FLY317
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
            message='timeout="1h" is a str: local runs ignore it, but deploying the task or running it remotely '
            'serializes it (translate_task_to_wire), which raises ValueError ("Timeout must be an instance of Timeout, int, or timedelta"). Write '
            "timeout=3600 (seconds), or a datetime.timedelta",
        ),
        Case(
            """
            import flyte as fl
            from flyte import Timeout as TO

            LIMIT = "30m"
            env = fl.TaskEnvironment("etl")

            @env.task(timeout=LIMIT)  # expect: FLY317
            async def a(x: int) -> int:
                return x

            @env.task(timeout=2.5)  # expect: FLY317
            async def b(x: int) -> int:
                return x

            @env.task(timeout=TO(max_runtime="1h", deadline=7200.0))  # expect: FLY317 FLY317
            def c(x: int) -> int:
                return x

            @env.task
            async def main(x: int) -> int:
                y = await a.override(timeout="2h")(x)  # expect: FLY317
                return await b.override(timeout=90.0).aio(y)  # expect: FLY317
            """,
            name="aliases-constants-floats-timeout-fields-override",
        ),
        Case(
            """
            # file: pkg/tasks.py
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task
            def step(x: int) -> int:
                return x

            # file: pkg/main.py
            from pkg.tasks import env, step

            @env.task(timeout="10 minutes")  # expect: FLY317
            def main(x: int) -> int:
                return step.override(timeout="5m")(x)  # expect: FLY317
            """,
            name="task-and-env-from-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(timeout=3600)
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
        ),
        Case(
            """
            import functools
            from datetime import timedelta

            import flyte
            import requests

            env = flyte.TaskEnvironment("etl")

            @env.task(timeout=timedelta(minutes=30))
            def a(x: int) -> int:
                requests.get("https://example.com", timeout=2.5)
                return x

            @env.task(timeout=flyte.Timeout(max_runtime=timedelta(hours=1), deadline=7200))
            def b(x: int) -> int:
                return x

            @env.task(timeout=True)
            def c(x: int) -> int:
                return x

            @env.task
            def main(x: int) -> int:
                y = a.override(timeout=0.0)(x)
                z = b.override(timeout="")(y)
                run_b = functools.partial(b.override(timeout=60), z)
                return run_b()
            """,
            name="ints-timedeltas-bools-falsy-overrides-other-libraries",
        ),
        Case(
            """
            import flyte

            class Job:
                def task(self, timeout=None):
                    return lambda f: f

            env = Job()

            @env.task(timeout="1h")
            def main(x: int) -> int:
                return x
            """,
            name="a-look-alike-task-decorator",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in option_sites(analysis, "timeout"):
            value = analysis.literal(site.value)
            if value is MISSING or not _bad(value) or (site.override and not value):
                continue  # (a falsy value on .override is ignored by the SDK: FLY314)
            yield self._finding(site.call.module, site.at(), site.value, "timeout", value, "ValueError")
        for call in analysis.calls:
            if call.external_path != "flyte.Timeout":
                continue
            for name, node in sdk_arguments(call.node, "flyte.Timeout").items():
                value = analysis.literal(node)
                if name in TIMEOUT_FIELDS and value is not MISSING and _bad(value):
                    parent = node.parent
                    at = parent if isinstance(parent, nodes.Keyword) else node
                    yield self._finding(call.module, at, node, name, value, "AttributeError")

    def _finding(self, module, at, node, name, value, error) -> Finding:
        kind = type(value).__name__
        effect = (
            '("Timeout must be an instance of Timeout, int, or timedelta")'
            if error == "ValueError"
            else f"(\"'{kind}' object has no attribute 'total_seconds'\")"
        )
        seconds = duration_seconds(value)
        written = f"{name}={seconds}"
        suggestion = None
        if seconds is not None and isinstance(node, nodes.Const):
            advice = f"Write {written} (seconds), or a datetime.timedelta"
            suggestion = Suggestion(written, (node_edit(node, str(seconds)),))
        elif seconds is not None:
            advice = f"Give it {seconds} (seconds), or a datetime.timedelta"
        else:
            advice = "Give it an int number of seconds or a datetime.timedelta"
        return self.finding(
            module,
            at,
            f"{name}={q(value)} is a {kind}: local runs ignore it, but deploying the task or running it remotely "
            f"serializes it (translate_task_to_wire), which raises {error} {effect}. {advice}",
            suggestions=[suggestion],
        )
