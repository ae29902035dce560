"""Static name resolution: what a name, attribute or call expression refers to, across modules.

Resolution follows assignments, imports (absolute, relative, star, aliased, re-exported) and the flyte
calls that create environments and tasks. It uses astroid's scope lookup only: no inference, no imports
of analysed code. Whatever it cannot pin down resolves to UNKNOWN, and rules stay quiet on UNKNOWN.
"""

from __future__ import annotations

from pathlib import Path

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.definitions import Definitions
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.helper_returns import HelperReturns
from flyte_lint.model.import_resolution import ImportResolution
from flyte_lint.model.name_lookup import LOOKUP_BUDGET, Exhausted, NameLookup  # noqa: F401  (the budget: tests read it here)
from flyte_lint.model.project import Module, Project
from flyte_lint.model.scopes import FUNCTION_NODES
from flyte_lint.model.task_containers import CONTAINER_NODES, TaskContainers
from flyte_lint.model.values import UNKNOWN, External, Instance, LambdaRef, Value


class Resolver(NameLookup, ImportResolution, Definitions, TaskContainers, HelperReturns):
    """Static name resolution for one analysis: what a name, attribute or call expression refers to (a Value
    of model/values.py), across modules, without running or importing anything.

    ``value_of(node)`` is the entry point, memoised per node (a node met again while it is being resolved is
    UNKNOWN: recursion). The work is split along its seams, one part per module: NameLookup
    (model/name_lookup.py: a name's bindings, star imports, builtins, the budget of astroid flow filtering),
    ImportResolution (model/import_resolution.py: modules, imports, module attributes, and ``loads`` for the
    cache), Definitions (model/definitions.py: attributes, calls, decorated functions; it registers ``envs``
    and ``tasks``), TaskContainers (model/task_containers.py: containers of tasks and their elements) and
    HelperReturns (model/helper_returns.py: what a project helper returns). Scope helpers that resolve
    nothing are in model/scopes.py.

    Analysis builds the model through it, then calls ``seal``: ``envs`` and ``tasks`` are final from then on.
    ``exhausted`` lists the modules whose lookup budget ran out (their names resolve to UNKNOWN)."""

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
        self._node_indexes: dict[int, dict] = {}  # (TaskContainers._node_index)
        self._name_indexes: dict[int, dict] = {}  # (TaskContainers._names_in)

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
        if isinstance(node, CONTAINER_NODES):
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

    def seal(self) -> None:
        """The model is built (Analysis): ``envs`` and ``tasks`` are final. An env or a task met afterwards (a
        rule resolving a name the build never resolved, in a module loaded only for it) is still made, once,
        but kept apart from them, so what the model lists never depends on which rule asked what first."""
        self.sealed = True
