"""FLY501–FLY511: Flyte 1 (flytekit) code, each reported with its Flyte 2 replacement.

Migration rules in the style of ruff's Airflow rules: every message names what the Flyte 1 construct
becomes in Flyte 2 (the mapping of the Flyte 1 → 2 migration guide). FLY501 reports the import statements;
FLY502–FLY511 report the decorator or expression that uses a Flyte 1 construct.

A name is Flyte 1 when it resolves to ``External('flytekit…')``: imported from the flytekit package, under
any alias or through any submodule. A project module called ``flytekit_utils`` (or even ``flytekit``) and a
local function called ``workflow`` are not.

Code that supports both SDKs stays quiet. A node is *guarded* when it sits in the body of a ``try`` one of
whose ``except`` clauses catches ImportError or ModuleNotFoundError (alone or in a tuple) and imports
``flyte`` (or a ``flyte.*`` module), or in such an ``except`` clause when the ``try`` body imports ``flyte``.
A guarded flytekit import is not reported, nor is a use that is guarded itself or whose name is bound in
its module only by guarded imports.

A flytekit import inside a function of a module that is Flyte 2 code (see ``_flyte2_modules``) is a library
use (flyte-sdk's own examples import flytekit in a task whose image pip-installs it): it is treated like a
guarded import.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, walk
from flyte_lint.model.arguments import argument, keyword_argument
from flyte_lint.model.names import bindings_of
from flyte_lint.model.project import Module
from flyte_lint.model.resolver import enclosing_function
from flyte_lint.model.source import short_source, source_text
from flyte_lint.model.values import External, FunctionRef, ModuleRef
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Severity, register

# -- the mapping ---------------------------------------------------------------------------------------------
# Flyte 1 name -> what it becomes in Flyte 2 (names checked against the installed flyte 2.12.1).
FILE_TYPES = {
    "FlyteFile", "CSVFile", "HTMLPage", "JoblibSerializedFile", "JPEGImageFile", "PDFFile", "PNGImageFile",
    "PythonPickledFile", "PythonNotebook", "SVGImageFile", "ONNXFile", "TFRecordFile", "JSONLFile",
}
DIR_TYPES = {"FlyteDirectory", "TensorboardLogs", "TFRecordsDirectory"}
MAPPING = {
    "task": "`env.task` on a `flyte.TaskEnvironment`",
    "workflow": "`env.task` (a workflow is a task that calls tasks)",
    "Workflow": "`env.task` (a workflow is a task that calls tasks)",
    "ImperativeWorkflow": "`env.task` (a workflow is a task that calls tasks)",
    "dynamic": "`env.task` (every task can be dynamic)",
    "eager": "`env.task` on an `async def` (every async task is eager)",
    "map_task": "`flyte.map` or `asyncio.gather`",
    "ImageSpec": "`flyte.Image`",
    "Resources": "`flyte.Resources` (`mem=` is `memory=`, `ephemeral_storage=` is `disk=`)",
    "Secret": "`flyte.Secret` (the task reads it from `os.environ`)",
    "PodTemplate": "`flyte.PodTemplate`",
    "current_context": "`flyte.ctx()`",
    "LaunchPlan": "`flyte.Trigger` in `@env.task(triggers=...)`",
    "CronSchedule": "`flyte.Cron`",
    "FixedRate": "`flyte.FixedRate` (an interval in minutes)",
    "conditional": "a Python `if`/`else`",
    "StructuredDataset": "`flyte.io.DataFrame`",
    "Cache": "`flyte.Cache` (`version=` is `version_override=`)",
    "CachePolicy": "`flyte.CachePolicy`",
    "Deck": "`flyte.report` with `@env.task(report=True)`",
    "reference_task": "`flyte.remote.Task.get(...)`",
    "reference_workflow": "`flyte.remote.Task.get(...)`",
    "reference_launch_plan": "`flyte.remote.Task.get(...)`",
    "ContainerTask": "`flyte.extras.ContainerTask`",
    "Environment": "`flyte.TaskEnvironment`",
    "FlyteRemote": "`flyte.remote` (after `flyte.init_from_config()`)",
    "create_node": "plain calls in the order they should run",
    "FlyteSchema": "`flyte.io.DataFrame`",
    "PARQUET": "`flyte.io.PARQUET`",
    "FlyteContextManager": "`flyte.ctx()` (Flyte 2 has no public equivalent of the internal context)",
    "FlyteContext": "`flyte.ctx()` (Flyte 2 has no public equivalent of the internal context)",
    "WorkflowFailurePolicy": "`try`/`except` around the calls that may fail",
    **{name: f"`gpu=\"{device}:1\"` of `flyte.Resources` (or `flyte.GPU(...)`)" for name, device in (
        ("A10G", "A10G"), ("L4", "L4"), ("T4", "T4"), ("V100", "V100"), ("A100", "A100"),
        ("A100_80GB", "A100_80G"), ("H100", "H100"))},
    **{name: "`flyte.io.File`" for name in FILE_TYPES},
    **{name: "`flyte.io.Dir`" for name in DIR_TYPES},
}
# Names whose Flyte 2 form has the same name and constructor in ``flyte``: FLY501 can rewrite their import.
ONE_TO_ONE = {"Resources", "Secret", "PodTemplate"}
# Calls inside a Flyte 1 workflow that make a node (a promise) without being a task call.
NODE_CALLS = {"create_node", "sleep", "wait_for_input", "approve"}
# Flyte 1's internal context classes: ``FlyteContextManager.current_context()`` is a current_context() too.
CONTEXT_CLASSES = {"FlyteContextManager", "FlyteContext"}
# The names the rules below look for, besides those in the mapping.
KNOWN = set(MAPPING) | NODE_CALLS
TASK_DECORATORS = {"task", "workflow", "dynamic", "eager", "reference_task", "reference_workflow", "reference_launch_plan"}
TASK_FACTORIES = {"task", "workflow", "dynamic", "eager", "map_task", "LaunchPlan", "ContainerTask",
                  "reference_task", "reference_workflow", "reference_launch_plan"}


def v1_symbol(value: object) -> str | None:
    """The Flyte 1 construct a value names: ``flytekit.core.task.task`` -> ``task``,
    ``flytekit.LaunchPlan.get_or_create`` -> ``LaunchPlan`` (a class and what is reached through it).
    Module names (``flytekit.core.workflow``) are not constructs: a class is the first capitalised part."""
    if not isinstance(value, External) or not value.path.startswith("flytekit."):
        return None
    parts = value.path.split(".")[1:]
    for i, part in enumerate(parts):
        if part[:1].isupper():
            if part in CONTEXT_CLASSES and parts[i + 1: i + 2] == ["current_context"]:
                return "current_context"
            return part if part in KNOWN else None
    return parts[-1] if parts[-1] in KNOWN else None


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
            elif isinstance(child, nodes.ExceptHandler) and catches_import_error(child):
                if imports_flyte(parent.body):
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


bindings = bindings_of  # (an alias of the model's: model/names.py)


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
        return src(self.module, self.node, 40)


@dataclass(eq=False)
class ImportStmt:
    module: Module
    node: nodes.Import | nodes.ImportFrom
    names: list[tuple[str, str | None, str | None]]  # (as written, alias, Flyte 1 symbol)


class V1Index:
    """The Flyte 1 index: every use of flytekit (and its plugins) in the modules the analysis reaches, built once
    per model (``index(analysis)``, Analysis.memo) for all the FLY5xx rules.

    ``imports`` holds the import statements that import Flyte 1 modules or names, ``refs`` each load of a name
    or attribute that resolves to a Flyte 1 construct (a Ref: the innermost such node, its symbol and dotted
    path, and what binds its root name), ``refs_to(*symbols)`` those of some symbols. A guarded import
    (``try: import flytekit``), or one inside a function of a module that is Flyte 2 code, is a library use,
    not Flyte 1 code to migrate: it and the names it binds are left out. ``is_task_function`` and the queries
    below it say which functions are Flyte 1 tasks and what their calls return."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.watch = analysis.watch
        self.refs: list[Ref] = []
        self.imports: list[ImportStmt] = []
        value_of = analysis.resolver.value_of
        flyte2 = _flyte2_modules(analysis)
        for module in self._reachable(analysis):
            local_ok = id(module) in flyte2

            def quiet(stmt: nodes.NodeNG) -> bool:
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
                stmts = bindings(root) if root is not None else []
                if guarded(node) or (stmts and all(
                    isinstance(s, (nodes.Import, nodes.ImportFrom)) and quiet(s) for s in stmts
                )):
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
                (dotted, alias, None) for dotted, alias in node.names
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
        return self.watch([r for r in self.refs if r.symbol in symbols])

    def seen_by(self, analysis: Analysis) -> "V1Index":
        """This index as a rule sees it through the runner's view: its imports and refs_to() watched."""
        view = copy.copy(self)
        view.watch = analysis.watch
        view.imports = analysis.watch(self.imports)
        return view

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
            if isinstance(callee, External) and callee.path.split(".")[0] in ("flytekit", "flytekitplugins") \
                    and callee.path.rsplit(".", 1)[-1][:1].isupper():
                return True  # an instance of a flytekit or plugin task class: ShellTask(...), SnowflakeTask(...)
            if isinstance(node.func, nodes.Call) and v1_symbol(value_of(node.func.func)) in TASK_DECORATORS:
                return True  # task(retries=2)(fn)
            return False
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

    def _all_bound(self, name: nodes.Name, test) -> bool:
        """Every binding of ``name`` is an assignment whose value passes ``test`` (tuple unpacking too)."""
        stmts = bindings(name)
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


def index(analysis: Analysis) -> V1Index:
    """The Flyte 1 index of the model, built once for every rule that reads it."""
    whole = analysis.unwrapped
    found = whole.memo("flyte1.index", lambda: V1Index(whole))
    return found if analysis is whole else found.seen_by(analysis)


# (aliases of the model's: model/arguments.py, model/source.py)
keyword = keyword_argument
text_of = source_text
src = short_source


class V1Rule(Rule):
    severity = Severity.WARNING


# -- FLY501 --------------------------------------------------------------------------------------------------
FROM_RE = re.compile(r"from[ \t]+([\w.]+)")


@register
class FlytekitImport(V1Rule):
    code = "FLY501"
    symbol = "flytekit-import"
    summary = "Reports an import of `flytekit` (Flyte 1), naming the Flyte 2 replacement of each imported name."
    rationale = (
        "flytekit is the Flyte 1 SDK. Flyte 2 is the `flyte` package, with a different model: a "
        "`flyte.TaskEnvironment` holds the configuration, `@env.task` makes tasks, and workflows are tasks that "
        "call tasks. flytekit code is correct Flyte 1 code, but it does not run on the Flyte 2 SDK, so each "
        "flytekit import is a migration step. A flytekit import inside a function of a module that is Flyte 2 "
        "code (it imports `flyte`, or defines or calls Flyte 2 tasks) is not: it uses flytekit as a library, which "
        "works where that task's image installs it, so no FLY5xx rule reports it or the names it binds; a "
        "top-level flytekit import is still reported."
        " Severity: warning: a migration step: flytekit code runs where flytekit is installed (an image that "
        "pip-installs it, or a migration shim) and fails with ImportError elsewhere, which the code cannot "
        "show."
    )
    bad = """
        from flytekit import Resources, task

        @task(requests=Resources(cpu="1", mem="2Gi"))
        def work() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", memory="2Gi"))

        @env.task
        def work() -> int:
            return 1
    """
    fix = (
        "Import from `flyte` instead (the message names the replacement of each name): `task`, `workflow` and "
        "`dynamic` become `@env.task` on a `flyte.TaskEnvironment`, `map_task` becomes `flyte.map` or "
        "`asyncio.gather`, `ImageSpec` becomes `flyte.Image`, `current_context()` becomes `flyte.ctx()`, "
        "`LaunchPlan`/`CronSchedule`/`FixedRate` become `flyte.Trigger`/`flyte.Cron`/`flyte.FixedRate`, "
        "`FlyteFile`/`FlyteDirectory`/`StructuredDataset` become `flyte.io.File`/`Dir`/`DataFrame`."
    )
    fix_safety = (
        "Unsafe, and only for a `from flytekit… import` whose every name has a same-named Flyte 2 class "
        "(`Resources`, `Secret`, `PodTemplate`) used only in calls with the parameters both versions share: "
        "`from flytekit import Resources, Secret` becomes `from flyte import Resources, Secret`. Values may "
        "still differ (Flyte 2 wants `memory=\"2Gi\"`, not `mem=`; FLY301 then renames it)."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = index(analysis)
        for stmt in idx.imports:
            yield self.finding(stmt.module, stmt.node, self._message(idx, stmt), self._fix(idx, stmt))

    def _message(self, idx: V1Index, stmt: ImportStmt) -> str:
        if isinstance(stmt.node, nodes.Import):
            shown = ", ".join(f"{d} as {a}" if a else d for d, a, _ in stmt.names)
            used = sorted({r.symbol for r in idx.refs if r.module is stmt.module and stmt.node in r.stmts})
            head = f"`import {shown}` is Flyte 1; Flyte 2 is `import flyte`"
            mapped = [f"`{s}` → {MAPPING[s]}" for s in used if s in MAPPING]
            return head + (": " + "; ".join(mapped) if mapped else "")
        if any(orig == "*" for orig, _, _ in stmt.names):
            return f"`from {stmt.node.modname} import *` is Flyte 1; Flyte 2 is `flyte`"
        parts, unknown = [], []
        for orig, _, symbol in stmt.names:
            if symbol in MAPPING:
                parts.append(f"`{orig}` → {MAPPING[symbol]}")
            else:
                unknown.append(f"`{orig}`")
        if unknown:
            parts.append(f"{', '.join(unknown)}: no direct Flyte 2 replacement")
        return f"`{stmt.node.modname}` is Flyte 1; in Flyte 2 (`flyte`): " + "; ".join(parts)

    def _fix(self, idx: V1Index, stmt: ImportStmt) -> Fix | None:
        node = stmt.node
        if not isinstance(node, nodes.ImportFrom) or not stmt.names:
            return None
        if not all(symbol in ONE_TO_ONE and orig == symbol for orig, _, symbol in stmt.names):
            return None
        for ref in idx.refs:
            if ref.module is stmt.module and node in ref.stmts and not _same_in_v2(ref):
                return None
        lines = (stmt.module.text or "").splitlines()
        if not 0 < node.lineno <= len(lines):
            return None
        # astroid columns are UTF-8 byte offsets, and so are Edit columns.
        rest = lines[node.lineno - 1].encode("utf-8")[node.col_offset:].decode("utf-8", errors="ignore")
        match = FROM_RE.match(rest)
        if match is None or match.group(1) != node.modname:
            return None  # a line continuation between `from` and the module: leave it
        begin = node.col_offset + len(match.group(0)) - len(node.modname)
        edit = Edit((node.lineno, begin), (node.lineno, begin + len(node.modname)), "flyte")
        return Fix((edit,), False, "Import from `flyte`")


# Keywords each one-to-one class shares with its Flyte 2 namesake (positional order matches for these).
SHARED_KEYWORDS = {
    "Resources": ({"cpu", "mem", "gpu", "ephemeral_storage"}, 4),
    "Secret": ({"key", "group"}, 0),  # Flyte 1 takes (group, key) by position, Flyte 2 (key, group)
    "PodTemplate": ({"pod_spec", "primary_container_name", "labels", "annotations"}, 4),
}


def _same_in_v2(ref: Ref) -> bool:
    """This use of a one-to-one class means the same with the Flyte 2 class: a call with shared parameters,
    or a type annotation."""
    if ref.symbol not in SHARED_KEYWORDS or not isinstance(ref.node, nodes.Name):
        return False
    call = ref.call
    if call is None:
        parent = ref.node.parent
        return isinstance(parent, nodes.Arguments) or (isinstance(parent, nodes.FunctionDef) and parent.returns is ref.node) or (
            isinstance(parent, nodes.AnnAssign) and parent.annotation is ref.node
        )
    allowed, positional = SHARED_KEYWORDS[ref.symbol]
    if len(call.args) > positional or any(isinstance(a, nodes.Starred) for a in call.args):
        return False
    return all(kw.arg in allowed for kw in call.keywords or [])


# -- FLY502 / FLY503 -----------------------------------------------------------------------------------------
WORKFLOW_OPTIONS = {
    "on_failure": "call the handler in an `except` around the calls",
    "failure_policy": "catch a failing call with `try`/`except` and go on",
    "interruptible": "`interruptible=` on the TaskEnvironment or `@env.task`",
    "docs": "`docs=` on `@env.task`",
    "default_options": "options of `flyte.with_runcontext(...)`",
}


def _decorated_label(ref: Ref) -> str:
    func = ref.decorated
    if func is not None:
        return f"`@{src(ref.module, ref.site, 40)}` on `{func.name}`"
    return f"`{src(ref.module, ref.site, 40)}`"


@register
class WorkflowDecorator(V1Rule):
    code = "FLY502"
    symbol = "workflow-decorator"
    summary = "Reports a Flyte 1 `@workflow` (or imperative `Workflow`): in Flyte 2 a workflow is a task that calls tasks."
    rationale = (
        "Flyte 2 has no workflows and no workflow DSL: the entry point is an ordinary task of a "
        "`flyte.TaskEnvironment` that calls other tasks. Its body is plain Python that runs, so values are real "
        "values (not promises), and loops, branches and try/except work."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import task, workflow

        @task
        def double(x: int) -> int:
            return x * 2

        @workflow
        def main(x: int) -> int:
            return double(x=x)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def double(x: int) -> int:
            return x * 2

        @env.task
        def main(x: int) -> int:
            return double(x=x)
    """
    fix = (
        "Make the workflow an `@env.task` (an `async def` that awaits the tasks it calls, or a sync one that "
        "calls them); `on_failure=` becomes a `try`/`except`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("workflow", "Workflow", "ImperativeWorkflow"):
            func = ref.decorated
            if ref.symbol != "workflow":
                msg = (f"`{src(ref.module, ref.site, 40)}` is a Flyte 1 imperative workflow: Flyte 2 has no workflows; "
                       "write an `@env.task` that calls the tasks in order")
            elif func is not None:
                msg = (f"{_decorated_label(ref)} is Flyte 1: Flyte 2 has no workflows; make `{func.name}` an "
                       "`@env.task` of a `flyte.TaskEnvironment` that calls the tasks")
            else:
                msg = (f"`{src(ref.module, ref.site, 40)}` is a Flyte 1 workflow: Flyte 2 has no workflows; use "
                       "`env.task(...)` of a `flyte.TaskEnvironment`")
            hints = [f"`{kw.arg}=` → {WORKFLOW_OPTIONS[kw.arg]}" for kw in (ref.call.keywords or [] if ref.call else [])
                     if kw.arg in WORKFLOW_OPTIONS]
            yield self.finding(ref.module, ref.site, msg + ("; " + "; ".join(hints) if hints else ""))


@register
class DynamicDecorator(V1Rule):
    code = "FLY503"
    symbol = "dynamic-decorator"
    summary = "Reports a Flyte 1 `@dynamic` or `@eager`: every Flyte 2 task can call tasks at runtime."
    rationale = (
        "Flyte 1 needs `@dynamic` (or `@eager`) for a task that decides at runtime which tasks to run. In "
        "Flyte 2 every task body is ordinary Python that runs, so any `@env.task` can loop over inputs and call "
        "tasks; an `async def` task that awaits them is what `@eager` was."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import dynamic, task

        @task
        def double(x: int) -> int:
            return x * 2

        @dynamic
        def double_all(xs: list[int]) -> list[int]:
            return [double(x=x) for x in xs]
    """
    good = """
        import asyncio

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def double_all(xs: list[int]) -> list[int]:
            return list(await asyncio.gather(*(double(x) for x in xs)))
    """
    fix = "Make it an `@env.task`: the loop stays as it is (or becomes `asyncio.gather` / `flyte.map` to run the calls in parallel)."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("dynamic", "eager"):
            func = ref.decorated
            name = f"`{func.name}`" if func is not None else "it"
            if ref.symbol == "dynamic":
                advice = f"every Flyte 2 task can call tasks in loops and branches at runtime; make {name} an `@env.task`"
            else:
                advice = f"every async Flyte 2 task is eager; make {name} an `@env.task` on an `async def` that awaits the tasks"
            yield self.finding(ref.module, ref.site, f"{_decorated_label(ref)} is Flyte 1: {advice}")


# -- FLY504 --------------------------------------------------------------------------------------------------
MAP_OPTIONS = {
    "concurrency": "`flyte.map(..., concurrency=N)` (or an `asyncio.Semaphore`)",
    "min_success_ratio": "`flyte.map` returns failures as exception values (`return_exceptions=True`): count them",
    "min_successes": "`flyte.map` returns failures as exception values (`return_exceptions=True`): count them",
}


@register
class MapTask(V1Rule):
    code = "FLY504"
    symbol = "map-task"
    summary = "Reports a Flyte 1 `map_task(...)`: Flyte 2 uses `flyte.map` or `asyncio.gather`."
    rationale = (
        "`map_task` builds a Flyte 1 array node. In Flyte 2 a task fans out by calling the task for each item: "
        "`flyte.map(task, items)` (a generator: wrap it in `list(...)`) in a sync task, or "
        "`asyncio.gather(*(task(x) for x in items))` in an async one."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import map_task, task, workflow

        @task
        def square(x: int) -> int:
            return x * x

        @workflow
        def main(xs: list[int]) -> list[int]:
            return map_task(square, concurrency=4)(x=xs)
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        def main(xs: list[int]) -> list[int]:
            return list(flyte.map(square, xs, concurrency=4))
    """
    fix = (
        "Call `list(flyte.map(task, items))` (sync) or `await asyncio.gather(*(task(x) for x in items))` "
        "(async); `concurrency=` stays on `flyte.map`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("map_task"):
            call = ref.call
            if call is None or not call.args:
                yield self.finding(ref.module, ref.site, f"`{ref.label}` is Flyte 1: use `flyte.map` or `asyncio.gather`")
                continue
            target = src(ref.module, call.args[0], 50)
            items = "items"
            outer = call.parent
            if isinstance(outer, nodes.Call) and outer.func is call:
                given = list(outer.args) + [kw.value for kw in outer.keywords or []]
                if len(given) == 1 and not isinstance(given[0], nodes.Starred):
                    items = src(ref.module, given[0], 30)
            concurrency = keyword(call, "concurrency")
            extra = f", concurrency={src(ref.module, concurrency, 20)}" if concurrency is not None else ""
            msg = (f"`map_task({target})` is Flyte 1: use `list(flyte.map({target}, {items}{extra}))` in a sync task, "
                   f"or `await asyncio.gather(...)` of the calls in an async one")
            hints = [f"`{kw.arg}=` → {MAP_OPTIONS[kw.arg]}" for kw in call.keywords or []
                     if kw.arg in MAP_OPTIONS and kw.arg != "concurrency"]
            yield self.finding(ref.module, call, msg + ("; " + "; ".join(hints) if hints else ""))


# -- FLY505 --------------------------------------------------------------------------------------------------
@register
class Conditional(V1Rule):
    code = "FLY505"
    symbol = "conditional"
    summary = "Reports a Flyte 1 `conditional(...)` chain: Flyte 2 uses a Python `if`/`else`."
    rationale = (
        "`conditional(...).if_(...).then(...).else_()...` is Flyte 1's workflow DSL for branches, needed because "
        "a workflow body only builds a graph. A Flyte 2 task body runs, so a plain `if`/`elif`/`else` on real "
        "values does the same."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import conditional, task, workflow

        @task
        def small(n: int) -> str:
            return "small"

        @task
        def large(n: int) -> str:
            return "large"

        @workflow
        def main(n: int) -> str:
            return conditional("size").if_(n < 100).then(small(n=n)).else_().then(large(n=n))
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def small(n: int) -> str:
            return "small"

        @env.task
        def large(n: int) -> str:
            return "large"

        @env.task
        def main(n: int) -> str:
            if n < 100:
                return small(n=n)
            return large(n=n)
    """
    fix = "Write the branches as `if`/`elif`/`else` in an `@env.task`, each calling its task; `.fail(...)` becomes `raise`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("conditional"):
            node = ref.site
            # Climb the chain `conditional(...).if_(...).then(...)...` to its outermost call.
            while isinstance(node.parent, nodes.Attribute) and isinstance(node.parent.parent, nodes.Call) \
                    and node.parent.parent.func is node.parent:
                node = node.parent.parent
            name = ""
            if ref.call is not None and ref.call.args and isinstance(ref.call.args[0], nodes.Const):
                name = f"({ref.call.args[0].value!r})"
            msg = (f"`conditional{name}` is Flyte 1: write a Python `if`/`elif`/`else` in an `@env.task` that calls "
                   "the task of each branch (`.fail(...)` becomes `raise`)")
            yield self.finding(ref.module, node, msg)


# -- FLY506 --------------------------------------------------------------------------------------------------
CONTEXT_HINTS = {
    "secrets": "declare `secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment and read `os.environ[...]`",
    "working_directory": "use `os.getcwd()` or `tempfile.mkdtemp()`",
    "execution_id": "`flyte.ctx().action` has `run_name`, `name`, `project`, `domain`",
    "default_deck": "write reports with `flyte.report` in a task with `report=True`",
    "decks": "write reports with `flyte.report` in a task with `report=True`",
    "logging": "use `logging` (or `flyte.logger`)",
    "raw_output_prefix": "`flyte.ctx().raw_data_path`",
}


@register
class CurrentContext(V1Rule):
    code = "FLY506"
    symbol = "current-context"
    summary = "Reports Flyte 1 `current_context()`: Flyte 2 has `flyte.ctx()`, and secrets come from environment variables."
    rationale = (
        "`flytekit.current_context()` does not exist in Flyte 2. `flyte.ctx()` gives the task context (the "
        "action, the run name, paths), secrets declared on the TaskEnvironment are environment variables, and "
        "the working directory is the process's own."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import Secret, current_context, task

        @task(secret_requests=[Secret(group="db", key="password")])
        def connect() -> int:
            password = current_context().secrets.get(group="db", key="password")
            return len(password)
    """
    good = """
        import os

        import flyte

        env = flyte.TaskEnvironment("demo", secrets=[flyte.Secret(key="password", group="db", as_env_var="DB_PASSWORD")])

        @env.task
        def connect() -> int:
            password = os.environ["DB_PASSWORD"]
            return len(password)
    """
    fix = "Use `flyte.ctx()` for the run and action; read secrets from `os.environ`; use `os.getcwd()` for the working directory."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("current_context"):
            site = ref.site
            hint = ""
            parent = site.parent
            if ref.call is not None and isinstance(parent, nodes.Attribute) and parent.expr is site:
                found = CONTEXT_HINTS.get(parent.attrname)
                hint = f"; for `.{parent.attrname}`: {found}" if found else ""
            yield self.finding(ref.module, site, f"`{src(ref.module, site, 40)}` is Flyte 1: use `flyte.ctx()`{hint}")


# -- FLY507 --------------------------------------------------------------------------------------------------
TIMEDELTA_MINUTES = {"weeks": 10080, "days": 1440, "hours": 60, "minutes": 1}


def automation_for(idx: V1Index, module: Module, node: nodes.NodeNG | None) -> str | None:
    """The Flyte 2 automation for a Flyte 1 schedule expression: ``flyte.Cron(...)`` or ``flyte.FixedRate(...)``."""
    if not isinstance(node, nodes.Call):
        return None
    symbol = v1_symbol(idx.analysis.resolver.value_of(node.func))
    if symbol == "CronSchedule":
        expr = argument(node, 1, "schedule") or argument(node, 0, "cron_expression")
        return f"flyte.Cron({src(module, expr, 40)})" if expr is not None else "flyte.Cron(...)"
    if symbol == "FixedRate":
        duration = argument(node, 0, "duration")
        minutes = _minutes(idx, duration)
        return f"flyte.FixedRate({minutes if minutes is not None else '<minutes>'})"
    return None


def _minutes(idx: V1Index, node: nodes.NodeNG | None) -> int | None:
    if not isinstance(node, nodes.Call) or node.args:
        return None
    callee = idx.analysis.resolver.value_of(node.func)
    if not (isinstance(callee, External) and callee.path == "datetime.timedelta"):
        return None
    total = 0.0
    for kw in node.keywords or []:
        if not isinstance(kw.value, nodes.Const) or not isinstance(kw.value.value, (int, float)):
            return None
        if kw.arg in TIMEDELTA_MINUTES:
            total += kw.value.value * TIMEDELTA_MINUTES[kw.arg]
        elif kw.arg == "seconds":
            total += kw.value.value / 60
        else:
            return None
    return int(total) if total == int(total) and total > 0 else None


@register
class LaunchPlanRule(V1Rule):
    code = "FLY507"
    symbol = "launch-plan"
    summary = "Reports Flyte 1 `LaunchPlan`, `CronSchedule` and `FixedRate`: Flyte 2 attaches a `flyte.Trigger` to the task."
    rationale = (
        "Flyte 2 has no launch plans. A schedule is a `flyte.Trigger(name, flyte.Cron(...) | flyte.FixedRate(minutes), "
        "inputs={...})` passed to `@env.task(triggers=...)`, deployed with the task's environment; a launch plan's "
        "default inputs become the trigger's `inputs` (or the task's parameter defaults)."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import CronSchedule, LaunchPlan, task, workflow

        @task
        def refresh(day: str) -> str:
            return day

        @workflow
        def nightly(day: str) -> str:
            return refresh(day=day)

        plan = LaunchPlan.get_or_create(
            workflow=nightly,
            name="nightly",
            schedule=CronSchedule(schedule="0 2 * * *", kickoff_time_input_arg="day"),
        )
    """
    good = """
        from datetime import datetime

        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task(triggers=flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"day": flyte.TriggerTime}))
        def nightly(day: datetime) -> str:
            return day.isoformat()
    """
    fix = (
        "Pass `triggers=flyte.Trigger(name, flyte.Cron(expr) or flyte.FixedRate(minutes), inputs={...})` to "
        "the task's `@env.task`; `kickoff_time_input_arg` becomes `inputs={name: flyte.TriggerTime}`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = index(analysis)
        plans = idx.refs_to("LaunchPlan")
        plan_calls = [r.call for r in plans if r.call is not None]
        for ref in plans:
            yield self.finding(ref.module, ref.site, self._plan_message(idx, ref))
        for ref in idx.refs_to("CronSchedule", "FixedRate"):
            if any(_inside(ref.node, call) for call in plan_calls):
                continue  # the launch plan's message covers its schedule
            fallback = "flyte.Cron" if ref.symbol == "CronSchedule" else "flyte.FixedRate"
            automation = f"`{automation_for(idx, ref.module, ref.call) or fallback}`"
            yield self.finding(ref.module, ref.site, (
                f"`{src(ref.module, ref.site, 50)}` is a Flyte 1 schedule: use {automation} as the automation of a "
                "`flyte.Trigger` in `@env.task(triggers=...)`"))

    def _plan_message(self, idx: V1Index, ref: Ref) -> str:
        call = ref.call
        head = f"`{src(ref.module, ref.site, 50)}` is a Flyte 1 launch plan"
        if call is None:
            return head + ": Flyte 2 has no launch plans; pass a `flyte.Trigger` to `@env.task(triggers=...)`"
        module = ref.module
        callee = idx.analysis.resolver.value_of(call.func)
        method = callee.path.rsplit(".", 1)[1] if isinstance(callee, External) else ""
        if method == "get_or_create":
            target, name = argument(call, 0, "workflow"), argument(call, 1, "name")
        elif method in ("create", "LaunchPlan"):
            target, name = argument(call, 1, "workflow"), argument(call, 0, "name")
        else:
            return head + ": Flyte 2 has no launch plans; pass a `flyte.Trigger` to `@env.task(triggers=...)`"
        schedule = keyword(call, "schedule")
        automation = automation_for(idx, module, schedule) if schedule is not None else None
        if schedule is not None and automation is None:
            automation = "flyte.Cron(...)"
        inputs = [src(module, v, 40) for k in ("default_inputs", "fixed_inputs") if (v := keyword(call, k)) is not None]
        kickoff = argument(schedule, 1, "kickoff_time_input_arg") if isinstance(schedule, nodes.Call) else None
        if isinstance(schedule, nodes.Call) and kickoff is None:
            kickoff = keyword(schedule, "kickoff_time_input_arg")
        if isinstance(kickoff, nodes.Const) and isinstance(kickoff.value, str):
            inputs.append("{" + repr(kickoff.value).replace("'", '"') + ": flyte.TriggerTime}")
        args = [src(module, name, 30) if name is not None else '"name"']
        if automation:
            args.append(automation)
        if inputs:
            merged = inputs[0] if len(inputs) == 1 else "{" + ", ".join(f"**{i}" for i in inputs) + "}"
            args.append(f"inputs={merged}")
        trigger = f"flyte.Trigger({', '.join(args)})"
        on = f" on `{src(module, target, 30)}`" if target is not None else ""
        if automation is None:
            return (f"{head}: Flyte 2 has no launch plans; a trigger without automation is fired on demand: "
                    f"`@env.task(triggers={trigger})`{on}, or give the task's parameters defaults")
        return f"{head}: in Flyte 2, `@env.task(triggers={trigger})`{on}"


def _inside(node: nodes.NodeNG, container: nodes.NodeNG) -> bool:
    parent = node.parent
    while parent is not None:
        if parent is container:
            return True
        parent = parent.parent
    return False


# -- FLY508 --------------------------------------------------------------------------------------------------
IMAGE_OPTIONS = {
    "name": "`name=` of `Image.from_debian_base`",
    "registry": "`registry=` of `Image.from_debian_base`",
    "python_version": "`python_version=(3, 11)` (a tuple) of `Image.from_debian_base`",
    "platform": "`platform=` (a tuple) of `Image.from_debian_base`",
    "packages": "`.with_pip_packages(...)`",
    "apt_packages": "`.with_apt_packages(...)`",
    "requirements": "`.with_requirements(path)`",
    "env": "`.with_env_vars({...})`",
    "commands": "`.with_commands([...])`",
    "copy": "`.with_source_file(...)` / `.with_source_folder(...)`",
    "source_root": "`.with_source_folder(...)`",
    "pip_index": "`index_url=` of `.with_pip_packages`",
    "pip_extra_index_url": "`extra_index_urls=` of `.with_pip_packages`",
    "base_image": "`Image.from_base(uri)`",
    "builder": "`image.builder` in the config file, or `flyte.init(image_builder=...)`",
    "registry_config": "`registry_secret=` of `Image.from_debian_base` (a Flyte secret)",
    "conda_packages": "no equivalent: use a base image with them (`Image.from_base`)",
    "conda_channels": "no equivalent: use a base image with them (`Image.from_base`)",
}
CTOR_KEYS = {"name", "registry", "python_version", "platform"}
CHAIN_KEYS = {"packages": "with_pip_packages", "apt_packages": "with_apt_packages", "requirements": "with_requirements",
              "env": "with_env_vars", "commands": "with_commands"}


def image_suggestion(module: Module, call: nodes.Call) -> str | None:
    """A Flyte 2 ``flyte.Image`` expression equivalent to a simple ``ImageSpec(...)`` call."""
    if call.args:
        return None
    given = {kw.arg: kw.value for kw in call.keywords or []}
    if None in given or not set(given) <= CTOR_KEYS | set(CHAIN_KEYS) | {"builder", "base_image"}:
        return None
    if "base_image" in given:
        if given.keys() & CTOR_KEYS:
            return None
        text = f"flyte.Image.from_base({text_of(module, given['base_image'])})"
    else:
        ctor = []
        for key in ("name", "registry", "platform"):
            if key in given:
                ctor.append(f"{key}={text_of(module, given[key])}")
        version = given.get("python_version")
        if version is not None:
            if not (isinstance(version, nodes.Const) and isinstance(version.value, str)
                    and re.fullmatch(r"\d+\.\d+", version.value)):
                return None
            major, minor = version.value.split(".")
            ctor.insert(0, f"python_version=({major}, {minor})")
        text = f"flyte.Image.from_debian_base({', '.join(ctor)})"
    for key, method in CHAIN_KEYS.items():
        value = given.get(key)
        if value is None:
            continue
        if key in ("packages", "apt_packages"):
            if isinstance(value, (nodes.List, nodes.Tuple)):
                inner = ", ".join(text_of(module, e) for e in value.elts)
            else:
                inner = f"*{text_of(module, value)}"
            text += f".{method}({inner})"
        else:
            text += f".{method}({text_of(module, value)})"
    return text if len(text) <= 200 else None


@register
class ImageSpecRule(V1Rule):
    code = "FLY508"
    symbol = "image-spec"
    summary = "Reports a Flyte 1 `ImageSpec`: Flyte 2 builds images with `flyte.Image` and its `.with_*` methods."
    rationale = (
        "Flyte 2 has no `ImageSpec`. `flyte.Image.from_debian_base(...)` (or `Image.from_base(uri)`, "
        "`Image.from_dockerfile(...)`) starts an image and chained `.with_pip_packages(...)`, "
        "`.with_apt_packages(...)`, `.with_env_vars(...)` add to it; the TaskEnvironment takes it as `image=`."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import ImageSpec, task

        image = ImageSpec(name="trainer", python_version="3.11", packages=["pandas"])

        @task(container_image=image)
        def train() -> int:
            return 1
    """
    good = """
        import flyte

        image = flyte.Image.from_debian_base(python_version=(3, 11), name="trainer").with_pip_packages("pandas")
        env = flyte.TaskEnvironment("demo", image=image)

        @env.task
        def train() -> int:
            return 1
    """
    fix = "Build a `flyte.Image` (the message spells it out for simple specs) and pass it to `flyte.TaskEnvironment(image=...)`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("ImageSpec"):
            call = ref.call
            head = f"`{src(ref.module, ref.site, 50)}` is Flyte 1"
            if call is None:
                yield self.finding(ref.module, ref.site, f"{head}: use `flyte.Image`")
                continue
            suggestion = image_suggestion(ref.module, call)
            if suggestion is not None:
                msg = f"{head}: use `{suggestion}`"
                if "builder" in {kw.arg for kw in call.keywords or []}:
                    msg += f"; `builder=` → {IMAGE_OPTIONS['builder']}"
            else:
                hints = [f"`{kw.arg}=` → {IMAGE_OPTIONS[kw.arg]}" for kw in call.keywords or [] if kw.arg in IMAGE_OPTIONS]
                msg = f"{head}: use `flyte.Image.from_debian_base(...)` and its `.with_*` methods" + (
                    "; " + "; ".join(hints) if hints else "")
            yield self.finding(ref.module, call, msg)


# -- FLY509 --------------------------------------------------------------------------------------------------
@register
class NodeOrdering(V1Rule):
    code = "FLY509"
    symbol = "node-ordering"
    summary = (
        "Reports Flyte 1 node ordering (`a >> b`, `a.runs_before(b)`) between task results: Flyte 2 runs "
        "calls in the order written. Between Flyte 2 task results that are not ints it fails (error)."
    )
    rationale = (
        "A Flyte 1 workflow only builds a graph, so tasks that pass no data between them need `>>` to be ordered. "
        "A Flyte 2 task body runs: sync task calls run one after the other, and awaited async calls run in "
        "`await` order. On Flyte 2 values `>>` is Python's shift operator."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import task, workflow

        @task
        def clear() -> None:
            print("cleared")

        @task
        def load() -> None:
            print("loaded")

        @workflow
        def main() -> None:
            first = clear()
            second = load()
            first >> second
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def clear() -> None:
            print("cleared")

        @env.task
        def load() -> None:
            print("loaded")

        @env.task
        def main() -> None:
            clear()
            load()
    """
    fix = "Call the tasks in the order they must run (await each one in an async task) and drop the `>>`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = index(analysis)
        for module in analysis.modules:
            text = module.text or ""
            if ">>" not in text and "<<" not in text and "runs_before" not in text:
                continue
            for node in walk(module.tree):
                if isinstance(node, nodes.BinOp) and node.op in (">>", "<<"):
                    parent = node.parent
                    if isinstance(parent, nodes.BinOp) and parent.op in (">>", "<<"):
                        continue  # reported at the outermost `a >> b >> c`
                    operands = _chain(node)
                    if any(idx.is_promise(o) for o in operands) and not any(isinstance(o, LITERALS) for o in operands) \
                            and not guarded(node):
                        yield self.finding(module, node, (
                            f"`{src(module, node, 50)}` orders Flyte 1 nodes: in Flyte 2 call the tasks in that order "
                            "(await each one in an async task) and drop the `{}`".format(node.op)))
                    elif (kinds := [_task_result(analysis, o) for o in operands]) and None not in kinds \
                            and not all(k in SHIFTABLE for k in kinds):
                        yield self.finding(module, node, _shift_message(src(module, node, 50), node.op, kinds),
                                           severity=Severity.ERROR)
                elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                        and node.func.attrname == "runs_before" and idx.is_promise(node.func.expr) and not guarded(node):
                    yield self.finding(module, node, (
                        f"`{src(module, node, 50)}` orders Flyte 1 nodes: in Flyte 2 call the tasks in that order "
                        "(await each one in an async task) and drop `.runs_before(...)`"))
                elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                        and node.func.attrname == "runs_before" and (kind := _task_result(analysis, node.func.expr)):
                    yield self.finding(module, node, (
                        f"`{src(module, node, 50)}` calls `.runs_before` on a Flyte 2 task's result, {_kind_text(kind)}: "
                        f"it fails with AttributeError (\"'{kind}' object has no attribute 'runs_before'\"). Flyte 2 "
                        "runs calls in the order written: call the tasks one after the other (await each one in an "
                        "async task) and drop `.runs_before(...)`"), severity=Severity.ERROR)


# Operands that are plain Python values: `>>` on them is a shift, whatever the other side is.
LITERALS = (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Set, nodes.JoinedStr,
            nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)


def _chain(node: nodes.NodeNG) -> list[nodes.NodeNG]:
    if isinstance(node, nodes.BinOp) and node.op in (">>", "<<"):
        return _chain(node.left) + _chain(node.right)
    return [node]


# Flyte 2 task results (flyte 2.12.1, measured: tests/test_flyte1_rules.py): a sync task's call and an awaited
# async task's give the returned value; an async task's call (or `.aio`) not awaited gives a coroutine, which
# runs the task only once awaited. `>>` between them is Python's shift: TypeError unless both are ints.
SHIFTABLE = frozenset({"int", "bool"})
_ANNOTATED = {"int": "int", "bool": "bool", "float": "float", "str": "str", "bytes": "bytes"}
_RESULT_FORMS = ("call", "override", "aio", "partial")


def _task_result(analysis: Analysis, node: nodes.NodeNG, depth: int = 0) -> str | None:
    """The Python type name of what ``node`` holds when it is the result of a Flyte 2 task call whose type the
    code shows: "coroutine" (an async task called, not awaited), or the return annotation's type (None:
    "NoneType") of a sync task called or an async one awaited; also through a name every binding of which is
    such a result of the same type. None: anything else (unknown: the rule stays quiet)."""
    if depth > 4:
        return None
    if isinstance(node, nodes.Name):
        kinds = set()
        for stmt in bindings(node):
            assign = stmt.parent if isinstance(stmt, nodes.AssignName) else None
            if not (isinstance(assign, nodes.Assign) and assign.targets == [stmt]):
                return None
            kinds.add(_task_result(analysis, assign.value, depth + 1))
        return kinds.pop() if len(kinds) == 1 else None
    awaited = isinstance(node, nodes.Await)
    call = node.value if awaited else node
    site = analysis.site_of_call.get(id(call)) if isinstance(call, nodes.Call) else None
    if site is None or site.task is None or site.form not in _RESULT_FORMS:
        return None
    if site.makes_coroutine and not awaited:
        return "coroutine"
    if awaited != site.makes_coroutine:
        return None  # (a sync task awaited: FLY101's)
    returns = site.task.func.returns
    if isinstance(returns, nodes.Const) and returns.value is None:
        return "NoneType"
    if isinstance(returns, nodes.Name) and returns.name in _ANNOTATED:
        return _ANNOTATED[returns.name]
    return None


def _kind_text(kind: str) -> str:
    return {"coroutine": "a coroutine (an async task called without `await`)", "NoneType": "None"}.get(kind, f"an {kind}"
                                                                                                         if kind == "int" else f"a {kind}")


def _shift_message(shown: str, op: str, kinds: list[str]) -> str:
    left, right = kinds[0], kinds[1]
    if left in SHIFTABLE and right in SHIFTABLE:  # (a longer chain fails further on)
        left, right = "int", next(k for k in kinds[2:] if k not in SHIFTABLE)
    effect = f"TypeError (\"unsupported operand type(s) for {op}: '{left}' and '{right}'\") once its operands are computed"
    if "coroutine" in kinds:
        effect += "; an async task called without `await` there never runs"
    return (f"`{shown}` applies `{op}` to Flyte 2 task results: in Flyte 2 it is Python's shift operator, which fails "
            f"with {effect}. Flyte 2 runs calls in the order written: call the tasks one after the other (await each "
            f"one in an async task) and drop the `{op}`")


# -- FLY510 --------------------------------------------------------------------------------------------------
@register
class FlyteFileRule(V1Rule):
    code = "FLY510"
    symbol = "flyte-file"
    summary = (
        "Reports Flyte 1 `FlyteFile`, `FlyteDirectory` and `StructuredDataset`: Flyte 2 has `flyte.io.File`, "
        "`Dir` and `DataFrame`."
    )
    rationale = (
        "Flyte 2's offloaded data types are `flyte.io.File`, `flyte.io.Dir` and `flyte.io.DataFrame`, with "
        "async methods: `await File.from_local(path)` uploads, `await f.download()` fetches, and "
        "`await df.open(pd.DataFrame).all()` reads a DataFrame. The Flyte 1 types do not exist in Flyte 2."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import task
        from flytekit.types.file import FlyteFile

        @task
        def write() -> FlyteFile:
            with open("out.txt", "w") as f:
                f.write("hello")
            return FlyteFile(path="out.txt")
    """
    good = """
        import flyte
        from flyte.io import File

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def write() -> File:
            with open("out.txt", "w") as f:
                f.write("hello")
            return await File.from_local("out.txt")
    """
    fix = (
        "Use `flyte.io.File` / `flyte.io.Dir` / `flyte.io.DataFrame`: `FlyteFile(path=p)` → `await "
        "File.from_local(p)`, `StructuredDataset(dataframe=df)` → `flyte.io.DataFrame.from_df(df)` (or return "
        "the DataFrame itself)."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in index(analysis).refs_to("StructuredDataset", "FlyteSchema", *FILE_TYPES, *DIR_TYPES):
            replacement = MAPPING[ref.symbol].strip("`")
            head = f"`{src(ref.module, ref.site, 50)}` is Flyte 1: use `{replacement}`"
            if ref.call is not None:
                if ref.symbol in ("StructuredDataset", "FlyteSchema"):
                    head += " (`flyte.io.DataFrame.from_df(df)`, or return the DataFrame itself)"
                else:
                    cls = replacement.rsplit(".", 1)[1]
                    head += f" (`await {cls}.from_local(path)`, or `{cls}.from_local_sync(path)` in a sync task)"
            yield self.finding(ref.module, ref.site, head)


# -- FLY511 --------------------------------------------------------------------------------------------------
TASK_OPTIONS = {
    "container_image": "`image=` on the TaskEnvironment",
    "requests": "one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` tuple per value)",
    "limits": "one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` tuple per value)",
    "resources": "`resources=` on the TaskEnvironment (or per call `t.override(resources=...)`)",
    "environment": "`env_vars=` on the TaskEnvironment",
    "secret_requests": "`secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment",
    "cache_version": "`cache=flyte.Cache(behavior=\"auto\", version_override=...)`",
    "accelerator": "`gpu=` of `flyte.Resources` (`gpu=\"A100:1\"` or `flyte.GPU(...)`)",
    "shared_memory": "`shm=` of `flyte.Resources`",
    "pod_template_name": "`pod_template=\"<name>\"` on the TaskEnvironment or `@env.task`",
    "task_config": "`plugin_config=` on the TaskEnvironment (a Flyte 2 plugin's config)",
    "enable_deck": "`report=True` on `@env.task` (write with `flyte.report`)",
    "disable_deck": "nothing: reports are off unless `@env.task(report=True)`",
    "deck_fields": "write what you need with `flyte.report`",
    "labels": "`labels=` of `flyte.PodTemplate(...)`, passed as `pod_template=`",
    "annotations": "`annotations=` of `flyte.PodTemplate(...)`, passed as `pod_template=`",
    "node_dependency_hints": "nothing: Flyte 2 finds the tasks a task calls at runtime",
    "pickle_untyped": "nothing: Flyte 2 pickles values without a type annotation",
    "deprecated": "no equivalent",
    "execution_mode": "no equivalent",
}


@register
class V1TaskArguments(V1Rule):
    code = "FLY511"
    symbol = "v1-task-arguments"
    summary = (
        "Reports Flyte 1 `@task(...)` options that live elsewhere in Flyte 2 (`requests=`, "
        "`container_image=`, `cache_version=`...), saying where each goes."
    )
    rationale = (
        "Flyte 2 splits Flyte 1's per-task options: the container (image, resources, environment variables, "
        "secrets) is configured once on the `flyte.TaskEnvironment`, and `@env.task(...)` keeps only per-task "
        "options (retries, timeout, cache, report...). `@env.task` rejects the Flyte 1 names with TypeError."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    bad = """
        from flytekit import Resources, task

        @task(requests=Resources(cpu="2", mem="4Gi"), container_image="python:3.11", cache=True, cache_version="1", retries=3)
        def train() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo", image="python:3.11", resources=flyte.Resources(cpu="2", memory="4Gi"))

        @env.task(cache=flyte.Cache(behavior="auto", version_override="1"), retries=3)
        def train() -> int:
            return 1
    """
    fix = (
        "Move the container options to `flyte.TaskEnvironment(...)` (`image=`, `resources=`, `env_vars=`, "
        "`secrets=`) and keep the per-task ones on `@env.task(...)`."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        idx = index(analysis)
        for ref in idx.refs_to("task", "dynamic", "eager"):
            call = ref.call
            if call is None:
                continue
            moves: list[str] = []
            seen: set[str] = set()
            for kw in call.keywords or []:
                name = kw.arg
                if name == "cache":
                    advice = self._cache(idx, ref.module, kw.value)
                    if advice:
                        moves.append(f"`cache=` → {advice}")
                    continue
                if name not in TASK_OPTIONS or name in seen:
                    continue
                if name in ("requests", "limits"):
                    both = [k.arg for k in call.keywords if k.arg in ("requests", "limits")]
                    seen.update(both)
                    moves.append(f"{' and '.join(f'`{b}=`' for b in both)} → {TASK_OPTIONS[name]}")
                    continue
                seen.add(name)
                moves.append(f"`{name}=` → {TASK_OPTIONS[name]}")
            if moves:
                where = f"`@{ref.label}(...)`" if ref.decorated is not None else f"`{ref.label}(...)`"
                yield self.finding(ref.module, call, f"{where} has Flyte 1 options; in Flyte 2: " + "; ".join(moves))

    @staticmethod
    def _cache(idx: V1Index, module: Module, value: nodes.NodeNG) -> str | None:
        if isinstance(value, nodes.Const) and isinstance(value.value, bool):
            return "`cache=\"auto\"`" if value.value else "nothing (`cache=\"disable\"` is the default)"
        if isinstance(value, nodes.Call) and v1_symbol(idx.analysis.resolver.value_of(value.func)) == "Cache":
            version = argument(value, 0, "version")
            override = f", version_override={src(module, version, 20)}" if version is not None else ""
            return f"`cache=flyte.Cache(behavior=\"auto\"{override})`"
        return None
