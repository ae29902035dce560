"""FLY303 invalid-gpu: a `gpu=` accelerator string or a `flyte.GPU(...)` the SDK rejects."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.suggest import closest
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Severity, Suggestion, register
from flyte_lint.rules.config._gpu import device_suggestion, gpu_suggestion, gpu_table
from flyte_lint.rules.config._values import q, string_edit, value_suggestion, when


@register
class InvalidGpu(Rule):
    code = "FLY303"
    symbol = "invalid-gpu"
    pylint_number = 14
    scope = Scope.MODULE
    summary = "Reports a `gpu=` accelerator string, or a `flyte.GPU(...)` device, quantity or partition, that the SDK rejects or only accepts as a deprecated alias."
    rationale = (
        "`flyte.Resources(gpu=...)` accepts an int, a `flyte.GPU(...)`/`Device`, or one string from a fixed list "
        '(`"A100:1"`…`"A100:8"`, `"L40s:1"` with a lowercase s, `"T4 shared:1"`, …). Anything else raises '
        "ValueError when the Resources object is built, usually when the module is imported, so `flyte run` and "
        '`flyte deploy` fail before anything starts: `"A100"` without a count, `"a100:1"`, `"L40S:1"`, '
        '`"A100:9"`. `flyte.GPU()` rejects unknown devices, a quantity below 1, a MIG partition the device does '
        'not have and any partition on a shared GPU. The space-separated names `"A100 80G"` and '
        '`"RTX PRO 6000"` still work but are deprecated (the SDK logs a warning).'
        " Severity: error: a rejected value fails when the module is imported, so local runs, deploys and the "
        "cluster fail alike; a deprecated name still works everywhere, so that finding is a warning."
    )
    fix = 'Use an accelerator string the SDK lists (the message names the closest one), e.g. `"L40s:1"`, `"A100:1"`, `"A100_80G:2"`.'
    fix_safety = (
        'Safe for the deprecated aliases (`"A100 80G:1"` → `"A100_80G:1"`): the SDK normalizes them the same way.'
    )
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    runtime = RuntimeSpec(
        entry="main",
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("ValueError", "L40S:1"), phase="import"),
        good=Outcome(ok=True, output="trained"),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment(
                "train",
                resources=flyte.Resources(cpu=4, memory="32Gi", gpu="L40S:1"),  # expect: FLY303
            )

            @env.task
            def main() -> str:
                return "trained"
            """,
            message='gpu="L40S:1" is not an accelerator the SDK accepts: `flyte.Resources` raises ValueError when the module is imported; did you mean gpu="L40s:1"?',
        ),
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("train", resources=flyte.Resources(gpu="A100 80G:1"))  # expect: FLY303
            dev = flyte.GPU("RTX PRO 6000", 1, "1g.24gb")  # expect: FLY303
            """,
            fixed="""
            import flyte

            env = flyte.TaskEnvironment("train", resources=flyte.Resources(gpu="A100_80G:1"))
            dev = flyte.GPU("RTX_PRO_6000", 1, "1g.24gb")
            """,
            name="deprecated-alias-fix",
        ),
        Case(
            """
            import flyte
            from flyte import Resources as R

            a = flyte.Resources(gpu="L40S:1")  # expect: FLY303
            b = R(gpu="A100")  # expect: FLY303
            c = R(gpu="a100:1")  # expect: FLY303
            d = R(gpu="A100:9")  # expect: FLY303
            e = R(gpu="T4 shared:2")  # expect: FLY303
            f = R(gpu=-1)  # expect: FLY303
            g = R(gpu=1.5)  # expect: FLY303
            h = R(gpu=("A100", 2))  # expect: FLY303
            i = R(None, None, "l40s:1")  # expect: FLY303
            GPU_KIND = "L40S:2"
            j = R(gpu=GPU_KIND)  # expect: FLY303
            """,
            name="rejected-gpu-strings",
        ),
        Case(
            """
            import flyte

            a = flyte.GPU("a100", 1)  # expect: FLY303
            b = flyte.GPU("A100", 0)  # expect: FLY303
            c = flyte.GPU("A100", 1, "1g.10gb")  # expect: FLY303
            d = flyte.GPU("T4 shared", 1, "1g.5gb")  # expect: FLY303
            e = flyte.GPU(device="H100", quantity=2, partition="7g.80gb")
            f = flyte.GPU("L40s", 1)
            """,
            name="gpu-function",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment(
                "train",
                resources=flyte.Resources(cpu=4, memory="32Gi", gpu="L40s:1"),
            )

            @env.task
            def main() -> str:
                return "trained"
            """,
        ),
        Case(
            """
            import flyte
            from flyte import Resources as R

            a = R(gpu="L40s:1")
            b = R(gpu="A100_80G:8")
            c = R(gpu="T4 shared:1")
            d = R(gpu="AppleSilicon")
            e = R(gpu=0)
            f = R(gpu=4)
            g = R(gpu=flyte.GPU("A100", 1, "1g.5gb"))
            h = R(gpu=flyte.GPU("T4", 1, "1g.5gb"))  # the SDK checks partitions only for MIG devices
            i = R(gpu=flyte.GPU("A100", 9))  # GPU() does not bound the quantity from above
            """,
            name="accepted-values-are-quiet",
        ),
        Case(
            """
            # file: main.py
            import os
            import flytekit
            from flytekit import Resources
            from local_res import GPU

            a = Resources(gpu="L40S:1")
            b = flytekit.Resources(gpu="a100")
            c = GPU("a100", 0)
            import flyte
            d = flyte.Resources(gpu=os.environ["GPU"])
            e = flyte.Resources(gpu=f"A100:{os.cpu_count()}")
            if os.environ.get("BIG"):
                kind = "A100:1"
            else:
                kind = "L40S:1"
            f = flyte.Resources(gpu=kind)  # two bindings: not a literal we can pin down
            # file: local_res.py
            def GPU(device, quantity):
                return device
            """,
            name="quiet-on-look-alikes-and-non-literals",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls_to("flyte.Resources"):
            node = sdk_arguments(call.node, "flyte.Resources").get("gpu")
            if node is not None:
                yield from self._check_resources_gpu(analysis, call, node)
        for call in analysis.calls_to("flyte.GPU"):
            yield from self._check_gpu_call(analysis, call)

    def _check_resources_gpu(self, analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG) -> Iterable[Finding]:
        value = analysis.literal(node)
        if value is MISSING or value is None:
            return
        effect = f"`flyte.Resources` raises ValueError {when(call.node)}"
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            if value < 0:
                yield self.finding(call.module, node, f"gpu={value} is negative: {effect}. Use a count >= 0")
            return
        if isinstance(value, float):
            yield self.finding(
                call.module,
                node,
                f'gpu={value!r} is a float: {effect}. Use a whole count (gpu={int(value) or 1}) or an accelerator string such as "A100:1"',
            )
            return
        if isinstance(value, (tuple, list)):
            hint, rewrite = "", None
            if len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int):
                new = gpu_suggestion(f"{value[0]}:{value[1]}") or f"{value[0]}:{value[1]}"
                hint = f"; did you mean gpu={q(new)}?"
                rewrite = value_suggestion(call.module, node, f"gpu={q(new)}", new)
            yield self.finding(
                call.module,
                node,
                f"gpu={value!r} is not an accelerator string, a count or a flyte.GPU(...): {effect}{hint}",
                suggestions=[rewrite],
            )
            return
        if not isinstance(value, str) or value in gpu_table()["accelerators"]:
            return
        device, sep, count = value.partition(":")
        current = gpu_table()["deprecated"].get(device)
        if current is not None and f"{current}{sep}{count}" in gpu_table()["accelerators"]:
            new = f"{current}{sep}{count}"
            edit = string_edit(call.module, node, new) if isinstance(node, nodes.Const) else None
            yield self.finding(
                call.module,
                node,
                f"gpu={q(value)} uses the deprecated GPU name {q(device)}: the SDK logs a deprecation warning and "
                f"rewrites it to {q(new)}. Write gpu={q(new)}",
                Fix((edit,), True, f"Replace with {q(new)}") if edit else None,
                severity=Severity.WARNING,
                suggestions=[Suggestion(f"gpu={q(new)}", (edit,)) if edit else None],
                raises=None,
            )
            return
        suggestion = gpu_suggestion(value)
        advice = (
            f"; did you mean gpu={q(suggestion)}?"
            if suggestion
            else '. Use an accelerator string such as "A100:1" (device:count)'
        )
        rewrite = value_suggestion(call.module, node, f"gpu={q(suggestion)}", suggestion) if suggestion else None
        yield self.finding(
            call.module,
            node,
            f"gpu={q(value)} is not an accelerator the SDK accepts: {effect}{advice}",
            suggestions=[rewrite],
        )

    def _check_gpu_call(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        args = sdk_arguments(call.node, "flyte.GPU")
        effect = f"`flyte.GPU` raises ValueError {when(call.node)}"
        device_node = args.get("device")
        device = analysis.literal(device_node) if device_node is not None else MISSING
        devices = gpu_table()["devices"]
        if isinstance(device, str):
            current = gpu_table()["deprecated"].get(device)
            if current is not None:
                edit = string_edit(call.module, device_node, current) if isinstance(device_node, nodes.Const) else None
                yield self.finding(
                    call.module,
                    device_node,
                    f"GPU device {q(device)} is deprecated: the SDK logs a warning and rewrites it to {q(current)}. Write {q(current)}",
                    Fix((edit,), True, f"Replace with {q(current)}") if edit else None,
                    severity=Severity.WARNING,
                    suggestions=[Suggestion(q(current), (edit,)) if edit else None],
                    raises=None,
                )
                device = current
            elif device not in devices:
                suggestion = device_suggestion(device)
                advice = (
                    f"; did you mean {q(suggestion)}?" if suggestion else f". Use one of {', '.join(sorted(devices))}"
                )
                yield self.finding(
                    call.module,
                    device_node,
                    f"GPU device {q(device)} is not one the SDK accepts: {effect}{advice}",
                    suggestions=[
                        value_suggestion(call.module, device_node, q(suggestion), suggestion) if suggestion else None
                    ],
                )
                device = MISSING
        quantity_node = args.get("quantity")
        quantity = analysis.literal(quantity_node) if quantity_node is not None else MISSING
        if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity < 1:
            yield self.finding(
                call.module,
                quantity_node,
                f'GPU quantity {quantity} is below 1: {effect} ("GPU quantity must be at least 1"). Request at least 1, or leave gpu unset for none',
            )
        partition_node = args.get("partition")
        partition = analysis.literal(partition_node) if partition_node is not None else MISSING
        if not isinstance(partition, str) or not isinstance(device, str):
            return
        if device.endswith(" shared"):
            yield self.finding(
                call.module,
                partition_node,
                f"shared GPU {q(device)} takes no partition: {effect}. Drop partition=, or request the plain device ({q(device[: -len(' shared')])}) for a MIG partition",
            )
            return
        parts = devices.get(device) or []
        if parts and partition not in parts:
            suggestion = closest(partition, parts) or (partition.lower() if partition.lower() in parts else None)
            advice = f"; did you mean {q(suggestion)}?" if suggestion else ""
            yield self.finding(
                call.module,
                partition_node,
                f"{device} has no MIG partition {q(partition)} (it has {', '.join(parts)}): {effect}{advice}",
                suggestions=[
                    value_suggestion(call.module, partition_node, q(suggestion), suggestion) if suggestion else None
                ],
            )
