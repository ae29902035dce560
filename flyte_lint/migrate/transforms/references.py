"""``@reference_task`` / ``@reference_workflow`` / ``@reference_launch_plan`` -> a ``flyte.remote.Task.get(...)``
reference under the same name (guide §6):

    @reference_task(project="p", domain="development", name="wf.join", version="abc")
    def join(a: list[str]) -> str: ...

becomes ``join = flyte.remote.Task.get("wf.join", project="p", domain="development", version="abc")`` (flyte
2.12.1: ``Task.get(name, project, domain, version)`` returns a lazy entity, fetched on its first call). Calling the
entity is a coroutine (``LazyEntity.__call__`` is ``async``): a workflow calling a reference becomes ``async def``
(plan.py's ``_reference_callers``, then workflows.py) and the call is awaited here, keyword arguments as Flyte 1
wrote them (a remote task takes no positional ones: FLY107). A call from sync code gets a TODO. The name is the
one the entity was registered under in Flyte 1: the task it names must be deployed to Flyte 2 under it.
"""

from __future__ import annotations

import libcst as cst
from astroid import nodes

from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.migrate.transforms.base import Transform

REFERENCES = ("reference_task", "reference_workflow", "reference_launch_plan")
PARAMETERS = ("project", "domain", "name", "version")  # the decorators' order


class ReferencesTransform(Transform):
    section = SECTION_TASKS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._functions: list[bool] = []  # whether each enclosing function is async
        self._names = self._reference_names()
        self._awaited: set[int] = set()  # the calls awaited already

    # -- which names are references here --------------------------------------------------------------------------
    def _reference_names(self) -> set[str]:
        """The names this module binds to a Flyte 1 reference: its own decorated functions, and those it imports
        from another module of the project."""
        by_name = {}
        for mplan in self.file.plan.modules.values():
            by_name[mplan.module.name] = {f.name for f in _reference_functions(mplan.module.tree, mplan.aliases)}
        module = self.file.module
        names = set(by_name.get(module.module.name, ()))
        for node in module.module.tree.body if module.module.tree is not None else []:
            if not isinstance(node, nodes.ImportFrom):
                continue
            other = by_name.get(node.modname) or next(
                (v for k, v in by_name.items() if node.level and k.rsplit(".", 1)[-1] == node.modname), set()
            )
            names |= {alias or written for written, alias in node.names if written in other}
        return names

    # -- the definitions ------------------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._functions.append(node.asynchronous is not None)
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        self._functions.pop()
        if self._functions:
            return updated
        decorator = next((d for d in updated.decorators if self._is_reference(d.decorator)), None)
        if decorator is None:
            return updated
        call = decorator.decorator
        if not isinstance(call, cst.Call) or any(a.keyword is None and a.star for a in call.args):
            return self.todo(
                updated,
                "a reference without its project, domain, name and version: write flyte.remote.Task.get(...) by hand",
            )
        code = cst.Module([]).code_for_node
        given: dict[str, str] = {}
        for position, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else PARAMETERS[min(position, 3)]
            given[key] = code(arg.value).strip()
        if "name" not in given or set(given) - set(PARAMETERS):
            return self.todo(
                updated, "a reference without a name (or with other options): write flyte.remote.Task.get(...) by hand"
            )
        missing_version = "version" not in given  # (flytekit requires one; flyte-migrate's shim does not)
        self.require("import flyte")
        self.require("import flyte.remote")  # (`import flyte` alone does not load flyte.remote: AttributeError)
        keywords = [f"{k}={given[k]}" for k in ("project", "domain", "version") if k in given]
        if missing_version:
            keywords.append('auto_version="latest"')
        args = [given["name"], *keywords]
        text = f"{updated.name.value} = flyte.remote.Task.get({', '.join(args)})\n"
        if len(text) > 100:
            text = f"{updated.name.value} = flyte.remote.Task.get(\n" + "".join(f"    {a},\n" for a in args) + ")\n"
        statement = cst.parse_statement(text).with_changes(leading_lines=updated.leading_lines)
        if missing_version:
            return self.todo(
                statement,
                'the reference names no version: auto_version="latest" calls the newest deployed one; pin version=',
            )
        return statement

    def _is_reference(self, expr: cst.BaseExpression) -> bool:
        return self.v1_symbol(expr.func if isinstance(expr, cst.Call) else expr) in REFERENCES

    # -- the calls ------------------------------------------------------------------------------------------------
    def visit_Await(self, node: cst.Await) -> bool:
        self._awaited.add(id(node.expression))
        return True

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Name) and func.value in self._names) or not self._functions:
            return updated
        if id(original) in self._awaited:
            return updated
        if not self._functions[-1]:
            self.todo_here(f"`{func.value}` is a flyte.remote.Task reference: its call is awaited, from an async task")
            return updated
        return cst.Await(expression=updated)


def _reference_functions(tree: nodes.Module | None, aliases: dict[str, str]) -> list[nodes.FunctionDef]:
    found = []
    for node in tree.body if tree is not None else []:
        if not isinstance(node, (nodes.FunctionDef, nodes.AsyncFunctionDef)) or not node.decorators:
            continue
        for decorator in node.decorators.nodes:
            expr = decorator.func if isinstance(decorator, nodes.Call) else decorator
            parts = []
            while isinstance(expr, nodes.Attribute):
                parts.append(expr.attrname)
                expr = expr.expr
            if isinstance(expr, nodes.Name) and expr.name in aliases:
                path = ".".join([aliases[expr.name], *reversed(parts)])
                if path.rsplit(".", 1)[-1] in REFERENCES:
                    found.append(node)
                    break
    return found


TRANSFORM = ReferencesTransform
