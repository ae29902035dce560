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


def test_fly303_rejected_gpu_strings(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Resources as R

        a = flyte.Resources(gpu="L40S:1")  # expect: FLY303
        b = R(gpu="A100")  # expect: FLY303
        c = R(gpu="a100:1")  # expect: FLY303
        d = R(gpu="A100:9")  # expect: FLY303
        e = R(gpu="T4 shared:2")  # expect: FLY303
        f = R(gpu=-1)  # expect: FLY303
        g = R(gpu=1.5)  # expect: FLY303
        h = R(gpu=("A100", 2))  # expect: FLY303
        i = R(None, None, "l40s:1")  # expect: FLY303
        GPU_KIND = "L40S:2"
        j = R(gpu=GPU_KIND)  # expect: FLY303
    """, select=["FLY303"])


def test_fly303_accepted_values_are_quiet(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Resources as R

        a = R(gpu="L40s:1")
        b = R(gpu="A100_80G:8")
        c = R(gpu="T4 shared:1")
        d = R(gpu="AppleSilicon")
        e = R(gpu=0)
        f = R(gpu=4)
        g = R(gpu=flyte.GPU("A100", 1, "1g.5gb"))
        h = R(gpu=flyte.GPU("T4", 1, "1g.5gb"))  # the SDK checks partitions only for MIG devices
        i = R(gpu=flyte.GPU("A100", 9))  # GPU() does not bound the quantity from above
    """, select=["FLY303"])


def test_fly303_messages_suggest_the_accepted_value(tmp_path):
    msgs = messages(tmp_path, """
        import flyte

        flyte.Resources(gpu="L40S:1")
        flyte.Resources(gpu="A100")
        flyte.Resources(gpu="a100:1")
        flyte.Resources(gpu="A100:9")
    """, select=["FLY303"])
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
    msgs = messages(tmp_path, """
        import flyte

        flyte.Resources(gpu="A100 80G")
    """, select=["FLY303"])
    assert len(msgs) == 1 and 'did you mean gpu="A100_80G:1"?' in msgs[0]
    assert lint_result(tmp_path / "b", 'import flyte\nflyte.Resources(gpu="A100 80G")\n', select=["FLY303"]).findings[0].severity == Severity.ERROR


def test_fly303_gpu_function(tmp_path):
    check(tmp_path, """
        import flyte

        a = flyte.GPU("a100", 1)  # expect: FLY303
        b = flyte.GPU("A100", 0)  # expect: FLY303
        c = flyte.GPU("A100", 1, "1g.10gb")  # expect: FLY303
        d = flyte.GPU("T4 shared", 1, "1g.5gb")  # expect: FLY303
        e = flyte.GPU(device="H100", quantity=2, partition="7g.80gb")
        f = flyte.GPU("L40s", 1)
    """, select=["FLY303"])
    msgs = messages(tmp_path / "m", 'import flyte\nflyte.GPU("A100", 1, "1g.10gb")\n', select=["FLY303"])
    assert 'did you mean "2g.10gb"?' in msgs[0] and "1g.5gb" in msgs[0]


def test_fly303_quiet_on_look_alikes_and_non_literals(tmp_path):
    check(tmp_path, """
        # file: main.py
        import os
        import flytekit
        from flytekit import Resources
        from local_res import GPU

        a = Resources(gpu="L40S:1")
        b = flytekit.Resources(gpu="a100")
        c = GPU("a100", 0)
        import flyte
        d = flyte.Resources(gpu=os.environ["GPU"])
        e = flyte.Resources(gpu=f"A100:{os.cpu_count()}")
        if os.environ.get("BIG"):
            kind = "A100:1"
        else:
            kind = "L40S:1"
        f = flyte.Resources(gpu=kind)  # two bindings: not a literal we can pin down
        # file: local_res.py
        def GPU(device, quantity):
            return device
    """, select=["FLY303"])


# --------------------------------------------------------------------------------------------------------
# FLY304 invalid-cache
# --------------------------------------------------------------------------------------------------------


def test_fly304_rejected_behaviours(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Cache

        base = flyte.TaskEnvironment("base", cache="auto")
        e1 = flyte.TaskEnvironment("e1", cache="always")  # expect: FLY304
        e2 = flyte.TaskEnvironment("e2", cache=True)  # expect: FLY304
        e3 = flyte.TaskEnvironment("e3", cache=False)  # expect: FLY304
        e4 = flyte.TaskEnvironment("e4", cache=None)  # expect: FLY304
        e5 = base.clone_with("e5", cache=True)  # expect: FLY304
        e6 = base.clone_with("e6", cache=None)
        c1 = Cache("never")  # expect: FLY304
        c2 = Cache(behavior="Disable")  # expect: FLY304
        c3 = Cache(False)  # expect: FLY304
        c4 = Cache("ENABLED")
        c5 = Cache("override", version_override="v1")

        @base.task(cache="always")  # expect: FLY304
        def a(x: int) -> int:
            return x

        @base.task(cache=True)  # expect: FLY304
        def b(x: int) -> int:
            return x

        @base.task(cache="AUTO")  # expect: FLY304
        def c(x: int) -> int:
            return x

        @base.task(cache="off")
        def d(x: int) -> int:
            return x

        @base.task
        def main(x: int) -> int:
            return a.override(cache="sometimes")(x)  # expect: FLY304
    """, select=["FLY304"])


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
    msgs = messages(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("etl", cache="always")
        env2 = flyte.TaskEnvironment("etl2", cache=True)

        @env2.task(cache="always")
        def a(x: int) -> int:
            return x
    """, select=["FLY304"])
    assert 'cache="always"' in msgs[0] and "every `@env.task` of this env" in msgs[0] and 'did you mean cache="auto"?' in msgs[0]
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


def test_fly304_quiet_on_non_literals_and_look_alikes(tmp_path):
    check(tmp_path, """
        import os
        import flyte
        import flytekit

        MODE = os.environ.get("CACHE", "auto")
        env = flyte.TaskEnvironment("etl", cache=MODE)

        @env.task(cache=MODE)
        def a(x: int) -> int:
            return x

        @flytekit.task(cache=True)
        def b(x: int) -> int:
            return x

        c = flytekit.Cache("always")
    """, select=["FLY304"])


# --------------------------------------------------------------------------------------------------------
# FLY305 invalid-quantity
# --------------------------------------------------------------------------------------------------------


def test_fly305_values_the_sdk_or_kubernetes_reject(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Resources as R

        a = R(memory=4096)  # expect: FLY305
        b = R(memory="2GB")  # expect: FLY305
        c = R(memory=("1Gi",))  # expect: FLY305
        d = R(memory=("1Gi", None))  # expect: FLY305
        e = R(cpu="2 cores")  # expect: FLY305
        f = R(cpu=-1)  # expect: FLY305
        g = R(cpu=[1])  # expect: FLY305
        h = R(disk=10)  # expect: FLY305
        i = R(disk=("1Gi", "2Gi"))  # expect: FLY305
        j = R(shm="Auto")  # expect: FLY305
        k = R(shm=16)  # expect: FLY305
        l = R(1, "1 Gi")  # expect: FLY305
    """, select=["FLY305"])


def test_fly305_accepted_values_are_quiet(tmp_path):
    check(tmp_path, """
        from flyte import Resources as R

        a = R(cpu=2, memory="4Gi", disk="50Gi", shm="auto")
        b = R(cpu="500m", memory="512Mi", shm="16Gi")
        c = R(cpu=(1, 2), memory=("1Gi", "2Gi"))
        d = R(cpu=("500m", "1"), memory=("500M", "1G"))
        e = R(cpu=0.5, memory="1.5Gi")
        f = R(memory="1e9")
    """, select=["FLY305"])


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
    msgs = messages(tmp_path, """
        from flyte import Resources as R

        R(memory=4096)
        R(memory="2GB")
        R(cpu="2 cores")
        R(shm="Auto")
    """, select=["FLY305"])
    assert "ValueError" in msgs[0] and 'did you mean "4096Mi"?' in msgs[0]
    assert "Failed to parse resource as a valid quantity" in msgs[1] and 'did you mean "2Gi"?' in msgs[1]
    assert 'did you mean "2"?' in msgs[2]
    assert 'did you mean "auto"?' in msgs[3]


def test_fly305_quiet_on_non_literals_and_look_alikes(tmp_path):
    check(tmp_path, """
        import os
        import flytekit
        from flytekit import Resources
        import flyte

        a = Resources(mem=4096)
        b = flytekit.Resources(memory="2GB")
        c = flyte.Resources(memory=os.environ["MEM"], cpu=int(os.environ["CPU"]))
        d = flyte.Resources(memory=f"{4 * 1024}Mi")
    """, select=["FLY305"])


# --------------------------------------------------------------------------------------------------------
# FLY306 invalid-env-name
# --------------------------------------------------------------------------------------------------------


def test_fly306_names(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import TaskEnvironment as TE

        a = TE("DataPrep")  # expect: FLY306
        b = flyte.TaskEnvironment(name="my env")  # expect: FLY306
        c = TE("my.env")  # expect: FLY306
        d = TE("my__env")  # expect: FLY306
        e = TE("_env")  # expect: FLY306
        f = TE("env_")  # expect: FLY306
        g = a.clone_with("Bad Name")  # expect: FLY306
        h = TE("ok-env")
        i = TE("ok_env2")
        j = TE("1abc")
    """, select=["FLY306"])


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


def test_fly306_quiet_on_non_literal_and_other_libraries(tmp_path):
    check(tmp_path, """
        import os
        import flyte
        from flytekit import TaskEnvironment

        a = flyte.TaskEnvironment(os.environ["ENV_NAME"])
        b = flyte.TaskEnvironment(f"team-{os.getpid()}")
        c = TaskEnvironment("MyEnv")
    """, select=["FLY306"])


# --------------------------------------------------------------------------------------------------------
# FLY307 duplicate-env-name
# --------------------------------------------------------------------------------------------------------


def test_fly307_same_file(tmp_path):
    check(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("etl")
        b = flyte.TaskEnvironment("etl")  # expect: FLY307
        c = a.clone_with("etl")  # expect: FLY307
        d = flyte.TaskEnvironment.from_task("etl")  # expect: FLY307
        e = flyte.TaskEnvironment("train")
    """, select=["FLY307"])


def test_fly307_across_modules_connected_by_imports(tmp_path):
    check(tmp_path, """
        # file: envs.py
        import flyte

        etl = flyte.TaskEnvironment("etl")
        # file: tasks.py
        import flyte
        from envs import etl

        other = flyte.TaskEnvironment("etl")  # expect: FLY307
    """, select=["FLY307"])


def test_fly307_across_modules_through_a_deploy_script(tmp_path):
    check(tmp_path, """
        # file: a.py
        import flyte

        env = flyte.TaskEnvironment("shared")
        # file: b.py
        import flyte

        env = flyte.TaskEnvironment("shared")  # expect: FLY307
        # file: deploy.py
        import flyte
        import a
        import b

        flyte.deploy(a.env, b.env)
    """, select=["FLY307"])


def test_fly307_in_one_package(tmp_path):
    check(tmp_path, """
        # file: pipelines/__init__.py
        # file: pipelines/a.py
        import flyte

        env = flyte.TaskEnvironment("default")
        # file: pipelines/b.py
        import flyte

        env = flyte.TaskEnvironment("default")  # expect: FLY307
    """, select=["FLY307"])


def test_fly307_quiet_for_independent_scripts_branches_and_factories(tmp_path):
    check(tmp_path, """
        # file: hello.py
        import flyte

        env = flyte.TaskEnvironment("hello")
        # file: hello_again.py
        import flyte

        env = flyte.TaskEnvironment("hello")
        # file: branches.py
        import os
        import flyte

        if os.environ.get("GPU"):
            env = flyte.TaskEnvironment("train", resources=flyte.Resources(gpu=1))
        else:
            env = flyte.TaskEnvironment("train")

        def make():
            return flyte.TaskEnvironment("train")
    """, select=["FLY307"])


def test_fly307_message_points_at_the_first(tmp_path):
    msgs = messages(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("etl")
        b = flyte.TaskEnvironment("etl")
    """, select=["FLY307"])
    assert "line 3" in msgs[0] and "Duplicate environment name 'etl'" in msgs[0]


# --------------------------------------------------------------------------------------------------------
# FLY308 image-python-version (FLY309's cases are on the rule: flyte_lint/rules/config/discarded_image_builder.py)
# --------------------------------------------------------------------------------------------------------


def test_fly308_strings_and_floats(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Image

        a = Image.from_debian_base(python_version="3.11")  # expect: FLY308
        b = flyte.Image.from_debian_base(python_version=3.10)  # expect: FLY308
        c = Image.from_uv_script("x.py", name="n", python_version="3.12.1")  # expect: FLY308
        d = a.clone(python_version="3.13")  # expect: FLY308
        e = Image.from_debian_base("3.11")  # expect: FLY308
        f = Image.from_debian_base(python_version=(3, 11))
        g = Image.from_debian_base(python_version=[3, 12])
        h = Image.from_debian_base()
    """, select=["FLY308"])


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


def test_fly308_quiet_on_non_literals_and_look_alikes(tmp_path):
    check(tmp_path, """
        import sys
        import flyte
        from flytekit import ImageSpec

        a = flyte.Image.from_debian_base(python_version=sys.version_info[:2])
        b = ImageSpec(python_version="3.11")
    """, select=["FLY308"])


# --------------------------------------------------------------------------------------------------------
# FLY310 invalid-secret
# --------------------------------------------------------------------------------------------------------


def test_fly310_secrets(tmp_path):
    check(tmp_path, """
        import pathlib
        import flyte
        from flyte import Secret as S

        a = S("openai.api-key")  # expect: FLY310
        b = S(key="2fa-token")  # expect: FLY310
        c = S(key="k", group="my.group")  # expect: FLY310
        d = S(key="k", as_env_var="lower_case")  # expect: FLY310
        e = S(key="k", mount="/etc/secrets")  # expect: FLY310
        f = S(key="k", mount="/etc/flyte/secrets/")  # expect: FLY310
        g = S(key="k", mount=pathlib.Path("/etc/flyte/secrets/"))
        h = S(key="openai.key", mount="/etc/flyte/secrets")
        i = S(key="openai.key", as_env_var="OPENAI_KEY")
        j = S(key="openai-key", group="team-a")
        k = S(key="k", as_env_var="")
        env = flyte.TaskEnvironment("chat", secrets=["openai.key", "good-key", S("x.y")])  # expect: FLY310 FLY310
        env2 = flyte.TaskEnvironment("chat2", secrets="db/password")  # expect: FLY310
    """, select=["FLY310"])


def test_fly310_mount_and_env_var_is_a_warning(tmp_path):
    result = lint_result(tmp_path, """
        import flyte

        s = flyte.Secret(key="k", mount="/etc/flyte/secrets", as_env_var="API_KEY")
    """, select=["FLY310"])
    assert [(f.code, f.severity) for f in result.findings] == [("FLY310", Severity.WARNING)]
    assert "only as the env var" in result.findings[0].message


def test_fly310_messages(tmp_path):
    msgs = messages(tmp_path, """
        import flyte

        flyte.Secret("openai.api-key")
        flyte.Secret(key="k", as_env_var="api_key")
        t = flyte.TaskEnvironment("x", secrets="db/password")
    """, select=["FLY310"])
    assert '"OPENAI.API_KEY"' in msgs[0] and 'as_env_var="OPENAI_API_KEY"' in msgs[0] and "ValueError" in msgs[0]
    assert 'did you mean as_env_var="API_KEY"?' in msgs[1]
    assert "flyte deploy" in msgs[2] and 'as_env_var="DB_PASSWORD"' in msgs[2]


def test_fly310_quiet_on_non_literals_and_look_alikes(tmp_path):
    check(tmp_path, """
        import os
        import flyte
        from flytekit import Secret

        a = Secret(key="openai.key")
        b = flyte.Secret(key=os.environ["KEY"])
        c = flyte.Secret(key="openai.key", as_env_var=os.environ["VAR"])
        d = flyte.TaskEnvironment("x", secrets=os.environ["SECRETS"].split(","))
    """, select=["FLY310"])


# --------------------------------------------------------------------------------------------------------
# FLY311 trigger-inputs-mismatch
# --------------------------------------------------------------------------------------------------------


def test_fly311_unknown_keys_and_missing_inputs(tmp_path):
    check(tmp_path, """
        from datetime import datetime
        import flyte
        from flyte import Trigger as T

        env = flyte.TaskEnvironment("reports")
        nightly = T("nightly", flyte.Cron("0 2 * * *"), inputs={"run_date": flyte.TriggerTime, "region": "eu"})  # expect: FLY311 FLY311

        @env.task(triggers=nightly)
        def refresh(run_at: datetime, region: str = "us") -> str:
            return region

        @env.task(triggers=T.hourly())  # expect: FLY311
        def hourly(trigger_time: datetime, x: int = 1) -> str:
            return ""

        @env.task(triggers=(nightly, T.minutely("start")))  # nightly's run_date is reported above, with `start`
        def multi(start: datetime, region: str = "x") -> str:
            return ""

        @env.task(triggers=T.daily("when"))  # expect: FLY311
        def daily(at: datetime) -> str:
            return ""

        @env.task(triggers=T.weekly("when"))  # expect: FLY311 FLY311
        def weekly(at: datetime, n: int) -> str:
            return ""

        @env.task(triggers=[T("manual", inputs={"days": 3, "regoin": "eu"})])  # expect: FLY311
        def manual(days: int, region: str = "all") -> str:
            return ""
    """, select=["FLY311"])


def test_fly311_valid_triggers_are_quiet(tmp_path):
    check(tmp_path, """
        from datetime import datetime
        import flyte

        env = flyte.TaskEnvironment("reports")
        custom = flyte.Trigger("custom", flyte.Cron("0 0 * * *"), inputs={"start_time": flyte.TriggerTime, "x": 1})

        @env.task(triggers=flyte.Trigger.hourly("trigger_time"))
        def a(trigger_time: datetime, x: int = 1) -> str:
            return ""

        @env.task(triggers=(custom, flyte.Trigger.minutely("start_time")))
        def b(start_time: datetime, x: int = 11) -> str:
            return ""

        @env.task(triggers=flyte.Trigger("manual", inputs={"region": "all"}))
        def c(region: str = "all", days: int = 7) -> str:
            return ""

        @env.task(triggers=flyte.Trigger.daily())
        def d(x: int = 1) -> str:
            return ""
    """, select=["FLY311"])


def test_fly311_messages(tmp_path):
    msgs = messages(tmp_path, """
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
    """, select=["FLY311"])
    assert "TriggerTime input 'run_date' must be an input to the task" in msgs[0] and "did you mean `run_at`?" in msgs[0]
    assert len(msgs) == 3  # the misspelled key is reported once, not also as a missing input
    assert "missing inputs for variables [trigger_time]" in msgs[1] and 'flyte.Trigger.hourly("trigger_time")' in msgs[1]
    assert 'inputs={"trigger_time": flyte.TriggerTime, ...}' in msgs[2]


def test_fly311_cross_module_trigger_and_quiet_cases(tmp_path):
    check(tmp_path, """
        # file: triggers.py
        import flyte

        nightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"day": flyte.TriggerTime})  # expect: FLY311
        BASE = {"region": "eu"}
        # file: main.py
        import os
        from datetime import datetime
        import flyte
        from triggers import nightly, BASE

        env = flyte.TaskEnvironment("reports")

        @env.task(triggers=nightly)
        def refresh(when: datetime) -> str:  # (the missing input is reported with the misspelled key)
            return ""

        @env.task(triggers=flyte.Trigger("t", inputs={**BASE, "x": 1}))
        def splat(region: str, x: int, y: int) -> str:
            return ""

        @env.task(triggers=flyte.Trigger("t2", inputs=dict(os.environ)))
        def dynamic(a: str) -> str:
            return ""

        @env.task(triggers=[flyte.Trigger.hourly(os.environ["KEY"])])
        def dyn_key(a: datetime) -> str:
            return ""
    """, select=["FLY311"])


# --------------------------------------------------------------------------------------------------------
# FLY312 invalid-cron
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("expression", [
    "0 9 * * 7", "60 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 L * *", "5-1 * * * *", "*/0 * * * *",
    "0 0 * * * *", "0 0 * *", "@Hourly", "@reboot", "@every 5x", "TZ=UTC 0 9 * * *", "", "0 0 * 13 *",
    "0 0 * * MON#2", "1-2-3 * * * *", "*/5/2 * * * *",
])
def test_fly312_rejected_expressions(tmp_path, expression):
    found = lint(tmp_path, f'import flyte\nc = flyte.Cron("{expression}")\n', select=["FLY312"])
    assert found == [("FLY312", 2, "main.py")]


@pytest.mark.parametrize("expression", [
    "0 * * * *", "*/5 * * * *", "0 0 * * MON-FRI", "0 0 1 JAN *", "0 0 1 jan-mar *", "@hourly", "@daily",
    "@midnight", "@every 1h30m", "0 9 ? * 1", "0 9 1,15 * *", "0 0 * * sun", "5/15 * * * *", "0-30/10 1-5 * * *",
    "  0 0 * * *  ",
])
def test_fly312_accepted_expressions(tmp_path, expression):
    assert lint(tmp_path, f'import flyte\nc = flyte.Cron("{expression}")\n', select=["FLY312"]) == []


def test_fly312_timezones(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte import Cron

        a = Cron("0 9 * * *", timezone="America/New_York")
        b = Cron("0 9 * * *", "US/Eastern")
        c = Cron("0 9 * * *", timezone="EST5EDT")
        d = Cron("0 9 * * *", timezone="america/new_york")  # expect: FLY312
        e = Cron("0 9 * * *", timezone="Europe/Berln")  # expect: FLY312
        f = Cron("0 9 * * *", timezone="PST")  # expect: FLY312
    """, select=["FLY312"])
    msgs = messages(tmp_path / "m", """
        import flyte

        flyte.Cron("0 9 * * *", timezone="america/new_york")
        flyte.Cron("0 9 * * *", timezone="PST")
        flyte.Cron("0 9 * * 7")
    """, select=["FLY312"])
    assert 'did you mean "America/New_York"?' in msgs[0]
    assert 'did you mean "America/Los_Angeles"?' in msgs[1]
    assert "Sunday is 0" in msgs[2] and "deployed" in msgs[2]


def test_fly312_skips_timezones_without_a_tz_database(tmp_path, monkeypatch):
    from flyte_lint.rules import config_values

    monkeypatch.setattr(config_values, "known_timezones", lambda: frozenset())
    assert lint(tmp_path, 'import flyte\nc = flyte.Cron("0 9 * * *", timezone="Mars/Olympus")\n', select=["FLY312"]) == []


def test_fly312_quiet_on_non_literals_and_look_alikes(tmp_path):
    check(tmp_path, """
        import os
        import flyte
        from flytekit import CronSchedule
        from croniter import croniter

        a = flyte.Cron(os.environ["SCHEDULE"], timezone=os.environ["TZ"])
        b = CronSchedule(schedule="0 0 * * 7")
        c = croniter("0 0 0 0 0")
    """, select=["FLY312"])


# --------------------------------------------------------------------------------------------------------
# FLY313 reusable-sync-concurrency
# --------------------------------------------------------------------------------------------------------


def test_fly313_sync_tasks_in_concurrent_reusable_envs(tmp_path):
    check(tmp_path, """
        # file: envs.py
        import flyte

        POLICY = flyte.ReusePolicy(2, 30, 3)
        shared = flyte.TaskEnvironment("shared", reusable=POLICY)
        # file: main.py
        import flyte
        from flyte import ReusePolicy as RP
        from envs import shared
        import library

        env = flyte.TaskEnvironment("scoring", reusable=RP(replicas=2, concurrency=4))
        one = flyte.TaskEnvironment("one", reusable=RP(replicas=2, concurrency=1))
        clone = env.clone_with("clone")
        clone_off = env.clone_with("clone-off", reusable=None)

        @env.task  # expect: FLY313
        def sync_task(x: int) -> int:
            return x

        @env.task
        async def async_task(x: int) -> int:
            return x

        @one.task
        def sync_one(x: int) -> int:
            return x

        @clone.task  # expect: FLY313
        def sync_clone(x: int) -> int:
            return x

        @clone_off.task
        def sync_clone_off(x: int) -> int:
            return x

        @shared.task(retries=2)  # expect: FLY313
        def sync_shared(x: int) -> int:
            return x

        def plain(x: int) -> int:
            return x

        wrapped = env.task(plain)  # expect: FLY313
        wrapped_here = env.task(library.score)  # expect: FLY313
        # file: library.py
        def score(x: int) -> int:  # (a module that never mentions flyte: the finding is at the call above)
            return x
    """, select=["FLY313"])


def test_fly313_message_and_quiet_on_unknown_concurrency(tmp_path):
    msgs = messages(tmp_path, """
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
    """, select=["FLY313"])
    assert len(msgs) == 1 and "concurrency=4" in msgs[0] and "only supported for async tasks" in msgs[0] and "async def" in msgs[0]
