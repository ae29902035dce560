"""The ``Resources(...)`` and ``Secret(...)`` calls the decorators did not consume (guide §7, §8): a value bound
to a name, or passed to a Flyte 2 API already (``flyte.TaskEnvironment(resources=Resources(...))`` in code half
migrated by hand).

- ``Resources(cpu, mem, gpu, ephemeral_storage)`` -> ``flyte.Resources(cpu=..., memory=..., gpu=..., disk=...)``
  (task_options.combine_resources: Flyte 1's ``resources=`` spelling, a gpu count as Flyte 2 takes it);
- ``Secret(group, key)`` / ``Secret(key=..., group=...)`` -> ``flyte.Secret(key=..., group=...)``, with
  ``as_env_var=`` where Flyte 2 would refuse the derived name (task_options.flyte_secret).

A call with ``*``/``**`` arguments, or a parameter with no Flyte 2 counterpart, gets a TODO and stays.
"""

from __future__ import annotations

import libcst as cst

from flyte_lint.migrate.task_options import (
    RESOURCE_POSITIONS,
    SECTION_RESOURCES,
    SECTION_SECRETS,
    combine_resources,
    flyte_secret,
)
from flyte_lint.migrate.transforms.base import Transform


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _values(call: cst.Call, positions: tuple[str, ...]) -> dict[str, str] | None:
    """The source of each argument of ``call`` by parameter name; None with ``*``/``**`` arguments."""
    values: dict[str, str] = {}
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args) or len(positional) > len(positions):
        return None
    for name, arg in zip(positions, positional, strict=False):
        values[name] = _code(arg.value)
    for arg in call.args:
        if arg.keyword is not None:
            values[arg.keyword.value] = _code(arg.value)
    return values


class ResourcesTransform(Transform):
    section = SECTION_RESOURCES

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        symbol = self.v1_symbol(updated.func)
        if symbol == "Resources":
            return self._resources(updated)
        if symbol == "Secret":
            return self._secret(updated)
        return updated

    def _resources(self, call: cst.Call) -> cst.BaseExpression:
        values = _values(call, RESOURCE_POSITIONS)
        todos: list[tuple[str, str]] = []
        made = combine_resources({}, {}, values, None, todos) if values is not None else None
        if values is None or todos:
            fallback = ("Resources(...) with * or ** arguments: write flyte.Resources by hand", SECTION_RESOURCES)
            for message, section in todos or [fallback]:
                self.todo_here(message, section)
            return call
        self.require("import flyte")
        return cst.parse_expression(made or "flyte.Resources()")

    def _secret(self, call: cst.Call) -> cst.BaseExpression:
        values = _values(call, ("group", "key"))
        todos: list[tuple[str, str]] = []
        made = flyte_secret(values, _code(call), todos) if values is not None else None
        if made is None or todos or set(values) - {"group", "key", "mount_requirement"}:
            fallback = (f"`{_code(call)}`: write it as flyte.Secret(key=..., group=...)", SECTION_SECRETS)
            for message, section in todos or [fallback]:
                self.todo_here(message, section)
            return call
        self.require("import flyte")
        return cst.parse_expression(made)


TRANSFORM = ResourcesTransform
