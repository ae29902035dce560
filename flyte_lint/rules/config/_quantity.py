"""Kubernetes quantities as the backend parses them (``resource.ParseQuantity`` in flyteorg/flyte
``flytek8s/utils.go``), and the quantity a malformed one was meant to be."""

from __future__ import annotations

import re

from astroid import nodes

from flyte_lint.rules.base import Suggestion
from flyte_lint.rules.config._values import node_edit

QUANTITY = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?P<suffix>[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$")
SUFFIXES = {
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "": 1,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}
UNIT_WORDS = {
    "b": "",
    "byte": "",
    "bytes": "",
    "k": "k",
    "kb": "k",
    "kib": "Ki",
    "ki": "Ki",
    "m": "M",
    "mb": "M",
    "mib": "Mi",
    "mi": "Mi",
    "g": "G",
    "gb": "G",
    "gib": "Gi",
    "gi": "Gi",
    "t": "T",
    "tb": "T",
    "tib": "Ti",
    "ti": "Ti",
    "p": "P",
    "pb": "P",
    "pib": "Pi",
    "pi": "Pi",
}
CPU_WORDS = {"", "cpu", "cpus", "core", "cores", "vcpu", "vcpus"}


def quantity_value(text: str) -> float | None:
    """A Kubernetes quantity in base units (bytes, cores), or None when it is not one."""
    match = QUANTITY.match(text)
    if not match:
        return None
    suffix = match.group("suffix") or ""
    number = text[: len(text) - len(suffix)]
    if suffix[:1] in ("e", "E"):
        return float(number) * 10 ** int(suffix[1:])
    return float(number) * SUFFIXES[suffix]


def quantity_suggestion(text: str, field: str) -> str | None:
    if field == "shm" and text.strip().lower() == "auto":
        return "auto"
    match = re.match(r"^\s*\+?(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*$", text)
    if not match:
        return None
    number, unit = match.groups()
    if field == "cpu":
        if unit.lower() in CPU_WORDS:
            return number
        if unit.lower() in ("m", "millicores", "millicore"):
            return f"{number}m"
        return None
    mapped = UNIT_WORDS.get(unit.lower())
    if mapped is None:
        return None
    if mapped in ("k", "M", "G", "T", "P") and unit.lower().endswith("b"):
        return f"{number}{mapped}i" if mapped != "k" else f"{number}Ki"
    return f"{number}{mapped}"


def number_suggestion(value: float | int) -> str:
    if isinstance(value, int) and value >= 2**20:
        return str(value)
    unit = "Gi" if value < 64 else "Mi"
    number = int(value) if float(value).is_integer() else value
    return f"{number}{unit}"


def pair_swapped(node: nodes.NodeNG, shown: str, text: str) -> Suggestion | None:
    """A (request, limit) pair written as ``text`` in place of ``node``, when the pair is written there."""
    return Suggestion(shown, (node_edit(node, text),)) if isinstance(node, (nodes.Tuple, nodes.List)) else None
