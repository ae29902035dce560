"""FLY305 invalid-quantity: a `flyte.Resources` size or cpu that is no Kubernetes quantity, or a request above its limit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.config._quantity import number_suggestion, pair_swapped, quantity_suggestion, quantity_value
from flyte_lint.rules.config._values import q, string_edit, value_suggestion, when


@register
class InvalidQuantity(Rule):
    code = "FLY305"
    symbol = "invalid-quantity"
    pylint_number = 16
    scope = Scope.MODULE
    summary = "Reports `flyte.Resources` memory/disk/shm that is not a Kubernetes quantity string, a malformed cpu, and a (request, limit) pair whose request exceeds its limit."
    rationale = (
        "`memory`, `disk` and `shm` must be strings: `memory=4096` raises ValueError when the Resources is built "
        "(usually at import); a memory tuple needs exactly two strings, and `disk` takes no tuple. Strings are "
        'not checked by the SDK (`"2GB"` is accepted), but the backend parses them as Kubernetes quantities '
        "(`2Gi`, `512Mi`, `2G`) when it builds the task's pod, and fails the task (\"Failed to parse resource "
        'as a valid quantity"). `shm` also takes `"auto"`. A bare number string such as `memory="4096"` is '
        'a valid quantity of bytes, and `"512m"` of milli-bytes, almost never what is meant (warning). A negative cpu raises ValueError. In a '
        "`(request, limit)` pair the request must not exceed the limit: the backend silently lowers the "
        "request to the limit."
        " Severity: error: a non-string size fails at import, and a quantity the backend cannot parse fails the "
        "task's pod in the cluster, where the code is meant to run (a local run does not parse it); a bare or "
        "tiny number, or a request above its limit, still runs, so those findings are warnings."
    )
    fix = 'Write quantities as Kubernetes strings with a unit: `memory="4Gi"`, `disk="50Gi"`, `shm="auto"`, `cpu=2` or `cpu="500m"`; put the smaller value first in `(request, limit)`.'
    fix_safety = 'Unsafe: rewrites a size to the Kubernetes quantity it most likely means (`"2GB"` → `"2Gi"`), which can change the amount.'
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    runtime = RuntimeSpec(
        entry="main",
        modes=("local",),
        bad=Outcome(
            ok=False, error_contains=("ValueError", "memory must be a Kubernetes quantity string"), phase="import"
        ),
        good=Outcome(ok=True, output=1),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=2, memory=4096))  # expect: FLY305

            @env.task
            def main() -> int:
                return 1
            """,
            message='memory=4096 is a number, not a Kubernetes quantity string: `flyte.Resources` raises ValueError when the module is imported; did you mean "4096Mi"? (as a string, a bare number would mean bytes)',
        ),
        Case(
            """
            import flyte

            res = flyte.Resources(
                cpu=2,
                memory="4GB",  # expect: FLY305
                disk="50 gb",  # expect: FLY305
            )
            """,
            fixed="""
            import flyte

            res = flyte.Resources(
                cpu=2,
                memory="4Gi",
                disk="50Gi",
            )
            """,
            name="unit-fix",
        ),
        Case(
            """
            import flyte
            from flyte import Resources as R

            a = R(memory=4096)  # expect: FLY305
            b = R(memory="2GB")  # expect: FLY305
            c = R(memory=("1Gi",))  # expect: FLY305
            d = R(memory=("1Gi", None))  # expect: FLY305
            e = R(cpu="2 cores")  # expect: FLY305
            f = R(cpu=-1)  # expect: FLY305
            g = R(cpu=[1])  # expect: FLY305
            h = R(disk=10)  # expect: FLY305
            i = R(disk=("1Gi", "2Gi"))  # expect: FLY305
            j = R(shm="Auto")  # expect: FLY305
            k = R(shm=16)  # expect: FLY305
            l = R(1, "1 Gi")  # expect: FLY305
            """,
            name="values-the-sdk-or-kubernetes-reject",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=2, memory="4Gi"))

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            from flyte import Resources as R

            a = R(cpu=2, memory="4Gi", disk="50Gi", shm="auto")
            b = R(cpu="500m", memory="512Mi", shm="16Gi")
            c = R(cpu=(1, 2), memory=("1Gi", "2Gi"))
            d = R(cpu=("500m", "1"), memory=("500M", "1G"))
            e = R(cpu=0.5, memory="1.5Gi")
            f = R(memory="1e9")
            """,
            name="accepted-values-are-quiet",
        ),
        Case(
            """
            import os
            import flytekit
            from flytekit import Resources
            import flyte

            a = Resources(mem=4096)
            b = flytekit.Resources(memory="2GB")
            c = flyte.Resources(memory=os.environ["MEM"], cpu=int(os.environ["CPU"]))
            d = flyte.Resources(memory=f"{4 * 1024}Mi")
            """,
            name="quiet-on-non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls_to("flyte.Resources"):
            args = sdk_arguments(call.node, "flyte.Resources")
            for field in ("memory", "disk", "shm"):
                if field in args:
                    yield from self._check_size(analysis, call, field, args[field])
            if "cpu" in args:
                yield from self._check_cpu(analysis, call, args["cpu"])

    def _check_size(self, analysis: Analysis, call: ResolvedCall, field: str, node: nodes.NodeNG) -> Iterable[Finding]:
        value = analysis.literal(node)
        if value is MISSING or value is None:
            return
        effect = f"`flyte.Resources` raises ValueError {when(call.node)}"
        if isinstance(value, tuple) and field == "memory":
            if len(value) != 2:
                yield self.finding(
                    call.module,
                    node,
                    f"memory={value!r} must be one string or a (request, limit) pair of two: {effect}",
                )
                return
            elements = node.elts if isinstance(node, (nodes.Tuple, nodes.List)) else [node, node]
            for element, item in zip(elements, value, strict=False):
                yield from self._check_size_item(
                    call, field, element if element is not node else node, item, effect, in_pair=True
                )
            amounts = [quantity_value(v) if isinstance(v, str) else None for v in value]
            if None not in amounts and amounts[0] > amounts[1]:
                yield self.finding(
                    call.module,
                    node,
                    f"memory request {q(value[0])} is larger than its limit {q(value[1])}: the backend silently lowers "
                    f"the request to {q(value[1])}. Did you mean memory=({q(value[1])}, {q(value[0])})?",
                    severity=Severity.WARNING,
                    raises=None,
                    suggestions=[
                        pair_swapped(node, f"memory=({q(value[1])}, {q(value[0])})", f"({q(value[1])}, {q(value[0])})")
                    ],
                )
            return
        if isinstance(value, (tuple, list)):
            yield self.finding(
                call.module,
                node,
                f"{field}={value!r} is not a quantity string (`{field}` takes no {type(value).__name__}): {effect}",
            )
            return
        yield from self._check_size_item(call, field, node, value, effect)

    def _check_size_item(self, call, field, node, value, effect, in_pair=False) -> Iterable[Finding]:
        shown = (lambda v: f"{field} pair value {v}") if in_pair else (lambda v: f"{field}={v}")
        if isinstance(value, bool) or value is None:
            if in_pair and value is None:
                yield self.finding(
                    call.module,
                    node,
                    f'{field} pair element None is not a quantity: {effect} ("pair elements must both be set")',
                )
            return
        if isinstance(value, (int, float)):
            new = number_suggestion(value)
            yield self.finding(
                call.module,
                node,
                f"{shown(repr(value))} is a number, not a Kubernetes quantity string: {effect}; did you mean "
                f"{q(new)}? (as a string, a bare number would mean bytes)",
                suggestions=[value_suggestion(call.module, node, q(new), new)],
            )
            return
        if not isinstance(value, str):
            return
        if field == "shm" and value == "auto":
            return
        amount = quantity_value(value)
        if amount is None:
            suggestion = quantity_suggestion(value, field)
            auto = ' (or "auto")' if field == "shm" else ""
            advice = (
                f"; did you mean {q(suggestion)}?" if suggestion else f'. Write it like "2Gi", "512Mi" or "2G"{auto}'
            )
            fix = None
            if suggestion and isinstance(node, nodes.Const):
                edit = string_edit(call.module, node, suggestion)
                fix = Fix((edit,), False, f"Replace with {q(suggestion)}") if edit else None
            yield self.finding(
                call.module,
                node,
                f"{shown(q(value))} is not a Kubernetes quantity: the SDK accepts it, but the backend fails the task "
                f'when it builds the pod ("Failed to parse resource as a valid quantity"){advice}',
                fix,
                raises=None,
                suggestions=[value_suggestion(call.module, node, q(suggestion), suggestion) if suggestion else None],
            )
            return
        if amount < 0:
            yield self.finding(
                call.module,
                node,
                f"{shown(q(value))} is negative: Kubernetes rejects negative resource quantities. Use a positive size",
                raises=None,
            )
            return
        tiny = re.fullmatch(r"(\d+(?:\.\d*)?)([num]?)", value)
        if tiny and 0 < amount < 2**20:
            number, unit = tiny.groups()
            prefix = {"m": "milli", "u": "micro", "n": "nano"}.get(unit)
            meaning = f"{amount:g} bytes" + (f" ('{unit}' is {prefix}, not mega)" if prefix else "")
            yield self.finding(
                call.module,
                node,
                f"{shown(q(value))} means {meaning}, far too little to run anything; did you mean "
                f"{q(number + 'Mi')} or {q(number + 'Gi')}?",
                severity=Severity.WARNING,
                raises=None,
                suggestions=[
                    value_suggestion(call.module, node, q(number + unit), number + unit) for unit in ("Mi", "Gi")
                ],
            )

    def _check_cpu(self, analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG) -> Iterable[Finding]:
        value = analysis.literal(node)
        if value is MISSING or value is None:
            return
        effect = f"`flyte.Resources` raises ValueError {when(call.node)}"
        if isinstance(value, list):
            yield self.finding(
                call.module,
                node,
                f'cpu={value!r} is a list: {effect}. Use a number, a string such as "500m", or a (request, limit) tuple',
            )
            return
        if isinstance(value, tuple):
            if len(value) != 2:
                yield self.finding(
                    call.module, node, f"cpu={value!r} must be a (request, limit) pair of two values: {effect}"
                )
                return
            elements = node.elts if isinstance(node, (nodes.Tuple, nodes.List)) else [node, node]
            for element, item in zip(elements, value, strict=False):
                yield from self._check_cpu_item(call, element, item, effect)
            amounts = [self._cores(v) for v in value]
            if None not in amounts and amounts[0] > amounts[1]:
                yield self.finding(
                    call.module,
                    node,
                    f"cpu request {value[0]!r} is larger than its limit {value[1]!r}: the backend silently lowers the "
                    f"request to the limit. Did you mean cpu=({value[1]!r}, {value[0]!r})?",
                    severity=Severity.WARNING,
                    raises=None,
                    suggestions=[
                        pair_swapped(node, f"cpu=({value[1]!r}, {value[0]!r})", f"({value[1]!r}, {value[0]!r})")
                    ],
                )
            return
        yield from self._check_cpu_item(call, node, value, effect)

    @staticmethod
    def _cores(value: Any) -> float | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return quantity_value(value)
        return None

    def _check_cpu_item(self, call, node, value, effect) -> Iterable[Finding]:
        if isinstance(value, bool):
            return
        if value is None:
            yield self.finding(
                call.module,
                node,
                f'cpu pair element None is not a core count: {effect} ("pair elements must both be set")',
            )
        elif isinstance(value, (int, float)):
            if value < 0:
                yield self.finding(
                    call.module, node, f'cpu={value!r} is negative: {effect} ("cpu must be greater than or equal to 0")'
                )
        elif isinstance(value, str):
            amount = quantity_value(value)
            if amount is None:
                suggestion = quantity_suggestion(value, "cpu")
                advice = f"; did you mean {q(suggestion)}?" if suggestion else '. Write it like 2, 0.5 or "500m"'
                yield self.finding(
                    call.module,
                    node,
                    f"cpu={q(value)} is not a Kubernetes quantity: the SDK accepts it, but the backend fails the task "
                    f'when it builds the pod ("Failed to parse resource as a valid quantity"){advice}',
                    raises=None,
                    suggestions=[
                        value_suggestion(call.module, node, q(suggestion), suggestion) if suggestion else None
                    ],
                )
            elif amount < 0:
                yield self.finding(
                    call.module,
                    node,
                    f"cpu={q(value)} is negative: Kubernetes rejects negative resource quantities",
                    raises=None,
                )
