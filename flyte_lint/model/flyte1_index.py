"""The Flyte 1 index: every use of flytekit (Flyte 1) the analysis reaches, which the FLY5xx rules read.

A name is Flyte 1 when it resolves to ``External('flytekit…')``: imported from the flytekit package, under any
alias or through any submodule. A project module called ``flytekit_utils`` (or even ``flytekit``) and a local
function called ``workflow`` are not.

Code that supports both SDKs stays quiet. A node is *guarded* when it sits in the body of a ``try`` one of whose
``except`` clauses catches ImportError or ModuleNotFoundError (alone or in a tuple) and imports ``flyte`` (or a
``flyte.*`` module), or in such an ``except`` clause when the ``try`` body imports ``flyte``. A guarded flytekit
import is left out, and so is a use that is guarded itself or whose name is bound in its module only by guarded
imports.

A flytekit import inside a function of a module that is Flyte 2 code (see ``_flyte2_modules``) is a library use
(flyte-sdk's own examples import flytekit in a task whose image pip-installs it): it is treated like a guarded
import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis, walk
from flyte_lint.model.names import bindings_of
from flyte_lint.model.project import Module
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.source import short_source
from flyte_lint.model.values import External, FunctionRef, ModuleRef

# -- the Flyte 1 constructs the index knows (the FLY5xx rules name a Flyte 2 replacement for each) ----------------
FILE_TYPES = frozenset(
    {
        "FlyteFile",
        "CSVFile",
        "HTMLPage",
        "JoblibSerializedFile",
        "JPEGImageFile",
        "PDFFile",
        "PNGImageFile",
        "PythonPickledFile",
        "PythonNotebook",
        "SVGImageFile",
        "ONNXFile",
        "TFRecordFile",
        "JSONLFile",
    }
)
DIR_TYPES = frozenset({"FlyteDirectory", "TensorboardLogs", "TFRecordsDirectory"})
GPU_TYPES = frozenset({"A10G", "L4", "T4", "V100", "A100", "A100_80GB", "H100"})
# Calls inside a Flyte 1 workflow that make a node (a promise) without being a task call.
NODE_CALLS = frozenset({"create_node", "sleep", "wait_for_input", "approve"})
# Flyte 1's internal context classes: ``FlyteContextManager.current_context()`` is a current_context() too.
CONTEXT_CLASSES = frozenset({"FlyteContextManager", "FlyteContext"})
# Every construct a Ref can name (rules/flyte1/_common.py MAPPING gives the Flyte 2 form of all but NODE_CALLS).
CONSTRUCTS = frozenset(
    {
        "task",
        "workflow",
        "Workflow",
        "ImperativeWorkflow",
        "dynamic",
        "eager",
        "map_task",
        "ImageSpec",
        "Resources",
        "Secret",
        "PodTemplate",
        "current_context",
        "LaunchPlan",
        "CronSchedule",
        "FixedRate",
        "conditional",
        "StructuredDataset",
        "Cache",
        "CachePolicy",
        "Deck",
        "reference_task",
        "reference_workflow",
        "reference_launch_plan",
        "ContainerTask",
        "Environment",
        "FlyteRemote",
        "create_node",
        "FlyteSchema",
        "PARQUET",
        "WorkflowFailurePolicy",
        *CONTEXT_CLASSES,
        *GPU_TYPES,
        *FILE_TYPES,
        *DIR_TYPES,
        *NODE_CALLS,
    }
)

TASK_DECORATORS = {
    "task",
    "workflow",
    "dynamic",
    "eager",
    "reference_task",
    "reference_workflow",
    "reference_launch_plan",
}
TASK_FACTORIES = {
    "task",
    "workflow",
    "dynamic",
    "eager",
    "map_task",
    "LaunchPlan",
    "ContainerTask",
    "reference_task",
    "reference_workflow",
    "reference_launch_plan",
}


def v1_symbol(value: object) -> str | None:
    """The Flyte 1 construct a value names: ``flytekit.core.task.task`` -> ``task``,
    ``flytekit.LaunchPlan.get_or_create`` -> ``LaunchPlan`` (a class and what is reached through it).
    Module names (``flytekit.core.workflow``) are not constructs: a class is the first capitalised part."""
    if not isinstance(value, External) or not value.path.startswith("flytekit."):
        return None
    parts = value.path.split(".")[1:]
    for i, part in enumerate(parts):
        if part[:1].isupper():
            if part in CONTEXT_CLASSES and parts[i + 1 : i + 2] == ["current_context"]:
                return "current_context"
            return part if part in CONSTRUCTS else None
    return parts[-1] if parts[-1] in CONSTRUCTS else None


def is_flytekit_module(dotted: str | None) -> bool:
    return bool(dotted) and (dotted == "flytekit" or dotted.startswith("flytekit."))


# -- dual-SDK guards -----------------------------------------------------------------------------------------
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def catches_import_error(handler: nodes.ExceptHandler) -> bool:
    kind = handler.type
    kinds = kind.elts if isinstance(kind, nodes.Tuple) else [kind] if kind is not None else []
    return any(
        (isinstance(k, nodes.Name) and k.name in IMPORT_ERRORS)
        or (isinstance(k, nodes.Attribute) and k.attrname in IMPORT_ERRORS)
        for k in kinds
    )


def imports_flyte(statements: list[nodes.NodeNG]) -> bool:
    for stmt in statements:
        for node in walk(stmt):
            if isinstance(node, nodes.Import) and any(_is_flyte(d) for d, _ in node.names):
                return True
            if isinstance(node, nodes.ImportFrom) and not node.level and _is_flyte(node.modname):
                return True
    return False


def _is_flyte(dotted: str) -> bool:
    return dotted == "flyte" or dotted.startswith("flyte.")


def guarded(node: nodes.NodeNG) -> bool:
    """``node`` is in one branch of a ``try``/``except ImportError`` whose other branch imports flyte."""
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, nodes.Try):
            if child in parent.body:
                if any(catches_import_error(h) and imports_flyte(h.body) for h in parent.handlers):
                    return True
            elif isinstance(child, nodes.ExceptHandler) and catches_import_error(child) and imports_flyte(parent.body):
                return True
        child, parent = parent, parent.parent
    return False


def _flyte2_modules(analysis: Analysis) -> set[int]:
    """The ids of the modules that are Flyte 2 code: they import flyte outside a dual-SDK guard, define a
    Flyte 2 task, or call one. A flytekit import inside a function of such a module is a library the function
    uses (its task's image installs flytekit), not Flyte 1 code to migrate: FLY5xx leave it, and the names it
    binds, alone, as they leave a guarded import."""
    found = {id(task.module) for task in analysis.tasks}
    found |= {id(site.module) for site in analysis.call_sites if site.task is not None}
    for module, stmt in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
        if id(module) not in found and imports_flyte([stmt]) and not guarded(stmt):
            found.add(id(module))
    return found


def root_name(node: nodes.NodeNG) -> nodes.Name | None:
    while isinstance(node, nodes.Attribute):
        node = node.expr
    return node if isinstance(node, nodes.Name) else None


# -- the index every FLY5xx rule reads -----------------------------------------------------------------------
@dataclass(eq=False)
class Ref:
    """A load of a name or attribute that resolves to a Flyte 1 construct (the innermost such node)."""

    module: Module
    node: nodes.Name | nodes.Attribute
    symbol: str
    path: str
    stmts: list[nodes.NodeNG]  # what binds the root name in its module

    @property
    def site(self) -> nodes.NodeNG:
        """The expression that uses it: the call when it is called (``map_task(...)``,
        ``LaunchPlan.get_or_create(...)``), the attribute reached through it (``Secret.MountType``), else itself."""
        node = self.node
        while isinstance(node.parent, nodes.Attribute) and node.parent.expr is node:
            node = node.parent
        parent = node.parent
        return parent if isinstance(parent, nodes.Call) and parent.func is node else node

    @property
    def call(self) -> nodes.Call | None:
        site = self.site
        return site if isinstance(site, nodes.Call) else None

    @property
    def decorated(self) -> nodes.FunctionDef | None:
        """The function this use decorates, if it is a decorator."""
        site = self.site
        parent = site.parent
        if isinstance(parent, nodes.Decorators) and site in parent.nodes:
            func = parent.parent
            return func if isinstance(func, (nodes.FunctionDef, nodes.AsyncFunctionDef)) else None
        return None

    @property
    def label(self) -> str:
        return short_source(self.module, self.node, 40)


@dataclass(eq=False)
class ImportStmt:
    module: Module
    node: nodes.Import | nodes.ImportFrom
    names: list[tuple[str, str | None, str | None]]  # (as written, alias, Flyte 1 symbol)


class V1Index:
    """The Flyte 1 index: every use of flytekit (and its plugins) in the modules the analysis reaches, built once
    per model (``flyte1_index(analysis)``, Analysis.memo) for all the FLY5xx rules.

    ``imports`` holds the import statements that import Flyte 1 modules or names, ``refs`` each load of a name
    or attribute that resolves to a Flyte 1 construct (a Ref: the innermost such node, its symbol and dotted
    path, and what binds its root name), ``refs_to(*symbols)`` those of some symbols. A guarded import
    (``try: import flytekit``), or one inside a function of a module that is Flyte 2 code, is a library use,
    not Flyte 1 code to migrate: it and the names it binds are left out. ``is_task_function`` and the queries
    below it say which functions are Flyte 1 tasks and what their calls return."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.refs: list[Ref] = []
        self.imports: list[ImportStmt] = []
        value_of = analysis.resolver.value_of
        flyte2 = _flyte2_modules(analysis)
        for module in self._reachable(analysis):
            local_ok = id(module) in flyte2

            def quiet(stmt: nodes.NodeNG, local_ok: bool = local_ok) -> bool:
                return guarded(stmt) or (local_ok and enclosing_function(stmt) is not None)

            for node in walk(module.tree):
                if isinstance(node, (nodes.Import, nodes.ImportFrom)):
                    stmt = self._import(module, node)
                    if stmt is not None and not quiet(node):
                        self.imports.append(stmt)
                    continue
                if not isinstance(node, (nodes.Name, nodes.Attribute)):
                    continue
                value = value_of(node)
                symbol = v1_symbol(value)
                if symbol is None:
                    continue
                if isinstance(node, nodes.Attribute) and v1_symbol(value_of(node.expr)) == symbol:
                    continue  # `FlyteFile.from_source`: the inner `FlyteFile` is the reference
                root = root_name(node)
                stmts = bindings_of(root) if root is not None else []
                if guarded(node) or (
                    stmts and all(isinstance(s, (nodes.Import, nodes.ImportFrom)) and quiet(s) for s in stmts)
                ):
                    continue
                self.refs.append(Ref(module, node, symbol, value.path, stmts))
        self._task_functions: dict[int, bool] = {}

    @staticmethod
    def _reachable(analysis: Analysis) -> list[Module]:
        """The modules a Flyte 1 name can reach: those that name flytekit, and those importing one of these
        (transitively: a project module may re-export flytekit names). The others are skipped unwalked."""
        resolver = analysis.resolver
        carrying = {id(m) for m in analysis.modules if "flytekit" in (m.text or "")}
        if not carrying:
            return []  # no module names flytekit: nothing can carry a Flyte 1 name
        imports: dict[int, list] = {}
        for module, stmt in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
            if id(module) not in carrying:
                imports.setdefault(id(module), []).append(stmt)
        changed = True
        while changed:
            changed = False
            for module in analysis.modules:
                if id(module) in carrying or id(module) not in imports:
                    continue
                for stmt in imports[id(module)]:
                    if any(
                        (isinstance(t, ModuleRef) and (id(t.module) in carrying or "flytekit" in (t.module.text or "")))
                        or (isinstance(t, External) and is_flytekit_module(t.path))
                        for t in resolver.import_targets(stmt, module)  # (resolved once for every round)
                    ):
                        carrying.add(id(module))
                        changed = True
                        break
        return [m for m in analysis.modules if id(m) in carrying]

    def _import(self, module: Module, node: nodes.Import | nodes.ImportFrom) -> ImportStmt | None:
        resolver = self.analysis.resolver
        if isinstance(node, nodes.Import):
            names = [
                (dotted, alias, None)
                for dotted, alias in node.names
                if is_flytekit_module(dotted) and isinstance(resolver.module_value(dotted, module), External)
            ]
            return ImportStmt(module, node, names) if names else None
        if node.level or not is_flytekit_module(node.modname):
            return None
        if not isinstance(resolver.imported_module(node), External):
            return None
        names = [(orig, alias, v1_symbol(External(f"{node.modname}.{orig}"))) for orig, alias in node.names]
        return ImportStmt(module, node, names)

    def refs_to(self, *symbols: str) -> list[Ref]:
        return [r for r in self.refs if r.symbol in symbols]

    def aliases(self, module: Module) -> dict[str, str]:
        """The names ``module``'s indexed flytekit imports bind, each to the dotted flytekit path it names:
        ``from flytekit import task as t`` -> ``{"t": "flytekit.task"}``, ``import flytekit as fk`` ->
        ``{"fk": "flytekit"}``, ``import flytekit.types.file`` -> ``{"flytekit": "flytekit"}`` (migrate reads
        a name or attribute chain of its rewritten source through this map)."""
        found: dict[str, str] = {}
        for stmt in self.imports:
            if stmt.module is not module:
                continue
            for written, alias, _symbol in stmt.names:
                if isinstance(stmt.node, nodes.Import):
                    found[alias or written.split(".")[0]] = written if alias else written.split(".")[0]
                elif written != "*":
                    found[alias or written] = f"{stmt.node.modname}.{written}"
        return found

    def task_functions(self, module: Module) -> list[tuple[nodes.FunctionDef, Ref]]:
        """The module-level functions of ``module`` a Flyte 1 task decorator (task, workflow, dynamic, eager)
        decorates, each with the Ref of that decorator, in source order."""
        found = []
        for ref in self.refs_to(*(TASK_DECORATORS - {"reference_task", "reference_workflow", "reference_launch_plan"})):
            func = ref.decorated
            if ref.module is module and func is not None and isinstance(func.parent, nodes.Module):
                found.append((func, ref))
        return sorted(found, key=lambda pair: pair[0].lineno)

    # -- Flyte 1 task objects and the promises their calls return ------------------------------------------
    def is_task_function(self, func: nodes.NodeNG) -> bool:
        key = id(func)
        if key not in self._task_functions:
            value_of = self.analysis.resolver.value_of
            found = False
            for dec in func.decorators.nodes if getattr(func, "decorators", None) else []:
                target = dec.func if isinstance(dec, nodes.Call) else dec
                if v1_symbol(value_of(target)) in TASK_DECORATORS:
                    found = True
            self._task_functions[key] = found
        return self._task_functions[key]

    def is_task_object(self, node: nodes.NodeNG, depth: int = 0) -> bool:
        """``node`` evaluates to a Flyte 1 task, workflow, launch plan or map: calling it gives a promise."""
        if depth > 8:
            return False
        value_of = self.analysis.resolver.value_of
        value = value_of(node)
        if isinstance(value, FunctionRef):
            return self.is_task_function(value.func)
        if isinstance(node, nodes.Call):
            callee = value_of(node.func)
            if v1_symbol(callee) in TASK_FACTORIES:
                return True  # task(fn), map_task(fn), LaunchPlan.get_or_create(wf), ContainerTask(...)
            if (
                isinstance(callee, External)
                and callee.path.split(".")[0] in ("flytekit", "flytekitplugins")
                and callee.path.rsplit(".", 1)[-1][:1].isupper()
            ):
                return True  # an instance of a flytekit or plugin task class: ShellTask(...), SnowflakeTask(...)
            # task(retries=2)(fn)
            return isinstance(node.func, nodes.Call) and v1_symbol(value_of(node.func.func)) in TASK_DECORATORS
        if isinstance(node, nodes.Name):
            return self._all_bound(node, lambda v: self.is_task_object(v, depth + 1))
        return False

    def is_promise(self, node: nodes.NodeNG, depth: int = 0) -> bool:
        """``node`` is the result of calling a Flyte 1 task or workflow inside a workflow (a promise or node)."""
        if depth > 8:
            return False
        if isinstance(node, nodes.Call):
            if v1_symbol(self.analysis.resolver.value_of(node.func)) in NODE_CALLS:
                return True
            return self.is_task_object(node.func, depth + 1)
        if isinstance(node, nodes.Name):
            return self._all_bound(node, lambda v: self.is_promise(v, depth + 1))
        if isinstance(node, nodes.Attribute):
            return self.is_promise(node.expr, depth + 1)  # t().o0, node.outputs
        if isinstance(node, nodes.Subscript):
            return self.is_promise(node.value, depth + 1)
        if isinstance(node, nodes.BinOp) and node.op in (">>", "<<"):
            return self.is_promise(node.left, depth + 1) or self.is_promise(node.right, depth + 1)
        return False

    def _all_bound(self, name: nodes.Name, test: Callable[[nodes.NodeNG], bool]) -> bool:
        """Every binding of ``name`` is an assignment whose value passes ``test`` (tuple unpacking too)."""
        stmts = bindings_of(name)
        if not stmts:
            return False
        for stmt in stmts:
            if not isinstance(stmt, nodes.AssignName):
                return False
            path: list[int] = []  # positions of the name in nested tuple targets, innermost last
            child, parent = stmt, stmt.parent
            while isinstance(parent, (nodes.Tuple, nodes.List)):
                path.append(parent.elts.index(child))
                child, parent = parent, parent.parent
            if not isinstance(parent, (nodes.Assign, nodes.AnnAssign, nodes.NamedExpr)) or parent.value is None:
                return False
            value = parent.value
            for position in reversed(path):
                # `a, b = t1(), t2()` pairs the names with the values; `a, b = t()` unpacks one task's outputs.
                if isinstance(value, (nodes.Tuple, nodes.List)):
                    if len(value.elts) <= position or any(isinstance(e, nodes.Starred) for e in value.elts):
                        return False
                    value = value.elts[position]
            if not test(value):
                return False
        return True


def flyte1_index(analysis: Analysis) -> V1Index:
    """The Flyte 1 index of the model, built once for every rule that reads it."""
    return analysis.memo("flyte1.index", lambda: V1Index(analysis))
