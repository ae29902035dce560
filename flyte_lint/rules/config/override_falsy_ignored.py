"""FLY314 override-falsy-ignored: a literal falsy value in `.override(...)` that the SDK's `x or self.x` drops."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.source import one_line_source, short
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._override_cases import INVALID_MORE, VALID_MORE
from flyte_lint.rules.config._task_settings import (
    RAISE_ON_REUSABLE,
    certainly_not_none,
    falsy_literal,
    flyte_name,
    is_override,
    override_reusable,
    own_setting_unset,
)
from flyte_lint.rules.config._values import node_edit

# TaskTemplate.override (flyte 2.12.1) merges each of these as `given or self.<name>` (after the reusable checks).
MERGED_WITH_OR = (
    "retries",
    "timeout",
    "env_vars",
    "secrets",
    "max_inline_io_bytes",
    "service_account",
    "queue",
    "pod_template",
    "links",
)
_CANNOT_CLEAR = "`.override` cannot clear it: pass the value this call needs, or call a task defined without it"
ADVICE = {
    "timeout": "`.override` cannot remove a timeout: pass the timeout this call should have",
    "max_inline_io_bytes": "pass the positive byte limit this call should have",
    "service_account": "`.override` cannot unset it: pass the service account this call should run as",
    "queue": "`.override` cannot unset it: pass the queue this call should run in",
}


@register
class OverrideFalsyIgnored(Rule):
    code = "FLY314"
    symbol = "override-falsy-ignored"
    pylint_number = 56  # its pylint message id is E6756; never change it once released
    scope = Scope.IMPORTERS  # (whether the receiver is a task, and its settings, come from other modules)
    summary = (
        'Reports a literal falsy value (`0`, `None`, `""`, `{}`, `[]`, `()`) given to `.override(...)` for a '
        "setting the SDK merges as `value or the task's own`."
    )
    rationale = (
        "`TaskTemplate.override` merges `retries`, `timeout`, `env_vars`, `secrets`, `max_inline_io_bytes`, "
        "`service_account`, `queue`, `pod_template` and `links` as `given or self.<setting>`, so a falsy value is "
        "dropped without a word and the call runs with the task's own setting: `.override(retries=0)` on a task "
        "with `retries=3` still retries three times, `.override(env_vars={})` keeps every variable. The rule stays "
        "quiet when the task certainly has no such setting of its own (then the override changes nothing anyway). "
        "On a reusable env, `env_vars`, `secrets` and `service_account` other than None raise instead "
        "(FLY315 reports those; where the env's reusability is not known, neither rule reports them)."
        " Severity: error: the call silently runs with the setting the author meant to drop, in local runs and in "
        "a cluster alike."
    )
    fix = (
        "Give a truthy value: `retries=flyte.RetryStrategy(count=0)` turns retries off; the other settings cannot "
        "be cleared by `.override`: pass the value the call needs, or call a task defined without it."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"to": "a@example.com"},
        bad=Outcome(ok=True, output=4, ran={"demo.send_email": 4}),
        good=Outcome(ok=True, output=1, ran={"demo.send_email": 1}),
    )
    advice_elsewhere = (("cannot (clear|remove|unset)|byte limit", "the value to pass is the author's to choose"),)

    INVALID = [
        Case(
            """
            import flyte
            import flyte.errors

            env = flyte.TaskEnvironment("demo")
            sent = []

            @env.task(retries=3)
            def send_email(to: str) -> None:
                sent.append(to)
                raise ConnectionError("connection reset after the message was sent")

            @env.task
            def main(to: str) -> int:
                try:
                    send_email.override(retries=0)(to)  # expect: FLY314
                except flyte.errors.RuntimeUserError:
                    pass
                return len(sent)
            """,
            message="`retries=0` in `.override(...)` is ignored: the SDK merges it as `retries or task.retries`, so "
            "task 'demo.send_email' keeps its own retries. To turn retries off, write "
            "`retries=flyte.RetryStrategy(count=0)`",
        ),
        *INVALID_MORE,
    ]
    VALID = [
        Case(
            """
            import flyte
            import flyte.errors

            env = flyte.TaskEnvironment("demo")
            sent = []

            @env.task(retries=3)
            def send_email(to: str) -> None:
                sent.append(to)
                raise ConnectionError("connection reset after the message was sent")

            @env.task
            def main(to: str) -> int:
                try:
                    send_email.override(retries=flyte.RetryStrategy(count=0))(to)
                except flyte.errors.RuntimeUserError:
                    pass
                return len(sent)
            """,
        ),
        *VALID_MORE,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if not is_override(call.node, call.callee):
                continue
            receiver = call.node.func.expr
            task = call.callee.owner.task
            for kw in call.node.keywords or []:
                if kw.arg not in MERGED_WITH_OR or not falsy_literal(analysis, kw.value):
                    continue
                if (
                    kw.arg in RAISE_ON_REUSABLE
                    and certainly_not_none(analysis, kw.value)
                    and override_reusable(analysis, call.node) is not False
                ):
                    continue  # (reusable: it raises, FLY315; reusability not known: it raises or is dropped)
                if own_setting_unset(analysis, receiver, kw.arg):
                    continue
                shown = short(one_line_source(call.module, kw.value) or kw.value.as_string(), 40)
                advice, suggestion = self._advice(analysis, call.module, kw)
                yield self.finding(
                    call.module,
                    kw,
                    f"`{kw.arg}={shown}` in `.override(...)` is ignored: the SDK merges it as `{kw.arg} or "
                    f"task.{kw.arg}`, so task '{task.name}' keeps its own {kw.arg}. {advice}",
                    suggestions=[suggestion],
                )

    @staticmethod
    def _advice(analysis: Analysis, module, kw: nodes.Keyword) -> tuple[str, Suggestion | None]:
        if kw.arg != "retries":
            return ADVICE.get(kw.arg, _CANNOT_CLEAR), None
        name = flyte_name(module, "RetryStrategy")
        if name is None:
            return "To turn retries off, give a RetryStrategy object: `flyte.RetryStrategy(count=0)`", None
        value = f"{name}(count=0)"
        return f"To turn retries off, write `retries={value}`", Suggestion(
            f"retries={value}", (node_edit(kw.value, value),)
        )
