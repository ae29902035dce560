"""Quiet where the author has guarded (issue 21, section 3).

- A call inside ``try:`` whose handler catches the exception a finding's failure raises is a deliberate probe
  (``try: env = flyte.TaskEnvironment(..., new_kw=1)`` / ``except TypeError: env = flyte.TaskEnvironment(...)``):
  the rules whose failure is that exception, raised right there, stay quiet (model/guards.py, ``Rule.raises``).
  A bare ``except:`` or ``except Exception:`` is no probe, nor a handler that re-raises, nor code in a handler.
- A flyte attribute the project reassigns (``flyte.Cache = MyCache``) is no longer the SDK's: no rule checks
  calls of it (model/rebinding.py).
- FLY302's (and FLY106's) "did you mean" never names a keyword the call already passes.

The SDK tests at the end prove, with flyte 2.12.1, that each silenced failure really is the exception the guard
catches, and that the guarded program then works.
"""

from __future__ import annotations

import textwrap

import pytest

from expectutil import check
from lintutil import lint, messages
from sdk_runner import requires_sdk, run_program

HEADER = """
import builtins
import contextlib
import flyte
import flyte as fl

env = flyte.TaskEnvironment("demo")

@env.task
def helper(x: int) -> int:
    return x
"""


def _src(body: str) -> str:
    return HEADER + textwrap.dedent(body)


# --------------------------------------------------------------------------------------------------------
# What counts as a guard
# --------------------------------------------------------------------------------------------------------


def test_typeerror_guard_forms_are_quiet(tmp_path):
    check(
        tmp_path,
        _src("""
        TE = TypeError
        ERRORS = (KeyError, TypeError)

        try:
            probe = flyte.TaskEnvironment("probe", new_kw=1)
        except TypeError:
            probe = flyte.TaskEnvironment("probe")

        try:
            r1 = flyte.Resources(mem="1Gi")
        except (ValueError, TypeError):
            r1 = flyte.Resources(memory="1Gi")

        try:
            r2 = fl.Resources(mem="1Gi")
        except builtins.TypeError:
            r2 = None

        try:
            r3 = fl.Resources(mem="1Gi")
        except TE:
            r3 = None

        try:
            r4 = fl.Resources(mem="1Gi")
        except ERRORS:
            r4 = None

        with contextlib.suppress(TypeError):
            r5 = flyte.Resources(mem="1Gi")

        try:
            try:
                r6 = flyte.Resources(mem="1Gi")
            except KeyError:
                r6 = None
        except TypeError:  # (an outer try guards the inner one's body)
            r6 = None

        try:
            @env.task(bogus=1)  # (a decorator runs where the def is: in the try)
            def probed() -> int:
                return 1
        except TypeError:
            @env.task
            def probed() -> int:
                return 1
    """),
    )


def test_except_star_a_suppress_alias_and_a_class_body_are_guards_too(tmp_path):
    check(
        tmp_path,
        _src("""
        from contextlib import suppress as quietly

        try:
            a = flyte.Resources(mem="1Gi")
        except* TypeError:
            a = None

        with quietly(KeyError, TypeError):
            b = flyte.Resources(mem="1Gi")

        try:
            class Settings:
                resources = flyte.Resources(mem="1Gi")  # (a class body runs where the class statement is)
        except TypeError:
            Settings = None

        def make():
            try:
                @env.task(bogus=1)  # expect: FLY109
                def probed() -> int:
                    return 1
            except TypeError:
                probed = None
            return probed
    """),
    )


def test_other_handlers_are_no_probe(tmp_path):
    check(
        tmp_path,
        _src("""
        try:
            a = flyte.Resources(mem="1Gi")  # expect: FLY301
        except ValueError:  # (not what it raises)
            a = None

        try:
            b = flyte.Resources(mem="1Gi")  # expect: FLY301
        except Exception:  # (a catch-all hides the bug; it is no version probe)
            b = None

        try:
            c = flyte.Resources(mem="1Gi")  # expect: FLY301
        except:  # noqa: E722
            c = None

        try:
            d = flyte.Resources(mem="1Gi")  # expect: FLY301
        except TypeError as exc:  # (re-raised: still fails)
            raise RuntimeError("upgrade flyte") from exc

        try:
            e = flyte.Resources(memory="1Gi")
        except TypeError:
            e = flyte.Resources(mem="1Gi")  # expect: FLY301
        else:
            e2 = flyte.Resources(mem="1Gi")  # expect: FLY301
        finally:
            e3 = flyte.Resources(mem="1Gi")  # expect: FLY301

        with contextlib.suppress(ValueError):
            f = flyte.Resources(mem="1Gi")  # expect: FLY301
    """),
    )


def test_a_guard_covers_only_its_own_function(tmp_path):
    check(
        tmp_path,
        _src("""
        def make_env():
            return flyte.TaskEnvironment("made", new_kw=1)  # expect: FLY302

        try:
            made = make_env()
        except TypeError:
            made = flyte.TaskEnvironment("made")

        try:
            def later():
                return flyte.Resources(mem="1Gi")  # expect: FLY301
            lazy = (flyte.Resources(mem="1Gi") for _ in range(2))  # expect: FLY301
        except TypeError:
            pass

        def probe_inside():
            try:
                return flyte.Resources(mem="1Gi")
            except TypeError:
                return flyte.Resources(memory="1Gi")
    """),
    )


def test_a_rebound_exception_name_is_no_guard(tmp_path):
    check(
        tmp_path,
        _src("""
        class TypeError(Exception):
            pass

        try:
            r = flyte.Resources(mem="1Gi")  # expect: FLY301
        except TypeError:
            r = None
    """),
    )


# --------------------------------------------------------------------------------------------------------
# Which rules honour it: by what the SDK raises
# --------------------------------------------------------------------------------------------------------


def test_rules_whose_failure_is_a_typeerror_honour_a_typeerror_guard(tmp_path):
    check(
        tmp_path,
        _src("""
        try:
            retry = flyte.RetryStrategy(count=3, backoff_factor=2.0)
        except TypeError:
            retry = flyte.RetryStrategy(count=3)

        try:
            cached = flyte.TaskEnvironment("cached", cache=True)
        except TypeError:
            cached = flyte.TaskEnvironment("cached", cache="auto")

        try:
            image = flyte.Image.from_debian_base(python_version=3.11)
        except TypeError:
            image = flyte.Image.from_debian_base(python_version=(3, 11))

        try:
            value = helper.forward(1, bogus=2)
        except TypeError:
            value = helper.forward(1)

        try:
            quick = helper.override(bogus=1)
        except TypeError:
            quick = helper.override(retries=1)
    """),
    )


def test_rules_whose_failure_is_not_a_typeerror_ignore_a_typeerror_guard(tmp_path):
    check(
        tmp_path,
        _src("""
        try:
            r = flyte.Resources(gpu="L40S:1", memory=4096)  # expect: FLY303 FLY305
            named = flyte.TaskEnvironment("MyEnv")  # expect: FLY306
            secret = flyte.Secret(key="openai.key")  # expect: FLY310
            renamed = helper.override(name="x")  # expect: FLY302
            image = flyte.Image.from_debian_base(python_version="3.11")  # expect: FLY308
        except TypeError:
            pass

        if __name__ == "__main__":
            try:
                helper(1, bogus=2)  # expect: FLY106
            # (a sync task's own call re-raises it as RuntimeUserError: the handler never runs, FLY115)
            except TypeError:  # expect: FLY115
                pass
    """),
    )


def test_valueerror_rules_honour_a_valueerror_guard(tmp_path):
    check(
        tmp_path,
        _src("""
        try:
            r = flyte.Resources(gpu="L40S:1", memory=4096)
            named = flyte.TaskEnvironment("MyEnv")
            secret = flyte.Secret(key="openai.key")
            renamed = helper.override(name="x")
        except ValueError:
            pass

        try:
            odd = flyte.Resources(memory="2GB")  # expect: FLY305
        except ValueError:  # (accepted by the SDK: the backend fails the task, nothing raises here)
            odd = None
    """),
    )


def test_fly304_raises_where_the_sdk_checks(tmp_path):
    check(
        tmp_path,
        _src("""
        try:
            @env.task(cache="always")
            def cached() -> int:
                return 1
        except ValueError:
            pass

        try:
            deco = env.task(cache="always")  # expect: FLY304
        except ValueError:  # (the decorator raises where it is applied, not here)
            deco = env.task

        try:
            later = flyte.TaskEnvironment("later", cache="always")  # expect: FLY304
        except ValueError:  # (raised by each @later.task, not by the env)
            later = None
    """),
        select=["FLY304"],
    )


def test_fly313_guard_around_the_def(tmp_path):
    check(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("scoring", reusable=flyte.ReusePolicy(replicas=1, concurrency=2))

        try:
            @env.task
            def score(x: int) -> int:
                return x
        except ValueError:
            @env.task
            async def score(x: int) -> int:
                return x

        @env.task  # expect: FLY313
        def unguarded(x: int) -> int:
            return x
    """,
        select=["FLY313"],
    )


def test_shell_and_container_task_failures(tmp_path):
    check(
        tmp_path,
        """
        import flyte
        from flyte.extras import ContainerTask, shell

        count = shell.create("count", image="debian:12-slim", inputs={"x": int}, script="echo {inputs.x}")
        hello = ContainerTask(name="hello", image="alpine", command=["echo"], inputs={"x": int})
        cenv = flyte.TaskEnvironment.from_task("cenv", hello)
        env = flyte.TaskEnvironment("demo", depends_on=[count.env, cenv])

        @env.task
        async def main(x: int) -> None:
            try:
                await count(x)
            except TypeError:
                await count(x=x)
            try:
                await count()
            except TypeError:
                pass
            try:
                await count.aio(x=x)
            except AttributeError:
                await count(x=x)
            try:
                hello.forward(x=x)
            except NotImplementedError:
                await hello(x=x)
            try:
                await count.aio(x=x)  # expect: FLY108
            except TypeError:
                pass
    """,
        select=["FLY106", "FLY108"],
    )


# --------------------------------------------------------------------------------------------------------
# A flyte attribute the project reassigns
# --------------------------------------------------------------------------------------------------------


def test_a_reassigned_flyte_attribute_is_not_checked(tmp_path):
    check(
        tmp_path,
        """
        import flyte
        import flyte as fl
        from flyte import Resources

        class MyCache:
            def __init__(self, behavior, *, version=None):
                self.behavior = behavior

        class MyResources:
            def __init__(self, **kwargs):
                self.kwargs = kwargs

        flyte.Cache = MyCache
        setattr(fl, "Resources", MyResources)

        cache = flyte.Cache("always", version="1")
        res = fl.Resources(mem="1Gi", gpu="L40S:1")
        res2 = Resources(mem="1Gi")
        env = flyte.TaskEnvironment("demo", cache=flyte.Cache(behavior="always"))
        secret = flyte.Secret(key="openai.key")  # expect: FLY310
    """,
    )


def test_a_reassignment_in_another_module_is_seen_under_an_alias(tmp_path):
    files = """
        # file: app/__init__.py
        # file: app/patches.py
        import flyte as fl

        class PatchedCache:
            def __init__(self, behavior, *, version=None):
                self.behavior = behavior

        def install():
            fl.Cache = PatchedCache
        # file: app/main.py
        import flyte
        from flyte import Cache

        from app import patches

        patches.install()
        a = flyte.Cache("auto", version="1")
        b = Cache("auto", version="1")
        r = flyte.Resources(mem="1Gi")  # expect: FLY301
    """
    check(tmp_path, files)
    # also when only main.py is named: the module it imports still patches flyte
    assert lint(tmp_path / "named", files, paths=["app/main.py"]) == [("FLY301", 9, "app/main.py")]


def test_look_alikes_and_temporary_patches_are_no_reassignment(tmp_path):
    check(
        tmp_path,
        """
        import flyte
        import other_lib

        class Holder:
            def __init__(self):
                self.Cache = object

        def test_patch(monkeypatch):
            monkeypatch.setattr(flyte, "Resources", dict)

        other_lib.Resources = dict
        flyte.Resources.__doc__ == "x"

        r = flyte.Resources(mem="1Gi")  # expect: FLY301
        c = flyte.Cache("auto", version="1")  # expect: FLY302
    """,
    )


def test_rebinding_an_imported_name_is_name_rebinding(tmp_path):
    check(
        tmp_path,
        """
        from flyte import Cache, Resources

        before = Resources(mem="1Gi")  # expect: FLY301

        class MyResources:
            def __init__(self, **kwargs):
                self.kwargs = kwargs

        Resources = MyResources
        after = Resources(mem="1Gi")

        def later():
            return Resources(mem="1Gi")  # (either binding: not known to be the SDK's)

        c = Cache("auto", version="1")  # expect: FLY302
    """,
    )


# --------------------------------------------------------------------------------------------------------
# "did you mean" never names a keyword the call already passes
# --------------------------------------------------------------------------------------------------------


def test_retry_strategy_backoff_factor_is_folded_into_the_backoff(tmp_path):
    [message] = messages(
        tmp_path,
        """
        from datetime import timedelta

        import flyte

        retry = flyte.RetryStrategy(count=3, backoff=timedelta(seconds=5), backoff_factor=2.0)
    """,
        select=["FLY302"],
    )
    assert "no parameter `backoff_factor`" in message, message
    assert "did you mean `backoff`" not in message, message
    assert "`backoff=flyte.Backoff(base=..., factor=..., cap=...)`" in message and "`factor=`" in message, message


@pytest.mark.parametrize(
    "call, name, taken",
    [
        ("flyte.Resources(cpu=1, cpus=2)", "cpus", "cpu"),
        ('flyte.Cache("auto", version_override="1", version_overide="2")', "version_overide", "version_override"),
        ('flyte.TaskEnvironment("a", images="x", image="y")', "images", "image"),
    ],
)
def test_fly302_never_suggests_a_keyword_already_passed(tmp_path, call, name, taken):
    [message] = messages(tmp_path, f"import flyte\n\nx = {call}\n", select=["FLY302"])
    assert f"no parameter `{name}`" in message and f"did you mean `{taken}`" not in message, message
    assert f"already passes `{taken}=`" in message, message


def test_fly302_override_name_with_short_name_given(tmp_path):
    [message] = messages(
        tmp_path,
        _src("""
        t = helper.override(short_name="fast", name="fast")
    """),
        select=["FLY302"],
    )
    assert "rejects `name=`" in message and "use `short_name=`" not in message, message


def test_fly301_mem_with_memory_given_says_remove(tmp_path):
    [message] = messages(tmp_path, "import flyte\n\nr = flyte.Resources(mem='1Gi', memory='2Gi')\n", select=["FLY301"])
    assert "Write `memory=`" not in message and "Remove" in message, message


def test_fly106_never_suggests_a_parameter_already_passed(tmp_path):
    found = messages(
        tmp_path,
        _src("""
        @env.task
        def train(epochs: int, lr: float = 0.1) -> float:
            return lr * epochs

        @env.task
        def main() -> float:
            return train(epochs=3, lr=0.1, lrr=0.01)
    """),
        select=["FLY106"],
    )
    assert len(found) == 1 and "did you mean `lr`" not in found[0] and "already passes `lr=`" in found[0], found


def test_fly106_outside_a_run_names_the_runtime_user_error(tmp_path):
    found = messages(
        tmp_path,
        _src("""
        if __name__ == "__main__":
            helper(1, bogus=2)
            helper.forward(1, bogus=2)
    """),
        select=["FLY106"],
    )
    assert len(found) == 2, found
    call, forward = sorted(found, key=lambda m: "RuntimeUserError" not in m)
    assert "RuntimeUserError" in call, call
    assert "TypeError" in forward and "RuntimeUserError" not in forward, forward


# --------------------------------------------------------------------------------------------------------
# The SDK: each silenced failure is the exception the guard catches, and the guarded program works
# --------------------------------------------------------------------------------------------------------

# (rule, the statement that fails, the exception it raises, the statement the author falls back to)
PROBES = [
    ("FLY301", 'res = flyte.Resources(mem="1Gi")', "TypeError", 'res = flyte.Resources(memory="1Gi")'),
    (
        "FLY302",
        'probe = flyte.TaskEnvironment("probe", new_kw=1)',
        "TypeError",
        'probe = flyte.TaskEnvironment("probe")',
    ),
    (
        "FLY302",
        "retry = flyte.RetryStrategy(count=3, backoff_factor=2.0)",
        "TypeError",
        "retry = flyte.RetryStrategy(count=3)",
    ),
    ("FLY302", "quick = helper.override(bogus=1)", "TypeError", "quick = helper.override(retries=1)"),
    ("FLY302", 'renamed = helper.override(name="x")', "ValueError", 'renamed = helper.override(short_name="x")'),
    (
        "FLY304",
        'cached = flyte.TaskEnvironment("cached", cache=True)',
        "TypeError",
        'cached = flyte.TaskEnvironment("cached", cache="auto")',
    ),
    (
        "FLY308",
        "image = flyte.Image.from_debian_base(python_version=3.11)",
        "TypeError",
        "image = flyte.Image.from_debian_base(python_version=(3, 11))",
    ),
    ("FLY106", "value = helper.forward(1, bogus=2)", "TypeError", "value = helper.forward(1)"),
    ("FLY203", "items = list(flyte.map.aio(helper, [1, 2]))", "TypeError", "items = []"),
    ("FLY403", 'ref = flyte.remote.Task.get("other.process")', "ValueError", "ref = None"),
    ("FLY303", 'gpu = flyte.Resources(gpu="L40S:1")', "ValueError", 'gpu = flyte.Resources(gpu="L40s:1")'),
    ("FLY305", "mem = flyte.Resources(memory=4096)", "ValueError", 'mem = flyte.Resources(memory="4Gi")'),
    ("FLY306", 'named = flyte.TaskEnvironment("MyEnv")', "ValueError", 'named = flyte.TaskEnvironment("my-env")'),
    (
        "FLY310",
        'secret = flyte.Secret(key="openai.key")',
        "ValueError",
        'secret = flyte.Secret(key="openai.key", as_env_var="OPENAI_KEY")',
    ),
]

PROBE_HEADER = """
import flyte

env = flyte.TaskEnvironment("probes")

@env.task
def helper(x: int) -> int:
    return x

outcomes = []
"""


def _guarded(index: int, failing: str, exception: str, fallback: str) -> str:
    return (
        f"try:\n    {failing}\n    outcomes.append('no error')\n"
        f"except {exception}:\n    outcomes.append('caught {exception} {index}')\n    {fallback}\n"
    )


GUARDED_PROGRAM = (
    PROBE_HEADER
    + "".join(_guarded(i, failing, exception, fallback) for i, (_, failing, exception, fallback) in enumerate(PROBES))
    + """
@env.task
def main() -> list:
    return outcomes
"""
)


@pytest.mark.parametrize("index", range(len(PROBES)), ids=[f"{p[0]}-{i}" for i, p in enumerate(PROBES)])
def test_each_probe_is_reported_unguarded_and_quiet_guarded(tmp_path, index):
    code, failing, exception, fallback = PROBES[index]
    bare = PROBE_HEADER + failing + "\n"
    assert [c for c, _, _ in lint(tmp_path / "bare", bare)] == [code]
    assert lint(tmp_path / "guarded", PROBE_HEADER + _guarded(index, failing, exception, fallback)) == []
    wrong = "ValueError" if exception == "TypeError" else "TypeError"
    assert [c for c, _, _ in lint(tmp_path / "wrong", PROBE_HEADER + _guarded(index, failing, wrong, fallback))] == [
        code
    ]


@requires_sdk
def test_sdk_each_guard_catches_the_failure_and_the_program_works(tmp_path):
    assert lint(tmp_path, GUARDED_PROGRAM) == []
    r = run_program(GUARDED_PROGRAM, entry="main")
    assert r.ok, r.summary()
    assert r.output == [f"caught {exception} {i}" for i, (_, _, exception, _) in enumerate(PROBES)], r.summary()


@requires_sdk
def test_sdk_a_guard_of_another_exception_does_not_catch_it(tmp_path):
    program = (
        PROBE_HEADER
        + _guarded(0, PROBES[0][1], "ValueError", PROBES[0][3])
        + """
@env.task
def main() -> list:
    return outcomes
"""
    )
    assert [c for c, _, _ in lint(tmp_path, program)] == ["FLY301"]
    r = run_program(program, entry="main")
    assert not r.ok and r.phase == "import" and "TypeError" in r.error_types, r.summary()


@requires_sdk
def test_sdk_a_task_called_outside_a_run_raises_runtime_user_error():
    r = run_program(
        PROBE_HEADER
        + """
def attempt(fn):
    try:
        fn()
        return "ok"
    except Exception as exc:
        return type(exc).__name__

results = [attempt(lambda: helper(1, bogus=2)), attempt(lambda: helper.forward(1, bogus=2))]

@env.task
def main() -> list:
    return results
""",
        entry="main",
    )
    assert r.ok and r.output == ["RuntimeUserError", "TypeError"], r.summary()


@requires_sdk
def test_sdk_a_reassigned_attribute_runs_the_projects_class():
    r = run_program(
        """
import flyte

class MyCache:
    def __init__(self, behavior, *, version=None):
        self.version = version

flyte.Cache = MyCache
made = flyte.Cache("always", version="1")

env = flyte.TaskEnvironment("patched")

@env.task
def main() -> str:
    return made.version
""",
        entry="main",
    )
    assert r.ok and r.output == "1", r.summary()


MAP_PROBE = """
import functools
import flyte

env = flyte.TaskEnvironment("maps")

@env.task
def scale(factor: int, x: int) -> int:
    return factor * x

@env.task
def main() -> str:
    try:
        return str(list(flyte.map(functools.partial(scale, factor=2), [1, 2])))
    except TypeError:
        return "caught TypeError"
"""


def test_fly202_partial_typeerror_honours_a_guard_where_the_map_is_iterated(tmp_path):
    assert lint(tmp_path / "guarded", MAP_PROBE) == []
    unguarded = MAP_PROBE.replace("    try:\n        return str(", "    if True:\n        return str(").replace(
        "    except TypeError:\n", "    else:\n"
    )
    assert [c for c, _, _ in lint(tmp_path / "bare", unguarded)] == ["FLY202"]
    deferred = MAP_PROBE.replace(
        "return str(list(flyte.map(functools.partial(scale, factor=2), [1, 2])))",
        "mapped = flyte.map(functools.partial(scale, factor=2), [1, 2])",
    )
    # (iterated elsewhere, if at all: not this guard's; FLY201 says it never is)
    # (FLY804 also reports the `-> str` task that now falls off its end: not this test's concern)
    assert [c for c, _, _ in lint(tmp_path / "deferred", deferred) if c.startswith("FLY2")] == ["FLY201", "FLY202"]


@requires_sdk
def test_sdk_fly202_partial_typeerror_is_caught_where_the_map_is_iterated():
    r = run_program(MAP_PROBE, entry="main")
    assert r.ok and r.output == "caught TypeError", r.summary()


def _run_findings(root, cache):
    from flyte_lint.config import Settings
    from flyte_lint.engine import Options, run

    result = run([root], Settings(), Options(), cwd=root, cache_dir=cache)
    assert not result.internal_errors, result.internal_errors
    return sorted((f.path, f.line, f.code) for f in result.findings)


def test_a_cached_finding_follows_a_patch_added_in_a_module_that_does_not_import_it(tmp_path):
    from lintutil import write_project

    files = {
        # (envs.py defines nothing its importers call: its cached findings depend on no importer by themselves;
        # the other importers of envs.py make the component large enough for an edit to be analysed alone)
        "envs.py": 'import flyte\n\nenv = flyte.TaskEnvironment("a", resources=flyte.Resources(mem="1Gi"))\n',
        "patches.py": "import flyte as fl\n",
        "main.py": "import patches\nfrom envs import env\n",
    }
    files.update({f"user{i}.py": "import flyte\nfrom envs import env\n" for i in range(6)})
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"
    for patched, expected in ((False, [("envs.py", 3, "FLY301")]), (True, []), (False, [("envs.py", 3, "FLY301")])):
        text = "import flyte as fl\n" + ("\nfl.Resources = dict\n" if patched else "")
        (root / "patches.py").write_text(text)
        assert _run_findings(root, cache) == expected == _run_findings(root, None), patched
