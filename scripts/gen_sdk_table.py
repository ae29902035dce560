#!/usr/bin/env python
"""Generate ``flyte_lint/sdk/flyte_api.json`` from the installed Flyte 2 SDK.

flyte-lint never imports ``flyte`` at lint time. Everything it needs to know about
the SDK's public API (which names exist, call signatures, which callables have an
``.aio`` twin, accepted GPU strings, cache behaviours) is captured here, by
introspecting the real SDK, and committed as a JSON data table.

Usage (from the repository root, with an interpreter that has ``flyte`` installed)::

    python scripts/gen_sdk_table.py           # (re)write the table
    python scripts/gen_sdk_table.py --check   # exit 1 if the committed table is stale

Facts are read off the SDK's own objects (``__all__``, ``inspect.signature``,
``typing.get_args`` on ``Literal`` annotations, module constants) or established by
calling SDK validators, never typed in by hand. Anything that cannot be introspected
is skipped with a note on stderr.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import difflib
import functools
import importlib
import inspect
import json
import logging
import pkgutil
import sys
import types
import typing
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_PATH = REPO_ROOT / "flyte_lint" / "sdk" / "flyte_api.json"
GENERATED_BY = "scripts/gen_sdk_table.py"

# Paths the linter relies on. They are produced by the ordinary walk below; listing
# them here only makes generation fail loudly if an SDK change stops producing them.
REQUIRED_CALLABLES = (
    "flyte.TaskTemplate.override",
    "flyte.TaskTemplate.aio",
    "flyte.TaskTemplate.forward",
    "flyte.AsyncFunctionTaskTemplate.override",
    "flyte.AsyncFunctionTaskTemplate.aio",
    "flyte.AsyncFunctionTaskTemplate.forward",
    "flyte.TaskEnvironment.task",
    "flyte.Resources",
    "flyte.map",
    "flyte.map.aio",
    "flyte.run",
    "flyte.run.aio",
    "flyte.remote.Task.get",
)

_PARAM_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
}

_PROBE = "__flyte_lint_probe__"


def note(msg: str) -> None:
    print(f"gen_sdk_table: note: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------------------
# Module discovery
# --------------------------------------------------------------------------------------


def _is_flyte_module_name(name: Optional[str]) -> bool:
    return bool(name) and (name == "flyte" or name.startswith("flyte."))


def _iter_public_submodules(pkg: types.ModuleType) -> Iterator[types.ModuleType]:
    """Yield every importable public (no ``_`` component) submodule below ``pkg``, depth first."""
    path = getattr(pkg, "__path__", None)
    if path is None:
        return
    for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{pkg.__name__}.{info.name}"
        try:
            mod = importlib.import_module(name)
        except Exception as e:  # noqa: BLE001 - optional dependencies missing, etc.
            note(f"skipping module {name}: import failed ({type(e).__name__}: {e})")
            continue
        yield mod
        if info.ispkg:
            yield from _iter_public_submodules(mod)


def _top_level_defined_names(mod: types.ModuleType) -> List[str]:
    """Public names a module without ``__all__`` defines itself (from its source's top level)."""
    try:
        source = inspect.getsource(mod)
    except (OSError, TypeError):
        return []
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return sorted(n for n in names if not n.startswith("_") and hasattr(mod, n))


def public_names(mod: types.ModuleType) -> Optional[List[str]]:
    """The module's public API, or None if it should not be listed.

    A module with ``__all__`` exports exactly that. A direct child of ``flyte`` without
    ``__all__`` (``flyte.errors``, ``flyte.models``) exports the public names its own
    source defines at top level. Deeper modules without ``__all__`` are implementation
    files whose API is re-exported by their package, so they are not listed.
    """
    exported = getattr(mod, "__all__", None)
    if exported is not None:
        names = []
        for n in exported:
            if hasattr(mod, n):
                names.append(n)
            else:
                note(f"{mod.__name__}.__all__ lists {n!r}, which the module does not define; skipped")
        return sorted(set(names))
    if mod.__name__.count(".") == 1:
        names = _top_level_defined_names(mod)
        return names or None
    return None


def discover_modules() -> Dict[str, types.ModuleType]:
    import flyte

    mods: Dict[str, types.ModuleType] = {"flyte": flyte}
    for mod in _iter_public_submodules(flyte):
        mods[mod.__name__] = mod
    return mods


# --------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------


def _signature(obj: Any) -> inspect.Signature:
    return inspect.signature(obj)  # follows __wrapped__, so syncify wrappers show the real params


def _describe_signature(sig: inspect.Signature, *, strip_first: bool) -> Dict[str, Any]:
    params = list(sig.parameters.values())
    if strip_first and params and params[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        params = params[1:]
    out: List[Dict[str, Any]] = []
    var_positional = var_keyword = False
    for p in params:
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            var_positional = True
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = True
        else:
            out.append({"name": p.name, "kind": _PARAM_KINDS[p.kind], "required": p.default is inspect.Parameter.empty})
    return {"params": out, "var_positional": var_positional, "var_keyword": var_keyword}


def _has_async_twin(obj: Any) -> bool:
    """True if ``obj`` carries a callable ``.aio`` variant (the SDK's syncify wrapper, ``flyte.map``...)."""
    if inspect.isclass(obj):
        return False  # a class's own ``aio`` method is an instance method, recorded as its own entry
    try:
        aio = getattr(obj, "aio", None)
    except Exception:  # noqa: BLE001
        return False
    return aio is not None and callable(aio)


def _is_coroutine_function(obj: Any) -> bool:
    """Whether calling ``obj`` returns a coroutine (something to ``await``)."""
    if inspect.iscoroutinefunction(obj):
        return True
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj):
        return False
    call = getattr(type(obj), "__call__", None)
    return call is not None and inspect.iscoroutinefunction(call)


def _aio_is_coroutine_function(obj: Any) -> bool:
    """Whether ``obj.aio(...)`` returns a coroutine.

    The syncify wrapper's ``aio`` is a plain method that hands back the awaitable of the
    wrapped ``async def``; an ``async def`` generator (``flyte.map.aio``) is iterated with
    ``async for`` rather than awaited, so it is not a coroutine function.
    """
    aio = obj.aio
    if inspect.iscoroutinefunction(aio):
        return True
    if inspect.isasyncgenfunction(aio):
        return False
    wrapped = inspect.unwrap(obj) if hasattr(obj, "__wrapped__") else None
    return wrapped is not None and inspect.iscoroutinefunction(wrapped)


def _entry(kind: str, sig_info: Dict[str, Any], async_twin: bool, is_coro: bool) -> Dict[str, Any]:
    return {"kind": kind, **sig_info, "async_twin": async_twin, "is_coroutine_function": is_coro}


def _add_with_twin(
    callables: Dict[str, Any], path: str, kind: str, target: Any, sig_info: Dict[str, Any]
) -> None:
    """Record ``path`` (calling ``target``) and, if it has one, ``path.aio``."""
    twin = _has_async_twin(target)
    callables[path] = _entry(kind, sig_info, twin, _is_coroutine_function(target))
    if not twin:
        return
    if hasattr(target, "__wrapped__"):
        # syncify: ``.aio`` forwards its arguments untouched to the wrapped function
        aio_info = sig_info
    else:
        try:
            aio_info = _describe_signature(_signature(target.aio), strip_first=False)
        except (TypeError, ValueError) as e:
            note(f"no signature for {path}.aio ({e}); skipped")
            return
    callables[f"{path}.aio"] = _entry(kind, aio_info, False, _aio_is_coroutine_function(target))


def _class_members(cls: type) -> Iterator[Tuple[str, Any]]:
    """(name, raw attribute) for each public attribute resolved through the MRO and
    defined by an SDK (``flyte.*``) class. Attributes from ``object``, the standard library,
    pydantic, etc. are the other libraries' API, not Flyte's, and are left out."""
    seen = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, raw in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            if name.startswith("_") or not _is_flyte_module_name(getattr(klass, "__module__", None)):
                continue
            yield name, raw


def _add_class(callables: Dict[str, Any], path: str, cls: type) -> None:
    try:
        info = _describe_signature(_signature(cls), strip_first=False)
    except (TypeError, ValueError) as e:
        note(f"no constructor signature for {path} ({e}); class entry skipped")
    else:
        callables[path] = _entry("class", info, False, False)

    for name, raw in sorted(_class_members(cls), key=lambda item: item[0]):
        mpath = f"{path}.{name}"
        if isinstance(raw, staticmethod):
            kind, target, strip = "staticmethod", raw.__func__, False
        elif isinstance(raw, classmethod):
            kind, target, strip = "classmethod", raw.__func__, True
        elif isinstance(raw, (property, functools.cached_property)) or inspect.isclass(raw):
            continue
        elif inspect.isfunction(raw):
            kind, target, strip = "method", raw, True
        elif callable(raw) and hasattr(raw, "__wrapped__"):
            # a syncify wrapper stored directly in the class body; it remembers whether it
            # wrapped a classmethod so that it can bind to the owner
            underlying = getattr(raw, "_underlying_obj", None)
            kind = "classmethod" if isinstance(underlying, classmethod) else "method"
            target, strip = raw, True
        elif callable(raw) and _is_flyte_module_name(type(raw).__module__):
            # a callable helper object living on the class, called through the class
            kind, target, strip = "staticmethod", raw, False
        else:
            continue  # data attributes, enum members, dataclass defaults ...
        try:
            info = _describe_signature(_signature(target), strip_first=strip)
        except (TypeError, ValueError) as e:
            note(f"no signature for {mpath} ({e}); skipped")
            continue
        _add_with_twin(callables, mpath, kind, target, info)


def _add_object(callables: Dict[str, Any], path: str, obj: Any) -> None:
    if inspect.ismodule(obj):
        return
    if inspect.isclass(obj):
        _add_class(callables, path, obj)
        return
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        target = obj
    elif callable(obj) and _is_flyte_module_name(type(obj).__module__):
        # SDK callable objects: syncify wrappers (flyte.run, flyte.deploy) and
        # instances with __call__ (flyte.map); the signature is what the user calls
        target = obj
    else:
        return  # constants, loggers, typing aliases (Literal / Union), TypeVars ...
    try:
        info = _describe_signature(_signature(target), strip_first=False)
    except (TypeError, ValueError) as e:
        note(f"no signature for {path} ({e}); skipped")
        return
    _add_with_twin(callables, path, "function", target, info)


# --------------------------------------------------------------------------------------
# GPU and cache facts
# --------------------------------------------------------------------------------------


def _literal_values(tp: Any) -> List[Any]:
    """All values of the ``Literal`` types inside ``tp`` (looking through Union/Optional)."""
    if typing.get_origin(tp) is typing.Literal:
        return list(typing.get_args(tp))
    values: List[Any] = []
    for arg in typing.get_args(tp):
        values.extend(_literal_values(arg))
    return values


def _resolved_hints(obj: Any) -> Dict[str, Any]:
    return typing.get_type_hints(obj, include_extras=False)


@contextlib.contextmanager
def _quiet_logging() -> Iterator[None]:
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def _accepts(fn: Callable[[], Any]) -> bool:
    try:
        with _quiet_logging():
            fn()
    except ValueError:
        return False
    return True


def build_gpu() -> Dict[str, Any]:
    import flyte

    resources_mod = sys.modules[flyte.Resources.__module__]
    accelerators = _literal_values(_resolved_hints(flyte.Resources)["gpu"])
    if not accelerators:
        raise RuntimeError("flyte.Resources.gpu has no Literal of accelerator strings")

    gpu_hints = _resolved_hints(flyte.GPU)
    devices = _literal_values(gpu_hints["device"])
    quantities = _literal_values(gpu_hints["quantity"])
    all_partitions = sorted(set(_literal_values(gpu_hints["partition"])))

    # flyte.GPU validates partitions per device in code, not in a table, so ask it.
    # A device that accepts a nonsense partition does no validation: no MIG partitions known.
    device_partitions: Dict[str, List[str]] = {}
    for device in devices:
        if _accepts(lambda d=device: flyte.GPU(d, 1, partition=_PROBE)):
            device_partitions[device] = []
        else:
            device_partitions[device] = sorted(
                p for p in all_partitions if _accepts(lambda d=device, p=p: flyte.GPU(d, 1, partition=p))
            )

    deprecated = dict(getattr(resources_mod, "_DEPRECATED_GPU_ALIASES", {}))
    if not deprecated:
        note(f"{resources_mod.__name__} has no _DEPRECATED_GPU_ALIASES; gpu.deprecated is empty")
    for alias, current in deprecated.items():
        with _quiet_logging():
            got = flyte.GPU(alias, 1).device
        if got != current:
            raise RuntimeError(f"flyte.GPU({alias!r}) normalizes to {got!r}, table says {current!r}")
        accepted = [a for a in accelerators if isinstance(a, str) and a.split(":", 1)[0] == current]
        for acc in accepted[:1]:
            legacy = alias + acc[len(current) :]
            if not _accepts(lambda s=legacy: flyte.Resources(gpu=s)):
                raise RuntimeError(f"flyte.Resources(gpu={legacy!r}) is rejected, expected a deprecated alias")

    return {
        "accelerators": sorted(accelerators),
        "deprecated": dict(sorted(deprecated.items())),
        "devices": dict(sorted(device_partitions.items())),
        "gpu_quantities": sorted(quantities),
    }


def build_cache_behaviors() -> Dict[str, Any]:
    import flyte

    cache_mod = sys.modules[flyte.Cache.__module__]
    field = {f.name: f for f in dataclasses.fields(flyte.Cache)}["behavior"]
    field_type = field.type
    if isinstance(field_type, str):
        field_type = _resolved_hints(flyte.Cache)["behavior"]
    canonical = _literal_values(field_type)
    if not canonical:
        raise RuntimeError("flyte.Cache.behavior is not a Literal")
    aliases = dict(getattr(cache_mod, "_CACHE_BEHAVIOR_ALIASES", {}))
    if not aliases:
        note(f"{cache_mod.__name__} has no _CACHE_BEHAVIOR_ALIASES; cache_behaviors.aliases is empty")
    for alias, target in aliases.items():
        got = flyte.Cache(behavior=alias).behavior
        if got != target:
            raise RuntimeError(f"flyte.Cache(behavior={alias!r}) gives {got!r}, table says {target!r}")
    return {"canonical": sorted(canonical), "aliases": dict(sorted(aliases.items()))}


# --------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------


def build_table() -> Dict[str, Any]:
    """Introspect the installed SDK and return the table (a plain JSON-able dict)."""
    import flyte

    modules: Dict[str, List[str]] = {}
    callables: Dict[str, Any] = {}
    for mod_name, mod in sorted(discover_modules().items()):
        names = public_names(mod)
        if names is None:
            continue
        modules[mod_name] = names
        for name in names:
            _add_object(callables, f"{mod_name}.{name}", getattr(mod, name))

    missing = [p for p in REQUIRED_CALLABLES if p not in callables]
    if missing:
        raise RuntimeError(f"introspection did not produce required callables: {missing}")

    return {
        "flyte_version": flyte.__version__,
        "generated_by": GENERATED_BY,
        "modules": modules,
        "callables": dict(sorted(callables.items())),
        "gpu": build_gpu(),
        "cache_behaviors": build_cache_behaviors(),
    }


def render(table: Dict[str, Any]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _diff_summary(old: Dict[str, Any], new: Dict[str, Any]) -> List[str]:
    lines: List[str] = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            added = sorted(set(b) - set(a))
            removed = sorted(set(a) - set(b))
            changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
            lines.append(f"{key}: {len(added)} added, {len(removed)} removed, {len(changed)} changed")
            for label, items in (("+", added), ("-", removed), ("~", changed)):
                for item in items[:20]:
                    detail = ""
                    if label == "~" and isinstance(a[item], dict) and isinstance(b[item], dict):
                        fields = sorted(f for f in set(a[item]) | set(b[item]) if a[item].get(f) != b[item].get(f))
                        detail = f" ({', '.join(fields)})"
                    lines.append(f"  {label} {item}{detail}")
                if len(items) > 20:
                    lines.append(f"  {label} ... and {len(items) - 20} more")
        else:
            lines.append(f"{key}: {a!r} -> {b!r}")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table is out of date")
    args = parser.parse_args(argv)

    text = render(build_table())
    rel = OUTPUT_PATH.relative_to(REPO_ROOT)
    if args.check:
        current = OUTPUT_PATH.read_text(encoding="utf-8") if OUTPUT_PATH.exists() else ""
        if current == text:
            print(f"{rel} is up to date")
            return 0
        print(f"{rel} is out of date; run: python {GENERATED_BY}")
        print("differences (+ new in generated, - only in committed, ~ changed):")
        try:
            summary = _diff_summary(json.loads(current) if current else {}, json.loads(text))
        except json.JSONDecodeError:
            summary = []
        if summary:
            print("\n".join(summary))
        else:  # same data, different formatting
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), f"{rel} (committed)", f"{rel} (generated)", lineterm=""
            )
            print("\n".join(list(diff)[:60]))
        return 1

    OUTPUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT_PATH.write_text(text, encoding="utf-8")
    table = json.loads(text)
    print(f"wrote {rel}: {len(table['modules'])} modules, {len(table['callables'])} callables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
