"""What a name refers to where it is used (Resolver.lookup): its bindings in the scopes around it, star imports,
builtins, and the call that made the object a name is bound to (construction_of). Flow filtering is astroid's
scope lookup, under a budget per module (LOOKUP_BUDGET)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.names import stop_lookups
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import (
    DEF_TYPES,
    FUNCTION_NODES,
    agree,
    bindings_in_scopes,
    global_use,
    in_signature,
    made_locally,
)
from flyte_lint.model.values import (
    UNKNOWN,
    ClassRef,
    External,
    ModuleRef,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

    _Base = Resolver
else:
    _Base = object

_BUILTIN_NAMES = frozenset(dir(builtins))

# Steps of astroid flow filtering one module may take (see Resolver._afford): about 3 s on a slow machine.
# Real code spends at most about a thousand (flyte-sdk's examples, unionai's v2); a name bound 1,000 times
# at module level and used after each binding spends 500,000.
LOOKUP_BUDGET = 400_000


@dataclass(frozen=True)
class Exhausted:
    """Where a module's lookup budget ran out."""

    line: int
    name: str
    bindings: int


class NameLookup(_Base):
    """Names (a part of Resolver)."""

    def lookup(self, name: str, at: nodes.NodeNG) -> Value:
        scope = at.scope()
        module = global_use(name, scope)
        if module is not None and not in_signature(at, scope):
            # A module-level (or builtin) name used inside a function: its bindings do not depend on where
            # in the function it is used, so resolve it once per module. (Not a use in the function's
            # defaults or annotations: those run where the function is defined, and see only the bindings
            # made before it.)
            key = ("global", id(module), name)
            found = self._globals.get(key)
            if found is None:
                found = self._global_binding(name, at, scope, module)
                if found is None:
                    found = self._lookup(name, at, scope)
                self._globals[key] = found
            return found
        return self._lookup(name, at, scope)

    def _global_binding(
        self, name: str, at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG, module: nodes.Module
    ) -> Value | None:
        """What a use in a function's body of a name only the module binds refers to, when the module binds
        it once, in a statement of its own body: astroid's lookup would answer that binding (its flow filtering
        is off outside the binding's frame, and a top-level statement shares no branch with the use). Asking
        astroid was 6% of the instructions of checking modules of tasks that call each other. None: ask it."""
        if type(scope) not in DEF_TYPES or name == "__class__" or module.name == "builtins":
            return None
        stmts = module.locals.get(name)
        if stmts is None or len(stmts) != 1 or stmts[0].statement().parent is not module:
            return None
        if not self._afford(name, at, 1):
            return UNKNOWN
        return agree((self.binding_value(stmts[0], name),))

    def _lookup(self, name: str, at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG) -> Value:
        """What ``name`` used at ``at`` (whose scope is ``scope``) refers to."""
        if isinstance(scope, nodes.Module):
            stmts = scope.locals.get(name)
            if stmts is not None and len(stmts) == 1:
                # One binding in the module: whatever astroid's flow filtering says, it is the only candidate.
                return self.binding_value(stmts[0], name)
        elif type(scope) in DEF_TYPES and at.statement() is not scope:
            # A use in a function's body (not in its defaults or annotations, which the enclosing scope
            # evaluates) of a name the function binds exactly once: that binding is the only candidate, as
            # above, without astroid's flow filtering.
            stmts = scope.locals.get(name)
            if stmts is not None and len(stmts) == 1:
                return self.binding_value(stmts[0], name)
        bindings = bindings_in_scopes(name, scope)
        if not bindings:
            # Not bound anywhere around it: a star import or a builtin. (Answering here also spares astroid
            # building its builtins module from live objects.)
            starred = self._star_lookup(at.root(), name)
            if not isinstance(starred, Unknown):
                return starred
            return External(f"builtins.{name}") if name in _BUILTIN_NAMES else UNKNOWN
        if not self._afford(name, at, bindings):
            return UNKNOWN
        try:
            scope, stmts = at.lookup(name)
        except Exception:  # astroid lookup on odd trees  # pragma: no cover
            return UNKNOWN
        if not stmts:
            return self._star_lookup(at.root(), name)
        if isinstance(scope, nodes.Module) and scope.name == "builtins":
            # A module-level star import binds names before the builtins: `from flyte import *` makes
            # `map` flyte.map. (The parser leaves star-imported names unbound, so astroid's lookup
            # falls through to the builtins.)
            starred = self._star_lookup(at.root(), name)
            return starred if not isinstance(starred, Unknown) else External(f"builtins.{name}")
        return agree(self.binding_value(stmt, name) for stmt in stmts)

    def _afford(self, name: str, at: nodes.NodeNG, bindings: int) -> bool:
        """The guard against pathological inference: astroid's flow filtering costs a step per binding of
        the name for each use, so a name rebound thousands of times in one scope (generated code) costs
        millions. Each module has LOOKUP_BUDGET steps; past them its names resolve to UNKNOWN (which no rule
        reports on) and the module is noted in ``exhausted`` for the engine to report."""
        key = id(at.root())
        if key in self.exhausted:
            return False
        spent = self._spent.get(key, 0) + bindings
        self._spent[key] = spent
        if spent <= LOOKUP_BUDGET:
            return True
        self.exhausted[key] = Exhausted(at.lineno or 1, name, bindings)
        stop_lookups(at.root())
        return False

    def binding_value(self, stmt: nodes.NodeNG, name: str) -> Value:
        if isinstance(stmt, nodes.AssignName):
            parent = stmt.parent
            if isinstance(parent, nodes.Assign) and stmt in parent.targets:
                return self.value_of(parent.value)
            if isinstance(parent, (nodes.AnnAssign, nodes.NamedExpr)) and parent.value is not None:
                return self.value_of(parent.value)
            return self._loop_element(stmt)
        if isinstance(stmt, nodes.Import):
            importer = self.module_of(stmt)
            for dotted, alias in stmt.names:
                if alias == name:
                    return self.module_value(dotted, importer)
                if alias is None and dotted.split(".")[0] == name:
                    return self.module_value(name, importer)
            return UNKNOWN
        if isinstance(stmt, nodes.ImportFrom):
            for orig, alias in stmt.names:
                if (alias or orig) == name:
                    return self.import_from(stmt, orig)
            return UNKNOWN
        if isinstance(stmt, FUNCTION_NODES):
            return self.function_value(stmt)
        if isinstance(stmt, nodes.ClassDef):
            return ClassRef(stmt)
        return UNKNOWN

    def construction_of(self, node: nodes.NodeNG, depth: int = 0) -> nodes.Call | None:
        """The call that made the object ``node`` names, when the name is a module's global bound exactly once,
        at its top level, to a call (``greet = ContainerTask(...)``), also through ``from m import greet`` or
        ``m.greet``; or a local of the function using it, bound exactly once, in a statement of the function's
        own body (not in a branch, a loop or a nested def) before the use. None for anything else: its object
        may be any of several, or made at run time."""
        if depth > 8:
            return None
        if isinstance(node, nodes.Attribute):
            base = self.value_of(node.expr)
            if isinstance(base, ModuleRef) and base.module.tree is not None:
                return self._made_by(base.module.tree, node.attrname, depth)
            return None
        if not isinstance(node, nodes.Name):
            return None
        scope = node.scope()
        if type(scope) in DEF_TYPES and node.name in scope.locals:
            return made_locally(scope, node)
        module = scope if isinstance(scope, nodes.Module) else global_use(node.name, scope)
        return self._made_by(module, node.name, depth) if module is not None else None

    def _made_by(self, tree: nodes.Module, name: str, depth: int) -> nodes.Call | None:
        if depth > 8:  # (a cycle of `from a import x` / `from b import x`, or a chain too long to follow)
            return None
        stmts = tree.locals.get(name)
        if stmts is None or len(stmts) != 1 or stmts[0].statement().parent is not tree:
            return None
        stmt = stmts[0]
        if isinstance(stmt, nodes.AssignName):
            assign = stmt.parent
            if isinstance(assign, nodes.Assign) and assign.targets == [stmt] and isinstance(assign.value, nodes.Call):
                return assign.value
            return None
        if isinstance(stmt, nodes.ImportFrom):
            source = self.imported_module(stmt)
            if isinstance(source, ModuleRef) and source.module.tree is not None:
                for original, alias in stmt.names:
                    if (alias or original) == name and original != "*":
                        return self._made_by(source.module.tree, original, depth + 1)
        return None

    def _star_lookup(self, tree: nodes.Module, name: str) -> Value:
        key = ("star", id(tree), name)
        found = self._globals.get(key)
        if found is None:
            if key in self._busy:
                return UNKNOWN  # a star-import cycle
            self._busy.add(key)
            try:
                found = self._globals[key] = self._star_lookup_uncached(tree, name)
            finally:
                self._busy.discard(key)
        return found

    def _star_lookup_uncached(self, tree: nodes.Module, name: str) -> Value:
        for stmt in tree.body:
            if isinstance(stmt, nodes.ImportFrom) and any(orig == "*" for orig, _ in stmt.names):
                source = self.imported_module(stmt)
                if isinstance(source, ModuleRef):
                    if not name.startswith("_") and self._exports(source.module, name):
                        return self.module_attr(source.module, name)
                elif isinstance(source, External) and source.is_flyte and name in sdk.public_names(source.path):
                    return External(f"{source.path}.{name}")
        return UNKNOWN

    def _exports(self, module: Module, name: str) -> bool:
        tree = module.tree
        if tree is None:
            return False
        if name in tree.locals:
            return True
        return not isinstance(self._star_lookup(tree, name), Unknown)
