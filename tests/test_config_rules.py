"""FLY303–FLY313: configuration values the SDK, the backend or Kubernetes reject.

What the SDK really does (flyte 2.12.1, checked with the installed wheel):
- ``Resources(gpu=...)`` takes an int >= 0, a Device, or one string of a fixed list ("L40s:1", lowercase s);
  "A100", "a100:1", "L40S:1", "A100:9" raise ValueError; "A100 80G:1" / "RTX PRO 6000:1" are rewritten with a
  deprecation warning. ``flyte.GPU`` checks the device, quantity >= 1 and the MIG partition of A100/A100_80G/
  H100/H200/RTX_PRO_6000, and rejects any partition on a shared device (other devices' partitions pass).
- cache: "auto"/"override"/"disable" exactly, aliases case-insensitively; ``Cache("Disable")`` raises.
  ``@env.task(cache=False)`` and ``t.override(cache=False)`` fall back to the env's/task's cache;
  ``TaskEnvironment(cache=False|None|"always")`` fails at the first ``@env.task`` without its own cache;
  ``TaskEnvironment(cache=True)`` raises TypeError; ``clone_with(cache=None)`` inherits.
- memory/disk/shm must be strings (units unchecked: "2GB" passes); the backend's ParseQuantity rejects them
  later; a (request, limit) with request > limit is silently clamped by the backend.
- Env names: ``^[a-z0-9]+([_-][a-z0-9]+)*$``; duplicates fail at deploy planning.
- ``python_version="3.11"`` yields the base image tag 'py3..'; ``3.11`` raises TypeError.
- Secret env vars: ``(group_key or key).replace("-", "_").upper()`` must match ``^[A-Z_][A-Z0-9_]*$``;
  mount must be exactly "/etc/flyte/secrets" (``Path(".../")`` normalizes, a string with a trailing / fails).
- ReusePolicy(concurrency>1) with a sync task raises at ``@env.task``; ``.override(reusable=...)`` does not.

Which lines each rule reports (and leaves quiet) are the rules' own cases (INVALID/VALID in
flyte_lint/rules/config/<symbol>.py, run by tests/test_rule_cases.py); here: messages, severities, fixes and the
timezone database.
"""

from __future__ import annotations

import pytest

from expectutil import check
from flyte_lint.fixes import fixed_text
from flyte_lint.rules import Severity
from lintutil import lint, lint_result, messages


def _fixed(tmp_path, source: str, select: list[str], unsafe: bool = False) -> str:
    result = lint_result(tmp_path, source, select=select)
    text = (tmp_path / "project" / "main.py").read_text()
    new, _ = fixed_text(text, result.findings, unsafe=unsafe)
    return new


# --------------------------------------------------------------------------------------------------------
# FLY303 invalid-gpu
# --------------------------------------------------------------------------------------------------------


def test_fly303_messages_suggest_the_accepted_value(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        flyte.Resources(gpu="L40S:1")
        flyte.Resources(gpu="A100")
        flyte.Resources(gpu="a100:1")
        flyte.Resources(gpu="A100:9")
    """,
        select=["FLY303"],
    )
    assert 'did you mean gpu="L40s:1"?' in msgs[0] and "ValueError" in msgs[0] and "imported" in msgs[0]
    assert 'did you mean gpu="A100:1"?' in msgs[1]
    assert 'did you mean gpu="A100:1"?' in msgs[2]
    assert 'did you mean gpu="A100:8"?' in msgs[3]


def test_fly303_deprecated_alias_is_a_warning_with_a_safe_fix(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("train", resources=flyte.Resources(gpu="A100 80G:1"))
        dev = flyte.GPU("RTX PRO 6000", 1, "1g.24gb")
    """
    result = lint_result(tmp_path, source, select=["FLY303"])
    assert [(f.code, f.severity) for f in result.findings] == [("FLY303", Severity.WARNING)] * 2
    assert "deprecated" in result.findings[0].message and '"A100_80G:1"' in result.findings[0].message
    assert all(f.fix is not None and f.fix.safe for f in result.findings)
    new = _fixed(tmp_path / "fix", source, ["FLY303"])
    assert 'gpu="A100_80G:1"' in new and 'flyte.GPU("RTX_PRO_6000", 1, "1g.24gb")' in new


def test_fly303_alias_without_count_is_an_error(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        flyte.Resources(gpu="A100 80G")
    """,
        select=["FLY303"],
    )
    assert len(msgs) == 1 and 'did you mean gpu="A100_80G:1"?' in msgs[0]
    assert (
        lint_result(tmp_path / "b", 'import flyte\nflyte.Resources(gpu="A100 80G")\n', select=["FLY303"])
        .findings[0]
        .severity
        == Severity.ERROR
    )


def test_fly303_gpu_partition_message(tmp_path):
    msgs = messages(tmp_path, 'import flyte\nflyte.GPU("A100", 1, "1g.10gb")\n', select=["FLY303"])
    assert 'did you mean "2g.10gb"?' in msgs[0] and "1g.5gb" in msgs[0]


# --------------------------------------------------------------------------------------------------------
# FLY304 invalid-cache
# --------------------------------------------------------------------------------------------------------


def test_fly304_false_is_ignored_unless_the_inherited_cache_is_off(tmp_path):
    source = """
        import flyte

        cached = flyte.TaskEnvironment("cached", cache="auto")
        plain = flyte.TaskEnvironment("plain")

        @cached.task(cache=False)  # expect: FLY304
        def a(x: int) -> int:
            return x

        @plain.task(cache=False)
        def b(x: int) -> int:
            return x

        @plain.task(cache="auto")
        def c(x: int) -> int:
            return x

        @plain.task
        def main(x: int) -> int:
            return a.override(cache=False)(x) + b.override(cache=False)(x) + c.override(cache=False)(x)  # expect: FLY304 FLY304
    """
    check(tmp_path, source, select=["FLY304"])
    result = lint_result(tmp_path / "m", source, select=["FLY304"])
    assert all(f.severity == Severity.WARNING for f in result.findings)
    assert "keeps the cache of env 'cached' (\"auto\")" in result.findings[0].message
    assert 'Write cache="disable"' in result.findings[0].message


def test_fly304_messages_name_when_it_fails(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("etl", cache="always")
        env2 = flyte.TaskEnvironment("etl2", cache=True)

        @env2.task(cache="always")
        def a(x: int) -> int:
            return x
    """,
        select=["FLY304"],
    )
    assert (
        'cache="always"' in msgs[0]
        and "every `@env.task` of this env" in msgs[0]
        and 'did you mean cache="auto"?' in msgs[0]
    )
    assert "TypeError" in msgs[1]
    assert "`@env.task` raises ValueError" in msgs[2] and "at import" in msgs[2]


def test_fly304_case_fix_is_safe(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("etl")

        @env.task(cache='Disable')
        def a(x: int) -> int:
            return x
    """
    new = _fixed(tmp_path, source, ["FLY304"])
    assert "@env.task(cache='disable')" in new


# --------------------------------------------------------------------------------------------------------
# FLY305 invalid-quantity
# --------------------------------------------------------------------------------------------------------


def test_fly305_warnings(tmp_path):
    source = """
        from flyte import Resources as R

        a = R(memory="4096")  # expect: FLY305
        b = R(memory=("2Gi", "1Gi"))  # expect: FLY305
        c = R(cpu=(4, 2))  # expect: FLY305
        d = R(memory="512m")  # expect: FLY305
    """
    check(tmp_path, source, select=["FLY305"])
    result = lint_result(tmp_path / "m", source, select=["FLY305"])
    assert all(f.severity == Severity.WARNING for f in result.findings)
    msgs = [f.message for f in result.findings]
    assert "4096 bytes" in msgs[0]
    assert 'memory=("1Gi", "2Gi")' in msgs[1] and "silently lowers" in msgs[1]
    assert "cpu=(2, 4)" in msgs[2]
    assert "0.512 bytes ('m' is milli, not mega)" in msgs[3] and '"512Mi"' in msgs[3]


def test_fly305_messages(tmp_path):
    msgs = messages(
        tmp_path,
        """
        from flyte import Resources as R

        R(memory=4096)
        R(memory="2GB")
        R(cpu="2 cores")
        R(shm="Auto")
    """,
        select=["FLY305"],
    )
    assert "ValueError" in msgs[0] and 'did you mean "4096Mi"?' in msgs[0]
    assert "Failed to parse resource as a valid quantity" in msgs[1] and 'did you mean "2Gi"?' in msgs[1]
    assert 'did you mean "2"?' in msgs[2]
    assert 'did you mean "auto"?' in msgs[3]


# --------------------------------------------------------------------------------------------------------
# FLY306 invalid-env-name
# --------------------------------------------------------------------------------------------------------


def test_fly306_fix_renames_to_kebab_case(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("DataPrep")
        other = flyte.TaskEnvironment('my__env')
    """
    msgs = messages(tmp_path, source, select=["FLY306"])
    assert 'did you mean "data-prep"?' in msgs[0] and "ValueError" in msgs[0]
    new = _fixed(tmp_path / "fix", source, ["FLY306"])
    assert 'flyte.TaskEnvironment("data-prep")' in new and "flyte.TaskEnvironment('my-env')" in new


def test_fly306_no_fix_onto_a_taken_name(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("DataPrep")
        other = flyte.TaskEnvironment("data-prep")
    """
    result = lint_result(tmp_path, source, select=["FLY306"])
    assert len(result.findings) == 1 and result.findings[0].fix is None
    assert "already used" in result.findings[0].message


# --------------------------------------------------------------------------------------------------------
# FLY307 duplicate-env-name
# --------------------------------------------------------------------------------------------------------


def test_fly307_message_points_at_the_first(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        a = flyte.TaskEnvironment("etl")
        b = flyte.TaskEnvironment("etl")
    """,
        select=["FLY307"],
    )
    assert "line 3" in msgs[0] and "Duplicate environment name 'etl'" in msgs[0]


# --------------------------------------------------------------------------------------------------------
# FLY308 image-python-version
# --------------------------------------------------------------------------------------------------------


def test_fly308_fix_writes_the_tuple(tmp_path):
    source = """
        import flyte

        a = flyte.Image.from_debian_base(python_version="3.11")
        b = flyte.Image.from_debian_base(python_version=3.10)
    """
    msgs = messages(tmp_path, source, select=["FLY308"])
    assert "'py3..'" in msgs[0] and "python_version=(3, 11)" in msgs[0]
    assert "python_version=3.10 " in msgs[1] and "TypeError" in msgs[1] and "(3, 10)" in msgs[1]
    new = _fixed(tmp_path / "fix", source, ["FLY308"])
    assert "python_version=(3, 11)" in new and "python_version=(3, 10)" in new


# --------------------------------------------------------------------------------------------------------
# FLY310 invalid-secret
# --------------------------------------------------------------------------------------------------------


def test_fly310_mount_and_env_var_is_a_warning(tmp_path):
    result = lint_result(
        tmp_path,
        """
        import flyte

        s = flyte.Secret(key="k", mount="/etc/flyte/secrets", as_env_var="API_KEY")
    """,
        select=["FLY310"],
    )
    assert [(f.code, f.severity) for f in result.findings] == [("FLY310", Severity.WARNING)]
    assert "only as the env var" in result.findings[0].message


def test_fly310_messages(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        flyte.Secret("openai.api-key")
        flyte.Secret(key="k", as_env_var="api_key")
        t = flyte.TaskEnvironment("x", secrets="db/password")
    """,
        select=["FLY310"],
    )
    assert '"OPENAI.API_KEY"' in msgs[0] and 'as_env_var="OPENAI_API_KEY"' in msgs[0] and "ValueError" in msgs[0]
    assert 'did you mean as_env_var="API_KEY"?' in msgs[1]
    assert "flyte deploy" in msgs[2] and 'as_env_var="DB_PASSWORD"' in msgs[2]


# --------------------------------------------------------------------------------------------------------
# FLY311 trigger-inputs-mismatch
# --------------------------------------------------------------------------------------------------------


def test_fly311_messages(tmp_path):
    msgs = messages(
        tmp_path,
        """
        from datetime import datetime
        import flyte

        env = flyte.TaskEnvironment("reports")
        nightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"run_date": flyte.TriggerTime})

        @env.task(triggers=nightly)
        def refresh(run_at: datetime) -> str:
            return ""

        @env.task(triggers=flyte.Trigger.hourly())
        def hourly(trigger_time: datetime) -> str:
            return ""

        @env.task(triggers=flyte.Trigger("every-hour", flyte.Cron("0 * * * *")))
        def every(trigger_time: datetime) -> str:
            return ""
    """,
        select=["FLY311"],
    )
    assert (
        "TriggerTime input 'run_date' must be an input to the task" in msgs[0] and "did you mean `run_at`?" in msgs[0]
    )
    assert len(msgs) == 3  # the misspelled key is reported once, not also as a missing input
    assert (
        "`trigger_time` of task 'reports.hourly' unset: nothing gives a triggered run it" in msgs[1]
        and 'flyte.Trigger.hourly("trigger_time")' in msgs[1]
    )
    assert 'inputs={"trigger_time": flyte.TriggerTime, ...}' in msgs[2]


# --------------------------------------------------------------------------------------------------------
# FLY312 invalid-cron
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "0 9 * * 7",
        "60 * * * *",
        "0 24 * * *",
        "0 0 0 * *",
        "0 0 L * *",
        "5-1 * * * *",
        "*/0 * * * *",
        "0 0 * * * *",
        "0 0 * *",
        "@Hourly",
        "@reboot",
        "@every 5x",
        "TZ=UTC 0 9 * * *",
        "",
        "0 0 * 13 *",
        "0 0 * * MON#2",
        "1-2-3 * * * *",
        "*/5/2 * * * *",
    ],
)
def test_fly312_rejected_expressions(tmp_path, expression):
    found = lint(tmp_path, f'import flyte\nc = flyte.Cron("{expression}")\n', select=["FLY312"])
    assert found == [("FLY312", 2, "main.py")]


@pytest.mark.parametrize(
    "expression",
    [
        "0 * * * *",
        "*/5 * * * *",
        "0 0 * * MON-FRI",
        "0 0 1 JAN *",
        "0 0 1 jan-mar *",
        "@hourly",
        "@daily",
        "@midnight",
        "@every 1h30m",
        "0 9 ? * 1",
        "0 9 1,15 * *",
        "0 0 * * sun",
        "5/15 * * * *",
        "0-30/10 1-5 * * *",
        "  0 0 * * *  ",
    ],
)
def test_fly312_accepted_expressions(tmp_path, expression):
    assert lint(tmp_path, f'import flyte\nc = flyte.Cron("{expression}")\n', select=["FLY312"]) == []


def test_fly312_timezone_messages(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte

        flyte.Cron("0 9 * * *", timezone="america/new_york")
        flyte.Cron("0 9 * * *", timezone="PST")
        flyte.Cron("0 9 * * 7")
    """,
        select=["FLY312"],
    )
    assert 'did you mean "America/New_York"?' in msgs[0]
    assert 'did you mean "America/Los_Angeles"?' in msgs[1]
    assert "Sunday is 0" in msgs[2] and "deployed" in msgs[2]


def test_fly312_skips_timezones_without_a_tz_database(tmp_path, monkeypatch):
    from flyte_lint.rules.config import invalid_cron

    monkeypatch.setattr(invalid_cron, "known_timezones", lambda: frozenset())
    assert (
        lint(tmp_path, 'import flyte\nc = flyte.Cron("0 9 * * *", timezone="Mars/Olympus")\n', select=["FLY312"]) == []
    )


# --------------------------------------------------------------------------------------------------------
# FLY313 reusable-sync-concurrency
# --------------------------------------------------------------------------------------------------------


def test_fly313_message_and_quiet_on_unknown_concurrency(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import os
        import flyte

        env = flyte.TaskEnvironment("scoring", reusable=flyte.ReusePolicy(replicas=2, concurrency=4))
        dyn = flyte.TaskEnvironment("dyn", reusable=flyte.ReusePolicy(replicas=2, concurrency=int(os.environ["C"])))

        @env.task
        def a(x: int) -> int:
            return x

        @dyn.task
        def b(x: int) -> int:
            return x
    """,
        select=["FLY313"],
    )
    assert (
        len(msgs) == 1
        and "concurrency=4" in msgs[0]
        and "only supported for async tasks" in msgs[0]
        and "async def" in msgs[0]
    )
