"""Running the compiler on a thread with a large stack: each level of nested task calls costs a few Python frames."""

from __future__ import annotations

from typing import Any

DEEP_STACK_THREAD = "flyte-lint-graph"


def with_deep_stack(work):
    """``work()`` on a thread with a large stack (directly when already on one: a caller compiling many
    bodies, as the FLY7xx notes do, pays for one thread, not one per body)."""
    import sys
    import threading

    if threading.current_thread().name == DEEP_STACK_THREAD:
        return work()
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    try:
        threading.stack_size(512 * 1024 * 1024)
        sys.setrecursionlimit(max(old_limit, 60_000))
        thread = threading.Thread(target=target, name=DEEP_STACK_THREAD)
        thread.start()
        thread.join()
    except (ValueError, RuntimeError):  # a platform that refuses big thread stacks: compile here
        return work()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result["value"]
