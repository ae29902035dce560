"""FLY312 invalid-cron: a `flyte.Cron(...)` expression or timezone the backend rejects."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.suggest import closest
from flyte_lint.rules.base import Case, Finding, Rule, Scope, register
from flyte_lint.rules.config._cron import TIMEZONE_ABBREVIATIONS, cron_problem, known_timezones
from flyte_lint.rules.config._values import q, value_suggestion


@register
class InvalidCron(Rule):
    code = "FLY312"
    symbol = "invalid-cron"
    pylint_number = 23
    runtime_untestable = "the SDK does not validate cron expressions: the backend reads them at deploy"
    scope = Scope.MODULE
    summary = "Reports a `flyte.Cron(...)` expression that is not a valid 5-field cron expression (or descriptor), or an unknown timezone."
    rationale = (
        "The SDK does not check cron expressions or timezones; the backend parses `CRON_TZ=<timezone> <expression>` "
        "with robfig/cron's ParseStandard when the task is deployed and rejects the trigger (InvalidArgument: "
        '"trigger ... has invalid cron expression"). It takes exactly five fields (minute 0-59, hour 0-23, '
        "day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-6 or SUN-SAT; `*`, `?`, ranges, steps and lists), "
        "or one of @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly/@every <duration>; no seconds "
        "field, no 7 for Sunday, no L/W/#. The timezone must be an IANA name (checked against the tz database "
        "Python ships or the system has; skipped when there is none). This happens at deploy, so no local run "
        "shows it."
        " Severity: error: the backend rejects the trigger at deploy (local runs never read triggers, so they "
        "hide it)."
    )
    fix = 'Write a standard 5-field expression (https://crontab.guru checks one) and an IANA timezone such as "America/New_York".'

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("reports")

            weekly = flyte.Trigger("weekly-report", flyte.Cron("0 9 * * 7", timezone="Europe/Berlin"))  # expect: FLY312

            @env.task(triggers=weekly)
            def main() -> str:
                return "report"
            """,
            message='cron expression "0 9 * * 7" is invalid: the day of week field "7" is invalid: 7 is above the maximum 6 (Sunday is 0). The SDK does not check it; the backend rejects the trigger when the task is deployed',
        ),
        Case(
            """
            import flyte
            from flyte import Cron

            a = Cron("0 9 * * *", timezone="America/New_York")
            b = Cron("0 9 * * *", "US/Eastern")
            c = Cron("0 9 * * *", timezone="EST5EDT")
            d = Cron("0 9 * * *", timezone="america/new_york")  # expect: FLY312
            e = Cron("0 9 * * *", timezone="Europe/Berln")  # expect: FLY312
            f = Cron("0 9 * * *", timezone="PST")  # expect: FLY312
            """,
            name="timezones",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("reports")

            weekly = flyte.Trigger("weekly-report", flyte.Cron("0 9 * * 0", timezone="Europe/Berlin"))

            @env.task(triggers=weekly)
            def main() -> str:
                return "report"
            """,
        ),
        Case(
            """
            import os
            import flyte
            from flytekit import CronSchedule
            from croniter import croniter

            a = flyte.Cron(os.environ["SCHEDULE"], timezone=os.environ["TZ"])
            b = CronSchedule(schedule="0 0 * * 7")
            c = croniter("0 0 0 0 0")
            """,
            name="quiet-on-non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls_to("flyte.Cron"):
            args = sdk_arguments(call.node, "flyte.Cron")
            expression_node = args.get("expression")
            expression = analysis.literal(expression_node) if expression_node is not None else MISSING
            if isinstance(expression, str):
                problem = cron_problem(expression)
                if problem:
                    yield self.finding(
                        call.module,
                        expression_node,
                        f"cron expression {q(expression)} is invalid: {problem}. The SDK does not check it; the backend "
                        "rejects the trigger when the task is deployed",
                    )
            timezone_node = args.get("timezone")
            timezone = analysis.literal(timezone_node) if timezone_node is not None else MISSING
            zones = known_timezones()
            if isinstance(timezone, str) and timezone and zones and timezone not in zones and timezone != "Local":
                by_lower = {z.lower(): z for z in zones}
                guess = (
                    by_lower.get(timezone.lower())
                    or by_lower.get(timezone.lower().replace(" ", "_"))
                    or TIMEZONE_ABBREVIATIONS.get(timezone.upper())
                    or closest(timezone, zones, 0.75)
                )
                advice = f"; did you mean {q(guess)}?" if guess else '. Use an IANA name such as "America/New_York"'
                yield self.finding(
                    call.module,
                    timezone_node,
                    f"timezone {q(timezone)} is not an IANA timezone: the backend rejects the trigger when the task is "
                    f'deployed ("provided bad location"){advice}',
                    suggestions=[value_suggestion(call.module, timezone_node, q(guess), guess) if guess else None],
                )
