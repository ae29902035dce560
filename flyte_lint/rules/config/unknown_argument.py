"""FLY302 unknown-argument: a keyword argument the flyte API being called does not accept."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.source import rendered, short
from flyte_lint.model.suggest import did_you_mean
from flyte_lint.model.values import EnvRef, External, Method, TaskRef, Value
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._common import keyword_renamed, rename_keyword

# Keywords from Flyte 1 or other libraries, with where they belong in Flyte 2.
KEYWORD_HINTS = {
    ("flyte.Resources", "ephemeral_storage"): "disk",
    (
        "flyte.TaskEnvironment.task",
        "resources",
    ): "set `resources=` on the TaskEnvironment, or per call with `t.override(resources=...)`",
    ("flyte.TaskEnvironment.task", "image"): "set `image=` on the TaskEnvironment",
    (
        "flyte.TaskEnvironment.task",
        "secrets",
    ): "set `secrets=` on the TaskEnvironment, or per call with `t.override(secrets=...)`",
    ("flyte.TaskEnvironment.task", "depends_on"): "set `depends_on=` on the TaskEnvironment",
    (
        "flyte.TaskEnvironment.task",
        "env_vars",
    ): "set `env_vars=` on the TaskEnvironment, or per call with `t.override(env_vars=...)`",
    ("flyte.TaskEnvironment.task", "requests"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "limits"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "container_image"): "set `image=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "cache_version"): 'use `cache=flyte.Cache(behavior="auto", version_override=...)`',
    # flyte 2.12.1's RetryStrategy(count, backoff) takes the whole pacing as one flyte.Backoff(base, factor, cap)
    **{
        ("flyte.RetryStrategy", name): f"give the {part} as `{part}=` of the one backoff policy: "
        "`backoff=flyte.Backoff(base=..., factor=..., cap=...)`"
        for part, names in (
            ("factor", ("backoff_factor", "factor", "multiplier", "backoff_multiplier", "exponent")),
            ("cap", ("cap", "max_backoff", "backoff_cap", "max_delay", "backoff_max", "max_interval")),
            ("base", ("base", "delay", "backoff_base", "initial_delay", "initial_backoff", "interval")),
        )
        for name in names
    },
}


# What to do instead of a keyword that ``t.override(...)`` rejects.
REJECTED_HINTS = {
    "name": "to change the friendly name shown in the UI, use `short_name=`",
    "image": "run the task from an environment with that image, e.g. one made with `env.clone_with(..., image=...)`",
}


def sdk_path(analysis: Analysis, callee: Value) -> str | None:
    """The SDK table path of what a call invokes, for the flyte callables we model."""
    if isinstance(callee, External) and callee.is_flyte:
        return callee.path
    if isinstance(callee, Method):
        if isinstance(callee.owner, EnvRef):
            return f"flyte.TaskEnvironment.{callee.name}"
        if isinstance(callee.owner, TaskRef) and callee.name == "override":
            return "flyte.TaskTemplate.override"
    return None


def accepted_keywords(info: dict) -> tuple[set[str], bool]:
    names = {p["name"] for p in info["params"] if p["kind"] != "positional_only"}
    extra = info.get("extra_keywords")
    if extra is not None:
        return names | set(extra), False
    return names, bool(info.get("var_keyword"))


@register
class UnknownArgument(Rule):
    code = "FLY302"
    symbol = "unknown-argument"
    pylint_number = 13
    advice_elsewhere = (
        (
            r"on the TaskEnvironment|backoff=flyte\.Backoff|clone_with",
            "the keyword moves to another call (the TaskEnvironment, `t.override(...)`, a flyte.Backoff, a clone): the rewrite is not made at the reported place",
        ),
    )
    scope = Scope.IMPORTERS
    summary = "Reports a keyword argument that the flyte API being called does not accept."
    rationale = (
        "flyte's constructors and decorators reject unknown keywords with TypeError when the module is "
        "imported, so `flyte run` and `flyte deploy` fail before anything starts. Common causes are Flyte 1 "
        "options such as `@env.task(resources=...)` and `Resources(ephemeral_storage=...)`."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    fix = "Use the parameter the API has (the message names the closest one), or move the option where it belongs."
    fix_safety = "Safe for `ephemeral_storage=` → `disk=` on `flyte.Resources`; other cases have no automatic fix."
    raises = "builtins.TypeError"  # (at the call; a keyword `.override` rejects raises ValueError)

    runtime = RuntimeSpec(
        entry="work",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("TypeError", "resources"), phase="import"),
        good=Outcome(ok=True, output=1),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task(retries=2, resources=flyte.Resources(cpu="2"))  # expect: FLY302
            def work() -> int:
                return 1
            """,
            message="`env.task` has no parameter `resources`: it fails with TypeError; set `resources=` on the TaskEnvironment, or per call with `t.override(resources=...)`",
        ),
        Case(
            """
            import flyte

            res = flyte.Resources(cpu="2", ephemeral_storage="10Gi")  # expect: FLY302
            both = flyte.Resources(ephemeral_storage="10Gi", disk="20Gi")  # expect: FLY302
            """,
            fixed="""
            import flyte

            res = flyte.Resources(cpu="2", disk="10Gi")
            both = flyte.Resources(ephemeral_storage="10Gi", disk="20Gi")
            """,
            name="ephemeral-storage-fix",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")
            gpu = env.clone_with("gpu", bogus=1)  # expect: FLY302
            """,
            name="clone-with-unknown-keyword",
        ),
        Case(
            """
            import flyte.io

            f = flyte.io.File(path="s3://bucket/data.csv", nmae="data.csv")  # expect: FLY302
            """,
            message="`flyte.io.File` has no parameter `nmae`: pydantic drops it silently, so its value is lost; "
            "did you mean `name`?",
            name="pydantic-model-drops-unknown-keywords",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="2"))

            @env.task(retries=2)
            def work() -> int:
                return 1
            """,
        ),
        # flytekit here is on purpose: Flyte 1 migration rules would fire
        Case(
            """
            # file: main.py
            import flyte
            import flytekit
            import some_lib
            from other_lib import TaskEnvironment, Resources
            from local_env import Image

            opts = {"nme": "x"}
            env = flyte.TaskEnvironment("demo", **opts)
            res = flyte.Resources(cpu="1", **opts)
            a = some_lib.TaskEnvironment(nme="x")
            b = TaskEnvironment(nme="x")
            c = Resources(ephemeral_storage="1Gi")
            d = flytekit.Resources(ephemeral_storage="1Gi", mem="1Gi")
            e = Image.from_debian_base(pyhton_version=(3, 12))

            @flytekit.task(requests=flytekit.Resources(cpu="1"), cache_version="1")
            def legacy() -> int:
                return 1

            @env.task(**opts)
            def work() -> int:
                return 1
            # file: local_env.py
            class Image:
                @classmethod
                def from_debian_base(cls, **kwargs):
                    return cls()
            """,
            select=["FLY301"],
            name="quiet-on-splats-and-other-libraries",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def work(x: int) -> int:
                return x

            @env.task
            def main() -> int:
                return work.override(report=True, triggers=(), retries=1)(x=1)
            """,
            name="task-override-extra-keywords-are-accepted",
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")
            gpu = env.clone_with(
                "gpu", image="auto", resources=flyte.Resources(gpu=1), env_vars={"A": "1"}, secrets=[],
                depends_on=[env], description="d", interruptible=True, include=(), service_account="sa",
                cache="auto", reusable=None,
            )
            """,
            name="clone-with-valid-keywords",
        ),
        # A program that uses much of the API correctly (it runs under the real SDK) is clean.
        Case(
            """
            import asyncio
            from datetime import timedelta

            import flyte
            from flyte import Cache, Cron, FixedRate, Image, Resources, Secret, Trigger

            image = (
                Image.from_debian_base(python_version=(3, 11), name="img")
                .with_pip_packages("numpy", "pandas", pre=False)
                .with_apt_packages("git")
                .with_env_vars({"A": "1"})
            )
            env = flyte.TaskEnvironment(
                name="demo",
                image=image,
                resources=Resources(cpu=(1, 2), memory=("1Gi", "2Gi"), gpu="A100:1", disk="10Gi", shm="auto"),
                secrets=[Secret(key="token", as_env_var="TOKEN"), Secret(key="k", group="g")],
                env_vars={"X": "1"},
                cache=Cache(behavior="auto", version_override="v1", serialize=True, ignored_inputs=("x",), salt="s"),
                reusable=flyte.ReusePolicy(replicas=2, idle_ttl=60, concurrency=1),
            )
            cron = Trigger(name="nightly", automation=Cron("0 0 * * *", timezone="UTC"), inputs={"x": 1})
            rate = Trigger("every", FixedRate(60), inputs={"x": 1})

            @env.task(cache="auto", retries=3, timeout=timedelta(minutes=5), triggers=(cron, rate), short_name="w")
            async def work(x: int) -> int:
                with flyte.group("inner"):
                    return x

            @env.task
            async def main(xs: list[int]) -> list[int]:
                out = [r async for r in flyte.map.aio(work, xs, group_name="g", concurrency=2, return_exceptions=False)]
                out += await asyncio.gather(*[work.override(retries=1, cache="disable", timeout=60).aio(x=x) for x in xs])
                return out

            if __name__ == "__main__":
                flyte.init()
                run = flyte.with_runcontext(mode="local", name="n", env_vars={"A": "1"}, overwrite_cache=True).run(main, xs=[1])
                print(run)
            """,
            name="quiet-on-wide-valid-usage",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            path = sdk_path(analysis, call.callee)
            info = sdk.callable_info(path) if path else None
            if info is None:
                continue
            accepted, open_ended = accepted_keywords(info)
            rejected = set(info.get("rejected_keywords", ()))
            given = {k.arg for k in call.node.keywords or []}
            for kw in call.node.keywords or []:
                name = kw.arg
                if name is None or (path == "flyte.Resources" and name == "mem"):
                    continue
                if name in rejected:
                    advice = REJECTED_HINTS.get(name, "remove it")
                    if name == "name" and "short_name" in given:
                        advice = "remove it (the call already passes `short_name=`)"
                    yield self.finding(
                        call.module,
                        kw,
                        f"`{_callee_text(call)}` rejects `{name}=`: it fails with ValueError ({name} cannot be overridden); {advice}",
                        raises="builtins.ValueError",
                        suggestions=[
                            Suggestion("short_name=", (rename_keyword(kw, "short_name"),))
                            if name == "name" and "short_name" not in given
                            else None
                        ],
                    )
                    continue
                if name in accepted or open_ended or info.get("pydantic_extra") == "allow":
                    continue
                # a pydantic model (extra="ignore", pydantic's default: flyte.io.File...) drops it without an error
                dropped = info.get("pydantic_extra") == "ignore"
                effect = "pydantic drops it silently, so its value is lost" if dropped else "it fails with TypeError"
                hint = KEYWORD_HINTS.get((path, name))
                fix = None
                suggestion = None
                if hint and hint.isidentifier():
                    advice = f"; write `{hint}=`" if hint not in given else f"; remove it: `{hint}=` is given too"
                    if hint not in given:
                        fix = Fix((rename_keyword(kw, hint),), True, f"Rename to `{hint}=`")
                        suggestion = Suggestion(f"{hint}=", fix.edits)
                elif hint:
                    advice = f"; {hint}"
                else:
                    advice = did_you_mean(name, accepted, given) or "; remove it"
                    suggestion = keyword_renamed(call.node, f"`{name}`{advice}")
                yield self.finding(
                    call.module,
                    kw,
                    f"`{_callee_text(call)}` has no parameter `{name}`: {effect}{advice}",
                    fix,
                    suggestions=[suggestion],
                    raises=None if dropped else self.raises,
                )


def _callee_text(call: ResolvedCall) -> str:
    """The callee as written, for a message (made only when there is a finding: as_string is not cheap)."""
    return short(rendered(call.node.func), 50)
