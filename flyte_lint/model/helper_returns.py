"""What calling a project helper function gives: a remote task reference it returns (or caches), or a
``flyte.map`` it returns (a part of Resolver)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.model.scopes import SCOPE_NODES, agree, own_returns
from flyte_lint.model.values import (
    UNKNOWN,
    External,
    FunctionRef,
    RemoteTaskRef,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

    _Base = Resolver
else:
    _Base = object

CACHING_DECORATORS = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property"})


class HelperReturns(_Base):
    """What a helper returns (a part of Resolver)."""

    def returned_reference(self, func: nodes.FunctionDef) -> Value:
        """What calling the project function ``func`` gives when it is a remote task reference
        (``flyte.remote.Task.get(...)``): every ``return`` of a sync, undecorated (or only cached) function
        gives the same one, directly or through a name the function or its module caches it in (bindings to
        None skipped: ``if _ref is None: _ref = ...``). UNKNOWN for anything else."""
        key = ("returns", id(func))
        found = self._globals.get(key)
        if found is None:
            found = self._globals[key] = self._returned_reference(func)
        return found

    def _returned_reference(self, func: nodes.FunctionDef) -> Value:
        if not isinstance(func, nodes.FunctionDef) or func.is_generator():
            return UNKNOWN
        for decorator in func.decorators.nodes if func.decorators else []:
            value = self.value_of(decorator.func if isinstance(decorator, nodes.Call) else decorator)
            if not (isinstance(value, External) and value.path in CACHING_DECORATORS):
                return UNKNOWN
        returns = [r for r in func.nodes_of_class(nodes.Return, skip_klass=SCOPE_NODES) if r.scope() is func]
        if not returns:
            return UNKNOWN
        found: list[Value] = []
        for ret in returns:
            value = self.value_of(ret.value)
            if isinstance(value, Unknown) and isinstance(ret.value, nodes.Name):
                value = self._cached_reference(ret.value)
            found.append(value)
        value = agree(found)
        return value if isinstance(value, RemoteTaskRef) else UNKNOWN

    def returned_map(self, func: nodes.NodeNG) -> frozenset[str]:
        """The maps a call of the project function ``func`` returns, by path (``flyte.map``, ``flyte.map.aio``),
        when every ``return`` of it gives a map it makes (directly, through a local bound once to one, or through
        another such function) and it is a plain sync function (no decorator, no ``yield``). Such a call
        gives a generator that runs no item until it is iterated. Empty: not known to return a map."""
        key = ("maps", id(func))
        found = self._globals.get(key)
        if found is None:
            if key in self._busy:
                return frozenset()
            self._busy.add(key)  # type: ignore[arg-type]
            try:
                found = self._globals[key] = self._returned_map(func)
            finally:
                self._busy.discard(key)  # type: ignore[arg-type]
        return found

    def _returned_map(self, func: nodes.NodeNG) -> frozenset[str]:
        if type(func) is not nodes.FunctionDef or func.decorators or func.is_generator():
            return frozenset()
        returns = own_returns(func)
        paths: set[str] = set()
        for ret in returns:
            made = ret.value
            if isinstance(made, nodes.Name):
                made = self.construction_of(made)
            if not isinstance(made, nodes.Call):
                return frozenset()
            callee = self.value_of(made.func)
            if isinstance(callee, External) and callee.path in ("flyte.map", "flyte.map.aio"):
                paths.add(callee.path)
            elif isinstance(callee, FunctionRef) and not callee.traced and (inner := self.returned_map(callee.func)):
                paths |= inner
            else:
                return frozenset()
        return frozenset(paths)

    def _cached_reference(self, name: nodes.Name) -> Value:
        """The remote task reference a name caches: its bindings (in the module for a ``global``, else in the
        function) other than to ``None`` all make the same one."""
        scope = name.scope()
        is_global = any(name.name in g.names for g in scope.nodes_of_class(nodes.Global))
        owner = name.root() if is_global else scope
        bindings = owner.locals.get(name.name, [])
        values = []
        for binding in bindings:
            if isinstance(binding, nodes.AssignName) and isinstance(binding.parent, (nodes.Assign, nodes.AnnAssign)):
                assigned = binding.parent.value
                if isinstance(assigned, nodes.Const) and assigned.value is None:
                    continue
                if isinstance(binding.parent, nodes.Assign) and binding.parent.targets != [binding]:
                    return UNKNOWN
                values.append(self.value_of(assigned))
            elif isinstance(binding.parent, nodes.AnnAssign) and binding.parent.value is None:
                continue
            else:
                return UNKNOWN
        return agree(values)
