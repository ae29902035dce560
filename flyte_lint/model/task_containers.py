"""Containers of tasks: a literal list, tuple, set or dict of tasks (or a comprehension), the task one of its
elements or a loop over it gives, and what the code adds to it (a part of Resolver)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes
from astroid.const import Context

from flyte_lint.model.scopes import walk
from flyte_lint.model.values import (
    UNKNOWN,
    External,
    ModuleRef,
    TaskChoice,
    TaskCollection,
    TaskRef,
    Value,
)

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

    _Base = Resolver
else:
    _Base = object

# What the uses of a container of tasks may do (see Resolver._added_to).
_READ = object()
_READ_METHODS = frozenset(
    {"get", "keys", "values", "items", "copy", "index", "count", "pop", "remove", "discard", "clear", "popitem"}
)  # (removals add nothing)
_READ_CALLS = frozenset(
    {
        "len",
        "list",
        "tuple",
        "sorted",
        "reversed",
        "enumerate",
        "iter",
        "print",
        "repr",
        "str",
        "bool",
        "set",
        "frozenset",
        "dict",
        "zip",
    }
)
COLLECTION_VIEWS = frozenset({"values", "copy"})  # methods of a container of tasks that give the same tasks
CONTAINER_NODES = (
    nodes.Dict,
    nodes.List,
    nodes.Tuple,
    nodes.Set,
    nodes.ListComp,
    nodes.SetComp,
    nodes.DictComp,
    nodes.GeneratorExp,
)
_UNORDERED = (nodes.Set, nodes.SetComp, nodes.GeneratorExp)  # containers that cannot be subscripted


class TaskContainers(_Base):
    """Containers of tasks (a part of Resolver)."""

    def _collection(self, node: nodes.NodeNG) -> Value:
        """A literal container (or comprehension) of tasks: every element a task (the values of a dict), none
        unpacked, and the name it is bound to (if any) mutated at most by adding known tasks. UNKNOWN otherwise."""
        if isinstance(node, nodes.Dict):
            if any(not isinstance(key, nodes.NodeNG) or isinstance(key, nodes.DictUnpack) for key, _ in node.items):
                return UNKNOWN
            elements = [value for _, value in node.items]
        elif isinstance(node, (nodes.List, nodes.Tuple, nodes.Set)):
            elements = list(node.elts)
            if getattr(node, "ctx", Context.Load) is not Context.Load:  # (a target: ``a, b = ...``)
                return UNKNOWN
        else:  # a comprehension: its element, for each item of what it iterates
            elements = [node.value if isinstance(node, nodes.DictComp) else node.elt]
        if any(isinstance(e, nodes.Starred) for e in elements):
            return UNKNOWN
        options: list[TaskRef] = []
        for element in elements:
            if not _add_options(options, self.value_of(element)):
                return UNKNOWN
        added = self._added_to(node)
        if added is None:
            return UNKNOWN
        for value in added:
            if not _add_options(options, value):
                return UNKNOWN
        return TaskCollection(node, tuple(options)) if options else UNKNOWN

    def _added_to(self, node: nodes.NodeNG) -> list[Value] | None:
        """What the code adds to the container ``node`` makes, through the name it is bound to: the values
        appended, inserted or stored in it. None when the name may be changed otherwise (rebound, extended,
        handed to a function that may change it, aliased). A container not bound to a name: nothing added."""
        parent = node.parent
        if not (isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is node):
            return [] if not isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)) else None
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        if len(targets) != 1 or not isinstance(targets[0], nodes.AssignName):
            return None
        name = targets[0].name
        scope = targets[0].scope()
        if len(scope.locals.get(name, ())) != 1:
            return None
        added: list[Value] = []
        uses = list(self._names_in(scope).get(name, ()))
        if isinstance(scope, nodes.Module):  # (its importers may change it: look at theirs too)
            uses += self._imported_uses(scope, name)
        for use in uses:
            change = _container_use(use)
            if change is None:
                return None
            if change is not _READ:
                added.append(self.value_of(change))
        return added

    def _imported_uses(self, tree: nodes.Module, name: str) -> list[nodes.Name]:
        """The uses of ``name`` in the analysed modules that import it from ``tree``: ``from m import name``
        then ``name``, or ``m.name``."""
        uses: list[nodes.Name] = []
        home = self.module_of(tree)
        short_name = home.name.rsplit(".", 1)[-1]
        for module in list(self._modules.values()):
            other = module.tree
            text = module.text or ""
            if other is None or other is tree or name not in text:
                continue
            for stmt in module.indexed:  # (the imports were noted while parsing: no walk)
                if type(stmt) is nodes.ImportFrom:
                    for original, alias in stmt.names:
                        if original == name and self.imported_module(stmt) == ModuleRef(home):
                            uses += self._names_in(other).get(alias or original, ())
            # ``m.name`` needs the module's own name written in an import of it (an alias too: `import m as x`)
            if short_name in text:
                for attribute in self._node_index(other)[nodes.Attribute]:
                    if attribute.attrname == name and self.value_of(attribute.expr) == ModuleRef(home):
                        uses.append(attribute)
        return uses

    def _node_index(self, scope: nodes.NodeNG) -> dict[type, list[nodes.NodeNG]]:
        """The Name, Attribute and ImportFrom nodes below ``scope`` (itself included), in source order, by type:
        walked once per scope however many containers ask."""
        index = self._node_indexes.get(id(scope))
        if index is None:
            index = {nodes.Name: [], nodes.Attribute: [], nodes.ImportFrom: []}
            for node in walk(scope):
                found = index.get(type(node))
                if found is not None:
                    found.append(node)
            self._node_indexes[id(scope)] = index
        return index

    def _names_in(self, scope: nodes.NodeNG) -> dict[str, list[nodes.Name]]:
        """The Name nodes below ``scope`` by name, in source order."""
        by_name = self._name_indexes.get(id(scope))
        if by_name is None:
            by_name = {}
            for node in self._node_index(scope)[nodes.Name]:
                by_name.setdefault(node.name, []).append(node)
            self._name_indexes[id(scope)] = by_name
        return by_name

    def _element(self, node: nodes.Subscript) -> Value:
        """``TOOLS[k]``: one of the tasks a container of tasks holds (a slice: the container itself)."""
        if node.ctx is Context.Load:
            base = self.value_of(node.value)
            if isinstance(base, TaskCollection) and not isinstance(base.node, _UNORDERED):  # (a set has no items)
                if isinstance(node.slice, nodes.Slice):
                    return base
                exact = _literal_element(base.node, node.slice)
                if (
                    exact is not None and self._added_to(base.node) == []
                ):  # (a literal key of a container never changed)
                    return self.value_of(exact)
                return _one_of(base.options)
        return UNKNOWN

    def _loop_element(self, target: nodes.AssignName) -> Value:
        """A loop variable (a ``for`` statement's or a comprehension's) over a container of tasks: one of them.
        Also the value of ``for k, t in TOOLS.items()`` and ``for i, t in enumerate(TOOLS)``."""
        parent = target.parent
        pair = None
        if isinstance(parent, nodes.Tuple) and len(parent.elts) == 2 and parent.elts[1] is target:
            pair, parent = parent, parent.parent
        if not (isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.target is (pair or target)):
            return UNKNOWN
        iterated = parent.iter
        if pair is not None:
            if not (isinstance(iterated, nodes.Call) and not iterated.keywords):
                return UNKNOWN
            func = iterated.func
            if isinstance(func, nodes.Attribute) and func.attrname == "items" and not iterated.args:
                collection = self.value_of(func.expr)
                if not (
                    isinstance(collection, TaskCollection) and isinstance(collection.node, (nodes.Dict, nodes.DictComp))
                ):
                    return UNKNOWN
            elif len(iterated.args) == 1 and self.value_of(func) == External("builtins.enumerate"):
                collection = self._iterated_tasks(iterated.args[0])
            else:
                return UNKNOWN
        else:
            collection = self._iterated_tasks(iterated)
        if isinstance(collection, TaskCollection) and not isinstance(parent, nodes.AsyncFor):
            return _one_of(collection.options)
        return UNKNOWN

    def _iterated_tasks(self, node: nodes.NodeNG) -> Value:
        """The container of tasks whose items iterating ``node`` gives: a list, tuple or set of tasks, or the
        ``.values()`` of a dict of them (iterating the dict itself gives its keys)."""
        collection = self.value_of(node)
        if isinstance(collection, TaskCollection) and isinstance(collection.node, (nodes.Dict, nodes.DictComp)):
            values = (
                isinstance(node, nodes.Call)
                and isinstance(node.func, nodes.Attribute)
                and node.func.attrname == "values"
            )
            return collection if values else UNKNOWN
        return collection


def _container_use(use: nodes.NodeNG):
    """What a use (a Name, or an ``m.NAME`` Attribute) of a name bound to a container of tasks does to it:
    _READ (reads, iterates, removes), the node of a value it adds (``.append(v)``, ``.add(v)``,
    ``.insert(i, v)``, ``NAME[k] = v``), or None (anything else: it may change in ways not followed)."""
    parent = use.parent
    if isinstance(parent, nodes.Subscript) and parent.value is use:
        if parent.ctx is Context.Load or parent.ctx is Context.Del:
            return _READ
        assign = parent.parent
        if isinstance(assign, nodes.Assign) and assign.targets == [parent]:
            return assign.value
        return None
    if isinstance(parent, nodes.Attribute) and parent.expr is use:
        call = parent.parent
        if parent.attrname in _READ_METHODS:
            return _READ
        if (
            isinstance(call, nodes.Call)
            and call.func is parent
            and not call.keywords
            and not any(isinstance(a, nodes.Starred) for a in call.args)
        ):
            if parent.attrname in ("append", "add") and len(call.args) == 1:
                return call.args[0]
            if parent.attrname == "insert" and len(call.args) == 2:
                return call.args[1]
        return None
    if isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.iter is use:
        return _READ
    if isinstance(parent, (nodes.Compare, nodes.FormattedValue, nodes.BoolOp, nodes.UnaryOp)):
        return _READ
    if isinstance(parent, (nodes.If, nodes.While, nodes.IfExp)) and parent.test is use:
        return _READ
    if (
        isinstance(parent, nodes.Call)
        and use in parent.args
        and isinstance(parent.func, nodes.Name)
        and parent.func.name in _READ_CALLS
    ):
        return _READ
    return None


def _literal_element(container: nodes.NodeNG, key: nodes.NodeNG) -> nodes.NodeNG | None:
    """The element of a dict, list or tuple display that a constant key or index picks (None: not known)."""
    if not isinstance(key, nodes.Const):
        return None
    if isinstance(container, nodes.Dict):
        found = [v for k, v in container.items if isinstance(k, nodes.Const) and k.value == key.value]
        return found[-1] if found and all(isinstance(k, nodes.Const) for k, _ in container.items) else None
    if (
        isinstance(container, (nodes.List, nodes.Tuple))
        and type(key.value) is int
        and -len(container.elts) <= key.value < len(container.elts)
    ):
        return container.elts[key.value]
    return None


def _add_options(options: list[TaskRef], value: Value) -> bool:
    """Add the task (or the tasks of a choice) ``value`` is to ``options``; False if it is no known task."""
    if isinstance(value, TaskRef) and not value.wrapped:
        new = [value]
    elif isinstance(value, TaskChoice):
        new = list(value.options)
    else:
        return False
    options.extend(v for v in new if v not in options)
    return True


def _one_of(options: tuple[TaskRef, ...]) -> Value:
    return options[0] if len(options) == 1 else TaskChoice(options)
