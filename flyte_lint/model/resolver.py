"""Static name resolution: what a name, attribute or call expression refers to, across modules.

Resolution follows assignments, imports (absolute, relative, star, aliased, re-exported) and the flyte
calls that create environments and tasks. It uses astroid's scope lookup only: no inference, no imports
of analysed code. Whatever it cannot pin down resolves to UNKNOWN, and rules stay quiet on UNKNOWN.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path

from astroid import nodes
from astroid.const import Context

from flyte_lint import sdk
from flyte_lint.index import NAMESPACE
from flyte_lint.model.arguments import argument  # noqa: F401  (argument: also read from here until the rules import it from model.arguments)
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.project import Module, Project, _locate, candidate_files
from flyte_lint.model.rebinding import is_rebound, rebound_by_module
from flyte_lint.model.values import (
    UNKNOWN,
    AgentToolRef,
    ClassRef,
    EnvRef,
    External,
    FunctionRef,
    Instance,
    LambdaRef,
    Method,
    ModuleRef,
    NamespaceRef,
    PartialRef,
    RemoteTaskRef,
    TaskChoice,
    TaskCollection,
    TaskDecorator,
    TaskRef,
    Unknown,
    Value,
)

FUNCTION_NODES = (nodes.FunctionDef, nodes.AsyncFunctionDef)
ENV_METHODS = {"task", "clone_with", "add_dependency"}
TASK_METHODS = {"aio", "override", "forward"}
REMOTE_METHODS = {"aio", "override"}


def enclosing_function(node: nodes.NodeNG) -> nodes.FunctionDef | nodes.Lambda | None:
    """The innermost def or lambda around ``node``; comprehensions are transparent."""
    parent = node.parent
    while parent is not None and type(parent) is not _MODULE:
        kind = type(parent)  # (exact types: astroid has no other subclasses of these)
        if kind in _FUNCTION_TYPES:
            # A default value, annotation or decorator is evaluated in the outer scope, when the def runs.
            # (``node`` is the child of ``parent`` on the way up: the Decorators node, not one decorator.)
            if node is parent.args or (
                kind is not _LAMBDA and (node is parent.decorators or node is parent.returns)
            ):
                node, parent = parent, parent.parent
                continue
            return parent
        node, parent = parent, parent.parent
    return None



class Resolver:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.envs: dict[int, Env] = {}  # by id of the call that makes each
        self.tasks: dict[tuple[int, int], Task] = {}  # by ids of the function and its decorator
        self.sealed = False  # see seal
        self._unlisted_envs: dict[int, Env] = {}
        self._unlisted_tasks: dict[tuple[int, int], Task] = {}
        self._memo: dict[int, Value] = {}
        self._busy: set[int] = set()
        self._functions: dict[int, Value] = {}
        self._modules: dict[int, Module] = {}
        self._globals: dict[tuple, Value] = {}
        self._module_values: dict[tuple[int, str], Value] = {}
        self._import_targets: dict[int, list[Value]] = {}
        self._spent: dict[int, int] = {}  # flow-analysis steps per module tree (see _afford)
        self.exhausted: dict[int, Exhausted] = {}  # module trees whose budget ran out, by id
        # Modules looked up outside import statements, by what the lookup went through: a package's
        # attribute (``import app`` then ``app.consts``) by the package's path, a namespace package by
        # NAMESPACE + its name (and an importer of one by its path). The files each lookup may find, found
        # or not: what the importer's findings depend on beyond its import lines (the cache keeps them).
        self.loads: dict[str, set[str]] = {}
        self._rebound: dict[int, frozenset[str]] | None = None  # flyte attributes reassigned (see _sdk_value)

    # -- plumbing ------------------------------------------------------------------------------------
    def module_of(self, node: nodes.NodeNG) -> Module:
        root = node.root()
        module = self._modules.get(id(root))
        if module is None:
            module = self.project.load(Path(root.file))
            self._modules[id(root)] = module
        return module

    def register(self, module: Module) -> None:
        if module.tree is not None:
            self._modules[id(module.tree)] = module

    def value_of(self, node: nodes.NodeNG | None) -> Value:
        if node is None:
            return UNKNOWN
        key = id(node)
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        try:
            value = self._evaluate(node)
        except RecursionError:
            value = UNKNOWN
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def _evaluate(self, node: nodes.NodeNG) -> Value:
        if isinstance(node, nodes.Name):
            return self._sdk_value(self.lookup(node.name, node), node)
        if isinstance(node, nodes.Attribute):
            return self._sdk_value(self.attribute(self.value_of(node.expr), node.attrname), node)
        if isinstance(node, nodes.Call):
            return self.call_result(node)
        if isinstance(node, nodes.Lambda):
            return LambdaRef(node)
        if isinstance(node, FUNCTION_NODES):
            return self.function_value(node)
        if isinstance(node, nodes.NamedExpr):
            return self.value_of(node.value)
        if isinstance(node, _CONTAINERS):
            return self._collection(node)
        if isinstance(node, nodes.Subscript):
            return self._element(node)
        if isinstance(node, nodes.Await) and isinstance(node.value, nodes.Call):
            # ``await flyte.new_condition.aio(...)``: what awaiting an SDK coroutine gives, where the table says.
            callee = self.value_of(node.value.func)
            if isinstance(callee, External) and callee.path.endswith(".aio"):
                returned = sdk.returns(callee.path)
                return Instance(returned) if returned else UNKNOWN
        return UNKNOWN

    # -- names ---------------------------------------------------------------------------------------
    def lookup(self, name: str, at: nodes.NodeNG) -> Value:
        scope = at.scope()
        module = _global_use(name, scope)
        if module is not None and not _in_signature(at, scope):
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

    def _global_binding(self, name: str, at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG,
                        module: nodes.Module) -> Value | None:
        """What a use in a function's body of a name only the module binds refers to, when the module binds
        it once, in a statement of its own body: astroid's lookup would answer that binding (its flow filtering
        is off outside the binding's frame, and a top-level statement shares no branch with the use). Asking
        astroid was 6% of the instructions of checking modules of tasks that call each other. None: ask it."""
        if type(scope) not in _DEF_TYPES or name == "__class__" or module.name == "builtins":
            return None
        stmts = module.locals.get(name)
        if stmts is None or len(stmts) != 1 or stmts[0].statement().parent is not module:
            return None
        if not self._afford(name, at, 1):
            return UNKNOWN
        return _agree((self.binding_value(stmts[0], name),))

    def _lookup(self, name: str, at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG) -> Value:
        """What ``name`` used at ``at`` (whose scope is ``scope``) refers to."""
        if isinstance(scope, nodes.Module):
            stmts = scope.locals.get(name)
            if stmts is not None and len(stmts) == 1:
                # One binding in the module: whatever astroid's flow filtering says, it is the only candidate.
                return self.binding_value(stmts[0], name)
        elif type(scope) in _DEF_TYPES and at.statement() is not scope:
            # A use in a function's body (not in its defaults or annotations, which the enclosing scope
            # evaluates) of a name the function binds exactly once: that binding is the only candidate, as
            # above, without astroid's flow filtering.
            stmts = scope.locals.get(name)
            if stmts is not None and len(stmts) == 1:
                return self.binding_value(stmts[0], name)
        bindings = _bindings_in_scopes(name, scope)
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
        return _agree(self.binding_value(stmt, name) for stmt in stmts)

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
        if type(scope) in _DEF_TYPES and node.name in scope.locals:
            return _made_locally(scope, node)
        module = scope if isinstance(scope, nodes.Module) else _global_use(node.name, scope)
        return self._made_by(module, node.name, depth) if module is not None else None

    def _made_by(self, tree: nodes.Module, name: str, depth: int) -> nodes.Call | None:
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
                elif isinstance(source, External) and source.is_flyte:
                    if name in sdk.public_names(source.path):
                        return External(f"{source.path}.{name}")
        return UNKNOWN

    def _exports(self, module: Module, name: str) -> bool:
        tree = module.tree
        if tree is None:
            return False
        if name in tree.locals:
            return True
        return not isinstance(self._star_lookup(tree, name), Unknown)

    # -- modules -------------------------------------------------------------------------------------
    def module_value(self, dotted: str, importer: Module) -> Value:
        key = (id(importer), dotted)
        cached = self._module_values.get(key)
        if cached is None:
            cached = self._module_values[key] = self._module_value(dotted, importer)
        return cached

    def _module_value(self, dotted: str, importer: Module) -> Value:
        found = self.project.find_module(dotted, importer)
        if found is not None:
            self.register(found)
            return ModuleRef(found)
        if self.project.is_namespace_package(dotted, importer):
            if importer is not None:
                self._note_load(str(importer.path), [NAMESPACE + dotted])
            return NamespaceRef(dotted)
        return External(dotted)

    def _note_load(self, through: str, targets: list) -> None:
        self.loads.setdefault(through, set()).update(map(str, targets))

    def imported_module(self, stmt: nodes.ImportFrom) -> Value:
        importer = self.module_of(stmt)
        if not stmt.level:
            return self.module_value(stmt.modname, importer)
        base = importer.path.parent
        for _ in range(stmt.level - 1):
            base = base.parent
        if not stmt.modname:
            init = base / "__init__.py"
            if init.is_file():
                return self._module_at(init)
            self._note_load(str(importer.path), [NAMESPACE + str(base)])
            return NamespaceRef(str(base))
        located = _locate(base, stmt.modname)
        if located is not None:
            return self._module_at(located)
        return UNKNOWN

    def import_targets(self, stmt: nodes.Import | nodes.ImportFrom, importer: Module) -> list[Value]:
        """What an import statement of ``importer`` binds: the modules of ``import a.b, c``; the module of
        ``from m import x, y`` and then each name (a star import: the module only). Resolved once per
        statement (rules ask for these after the model is built)."""
        found = self._import_targets.get(id(stmt))
        if found is None:
            if isinstance(stmt, nodes.ImportFrom):
                found = [self.imported_module(stmt)]
                found += [self.import_from(stmt, name) for name, _ in stmt.names if name != "*"]
            else:
                found = [self.module_value(dotted, importer) for dotted, _ in stmt.names]
            self._import_targets[id(stmt)] = found
        return found

    def _module_at(self, path: Path) -> Value:
        module = self.project.load(path)
        self.register(module)
        return ModuleRef(module)

    def import_from(self, stmt: nodes.ImportFrom, name: str) -> Value:
        source = self.imported_module(stmt)
        if isinstance(source, External):
            return source.attr(name)
        if isinstance(source, ModuleRef):
            if source.module.is_package and source.module is self.module_of(stmt):
                # `from . import tasks` in the package's own __init__: the name is not bound yet when the
                # statement runs, so Python imports the submodule.
                located = _locate(source.module.path.parent, name)
                if located is not None:
                    return self._module_at(located)
            return self.module_attr(source.module, name)
        if isinstance(source, NamespaceRef):
            return self._submodule(source, name, self.module_of(stmt))
        return UNKNOWN

    def module_attr(self, module: Module, name: str) -> Value:
        tree = module.tree
        if tree is None:
            return UNKNOWN
        stmts = tree.locals.get(name)
        if stmts:
            key = ("attr", id(tree), name)
            if key in self._busy:
                return UNKNOWN
            self._busy.add(key)  # type: ignore[arg-type]
            try:
                return _agree(self.binding_value(stmt, name) for stmt in stmts)
            finally:
                self._busy.discard(key)  # type: ignore[arg-type]
        if module.is_package:
            self._note_load(str(module.path), candidate_files(module.path.parent, name))
            located = _locate(module.path.parent, name)
            if located is not None:
                return self._module_at(located)
        return self._star_lookup(tree, name)

    def _submodule(self, package: NamespaceRef, name: str, importer: Module) -> Value:
        through = NAMESPACE + package.name
        if package.name.startswith("/"):
            self._note_load(through, candidate_files(Path(package.name), name))
            located = _locate(Path(package.name), name)
            return self._module_at(located) if located else UNKNOWN
        dotted = f"{package.name}.{name}"
        near = importer.path.parent if importer is not None else None
        self._note_load(through, [*self.project.candidate_files(dotted, near), NAMESPACE + dotted])
        return self.module_value(dotted, importer)

    # -- attributes and calls ------------------------------------------------------------------------
    def attribute(self, base: Value, attr: str) -> Value:
        if isinstance(base, ModuleRef):
            return self.module_attr(base.module, attr)
        if isinstance(base, NamespaceRef):
            return self._submodule(base, attr, None)  # type: ignore[arg-type]
        if isinstance(base, External):
            return base.attr(attr)
        if isinstance(base, Instance):
            return External(f"{base.path}.{attr}")
        if isinstance(base, EnvRef) and attr in ENV_METHODS:
            return Method(base, attr)
        if isinstance(base, EnvRef):
            return External(f"flyte.TaskEnvironment.{attr}")
        if isinstance(base, TaskRef) and attr in TASK_METHODS and not base.wrapped:
            return Method(base, attr)
        if isinstance(base, TaskChoice) and attr in TASK_METHODS:
            return Method(base, attr)
        if isinstance(base, TaskCollection) and attr in COLLECTION_VIEWS:
            return Method(base, attr)
        if isinstance(base, RemoteTaskRef) and attr in REMOTE_METHODS:
            return Method(base, attr)
        if isinstance(base, RemoteTaskRef):
            returned = sdk.returns("flyte.remote.Task.get")
            return External(f"{returned}.{attr}") if returned else UNKNOWN
        return UNKNOWN

    def _sdk_value(self, value: Value, node: nodes.NodeNG) -> Value:
        """``value``, what the name or attribute ``node`` refers to; UNKNOWN when it is a flyte attribute that a
        module of ``node``'s import component reassigns (``flyte.Cache = MyCache``, model/rebinding.py): a call
        of it may run the project's class, not the SDK's."""
        if type(value) is not External or not value.is_flyte:
            return value
        rebound = self._rebound
        if rebound is None:
            self._rebound = {}  # (while it is worked out, the attributes its lookups meet are the SDK's)
            rebound = self._rebound = rebound_by_module(self, list(self._modules.values()))
        if not rebound:
            return value
        paths = rebound.get(id(node.root()))
        return UNKNOWN if paths and is_rebound(value.path, paths) else value

    def call_result(self, call: nodes.Call) -> Value:
        callee = self.value_of(call.func)
        if isinstance(callee, External):
            path = callee.path
            if path in sdk.environment_classes():
                return EnvRef(self.env_for(call, EnvOrigin.CONSTRUCTOR))
            if path.endswith(".from_task") and path[: -len(".from_task")] in sdk.environment_classes():
                return EnvRef(self.env_for(call, EnvOrigin.FROM_TASK))
            if path == "functools.partial" and call.args and not isinstance(call.args[0], nodes.Starred):
                return PartialRef(self.value_of(call.args[0]), call)
            if path == "flyte.remote.Task.get":
                return RemoteTaskRef(call)
            if path == "flyte.trace" and len(call.args) == 1:
                target = self.value_of(call.args[0])
                if isinstance(target, FunctionRef):
                    return FunctionRef(target.func, traced=True)
                return target if isinstance(target, TaskRef) else UNKNOWN
            info = sdk.callable_info(path)
            if info is not None and info.get("kind") == "class":
                return Instance(path)
            returned = sdk.returns(path)
            return Instance(returned) if returned else UNKNOWN
        if isinstance(callee, Method):
            owner = callee.owner
            if isinstance(owner, EnvRef):
                if callee.name == "clone_with":
                    return EnvRef(self.env_for(call, EnvOrigin.CLONE_WITH, parent=owner.env))
                if callee.name == "task":
                    if call.args:
                        target = self.value_of(call.args[0])
                        if isinstance(target, FunctionRef):
                            return TaskRef(self.task_for(target.func, owner.env, call, call))
                        return UNKNOWN
                    return TaskDecorator(owner.env, call)
            if isinstance(owner, TaskRef) and callee.name == "override":
                return TaskRef(owner.task, overridden=True)
            if isinstance(owner, TaskChoice) and callee.name == "override":
                return TaskChoice(tuple(TaskRef(o.task, overridden=True) for o in owner.options))
            if isinstance(owner, TaskCollection) and callee.name in ("values", "copy") and not call.args \
                    and (callee.name == "copy" or isinstance(owner.node, (nodes.Dict, nodes.DictComp))):
                return owner
            if isinstance(owner, RemoteTaskRef) and callee.name == "override":
                return owner
            return UNKNOWN
        if isinstance(callee, TaskDecorator) and call.args:
            target = self.value_of(call.args[0])
            if isinstance(target, FunctionRef):
                return TaskRef(self.task_for(target.func, callee.env, call, callee.call))
        if isinstance(callee, FunctionRef) and not callee.traced:
            return self.returned_reference(callee.func)
        if isinstance(callee, LambdaRef):  # ``make_ref = lambda: flyte.remote.Task.get(...)``
            made = self.value_of(callee.node.body)
            return made if isinstance(made, RemoteTaskRef) else UNKNOWN
        return UNKNOWN

    # -- containers of tasks ---------------------------------------------------------------------------
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
        uses = [n for n in scope.nodes_of_class(nodes.Name) if n.name == name]
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
        for module in list(self._modules.values()):
            other = module.tree
            if other is None or other is tree or name not in (module.text or ""):
                continue
            for stmt in other.nodes_of_class(nodes.ImportFrom):
                for original, alias in stmt.names:
                    if original == name and self.imported_module(stmt) == ModuleRef(self.module_of(tree)):
                        local = alias or original
                        uses += [n for n in other.nodes_of_class(nodes.Name) if n.name == local]
            for attribute in other.nodes_of_class(nodes.Attribute):
                if attribute.attrname == name and self.value_of(attribute.expr) == ModuleRef(self.module_of(tree)):
                    uses.append(attribute)
        return uses

    def _element(self, node: nodes.Subscript) -> Value:
        """``TOOLS[k]``: one of the tasks a container of tasks holds (a slice: the container itself)."""
        if node.ctx is Context.Load:
            base = self.value_of(node.value)
            if isinstance(base, TaskCollection) and not isinstance(base.node, _UNORDERED):  # (a set has no items)
                if isinstance(node.slice, nodes.Slice):
                    return base
                exact = _literal_element(base.node, node.slice)
                if exact is not None and self._added_to(base.node) == []:  # (a literal key of a container never changed)
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
                if not (isinstance(collection, TaskCollection) and isinstance(collection.node, (nodes.Dict, nodes.DictComp))):
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
            values = isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) and node.func.attrname == "values"
            return collection if values else UNKNOWN
        return collection

    # -- what a helper returns -----------------------------------------------------------------------
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
        returns = [r for r in func.nodes_of_class(nodes.Return, skip_klass=_SCOPES) if r.scope() is func]
        if not returns:
            return UNKNOWN
        found: list[Value] = []
        for ret in returns:
            value = self.value_of(ret.value)
            if isinstance(value, Unknown) and isinstance(ret.value, nodes.Name):
                value = self._cached_reference(ret.value)
            found.append(value)
        value = _agree(found)
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
        returns = _own_returns(func)
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
        return _agree(values)

    # -- definitions ---------------------------------------------------------------------------------
    def function_value(self, func: nodes.FunctionDef) -> Value:
        key = id(func)
        found = self._functions.get(key)
        if found is not None:
            return found
        self._functions[key] = FunctionRef(func)  # provisional, for recursion through decorators
        task: Task | None = None
        traced_below_task = traced_above_task = False
        wrapped_above_task = False
        wrappers: list[FunctionRef] = []  # project decorators above the task that hand calls on to it
        agent_tool = False  # ``@flyte.ai.agents.tool`` is the outermost decorator (see _agent_tool)
        for decorator in reversed(func.decorators.nodes if func.decorators else []):
            if agent_tool:
                wrapped_above_task = True  # (something above the agent tool: not followed)
                continue
            value = self.value_of(decorator)
            if task is not None and self._agent_tool(decorator):
                agent_tool = True
            elif isinstance(value, Method) and isinstance(value.owner, EnvRef) and value.name == "task":
                task = task or self.task_for(func, value.owner.env, decorator, None)
            elif isinstance(value, TaskDecorator):
                task = task or self.task_for(func, value.env, decorator, value.call)
            elif isinstance(value, External) and value.path == "flyte.trace":
                if task is None:
                    traced_below_task = True
                else:
                    traced_above_task = True
            elif task is not None and (_passes_calls_through(value, task.is_async) or self._hands_calls_on(decorator)):
                wrappers.append(value)
            elif task is not None:
                wrapped_above_task = True
        if task is not None and wrapped_above_task:
            # The name is bound to what a decorator above the task returns: calls through it are not task
            # calls we can check (the task itself still exists and is deployed).
            task.traced = traced_above_task
            result: Value = UNKNOWN
        elif task is not None and agent_tool:
            # Calling the AgentTool runs ``AgentTool.aio``, which awaits the task's ``.aio``: a call through the
            # name is the task's ``.aio`` call, whatever the task's own async-ness (flyte 2.12.1, measured in
            # tests/test_async_rules.py). (It has ``.aio`` too, but no ``.override``; neither is followed.)
            task.traced = traced_above_task
            result = UNKNOWN if wrappers else AgentToolRef(task)
        elif task is not None:
            task.traced = traced_above_task
            result = TaskRef(task, wrapped=bool(wrappers))
        else:
            result = FunctionRef(func, traced=traced_below_task)
        self._functions[key] = result
        return result

    def _agent_tool(self, decorator: nodes.NodeNG) -> bool:
        """``@flyte.ai.agents.tool`` or ``@tool(...)`` without a ``call_handler`` (which would run in place of
        the task): the name becomes an AgentTool whose call awaits the task's ``.aio`` (flyte 2.12.1)."""
        if isinstance(decorator, nodes.Call):
            if decorator.args or any(k.arg in (None, "call_handler") for k in decorator.keywords or []):
                return False
            decorator = decorator.func
        value = self.value_of(decorator)
        return isinstance(value, External) and value.path in AGENT_TOOL_DECORATORS

    def _hands_calls_on(self, decorator: nodes.NodeNG) -> bool:
        """A library decorator (bare or called with options) whose wrapper calls the task with the same arguments
        and returns what it returns (PASS_THROUGH_DECORATORS)."""
        target = decorator.func if isinstance(decorator, nodes.Call) else decorator
        value = self.value_of(target)
        return isinstance(value, External) and value.path in PASS_THROUGH_DECORATORS

    def task_for(self, func: nodes.FunctionDef, env: Env, decorator: nodes.NodeNG, options: nodes.Call | None) -> Task:
        key = (id(func), id(decorator))
        task = self.tasks.get(key) or self._unlisted_tasks.get(key)
        if task is None:
            task = Task(func=func, env=env, module=self.module_of(func), decorator=decorator, options=options)
            (self._unlisted_tasks if self.sealed else self.tasks)[key] = task
        return task

    def env_for(self, call: nodes.Call, origin: EnvOrigin, parent: Env | None = None) -> Env:
        env = self.envs.get(id(call)) or self._unlisted_envs.get(id(call))
        if env is not None:
            return env
        name_node = argument(call, 0, "name")
        name = name_node.value if isinstance(name_node, nodes.Const) and isinstance(name_node.value, str) else None
        env = Env(node=call, module=self.module_of(call), name=name, name_node=name_node, origin=origin, parent=parent)
        (self._unlisted_envs if self.sealed else self.envs)[id(call)] = env
        return env

    def seal(self) -> None:
        """The model is built (Analysis): ``envs`` and ``tasks`` are final. An env or a task met afterwards (a
        rule resolving a name the build never resolved, in a module loaded only for it) is still made, once,
        but kept apart from them, so what the model lists never depends on which rule asked what first."""
        self.sealed = True


_BUILTIN_NAMES = frozenset(dir(builtins))


def _passes_calls_through(decorator: Value, task_is_async: bool) -> bool:
    """A project decorator ``def deco(fn)`` that returns its one wrapper, which takes exactly ``*args, **kwargs``
    and whose every ``return`` gives what ``fn(*args, **kwargs)`` gives: calling the result calls the task with
    the same arguments and returns the same value, or the same coroutine (measured on flyte 2.12.1:
    tests/test_model.py), so the task's signature and async-ness still apply. An ``async def`` wrapper that
    returns ``await fn(*args, **kwargs)`` passes on an async task's coroutine alike; around a sync task it makes
    a coroutine the task never made: not passed through."""
    if not isinstance(decorator, FunctionRef):
        return False
    func = decorator.func
    params = func.args
    if params.vararg or params.kwarg or params.kwonlyargs or len((params.posonlyargs or []) + (params.args or [])) != 1:
        return False
    fn = ((params.posonlyargs or []) + params.args)[0].name
    inner = [n for n in func.body if isinstance(n, FUNCTION_NODES)]
    if len(inner) != 1:
        return False
    wrapper = inner[0]
    args = wrapper.args
    if not (args.vararg and args.kwarg) or args.posonlyargs or args.args or args.kwonlyargs:
        return False
    if not all(isinstance(r.value, nodes.Name) and r.value.name == wrapper.name for r in _own_returns(func)):
        return False
    is_async = isinstance(wrapper, nodes.AsyncFunctionDef)
    if is_async and not task_is_async:
        return False
    returns = _own_returns(wrapper)
    return bool(returns) and all(_hands_on(r.value, fn, args.vararg, args.kwarg, is_async) for r in returns)


def _own_returns(func: nodes.FunctionDef) -> list[nodes.Return]:
    return [r for r in func.nodes_of_class(nodes.Return, skip_klass=_SCOPES) if r.scope() is func]


def _hands_on(value: nodes.NodeNG | None, fn: str, vararg: str, kwarg: str, awaited: bool) -> bool:
    """``value`` is ``fn(*vararg, **kwarg)`` (``await`` of it when ``awaited``)."""
    if awaited:
        if not isinstance(value, nodes.Await):
            return False
        value = value.value
    return (isinstance(value, nodes.Call) and isinstance(value.func, nodes.Name) and value.func.name == fn
            and len(value.args) == 1 and isinstance(value.args[0], nodes.Starred)
            and isinstance(value.args[0].value, nodes.Name) and value.args[0].value.name == vararg
            and len(value.keywords or []) == 1 and value.keywords[0].arg is None
            and isinstance(value.keywords[0].value, nodes.Name) and value.keywords[0].value.name == kwarg)


# What the uses of a container of tasks may do (see Resolver._added_to).
_READ = object()
_READ_METHODS = frozenset({"get", "keys", "values", "items", "copy", "index", "count",
                           "pop", "remove", "discard", "clear", "popitem"})  # (removals add nothing)
_READ_CALLS = frozenset({"len", "list", "tuple", "sorted", "reversed", "enumerate", "iter", "print", "repr", "str",
                         "bool", "set", "frozenset", "dict", "zip"})
COLLECTION_VIEWS = frozenset({"values", "copy"})  # methods of a container of tasks that give the same tasks
# Library decorators whose wrapper calls the task with the same arguments and returns what it returns, measured on
# flyte 2.12.1 (tests/test_async_rules.py): tenacity 9's ``retry`` picks its sync ``Retrying`` for a task object
# (its ``__call__`` is a plain def), so an async task's coroutine comes back untouched (it runs once awaited; lost
# if dropped) and a sync task's call runs it (a sync task called from async code fails on every attempt: bare
# ``@retry`` then retries forever, which no rule claims).
PASS_THROUGH_DECORATORS = frozenset({"tenacity.retry"})
AGENT_TOOL_DECORATORS = frozenset({"flyte.ai.agents.tool", "flyte.ai.agents._tools.tool"})
CACHING_DECORATORS = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property"})
_CONTAINERS = (nodes.Dict, nodes.List, nodes.Tuple, nodes.Set, nodes.ListComp, nodes.SetComp, nodes.DictComp,
               nodes.GeneratorExp)
_UNORDERED = (nodes.Set, nodes.SetComp, nodes.GeneratorExp)  # containers that cannot be subscripted
_SCOPES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)


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
        if isinstance(call, nodes.Call) and call.func is parent and not call.keywords \
                and not any(isinstance(a, nodes.Starred) for a in call.args):
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
    if isinstance(parent, nodes.Call) and use in parent.args and isinstance(parent.func, nodes.Name) \
            and parent.func.name in _READ_CALLS:
        return _READ
    return None


def _literal_element(container: nodes.NodeNG, key: nodes.NodeNG) -> nodes.NodeNG | None:
    """The element of a dict, list or tuple display that a constant key or index picks (None: not known)."""
    if not isinstance(key, nodes.Const):
        return None
    if isinstance(container, nodes.Dict):
        found = [v for k, v in container.items if isinstance(k, nodes.Const) and k.value == key.value]
        return found[-1] if found and all(isinstance(k, nodes.Const) for k, _ in container.items) else None
    if isinstance(container, (nodes.List, nodes.Tuple)) and type(key.value) is int:
        if -len(container.elts) <= key.value < len(container.elts):
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


_DEF_TYPES = frozenset({nodes.FunctionDef, nodes.AsyncFunctionDef})
_FUNCTION_TYPES = frozenset({nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda})
_LAMBDA, _MODULE = nodes.Lambda, nodes.Module

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


def _made_locally(function: nodes.FunctionDef, use: nodes.Name) -> nodes.Call | None:
    """The call a local of ``function`` is bound to, when it is bound exactly once, by an assignment that is
    a statement of the function's own body and comes before ``use``."""
    bindings = function.locals[use.name]
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    assign = bindings[0].parent
    if not (isinstance(assign, nodes.Assign) and assign.parent is function and assign.targets == [bindings[0]]
            and isinstance(assign.value, nodes.Call)):
        return None
    if any(isinstance(n, (nodes.Global, nodes.Nonlocal)) and use.name in n.names for n in function.body):
        return None
    return assign.value if (assign.lineno, assign.col_offset) < (use.lineno, use.col_offset) else None


def _global_use(name: str, scope: nodes.LocalsDictNodeNG) -> nodes.Module | None:
    """The module, when ``name`` used in ``scope`` is a use inside a function of a name no enclosing function
    (or class) binds; None otherwise, and for module-level uses, which see only the bindings before them."""
    if isinstance(scope, nodes.Module):
        return None
    while not isinstance(scope, nodes.Module):
        if name in scope.locals:
            return None
        scope = scope.parent.scope() if scope.parent is not None else scope.root()
    return scope


def _in_signature(at: nodes.NodeNG, scope: nodes.LocalsDictNodeNG) -> bool:
    """Whether ``at``, whose scope is ``scope``, lies in a function's (or lambda's) defaults or annotations."""
    if type(scope) in _DEF_TYPES:
        return at.statement() is scope
    if type(scope) is _LAMBDA:
        node = at
        while node is not scope:
            if node is scope.args:
                return True
            node = node.parent
    return False


def _bindings_in_scopes(name: str, scope: nodes.LocalsDictNodeNG) -> int:
    """How many times the innermost scope from ``scope`` outwards that binds ``name`` binds it (0: none does)."""
    while True:
        found = scope.locals.get(name)
        if found:
            return len(found)
        if isinstance(scope, nodes.Module) or scope.parent is None:
            return 0
        scope = scope.parent.scope()


def _agree(values) -> Value:
    """One value when every binding that means something agrees on it; UNKNOWN otherwise."""
    result: Value | None = None
    for value in values:
        if isinstance(value, Unknown):
            return UNKNOWN
        if result is None:
            result = value
        elif value != result:
            return UNKNOWN
    return result if result is not None else UNKNOWN
