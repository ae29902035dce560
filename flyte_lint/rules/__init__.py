"""The rule catalogue. Importing this package imports every rule module below it (``rules/<family>/<symbol>.py``
and the old family modules during the migration), which registers its rules in REGISTRY: a new rule file needs no
list updated. ``base``, ``runner`` and any ``_private`` module (a family's ``_common.py``) are not rule modules;
they are imported by the rules that need them."""

from __future__ import annotations

import importlib
import pkgutil

from flyte_lint.rules.base import REGISTRY, Finding, Rule, Severity

__all__ = ["REGISTRY", "Finding", "Rule", "Severity", "all_rules", "rule_modules"]

NOT_RULE_MODULES = {"base", "runner"}


def rule_modules() -> list[str]:
    """The dotted names of the rule modules under this package, sorted (so registration order is deterministic)."""

    def broken(name: str) -> None:  # a rule package that does not import is an error, not a rule less
        raise ImportError(f"flyte-lint could not import the rule package {name}")

    found = []
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}.", onerror=broken):
        last = info.name.rsplit(".", 1)[1]
        if last.startswith("_") or last in NOT_RULE_MODULES or info.ispkg:
            continue
        found.append(info.name)
    return sorted(found)


for _name in rule_modules():
    importlib.import_module(_name)


def all_rules() -> list[Rule]:
    return [REGISTRY[code] for code in sorted(REGISTRY)]
