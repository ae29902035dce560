"""Cron expressions as the backend's trigger validation parses them (``cron.ParseStandard``, robfig/cron v3,
the unionai fork, in flyteorg/flyte ``runs/schedule/cron.go``), and the IANA timezones Python knows."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

from flyte_lint.rules.config._values import q

CRON_FIELDS = (  # name, minimum, maximum, names
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    (
        "month",
        1,
        12,
        {
            m: i
            for i, m in enumerate(
                ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
            )
        },
    ),
    ("day of week", 0, 6, {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}),
)
CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
GO_DURATION = re.compile(r"^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
CRON_NUMBER = re.compile(r"^\+?\d+$")


def cron_problem(expression: str) -> str | None:
    """Why robfig/cron's ParseStandard (the backend's trigger validation) rejects ``expression``, or None."""
    spec = expression.strip()
    if not spec:
        return "it is empty"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        return "it carries its own TZ= prefix, but the SDK already sends the timezone (Cron(..., timezone=...))"
    if spec.startswith("@"):
        if spec in CRON_DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            return (
                None
                if GO_DURATION.match(spec[len("@every ") :])
                else f"the duration in {q(spec)} is not a Go duration such as 1h30m"
            )
        lowered = spec.lower()
        if lowered in CRON_DESCRIPTORS:
            return f"descriptors are case-sensitive: write {q(lowered)}"
        return f"{q(spec)} is not a descriptor the backend knows ({', '.join(sorted(CRON_DESCRIPTORS))}, @every <duration>)"
    fields = spec.split()
    if len(fields) != 5:
        extra = " (no seconds or year field)" if len(fields) in (6, 7) else ""
        return f"it has {len(fields)} fields, but the backend expects exactly 5: minute hour day-of-month month day-of-week{extra}"
    for text, (name, low, high, names) in zip(fields, CRON_FIELDS, strict=True):
        for part in [p for p in text.split(",") if p]:
            problem = _cron_range(part, low, high, names)
            if problem:
                return f"the {name} field {q(text)} is invalid: {problem}"
    return None


def _cron_range(expr: str, low: int, high: int, names: dict | None) -> str | None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if len(range_and_step) > 2:
        return f"too many slashes in {q(expr)}"
    if low_high[0] in ("*", "?"):
        start, end = low, high
    else:
        if len(low_high) > 2:
            return f"too many hyphens in {q(expr)}"
        values = []
        for item in low_high:
            if names and item.lower() in names:
                values.append(names[item.lower()])
            elif CRON_NUMBER.match(item):
                values.append(int(item))
            else:
                return f"{q(item)} is not a number{' or a name' if names else ''}"
        start = values[0]
        end = values[1] if len(values) == 2 else start
    step = 1
    if len(range_and_step) == 2:
        if not CRON_NUMBER.match(range_and_step[1]):
            return f"step {q(range_and_step[1])} is not a number"
        step = int(range_and_step[1])
        if len(low_high) == 1:
            end = high
    if start < low:
        return f"{start} is below the minimum {low}"
    if end > high:
        hint = " (Sunday is 0)" if high == 6 and end == 7 else ""
        return f"{end} is above the maximum {high}{hint}"
    if start > end:
        return f"the range starts at {start}, after its end {end}"
    if step == 0:
        return "a step must be a positive number"
    return None


# Abbreviations people write that are not tz database names (EST, MST, CET… are, and are left alone).
TIMEZONE_ABBREVIATIONS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MDT": "America/Denver",
    "EDT": "America/New_York",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "BST": "Europe/London",
    "CEST": "Europe/Berlin",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
}


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    """IANA names from the stdlib's zoneinfo; empty when no tz database is installed (then no check)."""
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - broken tz installs
        return frozenset()
