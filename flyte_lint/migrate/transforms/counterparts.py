"""Flyte 1 constructs with no mechanical translation get a TODO that names their Flyte 2 counterpart (checked
in flyte 2.12.1), so the hand that finishes the migration knows where to go:

- gates: ``wait_for_input(...)`` / ``approve(...)`` -> ``flyte.new_condition(name, data_type=..., timeout=...)``
  and its ``.wait()`` (a condition action the run pauses on; ``flyte signal condition`` resolves it; data_type is
  bool, int, float or str), ``sleep(...)`` -> ``flyte.durable.sleep(seconds)`` (``import flyte.durable``: ``import
  flyte`` does not load it);
- ``ShellTask(...)`` -> ``flyte.extras.shell.create(name, image=..., inputs=..., outputs=..., script=...)`` (a
  container task: ``{inputs.x}`` / ``{outputs.x}`` templates, outputs written under ``/var/outputs``);
- ``ContainerTask(...)`` -> ``flyte.extras.ContainerTask(...)`` (the same ``{{.inputs.x}}`` templates, inputs
  and outputs as dicts of types) in an environment of its own, ``flyte.TaskEnvironment.from_task(...)``, which
  the environments of its callers depend on;
- a ``TypeTransformer`` subclass -> ``flyte.types.TypeTransformer`` (async ``to_literal`` /
  ``to_python_value``), registered with ``flyte.types.TypeEngine.register``;
- a ``PythonTask`` / ``PythonInstanceTask`` subclass (a custom task type) -> a ``flyte.TaskTemplate`` subclass.

The flytekit imports they use stay, with the imports transform's TODO.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.task_options import SECTION_TASKS
from flyte_lint.migrate.transforms.base import Transform

CONDITION = (
    "Flyte 2 pauses a run on a condition: `condition = flyte.new_condition(name, data_type=..., timeout=...)`, "
    "then `condition.wait()` gives the value (`flyte signal condition` sends it; in async code "
    "`await flyte.new_condition.aio(...)`, `await condition.wait.aio()`); data_type is bool, int, float or str"
)
CALLS = {
    "wait_for_input": "Flyte 1's input gate: " + CONDITION,
    "approve": "Flyte 1's approval gate: " + CONDITION + "; pass the approved value on yourself",
    "sleep": "Flyte 1's sleep gate: Flyte 2's is `flyte.durable.sleep(seconds)` in the task (`import flyte.durable`)",
    "ShellTask": (
        "Flyte 1's ShellTask: Flyte 2's counterpart is `flyte.extras.shell.create(name, image=..., inputs=..., "
        "outputs=..., script=...)`, a container task (`{inputs.x}` / `{outputs.x}` templates, outputs written "
        "under /var/outputs)"
    ),
    "ContainerTask": (
        "Flyte 1's ContainerTask: Flyte 2's is `flyte.extras.ContainerTask(...)` (the same `{{.inputs.x}}` "
        "templates; inputs and outputs as dicts of types), in an environment of its own "
        "(`flyte.TaskEnvironment.from_task(...)`) that its callers' environments depend on"
    ),
}
BASES = {
    "TypeTransformer": (
        "Flyte 1's TypeTransformer: port it to `flyte.types.TypeTransformer` (async `to_literal` / "
        "`to_python_value`, Flyte 2's literal types) and register it with `flyte.types.TypeEngine.register`"
    ),
    "PythonTask": "a Flyte 1 task type: a Flyte 2 task type subclasses `flyte.TaskTemplate`",
    "PythonInstanceTask": "a Flyte 1 task type: a Flyte 2 task type subclasses `flyte.TaskTemplate`",
}


class CounterpartsTransform(Transform):
    section = SECTION_TASKS

    def _construct(self, node: cst.BaseExpression) -> str | None:
        target = node.value if isinstance(node, cst.Subscript) else node  # (TypeTransformer[MyType])
        path = self.v1_path(target)
        return path.rsplit(".", 1)[-1] if path else None

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        message = CALLS.get(self._construct(updated.func) or "")
        if message:
            self.todo_here(message)
        return updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        for base in updated.bases:
            message = BASES.get(self._construct(base.value) or "")
            if message:
                return self.todo(updated, message)
        return updated


TRANSFORM = CounterpartsTransform
