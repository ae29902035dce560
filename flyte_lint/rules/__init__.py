"""The rule catalogue. Importing this package registers every rule in REGISTRY."""

from flyte_lint.rules import arguments, async_calls, config_values, dag_notes, env_deps, flyte1, maps, syntax, trace_remote  # noqa: F401  (registration)
from flyte_lint.rules.base import REGISTRY, Finding, Rule, Severity

__all__ = ["REGISTRY", "Finding", "Rule", "Severity", "all_rules"]


def all_rules() -> list[Rule]:
    return [REGISTRY[code] for code in sorted(REGISTRY)]
