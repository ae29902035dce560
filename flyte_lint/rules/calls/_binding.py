"""How a task call's arguments bind to the task's signature, as the SDK binds them inside a run and Python
outside one (FLY106)."""

from __future__ import annotations

from flyte_lint.model.entities import Signature
from flyte_lint.model.kinds import ParamKind
from flyte_lint.model.suggest import did_you_mean
from flyte_lint.model.values import PartialRef


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def binding_problems(
    sig: Signature,
    positional: int,
    keywords: list[str],
    bound_positional: int = 0,
    bound_keywords: set[str] = frozenset(),
    in_run: bool = True,
    noun: str = "parameter",
    plain_error: str = "TypeError",
) -> list[str]:
    """What goes wrong when binding these arguments to ``sig``, and what happens at runtime.

    ``in_run``: the call goes through the SDK's input binding (a task called inside a run, or
    ``flyte.run``), which maps positional values onto the inputs in order and then checks the keyword
    count (flyte/models.py ``NativeInterface.convert_to_kwargs``). Otherwise it is a plain Python call
    (a task called outside a run, or ``.forward``), where every problem is a TypeError, which a task's own call
    re-raises as RuntimeUserError (``plain_error`` names what the call raises). ``noun``: what the
    messages call the task's parameters (a ContainerTask has inputs).
    """
    problems: list[str] = []
    slots = sig.positional
    names = [p.name for p in sig.params if p.kind != ParamKind.POSITIONAL_ONLY]
    total = bound_positional + positional
    if total > len(slots) and not sig.var_positional and bound_positional <= len(slots):
        problem = f"takes {_plural(len(slots), 'positional argument')} but {total} were given: "
        keyword_only = [p.name for p in sig.params if p.kind == ParamKind.KEYWORD_ONLY]
        if not in_run:
            problem += f"the call fails with {plain_error}"
        elif total <= len(sig.params):
            extra = ", ".join(f"`{n}`" for n in keyword_only[: total - len(slots)])
            problem += f"the SDK binds the extra value to keyword-only {extra} (a plain Python call raises TypeError)"
        else:
            problem += 'the call fails ("Too many positional arguments provided")'
        problems.append(problem + ". Remove the extra arguments or pass them by keyword")
    filled = {p.name for p in sig.params[:total]} if in_run else {p.name for p in slots[:total]}
    given = set(filled)
    for kw in list(keywords) + sorted(set(bound_keywords) - set(keywords)):
        if kw in filled:
            effect = (
                f"inside a run the SDK silently keeps the positional value and drops `{kw}=`"
                if in_run
                else f"the call fails with {plain_error}"
            )
            problems.append(f"gets `{kw}` both by position and by keyword: {effect}. Pass it once")
        given.add(kw)
    unknown = [kw for kw in keywords if sig.get(kw) is None and kw not in bound_keywords and not sig.var_keyword]
    too_many = len(given) > len(sig.params)
    for kw in unknown:
        if not in_run:
            effect = f"the call fails with {plain_error}"
        elif too_many:
            effect = 'the call fails ("Too many keyword arguments provided")'
        else:
            effect = "inside a run the SDK silently drops the value"
        advice = did_you_mean(kw, names, given) or f". Pass only the task's {noun}s"
        problems.append(f"has no {noun} `{kw}`: {effect}{advice}")
    missing = [p.name for p in sig.params if p.required and p.name not in given]
    if missing:
        listed = ", ".join(f"`{m}`" for m in missing)
        effect = (
            f'the call fails with "Missing required inputs: {", ".join(missing)}"'
            if in_run
            else f"the call fails with {plain_error}"
        )
        problems.append(
            f"is missing required input{'s' if len(missing) > 1 else ''} {listed}: {effect}. Pass {'them' if len(missing) > 1 else 'it'}"
        )
    return problems


def partial_problems(sig: Signature, partial: PartialRef) -> list[str]:
    """What ``functools.partial(task, ...)`` itself binds wrongly: values that can never reach the task."""
    problems: list[str] = []
    slots = sig.positional
    if partial.bound_positional > len(slots) and not sig.var_positional:
        problems.append(
            f"binds {partial.bound_positional} positional values but the task takes {len(slots)}: every call "
            "of the partial fails. Remove the extra values"
        )
    if not sig.var_keyword:
        names = [p.name for p in sig.params if p.kind != ParamKind.POSITIONAL_ONLY]
        for kw in sorted(partial.bound_keywords):
            if sig.get(kw) is None:
                problems.append(
                    f"binds `{kw}=`, which is not a parameter of the task: the value never arrives (inside a run "
                    f"the SDK drops it or rejects the call){did_you_mean(kw, names, partial.bound_keywords) or '. Remove it'}"
                )
    return problems
