"""The arguments of a call as written: by keyword, by position, or by an SDK callable's parameter names.

Nothing here resolves names: these read the call's syntax only (see Resolver for what a callee is).
"""

from __future__ import annotations

from astroid import nodes

from flyte_lint import sdk


def keyword_argument(call: nodes.Call | None, keyword: str) -> nodes.NodeNG | None:
    """The value ``call`` passes as ``keyword=`` (None: not passed by that keyword, or no call)."""
    for kw in (call.keywords or []) if call is not None else []:
        if kw.arg == keyword:
            return kw.value
    return None


def argument(call: nodes.Call, index: int | None, keyword: str) -> nodes.NodeNG | None:
    """The argument of ``call`` given by ``keyword``, or at position ``index`` (None: keyword only); a position
    at or after a ``*starred`` argument is not known."""
    found = keyword_argument(call, keyword)
    if (
        found is None
        and index is not None
        and len(call.args) > index
        and not any(isinstance(a, nodes.Starred) for a in call.args[: index + 1])
    ):
        found = call.args[index]
    return found


def is_static(call: nodes.Call, skip: int = 0) -> bool:
    """No ``*args`` or ``**kwargs`` in the call (after the first ``skip`` positional arguments): every argument
    it passes can be read from the call."""
    return not any(isinstance(a, nodes.Starred) for a in call.args[skip:]) and not any(
        k.arg is None for k in call.keywords or []
    )


def sdk_arguments(call: nodes.Call, path: str) -> dict[str, nodes.NodeNG]:
    """The arguments of a call to the SDK callable ``path``, by parameter name (positional ones mapped with
    the SDK table's signature). Positional arguments from a ``*starred`` one on are not mapped."""
    info = sdk.callable_info(path)
    params = [p["name"] for p in (info or {}).get("params", ()) if p["kind"] != "keyword_only"]
    found: dict[str, nodes.NodeNG] = {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, nodes.Starred) or index >= len(params):
            break
        found[params[index]] = arg
    for kw in call.keywords or []:
        if kw.arg:
            found[kw.arg] = kw.value
    return found
