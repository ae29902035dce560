#!/usr/bin/env python
"""Generate ``flyte_lint/sdk/flyte_api.json`` from the installed Flyte 2 SDK.

flyte-lint never imports ``flyte`` at lint time. Everything it needs to know about
the SDK's public API (which names exist, call signatures, which callables have an
``.aio`` twin, accepted GPU strings, cache behaviours) is captured here, by
introspecting the real SDK, and committed as a JSON data table.

Usage (from the repository root, with an interpreter that has ``flyte`` installed)::

    python scripts/gen_sdk_table.py           # (re)write the table
    python scripts/gen_sdk_table.py --check   # exit 1 if the committed table is stale

``imports`` maps each flyte module the generator imports to what ``from <module> import <name>`` and
``import <module>.<child>`` reach (``module_imports``): its globals, the names its PEP 562 ``__getattr__`` loads
on first use (read from its source, then loaded: ``flyte.deploy``, ``flyte.io.DataFrame``), and its child
modules. A module missing there (one that failed to import here, a private one) is not known.

Facts are read off the SDK's own objects (``__all__``, ``inspect.signature``,
``typing.get_args`` on ``Literal`` annotations, return annotations, dataclass fields,
module constants, the source of ``TaskTemplate.override``) or established by calling
SDK validators, never typed in by hand. Anything that cannot be introspected is
skipped with a note on stderr.

Optional keys on a callable entry:

``returns``
    The ``callables`` key of the class that calling the entry produces (for a coroutine
    function: that awaiting its result produces), taken from the return annotation when
    it names exactly one ``flyte`` class (``Self`` and the class's own name included;
    ``Optional``/``Union``, builtins and containers are not recorded). A class reachable
    from a listed module is keyed by its public path (the shortest, then alphabetically
    first); any other class is keyed ``<defining module>.<qualname>`` and gets its own
    class and method entries, so that a chain such as
    ``flyte.with_runcontext(...).run(...)`` can be followed.
``pydantic_model``
    On a class entry: the class is a pydantic model. Its signature lists its fields as keyword-only, but
    what a missing or an unknown field does is the model's validators' and config's business (``flyte.io.File()``
    raises KeyError, ``flyte.io.File(path=..., bogus=1)`` is accepted); only a positional argument is surely
    a TypeError.
``pydantic_extra``
    With ``pydantic_model``: what the model does with a keyword that is no field, from its config: "ignore"
    (pydantic's default: the value is dropped silently, no error), "allow" (kept) or "forbid" (ValidationError).
``extra_keywords`` / ``rejected_keywords``
    On every ``override`` method of a ``TaskTemplate`` class: ``override(**kwargs)``
    hands unknown keywords to ``dataclasses.replace``, so besides its named parameters
    it accepts the template's other ``init`` fields (``extra_keywords``), except those
    it rejects with ``ValueError`` (``rejected_keywords``). Any other keyword fails at
    call time (``TypeError``; ``ValueError`` for an ``init=False`` field such as ``ref``).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import difflib
import functools
import importlib
import importlib.util
import inspect
import json
import logging
import pkgutil
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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

# Classes that are not publicly reachable but are returned by a recorded callable get
# their own entries, transitively; these bound that closure.
MAX_PRIVATE_CLASS_ROUNDS = 5
MAX_PRIVATE_CLASSES = 50


def note(msg: str) -> None:
    print(f"gen_sdk_table: note: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------------------
# Module discovery
# --------------------------------------------------------------------------------------


def _is_flyte_module_name(name: str | None) -> bool:
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
        except Exception as e:
            note(f"skipping module {name}: import failed ({type(e).__name__}: {e})")
            continue
        yield mod
        if info.ispkg:
            yield from _iter_public_submodules(mod)


def _top_level_defined_names(mod: types.ModuleType) -> list[str]:
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


def public_names(mod: types.ModuleType) -> list[str] | None:
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


def discover_modules() -> dict[str, types.ModuleType]:
    import flyte

    mods: dict[str, types.ModuleType] = {"flyte": flyte}
    for mod in _iter_public_submodules(flyte):
        mods[mod.__name__] = mod
    return mods


# --------------------------------------------------------------------------------------
# What each module lets ``from <module> import <name>`` and ``import <module>.<sub>`` reach
# --------------------------------------------------------------------------------------


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _string_constants(node: ast.AST, tables: dict[str, ast.AST]) -> set[str]:
    """The strings ``node`` spells out: a constant, a tuple/list/set of them, or a module-level table
    (dict keys, or a collection) it names."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(node, ast.Name) and node.id in tables:
        return _string_constants(tables[node.id], {})
    return set()


def _getattr_candidates(mod: types.ModuleType) -> set[str] | None:
    """The names a module's PEP 562 ``__getattr__`` compares its argument against, read from its source:
    ``name == "x"``, ``name in ("x", "y")``, ``name in TABLE``, ``TABLE.get(name)``, ``TABLE[name]`` (TABLE a
    module-level dict or collection literal). None when the source or the function cannot be read."""
    try:
        tree = ast.parse(inspect.getsource(mod))
    except (OSError, TypeError, SyntaxError):
        return None
    func = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"), None)
    if func is None or not func.args.args:
        return None
    param = func.args.args[0].arg
    tables: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            tables[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            tables[node.target.id] = node.value

    def is_param(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == param

    found: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Compare) and is_param(node.left):
            for comp in node.comparators:
                found |= _string_constants(comp, tables)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and is_param(node.args[0])
        ):
            found |= _string_constants(node.func.value, tables)
        elif isinstance(node, ast.Subscript) and is_param(node.slice):
            found |= _string_constants(node.value, tables)
    return found


def lazy_names(mod: types.ModuleType) -> list[str] | None:
    """The names ``mod`` loads on first use through a module ``__getattr__`` (PEP 562), which its globals lack
    until something asks (``flyte.deploy``, ``flyte.io.DataFrame``): the candidates its source names that
    ``getattr`` really resolves. [] without a ``__getattr__``; None when it has one whose names cannot be read,
    or that answers any name (then nobody can tell a name the module lacks)."""
    if "__getattr__" not in vars(mod):
        return []
    candidates = _getattr_candidates(mod)
    if not candidates:
        note(f"{mod.__name__}.__getattr__: cannot read which names it loads; its imports are not listed")
        return None
    names = []
    for name in sorted(candidates):
        try:
            with _quiet_logging():
                getattr(mod, name)
        except Exception as e:
            note(f"{mod.__name__}.__getattr__ names {name!r}, which does not load ({type(e).__name__}); skipped")
            continue
        names.append(name)
    try:
        with _quiet_logging():
            getattr(mod, _PROBE)
    except AttributeError:
        return names
    note(f"{mod.__name__}.__getattr__ answers any name; its imports are not listed")
    return None


def submodule_names(mod: types.ModuleType) -> list[str]:
    """Every child module of a package, private ones included (``import flyte._internal`` works), found on
    disk without importing them: what ``import <package>.<child>`` and ``from <package> import <child>`` reach."""
    path = getattr(mod, "__path__", None)
    return sorted(info.name for info in pkgutil.iter_modules(path)) if path is not None else []


def module_imports(mod: types.ModuleType) -> dict[str, list[str]] | None:
    """What importing from ``mod`` reaches (None: not known, leave its imports alone):

    ``names``: the module's globals once imported (public and private; dunders left out: which of them a module
    has, ``__warningregistry__`` say, depends on what ran), without its lazy names and submodules;
    ``lazy``: the names its ``__getattr__`` loads on first use; ``submodules``: its child modules."""
    lazy = lazy_names(mod)
    if lazy is None:
        return None
    subs = submodule_names(mod)
    prefix = mod.__name__ + "."
    names = sorted(
        name
        for name, value in vars(mod).items()
        if not _is_dunder(name)
        and name not in lazy
        and not (name in subs and inspect.ismodule(value) and value.__name__ == prefix + name)
    )
    return {"names": names, "lazy": lazy, "submodules": subs}


def build_imports(mods: dict[str, types.ModuleType]) -> dict[str, Any]:
    """``module_imports`` of every flyte module the walk imports (the public ones that import here)."""
    found = {}
    for name, mod in sorted(mods.items()):
        info = module_imports(mod)
        if info is not None:
            found[name] = info
    return found


# --------------------------------------------------------------------------------------
# Walk state
# --------------------------------------------------------------------------------------


class _Walk:
    """What the walk over the SDK collects before it becomes the table.

    (A plain class: the tests load this script without registering it in ``sys.modules``,
    where ``@dataclass`` cannot resolve string annotations.)
    """

    def __init__(self) -> None:
        self.callables: dict[str, Any] = {}
        # class entry path -> the class object it describes
        self.classes: dict[str, type] = {}
        # every class walked, with or without a class entry (no constructor signature)
        self.walked: set[type] = set()
        # callable path -> the flyte class its call (or await) produces, per its return annotation
        self.return_classes: dict[str, type] = {}


# --------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------


def _signature(obj: Any) -> inspect.Signature:
    return inspect.signature(obj)  # follows __wrapped__, so syncify wrappers show the real params


def _describe_signature(sig: inspect.Signature, *, strip_first: bool) -> dict[str, Any]:
    params = list(sig.parameters.values())
    if (
        strip_first
        and params
        and params[0].kind
        in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        )
    ):
        params = params[1:]
    out: list[dict[str, Any]] = []
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
    except Exception:
        return False
    return aio is not None and callable(aio)


def _is_coroutine_function(obj: Any) -> bool:
    """Whether calling ``obj`` returns a coroutine (something to ``await``)."""
    if inspect.iscoroutinefunction(obj):
        return True
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj):
        return False
    call = getattr(type(obj), "__call__", None)  # noqa: B004  (the class's own __call__, to inspect it)
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


def _entry(kind: str, sig_info: dict[str, Any], async_twin: bool, is_coro: bool) -> dict[str, Any]:
    return {"kind": kind, **sig_info, "async_twin": async_twin, "is_coroutine_function": is_coro}


# --------------------------------------------------------------------------------------
# Return annotations
# --------------------------------------------------------------------------------------


@functools.cache
def _module_import_table(module_name: str) -> dict[str, tuple[str, str | None]]:
    """Names a module binds with module-level imports, including those under
    ``if TYPE_CHECKING:`` (which string annotations often refer to but the module's
    globals lack): name -> (absolute module, attribute or None for ``import x``)."""
    mod = sys.modules.get(module_name)
    if mod is None:
        return {}
    try:
        tree = ast.parse(inspect.getsource(mod))
    except (OSError, TypeError, SyntaxError):
        return {}
    package = mod.__package__ or module_name.rpartition(".")[0]
    table: dict[str, tuple[str, str | None]] = {}

    def visit(stmts: list[ast.stmt]) -> None:
        for node in stmts:
            if isinstance(node, ast.ImportFrom):
                try:
                    base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                except (ImportError, ValueError):
                    continue
                for alias in node.names:
                    if alias.name != "*":
                        table.setdefault(alias.asname or alias.name, (base, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        table.setdefault(alias.asname, (alias.name, None))
                    else:
                        top = alias.name.split(".")[0]
                        table.setdefault(top, (top, None))
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return table


class _AnnotationNamespace(dict):
    """Globals for ``eval`` of a string annotation: the function's globals, then the
    names its module imports only for type checking, imported on first use."""

    def __init__(self, fn_globals: dict[str, Any], module_name: str | None, extra: dict[str, Any]):
        super().__init__(fn_globals)
        self.update(extra)
        self._imports = _module_import_table(module_name) if module_name else {}

    def __missing__(self, key: str) -> Any:
        if key not in self._imports:
            raise KeyError(key)
        mod_name, attr = self._imports[key]
        try:
            with _quiet_logging():
                mod = importlib.import_module(mod_name)
                value = mod if attr is None else getattr(mod, attr, None)
                if value is None:
                    value = importlib.import_module(f"{mod_name}.{attr}")
        except Exception as e:
            raise KeyError(key) from e
        self[key] = value
        return value


def _self_types() -> tuple[Any, ...]:
    found = [getattr(typing, "Self", None)]
    try:
        import typing_extensions

        found.append(getattr(typing_extensions, "Self", None))
    except ImportError:
        pass
    return tuple(t for t in found if t is not None)


def _eval_string_annotation(text: str, ns: dict[str, Any]) -> Any:
    """Evaluate a string annotation; if the whole expression cannot be evaluated, still
    resolve a bare (dotted) name, which is all a single-class annotation is."""
    try:
        return eval(text, ns)
    except Exception:
        pass
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    try:
        value = ns[node.id]
    except KeyError:
        return None
    for attr in reversed(parts):
        value = getattr(value, attr, None)
    return value


def _return_annotation(fn: Any, owner: type | None, defining: type | None) -> Any:
    """The resolved return annotation of ``fn`` (``inspect.Signature.empty`` if none).

    ``owner`` is the class the method is looked up on (what ``Self`` means), ``defining``
    the class whose body defines it (what its own name in a string annotation means).
    """
    func = getattr(fn, "__func__", fn)
    raw = getattr(func, "__annotations__", {}).get("return", inspect.Signature.empty)
    if raw is inspect.Signature.empty:
        return raw
    localns = {defining.__name__: defining} if defining is not None else None
    try:
        with _quiet_logging():
            value = typing.get_type_hints(func, localns=localns).get("return", inspect.Signature.empty)
    except Exception:
        value = raw
    ns = _AnnotationNamespace(getattr(func, "__globals__", {}), getattr(func, "__module__", None), localns or {})
    # ``-> "Image"`` under ``from __future__ import annotations`` is the string "'Image'":
    # each evaluation can leave another string (or ForwardRef) to evaluate
    for _ in range(3):
        if isinstance(value, typing.ForwardRef):
            value = value.__forward_arg__
        if not isinstance(value, str):
            break
        with _quiet_logging():
            value = _eval_string_annotation(value, ns)
    return value


def _flyte_class_of(tp: Any, owner: type | None) -> type | None:
    """The single ``flyte`` class an annotation denotes, or None.

    ``Self`` is the owner class; a parametrized SDK generic (``TaskTemplate[P, R, F]``) is
    its class. ``Optional``/``Union``, builtins, containers, ``type[...]``, TypeVars and
    anything defined outside the ``flyte`` package are None.
    """
    if tp is None or tp is inspect.Signature.empty:
        return None
    if owner is not None and any(tp is s for s in _self_types()):
        tp = owner
    origin = typing.get_origin(tp)
    if origin is not None and inspect.isclass(origin) and _is_flyte_module_name(origin.__module__):
        tp = origin
    if not inspect.isclass(tp) or not _is_flyte_module_name(getattr(tp, "__module__", None)):
        return None
    return tp


def _annotated_function(target: Any) -> Any:
    """The function whose return annotation describes what calling ``target`` yields."""
    if hasattr(target, "__wrapped__"):
        return inspect.unwrap(target)  # syncify wrappers, functools.wraps
    if inspect.isfunction(target) or inspect.ismethod(target):
        return target
    if callable(target) and not inspect.isclass(target) and not inspect.isbuiltin(target):
        return getattr(type(target), "__call__", None)  # noqa: B004  (the class's own __call__, to inspect it)
    return None


def _returned_class(target: Any, owner: type | None = None, defining: type | None = None) -> type | None:
    fn = _annotated_function(target)
    if fn is None:
        return None
    return _flyte_class_of(_return_annotation(fn, owner, defining), owner)


def _awaited_class(target: Any, owner: type | None = None, defining: type | None = None) -> type | None:
    """The flyte class that awaiting ``target.aio(...)`` produces, or None."""
    # syncify: ``.aio`` returns the wrapped coroutine's awaitable
    fn = inspect.unwrap(target) if hasattr(target, "__wrapped__") else getattr(target, "aio", None)
    if fn is None or not inspect.iscoroutinefunction(fn):
        return None  # async generators are iterated, not awaited
    return _flyte_class_of(_return_annotation(fn, owner, defining), owner)


def _add_with_twin(
    walk: _Walk,
    path: str,
    kind: str,
    target: Any,
    sig_info: dict[str, Any],
    owner: type | None = None,
    defining: type | None = None,
) -> None:
    """Record ``path`` (calling ``target``) and, if it has one, ``path.aio``.

    ``owner``/``defining`` are the class a method is recorded under and the class that
    defines it, for reading its return annotation.
    """
    callables = walk.callables
    twin = _has_async_twin(target)
    callables[path] = _entry(kind, sig_info, twin, _is_coroutine_function(target))
    returned = _returned_class(target, owner, defining)
    if returned is not None:
        walk.return_classes[path] = returned
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
    aio_coro = _aio_is_coroutine_function(target)
    callables[f"{path}.aio"] = _entry(kind, aio_info, False, aio_coro)
    if returned is not None and aio_coro:
        awaited = _awaited_class(target, owner, defining)
        if awaited is returned:
            walk.return_classes[f"{path}.aio"] = returned
        else:
            note(f"{path} returns {returned.__qualname__} but awaiting {path}.aio does not; no returns for the twin")


def _class_members(cls: type) -> Iterator[tuple[str, Any, type]]:
    """(name, raw attribute, defining class) for each public attribute resolved through
    the MRO and defined by an SDK (``flyte.*``) class. Attributes from ``object``, the
    standard library, pydantic, etc. are the other libraries' API, not Flyte's, and are
    left out."""
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
            yield name, raw, klass


def _is_pydantic_model(cls: type) -> bool:
    """A pydantic model: its constructor takes keywords only and validates them itself (a missing field is
    whatever its validators raise, an unknown keyword is dropped or kept per its config), so the signature
    says only that a positional argument is a TypeError."""
    return any(k.__name__ == "BaseModel" and k.__module__.startswith("pydantic") for k in cls.__mro__)


def _pydantic_extra(cls: type) -> str:
    """What the pydantic model does with a keyword that is no field (its ``model_config["extra"]``): "ignore"
    (pydantic's default: dropped silently), "allow" (kept) or "forbid" (ValidationError)."""
    extra = (getattr(cls, "model_config", None) or {}).get("extra") or "ignore"
    extra = getattr(extra, "value", extra)
    if extra not in ("ignore", "allow", "forbid"):
        raise RuntimeError(f"{_private_path(cls)}: model_config extra={extra!r} is not ignore/allow/forbid")
    return extra


def _add_class(walk: _Walk, path: str, cls: type) -> None:
    walk.walked.add(cls)
    try:
        info = _describe_signature(_signature(cls), strip_first=False)
    except (TypeError, ValueError) as e:
        note(f"no constructor signature for {path} ({e}); class entry skipped")
    else:
        walk.callables[path] = _entry("class", info, False, False)
        if _is_pydantic_model(cls):
            walk.callables[path]["pydantic_model"] = True
            walk.callables[path]["pydantic_extra"] = _pydantic_extra(cls)
        walk.classes[path] = cls

    for name, raw, defining in sorted(_class_members(cls), key=lambda item: item[0]):
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
        _add_with_twin(walk, mpath, kind, target, info, owner=cls, defining=defining)


def _add_object(walk: _Walk, path: str, obj: Any) -> None:
    if inspect.ismodule(obj):
        return
    if inspect.isclass(obj):
        _add_class(walk, path, obj)
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
    _add_with_twin(walk, path, "function", target, info)


def _private_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _class_keys(walk: _Walk) -> dict[type, str]:
    """Each recorded class's key: its shortest (then alphabetically first) path."""
    keys: dict[type, str] = {}
    for path in sorted(walk.classes, key=lambda p: (p.count("."), p)):
        keys.setdefault(walk.classes[path], path)
    return keys


def resolve_returns(walk: _Walk) -> None:
    """Turn recorded return classes into ``returns`` keys.

    A returned class that no listed module exposes is added under its defining module's
    path, with its public methods; their return classes are followed in turn, for at most
    MAX_PRIVATE_CLASS_ROUNDS rounds and MAX_PRIVATE_CLASSES classes.
    """
    added = 0
    for _round in range(MAX_PRIVATE_CLASS_ROUNDS + 1):
        pending = sorted({c for c in walk.return_classes.values() if c not in walk.walked}, key=_private_path)
        if not pending:
            break
        if _round == MAX_PRIVATE_CLASS_ROUNDS or added + len(pending) > MAX_PRIVATE_CLASSES:
            note(f"private return classes exceed the bound; not added: {[_private_path(c) for c in pending]}")
            break
        for cls in pending:
            path = _private_path(cls)
            if "<locals>" in path or path in walk.callables:
                note(f"cannot key private return class {path}; returns to it are dropped")
                walk.walked.add(cls)
                continue
            _add_class(walk, path, cls)
            added += 1
    keys = _class_keys(walk)
    for path, cls in sorted(walk.return_classes.items()):
        if cls in keys:
            walk.callables[path]["returns"] = keys[cls]
        else:
            note(f"{path} returns {_private_path(cls)}, which has no class entry; returns dropped")


# --------------------------------------------------------------------------------------
# TaskTemplate.override keywords
# --------------------------------------------------------------------------------------


def _override_rejected_keywords(override: Callable[..., Any]) -> list[str]:
    """Keywords ``override`` refuses, read from its source: the string constants that a
    loop over its ``**kwargs`` compares the key against before raising ``ValueError``."""
    var_kw = next(
        (p.name for p in inspect.signature(override).parameters.values() if p.kind is inspect.Parameter.VAR_KEYWORD),
        None,
    )
    if var_kw is None:
        raise RuntimeError(f"{override.__qualname__} no longer takes **kwargs")
    tree = ast.parse(textwrap.dedent(inspect.getsource(override)))
    rejected: set[str] = set()
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For):
            continue
        it = loop.iter  # for k, v in kwargs.items() / for k in kwargs
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute):
            it = it.func.value
        if not (isinstance(it, ast.Name) and it.id == var_kw):
            continue
        key = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) else loop.target
        if not isinstance(key, ast.Name):
            continue
        for node in ast.walk(loop):
            if not isinstance(node, ast.If):
                continue
            raises_value_error = any(
                isinstance(stmt, ast.Raise)
                and isinstance(stmt.exc, ast.Call)
                and isinstance(stmt.exc.func, ast.Name)
                and stmt.exc.func.id == "ValueError"
                for stmt in node.body
            )
            if not raises_value_error:
                continue
            for cmp in ast.walk(node.test):
                if (
                    isinstance(cmp, ast.Compare)
                    and isinstance(cmp.left, ast.Name)
                    and cmp.left.id == key.id
                    and len(cmp.ops) == 1
                    and isinstance(cmp.ops[0], (ast.Eq, ast.In))
                ):
                    comp = cmp.comparators[0]
                    elts = comp.elts if isinstance(comp, (ast.Tuple, ast.List, ast.Set)) else [comp]
                    for e in elts:
                        if isinstance(e, ast.Constant) and isinstance(e.value, str):
                            rejected.add(e.value)
    if not rejected:
        raise RuntimeError(f"found no rejected keywords in the source of {override.__qualname__}")
    return sorted(rejected)


def _override_named_params(override: Callable[..., Any]) -> set[str]:
    return {
        p.name
        for p in list(inspect.signature(override).parameters.values())[1:]
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    }


def _probe_template() -> Any:
    """A task template as ``@env.task`` builds it (nothing is run or deployed)."""
    import flyte

    env = flyte.TaskEnvironment(name="flyte_lint_probe_env")

    def probe(x: int) -> int:
        return x

    with _quiet_logging():
        return env.task(probe)


def _check_override_keywords(template: Any, rejected: list[str], extra: list[str]) -> None:
    """Call ``override`` on a real template: a rejected keyword is a ValueError, every
    extra keyword (given the value the template already holds) is accepted, and an
    unknown one is a TypeError."""
    for name in rejected:
        try:
            with _quiet_logging():
                template.override(**{name: getattr(template, name, None)})
        except ValueError:
            continue
        raise RuntimeError(f"TaskTemplate.override({name}=...) is accepted, expected ValueError")
    for name in extra:
        with _quiet_logging():
            template.override(**{name: getattr(template, name)})
    try:
        with _quiet_logging():
            template.override(**{_PROBE: 1})
    except TypeError:
        pass
    else:
        raise RuntimeError(f"TaskTemplate.override({_PROBE}=1) is accepted, expected TypeError")


def add_override_keywords(walk: _Walk) -> None:
    """``extra_keywords``/``rejected_keywords`` on each TaskTemplate class's ``override``."""
    from flyte._task import TaskTemplate

    base_override = TaskTemplate.override
    rejected = _override_rejected_keywords(base_override)
    named = _override_named_params(base_override)
    extra_by_class: dict[type, list[str]] = {}
    for path, cls in sorted(walk.classes.items()):
        mpath = f"{path}.override"
        if not (issubclass(cls, TaskTemplate) and mpath in walk.callables):
            continue
        if inspect.getattr_static(cls, "override") is not base_override:
            raise RuntimeError(f"{mpath} is not TaskTemplate.override; its keywords need reading anew")
        init_fields = {f.name for f in dataclasses.fields(cls) if f.init}
        missing = set(rejected) - init_fields
        if missing:
            raise RuntimeError(f"{mpath} rejects {sorted(missing)}, which are not fields of {cls.__qualname__}")
        extra = sorted(init_fields - named - set(rejected))
        extra_by_class[cls] = extra
        walk.callables[mpath]["extra_keywords"] = extra
        walk.callables[mpath]["rejected_keywords"] = list(rejected)

    template = _probe_template()
    if type(template) not in extra_by_class:
        raise RuntimeError(f"@env.task builds {_private_path(type(template))}, which has no override entry")
    _check_override_keywords(template, rejected, extra_by_class[type(template)])


def _closed_kwargs(fn: Any) -> list[str] | None:
    """For a function taking ``**kwargs`` that pops a few names from it and raises TypeError on anything
    left (``if kwargs: raise TypeError(...)``), the names it accepts; otherwise None."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn))))
    except (OSError, TypeError, SyntaxError):
        return None
    func = tree.body[0]
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or func.args.kwarg is None:
        return None
    name = func.args.kwarg.arg
    accepted = set()
    closed = False
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("pop", "get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            accepted.add(node.args[0].value)
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and any(isinstance(op, ast.In) for op in node.ops)
            and any(isinstance(c, ast.Name) and c.id == name for c in node.comparators)
        ):
            accepted.add(node.left.value)
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == name
            and any(
                isinstance(b, ast.Raise)
                and isinstance(b.exc, ast.Call)
                and getattr(b.exc.func, "id", "") == "TypeError"
                for b in node.body
            )
        ):
            closed = True
    return sorted(accepted) if closed else None


def add_closed_kwargs(walk: _Walk) -> None:
    """``extra_keywords`` for methods whose ``**kwargs`` accept only a fixed few names (clone_with)."""
    import flyte

    for path, entry in walk.callables.items():
        if not entry.get("var_keyword") or "extra_keywords" in entry or entry["kind"] == "class":
            continue
        owner_path, _, attr = path.rpartition(".")
        owner = walk.classes.get(owner_path)
        if owner is None:
            continue
        extra = _closed_kwargs(inspect.getattr_static(owner, attr, None) or getattr(owner, attr, None))
        if extra is not None:
            entry["extra_keywords"] = extra
    # Verified against the SDK: clone_with rejects anything else.
    env = flyte.TaskEnvironment("gen-sdk-table-probe")
    try:
        env.clone_with("gen-sdk-table-probe-2", bogus_keyword=1)
    except TypeError:
        pass
    else:  # pragma: no cover
        raise RuntimeError("clone_with accepted an unknown keyword; its extra_keywords need reading anew")
    env.clone_with("gen-sdk-table-probe-3", cache="auto")


# --------------------------------------------------------------------------------------
# GPU and cache facts
# --------------------------------------------------------------------------------------


def _literal_values(tp: Any) -> list[Any]:
    """All values of the ``Literal`` types inside ``tp`` (looking through Union/Optional)."""
    if typing.get_origin(tp) is typing.Literal:
        return list(typing.get_args(tp))
    values: list[Any] = []
    for arg in typing.get_args(tp):
        values.extend(_literal_values(arg))
    return values


def _resolved_hints(obj: Any) -> dict[str, Any]:
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


def build_gpu() -> dict[str, Any]:
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
    device_partitions: dict[str, list[str]] = {}
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


def build_cache_behaviors() -> dict[str, Any]:
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


def build_table() -> dict[str, Any]:
    """Introspect the installed SDK and return the table (a plain JSON-able dict)."""
    import flyte

    modules: dict[str, list[str]] = {}
    walk = _Walk()
    mods = discover_modules()
    for mod_name, mod in sorted(mods.items()):
        names = public_names(mod)
        if names is None:
            continue
        modules[mod_name] = names
        for name in names:
            _add_object(walk, f"{mod_name}.{name}", getattr(mod, name))
    resolve_returns(walk)
    add_override_keywords(walk)
    add_closed_kwargs(walk)
    callables = walk.callables

    missing = [p for p in REQUIRED_CALLABLES if p not in callables]
    if missing:
        raise RuntimeError(f"introspection did not produce required callables: {missing}")

    return {
        "flyte_version": flyte.__version__,
        "generated_by": GENERATED_BY,
        "task_environment_classes": task_environment_classes(modules),
        "modules": modules,
        "imports": build_imports(mods),
        "callables": dict(sorted(callables.items())),
        "gpu": build_gpu(),
        "cache_behaviors": build_cache_behaviors(),
    }


def task_environment_classes(modules: dict[str, list[str]]) -> list[str]:
    """Public paths of TaskEnvironment and its subclasses: calling one of them makes an environment."""
    import flyte

    found = set()
    for mod_name, names in modules.items():
        mod = importlib.import_module(mod_name)
        for name in names:
            obj = getattr(mod, name, None)
            if inspect.isclass(obj) and issubclass(obj, flyte.TaskEnvironment):
                found.add(f"{mod_name}.{name}")
    return sorted(found)


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _diff_summary(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines: list[str] = []
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


def main(argv: list[str] | None = None) -> int:
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
