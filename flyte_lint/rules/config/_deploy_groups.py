"""Which environments can be deployed together, and which definitions exclude each other."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.values import ModuleRef


def exclusive_branches(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """``a`` and ``b`` sit in different branches of one if/else or try/except: only one of them runs."""
    chain_a = list(_branches(a))
    for node, branch in _branches(b):
        for other, other_branch in chain_a:
            if other is node:
                return branch != other_branch
    return False


def _branches(node: nodes.NodeNG):
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, (nodes.If, nodes.Try)):
            if isinstance(parent, nodes.If):
                branch = "body" if child in parent.body else "orelse" if child in parent.orelse else "test"
            else:
                branch = (
                    "handlers"
                    if child in parent.handlers
                    else "body"
                    if child in parent.body or child in parent.orelse
                    else "final"
                )
            yield parent, branch
        child, parent = parent, parent.parent


def deploy_groups(analysis: Analysis) -> dict:
    """Modules that can end up in one deployment share a group: those connected by imports (either way, or
    through a common importer such as a deploy script) and those in one package tree (``flyte deploy
    --recursive`` on a package). Independent scripts that merely sit in one folder stay apart."""
    parent: dict = {}

    def find(key):
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a, b):
        parent[find(a)] = find(b)

    resolver = analysis.resolver
    for module in analysis.modules:
        here = module.path
        find(here)
        folder = here.parent
        if (folder / "__init__.py").is_file():
            union(here, folder / "__init__.py")
            if module.is_package and (folder.parent / "__init__.py").is_file():
                union(here, folder.parent / "__init__.py")
    for module, node in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
        try:
            targets = resolver.import_targets(node, module)
        except Exception:  # resolution of odd imports  # pragma: no cover
            continue
        for target in targets:
            if isinstance(target, ModuleRef):
                union(module.path, target.module.path)
    return {key: find(key) for key in list(parent)}
