"""FLY321 sdk-call-arguments: a call of a flyte API whose arguments its signature rejects (too many positional, a
missing required one, one given twice)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import is_static
from flyte_lint.model.source import rendered, short
from flyte_lint.model.values import External
from flyte_lint.rules.base import Finding, Outcome, Rule, RuntimeSpec, Scope, register
from flyte_lint.rules.config._sdk_call_arguments_cases import INVALID_CASES, VALID_CASES
from flyte_lint.rules.config.unknown_argument import accepted_keywords, sdk_path


@register
class SdkCallArguments(Rule):
    code = "FLY321"
    symbol = "sdk-call-arguments"
    pylint_number = 63
    scope = Scope.IMPORTERS  # (like FLY302: a task's `.override` depends on task-ness)
    raises = "builtins.TypeError"
    summary = (
        "Reports a call of a flyte API with more positional arguments than it takes, without a required argument, "
        "or with one argument given twice."
    )
    rationale = (
        "Python binds a call's arguments to the callee's signature before the callee runs: too many positional "
        'arguments (`flyte.io.File("s3://...")`: File takes its fields by keyword), a required parameter '
        "left out (`FastAPIAppEnvironment(app)`: the app lands on `name`, and the keyword-only `app` is missing) or "
        "one given by position and by keyword raise TypeError at the call. At module level the module fails to "
        "import; in a task the task fails in a local run and in the cluster. The signatures are those of the SDK "
        "flyte-lint's table was generated from (which FLY302 reads for unknown keywords). Calls that pass `*args` or "
        "`**kwargs` cannot be checked and are left alone; so is a missing field of a pydantic model "
        "(`flyte.io.File`...), which its validators report in their own way. With a `target-flyte-version` of "
        "another minor version than the table's, nothing is reported."
        " Severity: error: the call raises TypeError wherever it runs: at import, in a local run and in the cluster."
    )
    fix = (
        "Pass what the signature takes: keyword-only parameters by keyword (`flyte.io.File(path=...)`, "
        "`FastAPIAppEnvironment(name=..., app=app)`), every required argument, each argument once."
    )
    runtime = RuntimeSpec(
        entry="main",
        bad=Outcome(ok=False, error_contains=("TypeError", "takes 1 positional argument but 2 were given")),
        good=Outcome(ok=True, output="s3://bucket/data.csv"),
    )
    INVALID = INVALID_CASES
    VALID = VALID_CASES

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        if not sdk.describes(analysis.target_flyte_version):
            return
        for call in analysis.calls:
            path = sdk_path(analysis, call.callee)
            info = sdk.callable_info(path) if path else None
            if info is None or not is_static(call.node) or not _bound_as_recorded(analysis, call, path, info):
                continue
            message = _problem(call, path, info)
            if message is not None:
                yield self.finding(call.module, call.node, message)


def _bound_as_recorded(analysis: Analysis, call: ResolvedCall, path: str, info: dict) -> bool:
    """The table records a method without ``self``: right for a call through an instance (``image.clone(...)``,
    ``env.task(...)``), not for one through the class (``flyte.Image.clone(image, ...)``), which is left alone."""
    if info["kind"] != "method" or not isinstance(call.callee, External):
        return True
    func = call.node.func
    receiver = func.expr if isinstance(func, nodes.Attribute) else None
    if path.endswith(".aio") and isinstance(receiver, nodes.Attribute):
        receiver = receiver.expr  # (`run.wait.aio()`: the instance is `run`)
    return receiver is not None and not isinstance(analysis.resolver.value_of(receiver), External)


def _problem(call: ResolvedCall, path: str, info: dict) -> str | None:
    """What the SDK's argument binding rejects in the call, as the message says it; None: nothing."""
    node = call.node
    params = info["params"]
    positional = [p for p in params if p["kind"] != "keyword_only"]
    given_kw = [k.arg for k in node.keywords or []]
    shown = f"`{short(rendered(node.func), 50)}`"
    n_args = len(node.args)
    if n_args > len(positional) and not info["var_positional"]:
        return _too_many(shown, positional, params, n_args)
    if info.get("pydantic_model"):
        return None  # (a missing field is the model's validators' business)
    for index, param in enumerate(positional[:n_args]):
        if param["kind"] == "positional_or_keyword" and param["name"] in given_kw:
            name = param["name"]
            return (
                f"{shown} gets `{name}` twice, as positional argument {index + 1} and as `{name}=`: it fails with "
                f"TypeError (multiple values for argument '{name}'); keep one of them"
            )
    if _unknown_keyword(info, given_kw):
        return None  # (FLY302 reports the keyword, which is likely the missing argument misspelt)
    filled = {p["name"] for p in positional[:n_args]} | set(given_kw)
    missing = [p for p in params if p["required"] and p["name"] not in filled]
    if not missing:
        return None
    kinds = "keyword-only " if all(p["kind"] == "keyword_only" for p in missing) else ""
    names = ", ".join(f"`{p['name']}`" for p in missing)
    plural = "s" if len(missing) > 1 else ""
    how = ", ".join(f"`{p['name']}=...`" for p in missing)
    return (
        f"{shown} is missing {len(missing)} required {kinds}argument{plural} {names}: it fails with TypeError; "
        f"give {'them' if plural else 'it'} ({how})"
    )


def _too_many(shown: str, positional: list[dict], params: list[dict], given: int) -> str:
    takes = len(positional)
    counted = f"{takes} positional argument{'s' if takes != 1 else ''}" if takes else "no positional arguments"
    keyword_only = [p["name"] for p in params if p["kind"] == "keyword_only"]
    extra = given - takes
    if keyword_only:
        names = ", ".join(f"`{n}=`" for n in keyword_only[: max(extra, 1) + 1])
        advice = (
            f"give the last {extra} by keyword (it takes {names}{', ...' if len(keyword_only) > extra + 1 else ''})"
        )
        if extra == 1:
            advice = advice.replace("the last 1", "the last one")
    else:
        advice = f"remove the last {extra}" if extra > 1 else "remove the last one"
    return f"{shown} takes {counted} but {given} {'were' if given != 1 else 'was'} given: it fails with TypeError; {advice}"


def _unknown_keyword(info: dict, given: list[str | None]) -> bool:
    accepted, open_ended = accepted_keywords(info)
    rejected = set(info.get("rejected_keywords", ()))
    return any(k is not None and (k in rejected or (k not in accepted and not open_ended)) for k in given)
