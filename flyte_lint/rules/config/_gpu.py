"""The SDK's GPU table (flyte 2.12.1 ``flyte_api.json``, "gpu") and the accepted value closest to a rejected one."""

from __future__ import annotations

from functools import lru_cache

from flyte_lint import sdk
from flyte_lint.model.suggest import closest


@lru_cache(maxsize=1)
def gpu_table() -> dict:
    return sdk.table()["gpu"]


def gpu_suggestion(value: str) -> str | None:
    """The accepted accelerator string closest to ``value``."""
    accepted = gpu_table()["accelerators"]
    by_lower = {a.lower(): a for a in accepted}
    text = value.strip()
    device, sep, count = text.partition(":")
    device = gpu_table()["deprecated"].get(device.strip(), device.strip())
    text = f"{device}{sep}{count.strip()}"
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    if not sep and f"{text}:1".lower() in by_lower:
        return by_lower[f"{text}:1".lower()]
    devices = {a.partition(":")[0].lower(): a.partition(":")[0] for a in accepted}
    canonical = devices.get(device.lower())
    if canonical is not None:
        counts = sorted(
            int(a.partition(":")[2]) for a in accepted if a.partition(":")[0] == canonical and a.partition(":")[2]
        )
        if counts and count.strip().isdigit():
            wanted = int(count)
            best = min(counts, key=lambda c: (abs(c - wanted), -c))
            return f"{canonical}:{best}"
        if counts:
            return f"{canonical}:{counts[0]}"
    return closest(value, accepted)


def device_suggestion(device: str) -> str | None:
    devices = list(gpu_table()["devices"])
    by_lower = {d.lower(): d for d in devices}
    text = device.strip()
    return by_lower.get(text.lower()) or closest(text, devices)
