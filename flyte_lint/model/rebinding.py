"""Attributes of flyte modules that the project itself reassigns: ``flyte.Cache = MyCache``,
``setattr(flyte, "Resources", Patched)``, ``fl.map = my_map`` under an alias, in any analysed module.

Once the project rebinds ``flyte.Cache``, a call of ``flyte.Cache(...)`` may run the project's class, not the
SDK's, so the SDK's signature and checks say nothing about it. The resolver resolves such an attribute (and
whatever lies below it: ``flyte.Cache.x``, ``from flyte import Cache``) to UNKNOWN instead of the SDK's path,
so that no rule checks calls of it.

Only plain rebinding counts: an assignment to the attribute (``=``, ``:``-annotated, augmented) or a
``setattr(module, "name", ...)`` call with a literal name, anywhere in a module (at its top level or in a
function: either may run before the call). A test's temporary patch (``monkeypatch.setattr``, ``mock.patch``)
is not one: it is undone when the test ends. Binding a name of one's own (``from flyte import Cache`` then
``Cache = MyCache``) is ordinary name rebinding, which the resolver follows as any other.

A reassignment counts for the modules of its import component: the modules connected to it by imports, either
way (a patch runs in the process of any program that imports it, and so can reach any module such a program
imports). The modules looked at are those the analysis was built with (the resolver's registered modules when
the first flyte attribute is resolved) and every project module they import, transitively: a module that
patches flyte and is imported runs its patch whether or not it is among the files checked. So ``check main.py``,
``check .`` and any number of workers agree: a patch in an unrelated folder changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.index import may_rebind_flyte
from flyte_lint.model.values import External, ModuleRef

if TYPE_CHECKING:
    from flyte_lint.model.project import Module
    from flyte_lint.model.resolver import Resolver


def rebound_by_module(resolver: Resolver, modules: Iterable[Module]) -> dict[int, frozenset[str]]:
    """The dotted paths of flyte module attributes (``flyte.Cache``) reassigned in the import component of each
    module (``modules`` and the project modules they import), by ``id`` of the module's tree; only modules whose
    component reassigns any are listed."""
    closure, edges = _with_imports(resolver, modules)
    own = {id(m): paths for m in closure if (paths := rebound_in(resolver, m))}
    if not own:
        return {}
    parent = {id(m): id(m) for m in closure}

    def find(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in edges:
        parent[find(a)] = find(b)
    by_component: dict[int, set[str]] = {}
    for key, paths in own.items():
        by_component.setdefault(find(key), set()).update(paths)
    return {
        id(m.tree): frozenset(by_component[find(id(m))])
        for m in closure
        if m.tree is not None and find(id(m)) in by_component
    }


def rebound_in(resolver: Resolver, module: Module) -> set[str]:
    """The flyte attributes ``module`` itself reassigns."""
    found: set[str] = set()
    tree, text = module.tree, module.text or ""
    # (the index's byte test: a module it does not count among the declarers must rebind nothing, or cached
    # findings would not follow the patch)
    if tree is None or not may_rebind_flyte(text.encode("utf-8", "surrogateescape")):
        return found
    for target in tree.nodes_of_class(nodes.AssignAttr):
        base = _imported(resolver, target.expr)
        if base is not None:
            found.add(f"{base.path}.{target.attrname}")
    if "setattr" in text:
        for call in module.indexed:
            path = _setattr_path(resolver, call) if isinstance(call, nodes.Call) else None
            if path is not None:
                found.add(path)
    return found


def _with_imports(resolver: Resolver, modules: Iterable[Module]) -> tuple[list[Module], list[tuple[int, int]]]:
    """``modules`` and the project modules they import, transitively (import statements only), and the imports
    between them (by ``id`` of the modules)."""
    todo = list(modules)
    seen = {id(m) for m in todo}
    found = []
    edges = []
    while todo:
        module = todo.pop()
        found.append(module)
        for node in module.indexed:
            if isinstance(node, nodes.Import):
                targets = [resolver.module_value(dotted, module) for dotted, _ in node.names]
            elif isinstance(node, nodes.ImportFrom):
                source = resolver.imported_module(node)
                targets = [source]
                if isinstance(source, ModuleRef) and source.module.is_package:  # ``from pkg import submodule``
                    targets += [
                        resolver.module_value(f"{source.module.name}.{name}", module)
                        for name, _ in node.names
                        if name != "*"
                    ]
            else:
                continue
            for target in targets:
                if not isinstance(target, ModuleRef):
                    continue
                edges.append((id(module), id(target.module)))
                if id(target.module) not in seen:
                    seen.add(id(target.module))
                    todo.append(target.module)
    return found, edges


def _setattr_path(resolver: Resolver, call: nodes.Call) -> str | None:
    """``setattr(flyte, "Cache", ...)``: the path it rebinds."""
    if len(call.args) < 2 or not isinstance(call.func, nodes.Name) or call.func.name != "setattr":
        return None
    if resolver.value_of(call.func) != External("builtins.setattr"):
        return None
    name = call.args[1]
    if not (isinstance(name, nodes.Const) and isinstance(name.value, str)):
        return None
    base = _imported(resolver, call.args[0])
    return f"{base.path}.{name.value}" if base is not None else None


def _imported(resolver: Resolver, node: nodes.NodeNG) -> External | None:
    """The flyte module or attribute ``node`` names, when it is a name bound only by imports, or attributes of
    one (``flyte``, ``fl.extras``). Nothing else is resolved here: this runs before the first flyte attribute
    is resolved, and must not resolve (and so fix) any other."""
    root = node
    while isinstance(root, nodes.Attribute):
        root = root.expr
    if not isinstance(root, nodes.Name):
        return None
    try:
        _, stmts = root.lookup(root.name)
    except Exception:  # astroid lookup on odd trees  # pragma: no cover
        return None
    if not stmts or not all(isinstance(s, (nodes.Import, nodes.ImportFrom)) for s in stmts):
        return None
    value = resolver.value_of(node)
    return value if isinstance(value, External) and value.is_flyte else None


def is_rebound(path: str, rebound: frozenset[str]) -> bool:
    """``path`` is a rebound attribute or lies below one."""
    return any(path == r or path.startswith(r + ".") for r in rebound)
