"""Facts about the flyte SDK's API, from a table generated from the real SDK.

The table (flyte_api.json) is written by scripts/gen_sdk_table.py and kept current by a test that
compares it with the installed SDK. flyte-lint itself never imports flyte.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("flyte_api.json").read_text(encoding="utf-8")
    return json.loads(text)


def version() -> str:
    return table().get("flyte_version", "?")


@cache
def public_names(module: str) -> frozenset[str]:
    return frozenset(table().get("modules", {}).get(module, ()))


@lru_cache(maxsize=1)
def environment_classes() -> frozenset[str]:
    """Paths of TaskEnvironment and its subclasses (e.g. flyte.clustered.ClusteredTaskEnvironment)."""
    return frozenset(table().get("task_environment_classes", ("flyte.TaskEnvironment",)))


def callable_info(path: str) -> dict[str, Any] | None:
    """The signature record of the public callable at ``path`` (e.g. ``flyte.Resources``), or None."""
    return table().get("callables", {}).get(path)


def returns(path: str) -> str | None:
    """The class path a callable returns, where the SDK annotates one we model (e.g. Image builders)."""
    info = callable_info(path)
    return info.get("returns") if info else None


def has_async_twin(path: str) -> bool:
    info = callable_info(path)
    return bool(info and info.get("async_twin"))


def module_imports(module: str) -> dict[str, Any] | None:
    """What ``from <module> import <name>`` and ``import <module>.<child>`` reach in the SDK the table was made
    from: ``names`` (its globals), ``lazy`` (names its module ``__getattr__`` loads on first use, which ``dir()``
    does not show before), ``submodules`` (its child modules, private ones too). None: the module is not known
    (private, or not importable where the table was made)."""
    return table().get("imports", {}).get(module)


def describes(target_version: str | None) -> bool:
    """The table describes the SDK of ``target-flyte-version`` (None: the installed one, the table's): the same
    major and minor version. Names and signatures of another minor version may differ."""
    if not target_version:
        return True
    return target_version.split(".")[:2] == version().split(".")[:2]
