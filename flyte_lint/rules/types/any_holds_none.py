"""FLY801 any-holds-none: a None that visibly reaches a position the type engine pickles on its own (Any, object or
no annotation; a ``list[Any]`` element, a ``dict[str, Any]`` value), which fails with "Cannot pickle None Value."."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypedSignature, TypeKind, TypeNode, signature_types
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.roots import RUN_PATHS
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.model.values import FunctionRef, PartialRef, TaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._any_holds_none_cases import MORE_INVALID, MORE_VALID
from flyte_lint.rules.types._common import Boundary, boundaries, own_nodes, own_yields
from flyte_lint.rules.types._none_values import NoneReach, nones_reaching, pickles_on_its_own, reaches_items


@register
class AnyHoldsNone(Rule):
    code = "FLY801"
    symbol = "any-holds-none"
    severity = Severity.ERROR
    pylint_number = 64  # its pylint message id is E6764; never change it once released
    scope = Scope.IMPORTERS  # (task-ness, and whether a call runs in a task, depend on importers)
    summary = (
        "Reports a None that visibly reaches a position the type engine pickles on its own: a task's or trace's "
        "`Any`, `object` or unannotated parameter, a task's `-> Any` / `-> object` output, a `list[Any]` element or "
        "a `dict[str, Any]` value (at any depth of lists and str-keyed dicts), an output of `-> tuple[int, Any]`, "
        "an item `flyte.map` hands such a parameter, or an argument `flyte.run` gives one."
    )
    rationale = (
        "The engine has no transformer for `Any`, `object` or a missing annotation, so it pickles the value, and the "
        'pickle transformer refuses None: "Cannot pickle None Value.". The list and `dict[str, V]` transformers '
        "convert each element on its own, so a None element of `list[Any]` or value of `dict[str, Any]` fails the "
        "same way. The parent converts the arguments of a task call (or a traced function's call), the child its "
        "output, so the run fails (under `flyte.map` the item comes back as an exception value). The rule reports "
        "a literal None, a `.get(key)` of an evident mapping, a call of a function or task declared `-> "
        "Optional[...]`, and an `Optional`-annotated parameter the def never tests. Quiet: `Optional[Any]`, "
        "`dict[str, Optional[Any]]`, a bare `dict` or `list` (or `list[dict]`) holding None at any depth, "
        "`dict[int, Any]`, a tuple parameter or tuple inside a container, `Any` fields of a dataclass or pydantic "
        "model, and a None nested inside a pickled value: they all travel. A traced function's own `-> Any` "
        "output of None is left alone: a local run records no output for None. Severity: error: the run fails "
        "at the boundary, locally and in a cluster alike."
    )
    fix = (
        "Make the position Optional: `Optional[Any]` for a parameter or output, `list[Optional[Any]]` or "
        "`dict[str, Optional[Any]]` for an element; better, declare the concrete type (`Optional[str]`). Or keep "
        "the None out (drop the key, pass a default)."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"name": "ada"},
        bad=Outcome(ok=False, error_contains=("Cannot pickle None Value",)),
        good=Outcome(ok=True, output={"name": "ada", "email": None}),
    )

    INVALID = [
        Case(
            """
            from typing import Any

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def profile(name: str) -> dict[str, Any]:
                return {"name": name, "email": None}  # expect: FLY801

            @env.task
            def main(name: str) -> dict[str, Any]:
                return profile(name)
            """,
            message="None reaches the output of task 'demo.profile' here, at `Any` (an element of `dict[str, Any]`): "
            'the engine pickles that position on its own and fails the run ("Cannot pickle None Value."). Declare the '
            "element Optional (`list[Optional[Any]]`, `dict[str, Optional[Any]]`), or leave the None out",
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            from typing import Any, Optional

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            def profile(name: str) -> dict[str, Optional[Any]]:
                return {"name": name, "email": None}

            @env.task
            def main(name: str) -> dict[str, Optional[Any]]:
                return profile(name)
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        traces = {id(b.func): b for b in boundaries(analysis) if b.task is None}
        for boundary in boundaries(analysis):
            if not own_yields(boundary.func):
                yield from self._returns(analysis, boundary)
        for site in analysis.call_sites:
            if site.task is None or site.form in (CallForm.FORWARD, CallForm.REMOTE) or site.candidates:
                continue
            if not self._crosses(analysis, site.node, traces):
                continue
            label = f"task '{site.task.name}'"
            sig = signature_types(analysis, site.task.func)
            if site.form in (CallForm.MAP, CallForm.MAP_AIO):
                if not isinstance(site.callee, PartialRef):
                    yield from self._mapped(analysis, site, label, sig)
                continue
            shift, static = 0, True
            if isinstance(site.callee, PartialRef):
                static = site.callee.static
                shift = len(site.callee.call.args) - 1
            if static:
                yield from self._arguments(analysis, site.module, site.node, shift, sig, label)
        for call in analysis.calls_to(*RUN_PATHS):
            target = analysis.resolver.value_of(call.node.args[0]) if call.node.args else None
            if isinstance(target, TaskRef) and call.external_path in RUN_PATHS:
                sig = signature_types(analysis, target.task.func)
                label = f"task '{target.task.name}' (run by `flyte.run`)"
                yield from self._arguments(analysis, call.module, call.node, 0, sig, label, skip=1)
        for call in analysis.calls:
            traced = call.callee.func if isinstance(call.callee, FunctionRef) else None
            if traced is None or id(traced) not in traces or not self._crosses(analysis, call.node, traces):
                continue
            sig = signature_types(analysis, traced)
            yield from self._arguments(analysis, call.module, call.node, 0, sig, f"trace '{traced.name}'")

    @staticmethod
    def _crosses(analysis: Analysis, call: nodes.Call, traces: dict[int, Boundary]) -> bool:
        """The call goes through the engine: it runs in a task run, not in a traced function's body (where a
        task call fails on its own and a traced call is a plain call)."""
        function = enclosing_function(call)
        return analysis.in_task_context(function) and id(function) not in traces

    # -- outputs -----------------------------------------------------------------------------------------
    def _returns(self, analysis: Analysis, boundary: Boundary) -> Iterator[Finding]:
        func = boundary.func
        returns = signature_types(analysis, func).returns
        if returns.kind is TypeKind.MISSING:
            return  # (no outputs: a returned None is fine, anything else is FLY804's)
        outputs = returns.args if _multi_output(returns) else None
        for node in own_nodes(func, nodes.Return):
            if node.scope() is not func:
                continue
            where = f"the output of {boundary.label}"
            if outputs is not None:
                if isinstance(node.value, nodes.Tuple) and len(node.value.elts) == len(outputs):
                    for index, (item, slot) in enumerate(zip(node.value.elts, outputs, strict=True)):
                        for reach in nones_reaching(analysis, item, slot):
                            yield self._finding(boundary.module, reach, f"output {index} of {boundary.label}", slot)
                continue
            if pickles_on_its_own(returns) and boundary.task is None:
                continue  # (a traced function's None output: a local run records no output for it)
            if node.value is None and pickles_on_its_own(returns):
                reach = NoneReach(node, returns, "a bare `return`", False)
                yield self._finding(boundary.module, reach, where, returns)
                continue
            for reach in nones_reaching(analysis, node.value, returns):
                yield self._finding(boundary.module, reach, where, returns)

    # -- inputs ------------------------------------------------------------------------------------------
    def _arguments(
        self, analysis: Analysis, module, call: nodes.Call, shift: int, sig: TypedSignature, label: str, skip: int = 0
    ) -> Iterator[Finding]:
        positional = [p for p in sig.params if p.kind is not ParamKind.KEYWORD_ONLY]
        for index, value in enumerate(call.args[skip:]):
            if isinstance(value, nodes.Starred) or index + shift >= len(positional):
                break
            param = positional[index + shift]
            for reach in nones_reaching(analysis, value, param.type):
                yield self._finding(module, reach, f"parameter `{param.name}` of {label}", param.type)
        for keyword in call.keywords or []:
            param = sig.param(keyword.arg) if keyword.arg else None
            if param is None:
                continue
            for reach in nones_reaching(analysis, keyword.value, param.type):
                yield self._finding(module, reach, f"parameter `{param.name}` of {label}", param.type)

    def _mapped(self, analysis: Analysis, site, label: str, sig: TypedSignature) -> Iterator[Finding]:
        """``flyte.map(task, [a, None])``: each item of the n-th iterable goes to the n-th parameter."""
        positional = [p for p in sig.params if p.kind is not ParamKind.KEYWORD_ONLY]
        for iterable, param in zip(site.node.args[1:], positional, strict=False):
            if isinstance(iterable, nodes.Starred):
                break
            for reach in reaches_items(analysis, iterable, param.type):
                where = f"parameter `{param.name}` of {label} through `flyte.map`"
                yield self._finding(site.module, reach, where, param.type, mapped=True)

    def _finding(self, module, reach: NoneReach, where: str, declared: TypeNode, mapped: bool = False) -> Finding:
        if reach.slot.kind is TypeKind.MISSING:
            at = "a position without annotation"
        elif reach.nested:
            at = f"`{reach.slot.label()}` (an element of `{declared.label()}`)"
        else:
            at = f"`{reach.slot.label()}`"
        if reach.nested:
            fix = "Declare the element Optional (`list[Optional[Any]]`, `dict[str, Optional[Any]]`), or leave the None out"
        else:
            fix = "Annotate it `Optional[...]` (`Optional[Any]`, or better the concrete type), or keep the None out"
        if reach.why == "None":
            what = "None reaches"
        elif reach.why.startswith("a bare"):
            what = "None (a bare `return`) reaches"
        else:
            what = f"This value may be None ({reach.why}); it reaches"
        fails = (
            'fails that item ("Cannot pickle None Value."; `flyte.map` hands it back as an exception value)'
            if mapped
            else 'fails the run ("Cannot pickle None Value.")'
        )
        return self.finding(
            module,
            reach.node,
            f"{what} {where} here, at {at}: the engine pickles that position on its own and {fails}. {fix}",
        )


def _multi_output(returns: TypeNode) -> bool:
    return returns.kind is TypeKind.TUPLE and not returns.bare and not returns.variadic and len(returns.args) >= 2
