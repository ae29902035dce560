"""FLY301, FLY302: arguments that the flyte API does not accept."""

from __future__ import annotations

from typing import Iterable

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.suggest import did_you_mean
from flyte_lint.model.values import EnvRef, External, Method, TaskRef, Value
from flyte_lint.rules.base import Finding, Fix, Rule, Suggestion, register, short, source_of
from flyte_lint.rules.calls._common import keyword_renamed, rename_keyword

suggest = did_you_mean  # (an alias of the model's: model/suggest.py)


# Keywords from Flyte 1 or other libraries, with where they belong in Flyte 2.
KEYWORD_HINTS = {
    ("flyte.Resources", "ephemeral_storage"): "disk",
    ("flyte.TaskEnvironment.task", "resources"): "set `resources=` on the TaskEnvironment, or per call with `t.override(resources=...)`",
    ("flyte.TaskEnvironment.task", "image"): "set `image=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "secrets"): "set `secrets=` on the TaskEnvironment, or per call with `t.override(secrets=...)`",
    ("flyte.TaskEnvironment.task", "depends_on"): "set `depends_on=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "env_vars"): "set `env_vars=` on the TaskEnvironment, or per call with `t.override(env_vars=...)`",
    ("flyte.TaskEnvironment.task", "requests"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "limits"): "set `resources=flyte.Resources(...)` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "container_image"): "set `image=` on the TaskEnvironment",
    ("flyte.TaskEnvironment.task", "cache_version"): "use `cache=flyte.Cache(behavior=\"auto\", version_override=...)`",
    # flyte 2.12.1's RetryStrategy(count, backoff) takes the whole pacing as one flyte.Backoff(base, factor, cap)
    **{("flyte.RetryStrategy", name): f"give the {part} as `{part}=` of the one backoff policy: "
                                      "`backoff=flyte.Backoff(base=..., factor=..., cap=...)`"
       for part, names in (("factor", ("backoff_factor", "factor", "multiplier", "backoff_multiplier", "exponent")),
                           ("cap", ("cap", "max_backoff", "backoff_cap", "max_delay", "backoff_max", "max_interval")),
                           ("base", ("base", "delay", "backoff_base", "initial_delay", "initial_backoff", "interval")))
       for name in names},
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
class ResourcesMem(Rule):
    code = "FLY301"
    symbol = "resources-mem"
    summary = "Reports `flyte.Resources(mem=...)`: Flyte 2 calls it `memory=`."
    rationale = (
        "`flyte.Resources` has no `mem` parameter (that is Flyte 1's spelling): the module fails to import with TypeError: unexpected keyword argument 'mem'."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", mem="2Gi"))
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))
    """
    fix = "Rename the keyword to `memory=`."
    fix_safety = "Safe: renames the keyword; the value is kept."
    runtime_effect = "TypeError"
    raises = "builtins.TypeError"  # (at the call: a deliberate ``except TypeError:`` probe around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.external_path != "flyte.Resources":
                continue
            given = {k.arg for k in call.node.keywords or []}
            for kw in call.node.keywords or []:
                if kw.arg == "mem":
                    fix = None if "memory" in given else Fix((rename_keyword(kw, "memory"),), True, "Rename to `memory=`")
                    yield self.finding(
                        call.module, kw,
                        "`flyte.Resources` has no `mem` parameter: it fails with TypeError. "
                        + ("Write `memory=`" if fix else "Remove it: `memory=` is given too"),
                        fix, suggestions=[Suggestion("memory=", fix.edits) if fix else None],
                    )


@register
class UnknownArgument(Rule):
    code = "FLY302"
    symbol = "unknown-argument"
    summary = "Reports a keyword argument that the flyte API being called does not accept."
    rationale = (
        "flyte's constructors and decorators reject unknown keywords with TypeError when the module is "
        "imported, so `flyte run` and `flyte deploy` fail before anything starts. Common causes are Flyte 1 "
        "options such as `@env.task(resources=...)` and `Resources(ephemeral_storage=...)`."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task(retries=2, resources=flyte.Resources(cpu="2"))
        def work() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="2"))

        @env.task(retries=2)
        def work() -> int:
            return 1
    """
    fix = "Use the parameter the API has (the message names the closest one), or move the option where it belongs."
    fix_safety = "Safe for `ephemeral_storage=` → `disk=` on `flyte.Resources`; other cases have no automatic fix."
    runtime_effect = "TypeError"
    raises = "builtins.TypeError"  # (at the call; a keyword `.override` rejects raises ValueError)

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
                        call.module, kw, f"`{_callee_text(call)}` rejects `{name}=`: it fails with ValueError ({name} cannot be overridden); {advice}",
                        raises="builtins.ValueError",
                        suggestions=[Suggestion("short_name=", (rename_keyword(kw, "short_name"),))
                                     if name == "name" and "short_name" not in given else None],
                    )
                    continue
                if name in accepted or open_ended:
                    continue
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
                    advice = suggest(name, accepted, given) or "; remove it"
                    suggestion = keyword_renamed(call.node, f"`{name}`{advice}")
                yield self.finding(
                    call.module, kw, f"`{_callee_text(call)}` has no parameter `{name}`: it fails with TypeError{advice}", fix,
                    suggestions=[suggestion],
                )


def _callee_text(call: ResolvedCall) -> str:
    """The callee as written, for a message (made only when there is a finding: as_string is not cheap)."""
    return short(source_of(call.module, call.node.func), 50)
