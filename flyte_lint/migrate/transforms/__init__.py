"""The migrate transforms, one LibCST transformer per concern, run in base.ORDER (see base.py)."""

from __future__ import annotations

import importlib

from flyte_lint.migrate.transforms.base import ORDER, Transform


def transforms() -> list[type[Transform]]:
    """The transform classes of base.ORDER whose modules exist, in that order."""
    found = []
    for name in ORDER:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        found.append(module.TRANSFORM)
    return found
