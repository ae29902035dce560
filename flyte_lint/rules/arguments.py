"""FLY106, FLY107, FLY301, FLY302: arguments that the task or the flyte API does not accept."""

from __future__ import annotations

import difflib
from typing import Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.entities import Signature
from flyte_lint.model.values import EnvRef, External, Method, PartialRef, RemoteTaskRef, TaskRef, Value
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, register, short, source_of


def is_static(call: nodes.Call, skip: int = 0) -> bool:
    """No ``*args`` or ``**kwargs`` in the call (after the first ``skip`` positional arguments)."""
    return not any(isinstance(a, nodes.Starred) for a in call.args[skip:]) and not any(
        k.arg is None for k in call.keywords or []
    )


def suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def binding_problems(
    sig: Signature, positional: int, keywords: list[str], bound_positional: int = 0, bound_keywords: set[str] = frozenset()
) -> list[str]:
    """What Python (and the SDK) would object to when binding these arguments to ``sig``."""
    problems: list[str] = []
    slots = sig.positional
    total = bound_positional + positional
    if total > len(slots) and not sig.var_positional:
        problems.append(f"takes {len(slots)} positional argument{'s' if len(slots) != 1 else ''} but {total} were given")
    filled = {p.name for p in slots[:total]}
    names = [p.name for p in sig.params if p.kind != "positional_only"]
    for kw in keywords:
        if kw in filled:
            problems.append(f"got multiple values for `{kw}`")
        elif sig.get(kw) is None and kw not in bound_keywords and not sig.var_keyword:
            problems.append(f"has no parameter `{kw}` (the SDK silently drops it){suggest(kw, names)}")
    given = filled | set(keywords) | set(bound_keywords)
    missing = [p.name for p in sig.params if p.required and p.name not in given]
    if missing:
        problems.append("is missing required input" + ("s " if len(missing) > 1 else " ") + ", ".join(f"`{m}`" for m in missing))
    return problems


@register
class TaskCallArguments(Rule):
    code = "FLY106"
    symbol = "task-call-arguments"
    summary = "Reports a task called with an unknown keyword, too many positional arguments, a missing required input or a value passed twice."
    rationale = (
        "Inside a run, the SDK binds a task call to the task's interface: an unknown keyword is silently "
        "dropped (the value you meant to pass never arrives), a missing input fails with \"Missing required "
        "inputs\", and extra positional arguments fail."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def train(epochs: int, lr: float = 0.1) -> float:
            return lr * epochs

        @env.task
        def main() -> float:
            return train(epochs=3, learning_rate=0.01)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def train(epochs: int, lr: float = 0.1) -> float:
            return lr * epochs

        @env.task
        def main() -> float:
            return train(epochs=3, lr=0.01)
    """
    fix = "Pass exactly the task's parameters, by their names."
    runtime_effect = "unknown keyword silently dropped"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.task is None or site.form in ("map", "map_aio", "remote"):
                continue
            call = site.node
            if not is_static(call):
                continue
            bound_pos, bound_kw = 0, set()
            if isinstance(site.callee, PartialRef):
                if not site.callee.static:
                    continue
                bound_pos, bound_kw = site.callee.bound_positional, site.callee.bound_keywords
            keywords = [k.arg for k in call.keywords or []]
            for problem in binding_problems(site.task.signature, len(call.args), keywords, bound_pos, bound_kw):
                yield self.finding(site.module, call, f"task '{site.task.name}' {problem}")
        for call in analysis.calls:
            yield from self._check_run(analysis, call)

    def _check_run(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        """``flyte.run(task, ...)`` binds the remaining arguments to the task's inputs."""
        if call.external_path not in ("flyte.run", "flyte.run.aio") or not call.node.args:
            return
        target = analysis.resolver.value_of(call.node.args[0])
        if not isinstance(target, TaskRef) or not is_static(call.node, skip=1):
            return
        keywords = [k.arg for k in call.node.keywords or []]
        for problem in binding_problems(target.task.signature, len(call.node.args) - 1, keywords):
            yield self.finding(call.module, call.node, f"task '{target.task.name}' run by `flyte.run` {problem}")


@register
class RemoteTaskPositionalArgs(Rule):
    code = "FLY107"
    symbol = "remote-task-positional-args"
    summary = "Reports positional arguments passed to a `flyte.remote.Task.get(...)` reference."
    rationale = "A remote task reference only takes keyword arguments: the SDK rejects the call with \"does not support positional arguments\"."
    bad = """
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: str) -> str:
            ref = remote.Task.get("other_env.process", auto_version="latest")
            return await ref(x)
    """
    good = """
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: str) -> str:
            ref = remote.Task.get("other_env.process", auto_version="latest")
            return await ref(x=x)
    """
    fix = "Pass every input by name: `await ref(x=...)`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            if site.form == "remote" and site.node.args:
                name = site.callee.name if isinstance(site.callee, RemoteTaskRef) else None
                label = f"remote task '{name}'" if name else "a remote task reference"
                yield self.finding(
                    site.module, site.node,
                    f"{label} is called with positional arguments: the SDK rejects them. Pass every input by keyword",
                )


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
    rationale = "`flyte.Resources` has no `mem` parameter (that is Flyte 1's spelling): the module fails to import with TypeError: unexpected keyword argument 'mem'."
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
                        "`flyte.Resources` has no `mem` parameter: it fails with TypeError. Write `memory=`",
                        fix,
                    )


def rename_keyword(kw: nodes.Keyword, new: str) -> Edit:
    start = (kw.lineno, kw.col_offset)
    return Edit(start, (kw.lineno, kw.col_offset + len(kw.arg)), new)


@register
class UnknownArgument(Rule):
    code = "FLY302"
    symbol = "unknown-argument"
    summary = "Reports a keyword argument that the flyte API being called does not accept."
    rationale = (
        "flyte's constructors and decorators reject unknown keywords with TypeError when the module is "
        "imported, so `flyte run` and `flyte deploy` fail before anything starts. Common causes are Flyte 1 "
        "options such as `@env.task(resources=...)` and `Resources(ephemeral_storage=...)`."
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

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            path = sdk_path(analysis, call.callee)
            info = sdk.callable_info(path) if path else None
            if info is None:
                continue
            accepted, open_ended = accepted_keywords(info)
            rejected = set(info.get("rejected_keywords", ()))
            given = {k.arg for k in call.node.keywords or []}
            shown = short(source_of(call.module, call.node.func), 50)
            for kw in call.node.keywords or []:
                name = kw.arg
                if name is None or (path == "flyte.Resources" and name == "mem"):
                    continue
                if name in rejected:
                    yield self.finding(call.module, kw, f"`{shown}` rejects `{name}=` (ValueError: it cannot be overridden)")
                    continue
                if name in accepted or open_ended:
                    continue
                hint = KEYWORD_HINTS.get((path, name))
                fix = None
                if hint and hint.isidentifier():
                    advice = f"; write `{hint}=`"
                    if hint not in given:
                        fix = Fix((rename_keyword(kw, hint),), True, f"Rename to `{hint}=`")
                elif hint:
                    advice = f"; {hint}"
                else:
                    advice = suggest(name, accepted)
                yield self.finding(
                    call.module, kw, f"`{shown}` has no parameter `{name}`: it fails with TypeError{advice}", fix
                )


