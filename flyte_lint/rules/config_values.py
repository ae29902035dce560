"""FLY303–FLY313: configuration values that the flyte SDK, the backend or Kubernetes reject (or silently misread).

Every accepted value here comes from the installed SDK (flyte 2.12.1): the GPU names from the SDK table
(``flyte_api.json``, "gpu"), cache behaviours from its "cache_behaviors", the env-name pattern, secret
env-var derivation and ReusePolicy check from ``flyte/_environment.py``, ``flyte/_secret.py`` and
``flyte/_task_environment.py``. Where the SDK accepts a value that fails later, the check mirrors the code
that rejects it: Kubernetes quantities as parsed by ``resource.ParseQuantity`` in the backend's pod builder
(flyteorg/flyte ``flytek8s/utils.go``), and cron expressions as parsed by ``cron.ParseStandard``
(robfig/cron v3, the unionai fork) in the backend's trigger validation (flyteorg/flyte
``runs/schedule/cron.go``).

Values are read only when they are literals, or names bound once to a literal; anything else is quiet.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Iterable

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model import constants
from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.names import rebinds_same_variable
from flyte_lint.model.resolver import enclosing_function
from flyte_lint.model.source import one_line_source
from flyte_lint.model.suggest import closest
from flyte_lint.model.values import EnvRef, External, Method, ModuleRef, TaskRef
from flyte_lint.rules.base import Edit, Finding, Fix, Rule, Severity, Suggestion, keyword_added, register

# --------------------------------------------------------------------------------------------------------
# Reading values without running code
# --------------------------------------------------------------------------------------------------------

# (one copy of each in the model: model/constants.py, model/arguments.py; these names are aliases until the
# rules import the model's)
MISSING = constants.MISSING
call_args = sdk_arguments


def definition(analysis: Analysis, node: nodes.NodeNG | None, depth: int = 0) -> nodes.NodeNG | None:
    """Alias of model.constants.definition (Analysis.definition)."""
    return constants.definition(analysis.resolver, node, depth)


def literal(analysis: Analysis, node: nodes.NodeNG | None) -> Any:
    """Alias of model.constants.literal (Analysis.literal)."""
    return constants.literal(analysis.resolver, node)


def callee_path(analysis: Analysis, call: nodes.Call) -> str | None:
    value = analysis.resolver.value_of(call.func)
    return value.path if isinstance(value, External) else None


def calls_to(analysis: Analysis, *paths: str) -> Iterable[ResolvedCall]:
    return analysis.calls_to(*paths)


def when(node: nodes.NodeNG) -> str:
    """When code at ``node`` runs: at import for module-level code."""
    return "when the module is imported" if enclosing_function(node) is None else "when this line runs"


def string_edit(module, node: nodes.NodeNG, new: str) -> Edit | None:
    """Replace a plain one-line string literal, keeping its quote character."""
    if not isinstance(node, nodes.Const) or not isinstance(node.value, str) or node.lineno != node.end_lineno:
        return None
    if module.text is None or node.end_col_offset is None:
        return None
    lines = module.text.splitlines()
    if not 0 < node.lineno <= len(lines):
        return None
    raw = lines[node.lineno - 1].encode("utf-8")[node.col_offset: node.end_col_offset].decode("utf-8", "ignore")
    if len(raw) < 2 or raw[0] not in "'\"" or raw[-1] != raw[0] or raw.startswith(raw[0] * 3):
        return None  # prefixes (r, f, b), triple quotes, implicit concatenation
    quote = raw[0]
    if quote in new or "\\" in new:
        return None
    return node_edit(node, f"{quote}{new}{quote}")


def node_edit(node: nodes.NodeNG, text: str) -> Edit:
    return Edit((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset), text)


def value_suggestion(module, node: nodes.NodeNG | None, shown: str, new: str) -> Suggestion | None:
    """The message's ``shown`` rewrite, made by writing the string ``new`` in place of ``node`` (keeping the
    quotes of a string literal)."""
    if node is None or node.lineno is None or node.end_col_offset is None:
        return None
    edit = string_edit(module, node, new) if isinstance(node, nodes.Const) and isinstance(node.value, str) else None
    if edit is None and '"' not in new and "\\" not in new:
        edit = node_edit(node, f'"{new}"')
    return Suggestion(shown, (edit,)) if edit else None


source_text = one_line_source  # (an alias of the model's: model/source.py)


def env_path(analysis: Analysis, env: Env) -> str | None:
    """The SDK table path of the callable that made ``env``."""
    if env.origin == "clone_with":
        return "flyte.TaskEnvironment.clone_with"
    if env.origin == "from_task":
        return "flyte.TaskEnvironment.from_task"
    return callee_path(analysis, env.node)


def env_argument(analysis: Analysis, env: Env, name: str) -> nodes.NodeNG | None:
    path = env_path(analysis, env)
    return call_args(env.node, path).get(name) if path else None


def q(value: Any) -> str:
    """A value as Python source, double-quoted for strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


# --------------------------------------------------------------------------------------------------------
# FLY303 invalid-gpu
# --------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _gpu() -> dict:
    return sdk.table()["gpu"]


def _gpu_suggestion(value: str) -> str | None:
    """The accepted accelerator string closest to ``value``."""
    accepted = _gpu()["accelerators"]
    by_lower = {a.lower(): a for a in accepted}
    text = value.strip()
    device, sep, count = text.partition(":")
    device = _gpu()["deprecated"].get(device.strip(), device.strip())
    text = f"{device}{sep}{count.strip()}"
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    if not sep and f"{text}:1".lower() in by_lower:
        return by_lower[f"{text}:1".lower()]
    devices = {a.partition(":")[0].lower(): a.partition(":")[0] for a in accepted}
    canonical = devices.get(device.lower())
    if canonical is not None:
        counts = sorted(int(a.partition(":")[2]) for a in accepted if a.partition(":")[0] == canonical and a.partition(":")[2])
        if counts and count.strip().isdigit():
            wanted = int(count)
            best = min(counts, key=lambda c: (abs(c - wanted), -c))
            return f"{canonical}:{best}"
        if counts:
            return f"{canonical}:{counts[0]}"
    return closest(value, accepted)


def _device_suggestion(device: str) -> str | None:
    devices = list(_gpu()["devices"])
    by_lower = {d.lower(): d for d in devices}
    text = device.strip()
    return by_lower.get(text.lower()) or closest(text, devices)


@register
class InvalidGpu(Rule):
    code = "FLY303"
    symbol = "invalid-gpu"
    summary = "Reports a `gpu=` accelerator string, or a `flyte.GPU(...)` device, quantity or partition, that the SDK rejects or only accepts as a deprecated alias."
    rationale = (
        "`flyte.Resources(gpu=...)` accepts an int, a `flyte.GPU(...)`/`Device`, or one string from a fixed list "
        "(`\"A100:1\"`…`\"A100:8\"`, `\"L40s:1\"` with a lowercase s, `\"T4 shared:1\"`, …). Anything else raises "
        "ValueError when the Resources object is built, usually when the module is imported, so `flyte run` and "
        "`flyte deploy` fail before anything starts: `\"A100\"` without a count, `\"a100:1\"`, `\"L40S:1\"`, "
        "`\"A100:9\"`. `flyte.GPU()` rejects unknown devices, a quantity below 1, a MIG partition the device does "
        "not have and any partition on a shared GPU. The space-separated names `\"A100 80G\"` and "
        "`\"RTX PRO 6000\"` still work but are deprecated (the SDK logs a warning)."
        " Severity: error: a rejected value fails when the module is imported, so local runs, deploys and the "
        "cluster fail alike; a deprecated name still works everywhere, so that finding is a warning."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment(
            "train",
            resources=flyte.Resources(cpu=4, memory="32Gi", gpu="L40S:1"),
        )

        @env.task
        def main() -> str:
            return "trained"
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment(
            "train",
            resources=flyte.Resources(cpu=4, memory="32Gi", gpu="L40s:1"),
        )

        @env.task
        def main() -> str:
            return "trained"
    """
    fix = "Use an accelerator string the SDK lists (the message names the closest one), e.g. `\"L40s:1\"`, `\"A100:1\"`, `\"A100_80G:2\"`."
    fix_safety = "Safe for the deprecated aliases (`\"A100 80G:1\"` → `\"A100_80G:1\"`): the SDK normalizes them the same way."
    runtime_effect = "ValueError at import"
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in calls_to(analysis, "flyte.Resources"):
            node = call_args(call.node, "flyte.Resources").get("gpu")
            if node is not None:
                yield from self._check_resources_gpu(analysis, call, node)
        for call in calls_to(analysis, "flyte.GPU"):
            yield from self._check_gpu_call(analysis, call)

    def _check_resources_gpu(self, analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG) -> Iterable[Finding]:
        value = literal(analysis, node)
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
            yield self.finding(call.module, node, f"gpu={value!r} is a float: {effect}. Use a whole count (gpu={int(value) or 1}) or an accelerator string such as \"A100:1\"")
            return
        if isinstance(value, (tuple, list)):
            hint, rewrite = "", None
            if len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int):
                new = _gpu_suggestion(f'{value[0]}:{value[1]}') or f'{value[0]}:{value[1]}'
                hint = f"; did you mean gpu={q(new)}?"
                rewrite = value_suggestion(call.module, node, f"gpu={q(new)}", new)
            yield self.finding(call.module, node, f"gpu={value!r} is not an accelerator string, a count or a flyte.GPU(...): {effect}{hint}",
                               suggestions=[rewrite])
            return
        if not isinstance(value, str) or value in _gpu()["accelerators"]:
            return
        device, sep, count = value.partition(":")
        current = _gpu()["deprecated"].get(device)
        if current is not None and f"{current}{sep}{count}" in _gpu()["accelerators"]:
            new = f"{current}{sep}{count}"
            edit = string_edit(call.module, node, new) if isinstance(node, nodes.Const) else None
            yield self.finding(
                call.module, node,
                f"gpu={q(value)} uses the deprecated GPU name {q(device)}: the SDK logs a deprecation warning and "
                f"rewrites it to {q(new)}. Write gpu={q(new)}",
                Fix((edit,), True, f"Replace with {q(new)}") if edit else None,
                severity=Severity.WARNING, suggestions=[Suggestion(f"gpu={q(new)}", (edit,)) if edit else None],
                raises=None,
            )
            return
        suggestion = _gpu_suggestion(value)
        advice = f"; did you mean gpu={q(suggestion)}?" if suggestion else ". Use an accelerator string such as \"A100:1\" (device:count)"
        rewrite = value_suggestion(call.module, node, f"gpu={q(suggestion)}", suggestion) if suggestion else None
        yield self.finding(call.module, node, f"gpu={q(value)} is not an accelerator the SDK accepts: {effect}{advice}",
                           suggestions=[rewrite])

    def _check_gpu_call(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        args = call_args(call.node, "flyte.GPU")
        effect = f"`flyte.GPU` raises ValueError {when(call.node)}"
        device_node = args.get("device")
        device = literal(analysis, device_node) if device_node is not None else MISSING
        devices = _gpu()["devices"]
        if isinstance(device, str):
            current = _gpu()["deprecated"].get(device)
            if current is not None:
                edit = string_edit(call.module, device_node, current) if isinstance(device_node, nodes.Const) else None
                yield self.finding(
                    call.module, device_node,
                    f"GPU device {q(device)} is deprecated: the SDK logs a warning and rewrites it to {q(current)}. Write {q(current)}",
                    Fix((edit,), True, f"Replace with {q(current)}") if edit else None,
                    severity=Severity.WARNING, suggestions=[Suggestion(q(current), (edit,)) if edit else None],
                    raises=None,
                )
                device = current
            elif device not in devices:
                suggestion = _device_suggestion(device)
                advice = f"; did you mean {q(suggestion)}?" if suggestion else f". Use one of {', '.join(sorted(devices))}"
                yield self.finding(call.module, device_node, f"GPU device {q(device)} is not one the SDK accepts: {effect}{advice}",
                                   suggestions=[value_suggestion(call.module, device_node, q(suggestion), suggestion) if suggestion else None])
                device = MISSING
        quantity_node = args.get("quantity")
        quantity = literal(analysis, quantity_node) if quantity_node is not None else MISSING
        if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity < 1:
            yield self.finding(call.module, quantity_node, f"GPU quantity {quantity} is below 1: {effect} (\"GPU quantity must be at least 1\"). Request at least 1, or leave gpu unset for none")
        partition_node = args.get("partition")
        partition = literal(analysis, partition_node) if partition_node is not None else MISSING
        if not isinstance(partition, str) or not isinstance(device, str):
            return
        if device.endswith(" shared"):
            yield self.finding(call.module, partition_node, f"shared GPU {q(device)} takes no partition: {effect}. Drop partition=, or request the plain device ({q(device[:-len(' shared')])}) for a MIG partition")
            return
        parts = devices.get(device) or []
        if parts and partition not in parts:
            suggestion = closest(partition, parts) or (partition.lower() if partition.lower() in parts else None)
            advice = f"; did you mean {q(suggestion)}?" if suggestion else ""
            yield self.finding(
                call.module, partition_node,
                f"{device} has no MIG partition {q(partition)} (it has {', '.join(parts)}): {effect}{advice}",
                suggestions=[value_suggestion(call.module, partition_node, q(suggestion), suggestion) if suggestion else None],
            )


# --------------------------------------------------------------------------------------------------------
# FLY304 invalid-cache
# --------------------------------------------------------------------------------------------------------

CACHE_WORDS = {"always": "auto", "never": "disable", "disabled": "disable", "enable": "auto", "cache": "auto",
               "nocache": "disable", "no_cache": "disable", "none": "disable", "overwrite": "override"}


def cache_behavior(value: Any) -> str | None:
    """What a cache string means to the SDK (``Cache.__post_init__``): the canonical behaviour, or None if rejected."""
    if not isinstance(value, str):
        return None
    info = sdk.table()["cache_behaviors"]
    if value in info["canonical"]:
        return value
    return info["aliases"].get(value.lower())


def _cache_suggestion(value: Any) -> str:
    if value is True:
        return "auto"
    if value is False or value is None:
        return "disable"
    text = str(value).strip().lower()
    meaning = cache_behavior(text) or CACHE_WORDS.get(text)
    if meaning:
        return meaning
    info = sdk.table()["cache_behaviors"]
    guess = closest(text, list(info["canonical"]) + list(info["aliases"]))
    return cache_behavior(guess) if guess else "auto"


def cache_state(analysis: Analysis, node: nodes.NodeNG | None) -> str | None:
    """The behaviour a ``cache=`` value asks for: auto/override/disable, or None when unknown or invalid."""
    value = literal(analysis, node)
    if value is not MISSING:
        return cache_behavior(value)
    call = definition(analysis, node)
    if isinstance(call, nodes.Call) and callee_path(analysis, call) == "flyte.Cache":
        behavior = call_args(call, "flyte.Cache").get("behavior")
        return cache_behavior(literal(analysis, behavior)) if behavior is not None else None
    return None


def env_cache_state(analysis: Analysis, env: Env, depth: int = 0) -> str | None:
    """The cache behaviour tasks of ``env`` inherit, or None when unknown."""
    if depth > 10:
        return None
    node = env_argument(analysis, env, "cache")
    if node is None:
        if env.origin == "clone_with":
            return env_cache_state(analysis, env.parent, depth + 1) if env.parent is not None else None
        return "disable" if env.origin == "constructor" else None
    return cache_state(analysis, node)


def task_cache_state(analysis: Analysis, task: Task) -> str | None:
    node = call_args(task.options, "flyte.TaskEnvironment.task").get("cache") if task.options is not None else None
    if node is not None:
        value = literal(analysis, node)
        if value is False or value is None or value == "":
            return env_cache_state(analysis, task.env)
        return cache_state(analysis, node)
    return env_cache_state(analysis, task.env)


def _applied_at(decorator: nodes.Call) -> nodes.NodeNG | None:
    """Where the decorator that ``env.task(...)`` makes is applied: the decorated def (``@env.task(...)``, guarded
    as the call is), or ``env.task(...)(fn)``; None when it is applied elsewhere (``deco = env.task(...)``)."""
    parent = decorator.parent
    if isinstance(parent, nodes.Decorators):
        return decorator
    if isinstance(parent, nodes.Call) and parent.func is decorator:
        return parent
    return None


@register
class InvalidCache(Rule):
    code = "FLY304"
    symbol = "invalid-cache"
    summary = "Reports a cache behaviour the SDK rejects, or a `cache=False` it silently ignores, in `@env.task`, `TaskEnvironment`, `clone_with`, `.override` and `flyte.Cache`."
    rationale = (
        "A cache behaviour is `\"auto\"`, `\"override\"` or `\"disable\"` (exactly; the aliases enable/enabled/on/"
        "true/yes and off/false/no/none are matched case-insensitively). `@env.task(cache=\"always\")` and "
        "`@env.task(cache=True)` raise ValueError when the decorator runs, at import. On a TaskEnvironment the "
        "value is only checked by the first `@env.task` that does not set its own cache: `cache=\"always\"`, "
        "`cache=False` and `cache=None` there raise ValueError at that decorator, and `cache=True` raises "
        "TypeError when the env is built. `flyte.Cache(behavior=...)` and `t.override(cache=...)` check when "
        "they run. `cache=False` on `@env.task` or `.override` is falsy, so the SDK ignores it and keeps the "
        "env's (or task's) cache: a task meant to skip the cache still uses it."
        " Severity: error: a rejected behaviour fails when the decorator or env is built, so local runs, "
        "deploys and the cluster fail alike; a falsy `cache=False` runs everywhere with the cache it falls back "
        "to, which changes a result only for a task whose output is not a function of its inputs, so that "
        "finding is a warning."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("etl")

        @env.task(cache="always")
        def main(day: str) -> str:
            return f"rows for {day}"
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("etl")

        @env.task(cache="auto")
        def main(day: str) -> str:
            return f"rows for {day}"
    """
    fix = "Use `\"auto\"` (cache, versioned by the function body), `\"override\"` (with `flyte.Cache(\"override\", version_override=...)`) or `\"disable\"`."
    runtime_effect = "ValueError at import"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            callee = call.callee
            if call.external_path == "flyte.Cache":
                node = call_args(call.node, "flyte.Cache").get("behavior")
                if node is not None:
                    yield from self._check_value(analysis, call.module, node, "flyte.Cache(behavior=...)", "cache", call.node)
            elif isinstance(callee, Method) and isinstance(callee.owner, EnvRef) and callee.name == "task":
                node = call_args(call.node, "flyte.TaskEnvironment.task").get("cache")
                if node is not None:
                    yield from self._check_value(analysis, call.module, node, "@env.task", "task", call.node, env=callee.owner.env)
            elif isinstance(callee, Method) and isinstance(callee.owner, TaskRef) and callee.name == "override":
                node = call_args(call.node, "flyte.TaskTemplate.override").get("cache")
                if node is not None:
                    yield from self._check_value(analysis, call.module, node, "`.override`", "override", call.node, task=callee.owner.task)
        for env in analysis.envs:
            node = env_argument(analysis, env, "cache")
            if node is not None:
                where = "clone_with" if env.origin == "clone_with" else "TaskEnvironment"
                yield from self._check_value(analysis, env.module, node, f"{where}(cache=...)", "env", env.node, env=env)

    def _check_value(self, analysis, module, node, label, kind, site, env: Env | None = None, task: Task | None = None):
        value = literal(analysis, node)
        if value is MISSING:
            return
        if (value is False and kind != "cache") or (kind in ("task", "override") and value in (None, "")):
            yield from self._falsy(analysis, module, node, value, label, kind, env, task)
            return
        if cache_behavior(value) is not None:
            return
        if kind == "env" and value is None and env is not None and env.origin == "clone_with":
            return  # clone_with(cache=None) keeps the source env's cache
        suggestion = _cache_suggestion(value)
        shown = q(value)
        if kind == "env" and value is True:
            effect = f"the env raises TypeError {when(site)} (\"Expected cache to be of type str or Cache\")"
        elif kind == "env":
            effect = (
                "the SDK stores it, then every `@env.task` of this env that does not set its own `cache=` raises "
                "ValueError (\"Invalid cache behavior\") when it decorates, at import"
            )
        elif kind == "task":
            effect = "`@env.task` raises ValueError (\"Invalid cache behavior\") when the decorator runs, at import"
        elif kind == "override":
            effect = "`.override` raises ValueError (\"Invalid cache behavior\") when it runs"
        else:
            effect = f"`flyte.Cache` raises ValueError (\"Invalid cache behavior\") {when(site)}"
        fix = None
        if isinstance(value, str) and value.lower() == suggestion and isinstance(node, nodes.Const):
            edit = string_edit(module, node, suggestion)
            fix = Fix((edit,), True, f"Replace with {q(suggestion)}") if edit else None
        keyword = "behavior" if kind == "cache" else "cache"
        # What it raises where: the env's constructor (cache=True), the call (flyte.Cache, .override), the decorator
        # where it is applied; an env's other values raise at each `@env.task` that inherits them, not here.
        raises, raised_at = {"cache": ("builtins.ValueError", site), "override": ("builtins.ValueError", site),
                             "task": ("builtins.ValueError", _applied_at(site)),
                             "env": ("builtins.TypeError", site) if value is True else (None, None)}[kind]
        yield self.finding(
            module, node,
            f"{keyword}={shown} is not a cache behaviour: {effect}; did you mean {keyword}={q(suggestion)}? "
            "(accepted: \"auto\", \"override\", \"disable\")",
            fix, suggestions=[value_suggestion(module, node, f"{keyword}={q(suggestion)}", suggestion)],
            raises=raises if raised_at is not None else None, raised_at=raised_at,
        )

    def _falsy(self, analysis, module, node, value, label, kind, env, task):
        shown = q(value)
        if kind == "env":
            if env is not None and env.origin == "clone_with" and value is None:
                return
            yield self.finding(
                module, node,
                f"cache={shown} on a TaskEnvironment is not a cache behaviour: every `@env.task` of this env that "
                "does not set its own `cache=` raises ValueError (\"Invalid cache behavior\") when it decorates, at "
                "import. Write cache=\"disable\"",
                suggestions=[value_suggestion(module, node, 'cache="disable"', "disable")],
            )
            return
        if kind == "task":
            inherited = env_cache_state(analysis, env) if env is not None else None
            owner = f"env '{env.label}'" if env is not None else "the env"
        else:
            inherited = task_cache_state(analysis, task) if task is not None else None
            owner = f"task '{task.name}'" if task is not None else "the task"
        if value is None or value == "" or inherited == "disable":
            return  # falls back to a cache that is off anyway
        now = f"{q(inherited)}" if inherited else "whatever it is"
        yield self.finding(
            module, node,
            f"cache={shown} in {label} is falsy, so the SDK ignores it and keeps the cache of {owner} ({now}): "
            "the task is still cached. Write cache=\"disable\"",
            severity=Severity.WARNING, suggestions=[value_suggestion(module, node, 'cache="disable"', "disable")],
        )


# --------------------------------------------------------------------------------------------------------
# FLY305 invalid-quantity
# --------------------------------------------------------------------------------------------------------

QUANTITY = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?P<suffix>[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$")
SUFFIXES = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
            "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
UNIT_WORDS = {"b": "", "byte": "", "bytes": "", "k": "k", "kb": "k", "kib": "Ki", "ki": "Ki", "m": "M", "mb": "M",
              "mib": "Mi", "mi": "Mi", "g": "G", "gb": "G", "gib": "Gi", "gi": "Gi", "t": "T", "tb": "T",
              "tib": "Ti", "ti": "Ti", "p": "P", "pb": "P", "pib": "Pi", "pi": "Pi"}
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


def _quantity_suggestion(text: str, field: str) -> str | None:
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


def _number_suggestion(value: float | int) -> str:
    if isinstance(value, int) and value >= 2**20:
        return str(value)
    unit = "Gi" if value < 64 else "Mi"
    number = int(value) if float(value).is_integer() else value
    return f"{number}{unit}"


@register
class InvalidQuantity(Rule):
    code = "FLY305"
    symbol = "invalid-quantity"
    summary = "Reports `flyte.Resources` memory/disk/shm that is not a Kubernetes quantity string, a malformed cpu, and a (request, limit) pair whose request exceeds its limit."
    rationale = (
        "`memory`, `disk` and `shm` must be strings: `memory=4096` raises ValueError when the Resources is built "
        "(usually at import); a memory tuple needs exactly two strings, and `disk` takes no tuple. Strings are "
        "not checked by the SDK (`\"2GB\"` is accepted), but the backend parses them as Kubernetes quantities "
        "(`2Gi`, `512Mi`, `2G`) when it builds the task's pod, and fails the task (\"Failed to parse resource "
        "as a valid quantity\"). `shm` also takes `\"auto\"`. A bare number string such as `memory=\"4096\"` is "
        "a valid quantity of bytes, and `\"512m\"` of milli-bytes, almost never what is meant (warning). A negative cpu raises ValueError. In a "
        "`(request, limit)` pair the request must not exceed the limit: the backend silently lowers the "
        "request to the limit."
        " Severity: error: a non-string size fails at import, and a quantity the backend cannot parse fails the "
        "task's pod in the cluster, where the code is meant to run (a local run does not parse it); a bare or "
        "tiny number, or a request above its limit, still runs, so those findings are warnings."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=2, memory=4096))

        @env.task
        def main() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=2, memory="4Gi"))

        @env.task
        def main() -> int:
            return 1
    """
    fix = "Write quantities as Kubernetes strings with a unit: `memory=\"4Gi\"`, `disk=\"50Gi\"`, `shm=\"auto\"`, `cpu=2` or `cpu=\"500m\"`; put the smaller value first in `(request, limit)`."
    runtime_effect = "ValueError at import"
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in calls_to(analysis, "flyte.Resources"):
            args = call_args(call.node, "flyte.Resources")
            for field in ("memory", "disk", "shm"):
                if field in args:
                    yield from self._check_size(analysis, call, field, args[field])
            if "cpu" in args:
                yield from self._check_cpu(analysis, call, args["cpu"])

    def _check_size(self, analysis: Analysis, call: ResolvedCall, field: str, node: nodes.NodeNG) -> Iterable[Finding]:
        value = literal(analysis, node)
        if value is MISSING or value is None:
            return
        effect = f"`flyte.Resources` raises ValueError {when(call.node)}"
        if isinstance(value, tuple) and field == "memory":
            if len(value) != 2:
                yield self.finding(call.module, node, f"memory={value!r} must be one string or a (request, limit) pair of two: {effect}")
                return
            elements = node.elts if isinstance(node, (nodes.Tuple, nodes.List)) else [node, node]
            for element, item in zip(elements, value):
                yield from self._check_size_item(call, field, element if element is not node else node, item, effect, in_pair=True)
            amounts = [quantity_value(v) if isinstance(v, str) else None for v in value]
            if None not in amounts and amounts[0] > amounts[1]:
                yield self.finding(
                    call.module, node,
                    f"memory request {q(value[0])} is larger than its limit {q(value[1])}: the backend silently lowers "
                    f"the request to {q(value[1])}. Did you mean memory=({q(value[1])}, {q(value[0])})?",
                    severity=Severity.WARNING, raises=None,
                    suggestions=[_pair_swapped(node, f"memory=({q(value[1])}, {q(value[0])})", f"({q(value[1])}, {q(value[0])})")],
                )
            return
        if isinstance(value, (tuple, list)):
            yield self.finding(call.module, node, f"{field}={value!r} is not a quantity string (`{field}` takes no {type(value).__name__}): {effect}")
            return
        yield from self._check_size_item(call, field, node, value, effect)

    def _check_size_item(self, call, field, node, value, effect, in_pair=False) -> Iterable[Finding]:
        shown = (lambda v: f"{field} pair value {v}") if in_pair else (lambda v: f"{field}={v}")
        if isinstance(value, bool) or value is None:
            if in_pair and value is None:
                yield self.finding(call.module, node, f"{field} pair element None is not a quantity: {effect} (\"pair elements must both be set\")")
            return
        if isinstance(value, (int, float)):
            new = _number_suggestion(value)
            yield self.finding(
                call.module, node,
                f"{shown(repr(value))} is a number, not a Kubernetes quantity string: {effect}; did you mean "
                f"{q(new)}? (as a string, a bare number would mean bytes)",
                suggestions=[value_suggestion(call.module, node, q(new), new)],
            )
            return
        if not isinstance(value, str):
            return
        if field == "shm" and value == "auto":
            return
        amount = quantity_value(value)
        if amount is None:
            suggestion = _quantity_suggestion(value, field)
            auto = ' (or "auto")' if field == "shm" else ""
            advice = f"; did you mean {q(suggestion)}?" if suggestion else f'. Write it like "2Gi", "512Mi" or "2G"{auto}'
            fix = None
            if suggestion and isinstance(node, nodes.Const):
                edit = string_edit(call.module, node, suggestion)
                fix = Fix((edit,), False, f"Replace with {q(suggestion)}") if edit else None
            yield self.finding(
                call.module, node,
                f"{shown(q(value))} is not a Kubernetes quantity: the SDK accepts it, but the backend fails the task "
                f"when it builds the pod (\"Failed to parse resource as a valid quantity\"){advice}",
                fix, raises=None, suggestions=[value_suggestion(call.module, node, q(suggestion), suggestion) if suggestion else None],
            )
            return
        if amount < 0:
            yield self.finding(call.module, node, f"{shown(q(value))} is negative: Kubernetes rejects negative resource quantities. Use a positive size",
                               raises=None)
            return
        tiny = re.fullmatch(r"(\d+(?:\.\d*)?)([num]?)", value)
        if tiny and 0 < amount < 2**20:
            number, unit = tiny.groups()
            prefix = {"m": "milli", "u": "micro", "n": "nano"}.get(unit)
            meaning = f"{amount:g} bytes" + (f" ('{unit}' is {prefix}, not mega)" if prefix else "")
            yield self.finding(
                call.module, node,
                f"{shown(q(value))} means {meaning}, far too little to run anything; did you mean "
                f"{q(number + 'Mi')} or {q(number + 'Gi')}?",
                severity=Severity.WARNING, raises=None,
                suggestions=[value_suggestion(call.module, node, q(number + unit), number + unit) for unit in ("Mi", "Gi")],
            )

    def _check_cpu(self, analysis: Analysis, call: ResolvedCall, node: nodes.NodeNG) -> Iterable[Finding]:
        value = literal(analysis, node)
        if value is MISSING or value is None:
            return
        effect = f"`flyte.Resources` raises ValueError {when(call.node)}"
        if isinstance(value, list):
            yield self.finding(call.module, node, f"cpu={value!r} is a list: {effect}. Use a number, a string such as \"500m\", or a (request, limit) tuple")
            return
        if isinstance(value, tuple):
            if len(value) != 2:
                yield self.finding(call.module, node, f"cpu={value!r} must be a (request, limit) pair of two values: {effect}")
                return
            elements = node.elts if isinstance(node, (nodes.Tuple, nodes.List)) else [node, node]
            for element, item in zip(elements, value):
                yield from self._check_cpu_item(call, element, item, effect)
            amounts = [self._cores(v) for v in value]
            if None not in amounts and amounts[0] > amounts[1]:
                yield self.finding(
                    call.module, node,
                    f"cpu request {value[0]!r} is larger than its limit {value[1]!r}: the backend silently lowers the "
                    f"request to the limit. Did you mean cpu=({value[1]!r}, {value[0]!r})?",
                    severity=Severity.WARNING, raises=None,
                    suggestions=[_pair_swapped(node, f"cpu=({value[1]!r}, {value[0]!r})", f"({value[1]!r}, {value[0]!r})")],
                )
            return
        yield from self._check_cpu_item(call, node, value, effect)

    @staticmethod
    def _cores(value: Any) -> float | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return quantity_value(value)
        return None

    def _check_cpu_item(self, call, node, value, effect) -> Iterable[Finding]:
        if isinstance(value, bool):
            return
        if value is None:
            yield self.finding(call.module, node, f"cpu pair element None is not a core count: {effect} (\"pair elements must both be set\")")
        elif isinstance(value, (int, float)):
            if value < 0:
                yield self.finding(call.module, node, f"cpu={value!r} is negative: {effect} (\"cpu must be greater than or equal to 0\")")
        elif isinstance(value, str):
            amount = quantity_value(value)
            if amount is None:
                suggestion = _quantity_suggestion(value, "cpu")
                advice = f"; did you mean {q(suggestion)}?" if suggestion else ". Write it like 2, 0.5 or \"500m\""
                yield self.finding(
                    call.module, node,
                    f"cpu={q(value)} is not a Kubernetes quantity: the SDK accepts it, but the backend fails the task "
                    f"when it builds the pod (\"Failed to parse resource as a valid quantity\"){advice}", raises=None,
                    suggestions=[value_suggestion(call.module, node, q(suggestion), suggestion) if suggestion else None],
                )
            elif amount < 0:
                yield self.finding(call.module, node, f"cpu={q(value)} is negative: Kubernetes rejects negative resource quantities",
                                   raises=None)


# --------------------------------------------------------------------------------------------------------
# FLY306 invalid-env-name, FLY307 duplicate-env-name
# --------------------------------------------------------------------------------------------------------

ENV_NAME = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")


def kebab(name: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@register
class InvalidEnvName(Rule):
    code = "FLY306"
    symbol = "invalid-env-name"
    summary = "Reports an environment name that is not snake_case or kebab-case (`^[a-z0-9]+([_-][a-z0-9]+)*$`)."
    rationale = (
        "`TaskEnvironment`, `clone_with` and `from_task` check the name when the env is built: `\"MyEnv\"`, "
        "`\"my env\"`, `\"my.env\"`, `\"my__env\"`, `\"_env\"` and `\"env_\"` raise ValueError (\"must be in "
        "snake_case or kebab-case format\"), usually when the module is imported, so nothing runs or deploys."
        " Severity: error: the env fails when it is built, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("DataPrep")

        @env.task
        def main() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("data-prep")

        @env.task
        def main() -> int:
            return 1
    """
    fix = "Use lowercase letters and digits separated by single `-` or `_`; the message suggests the kebab-case name."
    fix_safety = "Safe when the name is a literal: the original name never worked, so nothing can refer to it."
    runtime_effect = "ValueError at import"
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        taken = {env.name for env in analysis.envs if env.name is not None}
        for env in analysis.envs:
            if env.name is None or env.name_node is None or ENV_NAME.match(env.name):
                continue
            suggestion = kebab(env.name)
            advice = f"; did you mean {q(suggestion)}?" if suggestion else ". Use lowercase letters and digits separated by - or _"
            if suggestion in taken:
                advice = f"; the kebab-case form {q(suggestion)} is already used by another env, so pick a new name"
            fix = None
            if suggestion and suggestion not in taken:
                edit = string_edit(env.module, env.name_node, suggestion)
                fix = Fix((edit,), True, f"Rename the env to {q(suggestion)}") if edit else None
            yield self.finding(
                env.module, env.name_node,
                f"environment name {q(env.name)} is not snake_case or kebab-case: the env raises ValueError "
                f"{when(env.node)}{advice}",
                fix, suggestions=[Suggestion(q(suggestion), fix.edits) if fix else None],
            )


def _exclusive(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """``a`` and ``b`` sit in different branches of one if/else or try/except: only one of them runs."""
    chain_a = list(_branches(a))
    for node, branch in _branches(b):
        for other, other_branch in chain_a:
            if other is node:
                return branch != other_branch
    return False


def _branches(node: nodes.NodeNG):
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, (nodes.If, nodes.Try)):
            if isinstance(parent, nodes.If):
                branch = "body" if child in parent.body else "orelse" if child in parent.orelse else "test"
            else:
                branch = "handlers" if child in parent.handlers else "body" if child in parent.body or child in parent.orelse else "final"
            yield parent, branch
        child, parent = parent, parent.parent


def deploy_groups(analysis: Analysis) -> dict:
    """Modules that can end up in one deployment share a group: those connected by imports (either way, or
    through a common importer such as a deploy script) and those in one package tree (``flyte deploy
    --recursive`` on a package). Independent scripts that merely sit in one folder stay apart."""
    parent: dict = {}

    def find(key):
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a, b):
        parent[find(a)] = find(b)

    resolver = analysis.resolver
    for module in analysis.modules:
        here = module.path
        find(here)
        folder = here.parent
        if (folder / "__init__.py").is_file():
            union(here, folder / "__init__.py")
            if module.is_package and (folder.parent / "__init__.py").is_file():
                union(here, folder.parent / "__init__.py")
    for module, node in analysis.nodes_of(nodes.Import, nodes.ImportFrom):
        try:
            targets = resolver.import_targets(node, module)
        except Exception:  # resolution of odd imports  # pragma: no cover
            continue
        for target in targets:
            if isinstance(target, ModuleRef):
                union(module.path, target.module.path)
    return {key: find(key) for key in list(parent)}


@register
class DuplicateEnvName(Rule):
    code = "FLY307"
    symbol = "duplicate-env-name"
    summary = "Reports two environments with the same name that can be deployed together, at each definition after the first (in path and line order)."
    rationale = (
        "A task is named `<env name>.<function name>` and `flyte deploy` plans environments by name. Deploying "
        "two envs with the same name together (`flyte deploy --all`/`--recursive`, or one reached through "
        "`depends_on`) fails with ValueError at planning: \"Duplicate environment name\" (for two envs in one file "
        "the SDK misleadingly says the env \"was imported twice under different module names\"). Deployed apart, "
        "their tasks share the `<name>.` prefix, so a same-named function in either replaces the other. `clone_with` and `from_task` envs count too. "
        "Envs count as deployable together when they are in one file, in one package tree, or in modules connected "
        "by imports (a deploy script importing both connects them); independent scripts that only share a folder "
        "are not compared."
        " Severity: error: deploying the envs together fails at planning (a local run deploys nothing, so it "
        "never shows this)."
    )
    bad = """
        import flyte

        ingest_env = flyte.TaskEnvironment("etl")
        train_env = flyte.TaskEnvironment("etl", resources=flyte.Resources(cpu=4))

        @ingest_env.task
        def ingest() -> int:
            return 1

        @train_env.task
        def train() -> int:
            return 2
    """
    good = """
        import flyte

        ingest_env = flyte.TaskEnvironment("etl")
        train_env = flyte.TaskEnvironment("train", resources=flyte.Resources(cpu=4))

        @ingest_env.task
        def ingest() -> int:
            return 1

        @train_env.task
        def train() -> int:
            return 2
    """
    fix = "Give every environment its own name."
    runtime_effect = "Duplicate environment name at deploy planning"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        first: dict[tuple, list[Env]] = {}
        groups = deploy_groups(analysis)
        for env in sorted(analysis.envs, key=lambda e: (e.module.display_path, e.node.lineno, e.node.col_offset)):
            if env.name is None or enclosing_function(env.node) is not None:
                continue  # an env made in a function may never be built, or be built once per call
            key = (groups.get(env.module.path, env.module.path), env.name)
            # (the first earlier env that may run with this one is enough: not every pair is compared)
            other = next((e for e in first.get(key, []) if not (e.module is env.module and _exclusive(e.node, env.node))), None)
            first.setdefault(key, []).append(env)
            if other is None:
                continue
            where = f"line {other.node.lineno}" if other.module is env.module else f"{other.module.display_path}:{other.node.lineno}"
            same = "; for two envs in one file the SDK says it was \"imported twice under different module names\"" if other.module is env.module else ""
            yield self.finding(
                env.module, env.name_node or env.node,
                f"environment name {q(env.name)} is already used by the env at {where}: deploying both fails with "
                f"ValueError (\"Duplicate environment name '{env.name}'\"{same}), and their tasks share the "
                f"'{env.name}.' namespace. Give this env its own name",
            )


# --------------------------------------------------------------------------------------------------------
# FLY308 image-python-version (FLY309 discarded-image-builder: config/discarded_image_builder.py)
# --------------------------------------------------------------------------------------------------------

PYTHON_VERSION_PATHS = ("flyte.Image.from_debian_base", "flyte.Image.from_uv_script", "flyte.Image.clone")


def _version_tuple(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(?:py(?:thon)?)?\s*(\d)\.(\d{1,2})(?:\.\d+)?\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


@register
class ImagePythonVersion(Rule):
    code = "FLY308"
    symbol = "image-python-version"
    summary = "Reports an Image `python_version=` given as a string or float instead of a `(major, minor)` tuple."
    rationale = (
        "`Image.from_debian_base`, `from_uv_script` and `clone` read `python_version[0]` and `python_version[1]`. "
        "A string `\"3.11\"` is accepted silently and yields the characters '3' and '.': the base image becomes "
        "`ghcr.io/flyteorg/flyte:py3..-v…` (or `python:3..-slim-bookworm`), a tag that does not exist, so the "
        "image build fails at deploy. A float `3.11` raises TypeError when the image is defined."
        " Severity: error: the image build fails at deploy, and a float fails at import (a local run builds no "
        "image, so it hides the string case)."
    )
    bad = """
        import flyte

        image = flyte.Image.from_debian_base(python_version="3.11").with_pip_packages("pandas")
        env = flyte.TaskEnvironment("etl", image=image)

        @env.task
        def main() -> int:
            return 1
    """
    good = """
        import flyte

        image = flyte.Image.from_debian_base(python_version=(3, 11)).with_pip_packages("pandas")
        env = flyte.TaskEnvironment("etl", image=image)

        @env.task
        def main() -> int:
            return 1
    """
    fix = "Pass a tuple: `python_version=(3, 11)`."
    fix_safety = "Safe: replaces the string or float with the tuple it spells."
    runtime_effect = "broken base image tag"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in calls_to(analysis, *PYTHON_VERSION_PATHS):
            node = call_args(call.node, call.external_path).get("python_version")
            if node is None:
                continue
            value = literal(analysis, node)
            if isinstance(value, str):
                version = _version_tuple(value)
                effect = (
                    f"the SDK reads its first two characters, so the base image tag becomes "
                    f"'py{value[:1]}.{value[1:2]}', which does not exist, and the image build fails"
                )
            elif isinstance(value, float):
                text = source_text(call.module, node) if isinstance(node, nodes.Const) else None
                version = _version_tuple(text or repr(value))
                effect = f"it raises TypeError ('float' object is not subscriptable) {when(call.node)}"
            else:
                continue
            if version is not None:
                fix = Fix((node_edit(node, repr(version)),), True, f"Replace with {version!r}") if node is definition(analysis, node) else None
                advice = f"; write python_version={version!r}"
            else:
                fix, advice = None, "; write a (major, minor) tuple such as (3, 11)"
            shown = (source_text(call.module, node) if isinstance(node, nodes.Const) else None) or repr(value)
            rewrite = Suggestion(f"python_version={version!r}", (node_edit(node, repr(version)),)) if version else None
            yield self.finding(call.module, node, f"python_version={shown} is not a (major, minor) tuple: {effect}{advice}", fix,
                               suggestions=[rewrite], raises="builtins.TypeError" if isinstance(value, float) else None,
                               raised_at=call.node)


# --------------------------------------------------------------------------------------------------------
# FLY310 invalid-secret
# --------------------------------------------------------------------------------------------------------

ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")
SECRET_MOUNT = "/etc/flyte/secrets"


def _env_var_suggestion(name: str) -> str:
    text = re.sub(r"[^A-Z0-9_]", "_", name.upper())
    return "_" + text if text[:1].isdigit() else text


def _mount_text(analysis: Analysis, node: nodes.NodeNG) -> str | None:
    """``str(mount)`` as the SDK compares it: a string as written, a ``Path(...)`` normalized."""
    value = literal(analysis, node)
    if isinstance(value, str):
        return value
    call = definition(analysis, node)
    if isinstance(call, nodes.Call) and len(call.args) == 1 and not call.keywords:
        path = callee_path(analysis, call) or ""
        if path in ("pathlib.Path", "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PosixPath"):
            arg = literal(analysis, call.args[0])
            if isinstance(arg, str):
                return str(PurePosixPath(arg))
    return None


@register
class InvalidSecret(Rule):
    code = "FLY310"
    symbol = "invalid-secret"
    summary = "Reports a secret whose environment variable name the SDK rejects (given or derived from key/group), a mount path other than /etc/flyte/secrets, and a Secret with both `mount` and `as_env_var`."
    rationale = (
        "Without `mount`, a secret becomes an environment variable named `as_env_var`, or `<GROUP>_<KEY>` / `<KEY>` "
        "uppercased with `-` replaced by `_`. The name must match `^[A-Z_][A-Z0-9_]*$`: `flyte.Secret(\"openai.key\")` "
        "(OPENAI.KEY), `flyte.Secret(\"2fa-token\")` and `as_env_var=\"api_key\"` raise ValueError when the Secret is "
        "built, usually at import. A plain string in `secrets=` goes through the same derivation when the task is "
        "serialized, so `flyte deploy` and remote runs fail. `mount` only accepts `/etc/flyte/secrets` "
        "(ValueError otherwise). With both `mount` and `as_env_var`, a task gets only the env var: the file "
        "mount is dropped when the task is serialized."
        " Severity: error: a rejected Secret fails at import, at deploy or when a remote run serializes the "
        "task; with both `mount` and `as_env_var` the task still gets the env var, so that finding is a "
        "warning."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("chat", secrets=[flyte.Secret(key="openai.api-key")])

        @env.task
        def main() -> int:
            return 1
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("chat", secrets=[flyte.Secret(key="openai.api-key", as_env_var="OPENAI_API_KEY")])

        @env.task
        def main() -> int:
            return 1
    """
    fix = "Pass `as_env_var=\"UPPER_SNAKE_NAME\"` (the message suggests one), or rename the secret; use `mount=\"/etc/flyte/secrets\"` for files, without `as_env_var`."
    runtime_effect = "ValueError at import"
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in calls_to(analysis, "flyte.Secret"):
            yield from self._check_secret(analysis, call)
        for call in analysis.calls:
            callee = call.callee
            if isinstance(callee, Method) and isinstance(callee.owner, TaskRef) and callee.name == "override":
                node = call_args(call.node, "flyte.TaskTemplate.override").get("secrets")
                if node is not None:
                    yield from self._check_strings(analysis, call.module, node)
        for env in analysis.envs:
            node = env_argument(analysis, env, "secrets")
            if node is not None:
                yield from self._check_strings(analysis, env.module, node)

    def _check_secret(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        args = call_args(call.node, "flyte.Secret")
        effect = f"`flyte.Secret` raises ValueError {when(call.node)}"
        mount_node = args.get("mount")
        mount_value = literal(analysis, mount_node) if mount_node is not None else None
        env_node = args.get("as_env_var")
        env_value = literal(analysis, env_node) if env_node is not None else None
        if mount_node is not None and mount_value is not None:
            mount = _mount_text(analysis, mount_node)
            if mount is not None and mount != SECRET_MOUNT:
                yield self.finding(
                    call.module, mount_node,
                    f"mount={q(mount)} is not supported: {effect} (\"Only /etc/flyte/secrets is supported as secret "
                    f"mount path today\"). Use mount=\"{SECRET_MOUNT}\" and read the file there",
                    suggestions=[value_suggestion(call.module, mount_node, f'mount="{SECRET_MOUNT}"', SECRET_MOUNT)],
                )
            if env_node is not None and isinstance(env_value, str) and env_value:
                yield self.finding(
                    call.module, env_node,
                    "a Secret with both `mount` and `as_env_var` is delivered to a task only as the env var: the file "
                    "mount is dropped when the task is serialized. Keep one of them",
                    severity=Severity.WARNING, raises=None,
                )
        if env_node is not None and isinstance(env_value, str) and env_value:
            if not ENV_VAR.match(env_value):
                yield self.finding(
                    call.module, env_node,
                    f"as_env_var={q(env_value)} is not a valid environment variable name (^[A-Z_][A-Z0-9_]*$): "
                    f"{effect}; did you mean as_env_var={q(_env_var_suggestion(env_value))}?",
                    suggestions=[value_suggestion(call.module, env_node, f"as_env_var={q(_env_var_suggestion(env_value))}",
                                                  _env_var_suggestion(env_value))],
                )
            return
        if env_node is not None and env_value is MISSING:
            return
        if mount_node is not None and mount_value is not None:
            return  # mounted as a file: no env var is derived (when mount is truthy)
        key_node = args.get("key")
        key = literal(analysis, key_node) if key_node is not None else MISSING
        group_node = args.get("group")
        group = literal(analysis, group_node) if group_node is not None else None
        if not isinstance(key, str) or not (group is None or isinstance(group, str)):
            return
        derived = (f"{group}_{key}" if group else key).replace("-", "_").upper()
        if ENV_VAR.match(derived):
            return
        shown_by = "key and group" if group else "key"
        added = f"as_env_var={q(_env_var_suggestion(derived))}"
        yield self.finding(
            call.module, key_node,
            f"Secret {q(key)}{f' (group {q(group)})' if group else ''} becomes the environment variable {q(derived)} "
            f"(from its {shown_by}, uppercased, - replaced by _), which is not a valid name: {effect}. Pass "
            f"{added}",
            suggestions=[keyword_added(call.node, added)],
        )

    def _check_strings(self, analysis: Analysis, module, node: nodes.NodeNG) -> Iterable[Finding]:
        defined = definition(analysis, node)
        if defined is not None and defined.root() is node.root():
            node = defined  # report inside a list written in this module, not in another one
        elements = node.elts if isinstance(node, (nodes.List, nodes.Tuple)) else [node]
        for element in elements:
            value = literal(analysis, element)
            if not isinstance(value, str):
                continue
            derived = value.replace("-", "_").upper()
            if ENV_VAR.match(derived):
                continue
            yield self.finding(
                module, element,
                f"secret {q(value)} becomes the environment variable {q(derived)}, which is not a valid name: "
                "serializing the task fails with ValueError, so `flyte deploy` and remote runs fail. Write "
                f"flyte.Secret(key={q(value)}, as_env_var={q(_env_var_suggestion(derived))})",
                raises=None,  # (raised at deploy, not here)
            )


# --------------------------------------------------------------------------------------------------------
# FLY311 trigger-inputs-mismatch, FLY312 invalid-cron
# --------------------------------------------------------------------------------------------------------

TRIGGER_SHORTCUTS = {f"flyte.Trigger.{n}" for n in ("hourly", "daily", "weekly", "monthly", "minutely")}
TRIGGER_PATHS = {"flyte.Trigger"} | TRIGGER_SHORTCUTS


def trigger_calls(analysis: Analysis, node: nodes.NodeNG | None) -> list[tuple[nodes.NodeNG, nodes.Call]]:
    """(expression in ``triggers=``, the Trigger call it stands for) for each trigger we can pin down."""
    node = definition(analysis, node)
    if node is None:
        return []
    if isinstance(node, (nodes.Tuple, nodes.List)):
        found = []
        for element in node.elts:
            if isinstance(element, nodes.Starred):
                continue
            for _, call in trigger_calls(analysis, element):
                found.append((element, call))
        return found
    if isinstance(node, nodes.Call) and callee_path(analysis, node) in TRIGGER_PATHS:
        return [(node, node)]
    return []


@register
class TriggerInputsMismatch(Rule):
    code = "FLY311"
    symbol = "trigger-inputs-mismatch"
    summary = "Reports a Trigger `inputs` key (or trigger-time key) that is not a parameter of the task it is attached to, and a required parameter the trigger leaves unset."
    rationale = (
        "Trigger inputs are only checked at deploy: `flyte deploy` fails with \"Trigger default input 'x' must be "
        "an input to the task\" (or \"the TriggerTime input 'x' must be an input to the task\") for a key the task "
        "does not have, and the backend rejects a trigger that leaves a required input unset (\"missing inputs "
        "for variables [...]\"). `flyte.Trigger.hourly()` and the other shortcuts bind the fire time only when "
        "given its parameter name: `Trigger.hourly(\"trigger_time\")`."
        " Severity: error: `flyte deploy` (or the backend) rejects the trigger (local runs never read triggers, "
        "so they hide it)."
    )
    bad = """
        from datetime import datetime

        import flyte

        env = flyte.TaskEnvironment("reports")

        nightly = flyte.Trigger(
            "nightly",
            flyte.Cron("0 2 * * *"),
            inputs={"run_date": flyte.TriggerTime, "region": "eu"},
        )

        @env.task(triggers=nightly)
        def main(run_at: datetime, region: str = "us") -> str:
            return f"{region} report for {run_at:%Y-%m-%d}"
    """
    good = """
        from datetime import datetime

        import flyte

        env = flyte.TaskEnvironment("reports")

        nightly = flyte.Trigger(
            "nightly",
            flyte.Cron("0 2 * * *"),
            inputs={"run_at": flyte.TriggerTime, "region": "eu"},
        )

        @env.task(triggers=nightly)
        def main(run_at: datetime, region: str = "us") -> str:
            return f"{region} report for {run_at:%Y-%m-%d}"
    """
    fix = "Use the task's parameter names as `inputs` keys, and bind every required parameter (the fire time with `flyte.TriggerTime` or `Trigger.hourly(\"param\")`)."
    runtime_effect = "ValueError at deploy (trigger serialization)"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        triggered = []
        for task in analysis.tasks:
            if task.options is None:
                continue
            node = call_args(task.options, "flyte.TaskEnvironment.task").get("triggers")
            if node is None:
                continue
            signature = task.signature
            if signature.var_keyword or signature.var_positional:
                continue
            triggered.append((task, node, list(trigger_calls(analysis, node))))
        # A trigger several tasks share: renaming an input for one would break it for another.
        users: dict[int, int] = {}
        for _, _, calls in triggered:
            for call_id in {id(call) for _, call in calls}:
                users[call_id] = users.get(call_id, 0) + 1
        for task, node, calls in triggered:
            params = [p.name for p in task.signature.params]
            module = analysis.resolver.module_of(task.options)
            for element, call in calls:
                if element.root() is not node.root():
                    element = node  # a tuple of triggers defined in another module: report at `triggers=`
                yield from self._check_trigger(analysis, task, module, params, element, call, users[id(call)] > 1)

    def _check_trigger(self, analysis: Analysis, task: Task, task_module, params: list[str], element, call: nodes.Call,
                       shared: bool = False) -> Iterable[Finding]:
        module = analysis.resolver.module_of(call)
        path = callee_path(analysis, call)
        args = call_args(call, path)
        name_value = literal(analysis, args.get("name")) if "name" in args else (path.rsplit(".", 1)[1] if path != "flyte.Trigger" else MISSING)
        label = f"trigger {q(name_value)}" if isinstance(name_value, str) else "the trigger"
        bound: list[tuple[str, nodes.NodeNG, bool]] = []  # (input name, node, is the fire time)
        complete = True
        key_node = args.get("trigger_time_input_key") if path in TRIGGER_SHORTCUTS else None
        if key_node is not None:
            key = literal(analysis, key_node)
            if isinstance(key, str):
                bound.append((key, key_node, True))
            elif key is not None:
                complete = False
        inputs_node = args.get("inputs")
        inputs = definition(analysis, inputs_node) if inputs_node is not None else None
        if isinstance(inputs, nodes.Dict):
            for key_expr, value_expr in inputs.items:
                key = literal(analysis, key_expr) if not isinstance(key_expr, nodes.DictUnpack) else MISSING
                if not isinstance(key, str):
                    complete = False
                    continue
                fire_time = isinstance(value_expr, (nodes.Name, nodes.Attribute)) and callee_value_is(analysis, value_expr, "flyte.TriggerTime")
                bound.append((key, key_expr, fire_time))
        elif inputs_node is not None and not (isinstance(inputs, nodes.Const) and inputs.value is None):
            complete = False
        names = {name for name, _, _ in bound}
        required = [p.name for p in task.signature.params if p.required and p.name not in names]
        reported_missing: set[str] = set()
        for name, node, fire_time in bound:
            if name in params:
                continue
            guess = closest(name, required) or closest(name, params)
            if guess is None and fire_time:
                times = [m for m in required if _is_datetime(task, m)]
                guess = times[0] if len(times) == 1 else None
            if guess in required:
                reported_missing.add(guess)
            advice = f"; did you mean `{guess}`?" if guess else f". The task's inputs are: {', '.join(params) or 'none'}"
            if guess and shared:
                guess, advice = None, (f"; the task calls it `{guess}`, and other tasks share this trigger: give this "
                                       "task a trigger of its own")
            error = (
                f"For a scheduled trigger, the TriggerTime input '{name}' must be an input to the task"
                if fire_time else f"Trigger default input '{name}' must be an input to the task"
            )
            yield self.finding(
                module, node,
                f"{label} sets input `{name}`, which task '{task.name}' does not have: `flyte deploy` fails "
                f"(\"{error}\"){advice}",
                suggestions=[value_suggestion(module, node, guess, guess) if guess and guess not in names else None],
            )
        if not complete:
            return
        missing = [m for m in required if m not in reported_missing]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            scheduled = path in TRIGGER_SHORTCUTS or _is_schedule(analysis, args.get("automation"))
            fire_time = [m for m in missing if _is_datetime(task, m)] if scheduled and key_node is None and not any(f for _, _, f in bound) else []
            if path in TRIGGER_SHORTCUTS and fire_time and len(missing) == 1:
                hint = f"bind the fire time with {path}({q(missing[0])})"
            elif fire_time:
                hint = f"bind the fire time with inputs={{{q(fire_time[0])}: flyte.TriggerTime, ...}}"
                if len(missing) > 1:
                    hint += " and add the other inputs"
            else:
                hint = "add them to the trigger's inputs" if len(missing) > 1 else "add it to the trigger's inputs"
            yield self.finding(
                task_module, element,
                f"{label} leaves required input{'s' if len(missing) > 1 else ''} {listed} of task '{task.name}' unset: "
                f"the backend rejects the deploy (\"missing inputs for variables [{', '.join(missing)}]\"); {hint} "
                "(or give the parameter a default)",
            )


def _is_schedule(analysis: Analysis, node: nodes.NodeNG | None) -> bool:
    call = definition(analysis, node)
    return isinstance(call, nodes.Call) and callee_path(analysis, call) in ("flyte.Cron", "flyte.FixedRate")


def _is_datetime(task: Task, name: str) -> bool:
    args = task.func.args
    for arg, annotation in zip(args.args + args.kwonlyargs, args.annotations + args.kwonlyargs_annotations):
        if arg.name == name and annotation is not None:
            return annotation.as_string().rsplit(".", 1)[-1] == "datetime"
    return False


def callee_value_is(analysis: Analysis, node: nodes.NodeNG, path: str) -> bool:
    value = analysis.resolver.value_of(node)
    return isinstance(value, External) and value.path == path


CRON_FIELDS = (  # name, minimum, maximum, names
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}),
    ("day of week", 0, 6, {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}),
)
CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
GO_DURATION = re.compile(r"^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
CRON_NUMBER = re.compile(r"^\+?\d+$")


def cron_problem(expression: str) -> str | None:
    """Why robfig/cron's ParseStandard (the backend's trigger validation) rejects ``expression``, or None."""
    spec = expression.strip()
    if not spec:
        return "it is empty"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        return "it carries its own TZ= prefix, but the SDK already sends the timezone (Cron(..., timezone=...))"
    if spec.startswith("@"):
        if spec in CRON_DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            return None if GO_DURATION.match(spec[len("@every "):]) else f"the duration in {q(spec)} is not a Go duration such as 1h30m"
        lowered = spec.lower()
        if lowered in CRON_DESCRIPTORS:
            return f"descriptors are case-sensitive: write {q(lowered)}"
        return f"{q(spec)} is not a descriptor the backend knows ({', '.join(sorted(CRON_DESCRIPTORS))}, @every <duration>)"
    fields = spec.split()
    if len(fields) != 5:
        extra = " (no seconds or year field)" if len(fields) in (6, 7) else ""
        return f"it has {len(fields)} fields, but the backend expects exactly 5: minute hour day-of-month month day-of-week{extra}"
    for text, (name, low, high, names) in zip(fields, CRON_FIELDS):
        for part in [p for p in text.split(",") if p]:
            problem = _cron_range(part, low, high, names)
            if problem:
                return f"the {name} field {q(text)} is invalid: {problem}"
    return None


def _cron_range(expr: str, low: int, high: int, names: dict | None) -> str | None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if len(range_and_step) > 2:
        return f"too many slashes in {q(expr)}"
    if low_high[0] in ("*", "?"):
        start, end = low, high
    else:
        if len(low_high) > 2:
            return f"too many hyphens in {q(expr)}"
        values = []
        for item in low_high:
            if names and item.lower() in names:
                values.append(names[item.lower()])
            elif CRON_NUMBER.match(item):
                values.append(int(item))
            else:
                return f"{q(item)} is not a number{' or a name' if names else ''}"
        start = values[0]
        end = values[1] if len(values) == 2 else start
    step = 1
    if len(range_and_step) == 2:
        if not CRON_NUMBER.match(range_and_step[1]):
            return f"step {q(range_and_step[1])} is not a number"
        step = int(range_and_step[1])
        if len(low_high) == 1:
            end = high
    if start < low:
        return f"{start} is below the minimum {low}"
    if end > high:
        hint = " (Sunday is 0)" if high == 6 and end == 7 else ""
        return f"{end} is above the maximum {high}{hint}"
    if start > end:
        return f"the range starts at {start}, after its end {end}"
    if step == 0:
        return "a step must be a positive number"
    return None


# Abbreviations people write that are not tz database names (EST, MST, CET… are, and are left alone).
TIMEZONE_ABBREVIATIONS = {
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MDT": "America/Denver", "EDT": "America/New_York", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
    "BST": "Europe/London", "CEST": "Europe/Berlin", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
}


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    """IANA names from the stdlib's zoneinfo; empty when no tz database is installed (then no check)."""
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - broken tz installs
        return frozenset()


@register
class InvalidCron(Rule):
    code = "FLY312"
    symbol = "invalid-cron"
    summary = "Reports a `flyte.Cron(...)` expression that is not a valid 5-field cron expression (or descriptor), or an unknown timezone."
    rationale = (
        "The SDK does not check cron expressions or timezones; the backend parses `CRON_TZ=<timezone> <expression>` "
        "with robfig/cron's ParseStandard when the task is deployed and rejects the trigger (InvalidArgument: "
        "\"trigger ... has invalid cron expression\"). It takes exactly five fields (minute 0-59, hour 0-23, "
        "day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-6 or SUN-SAT; `*`, `?`, ranges, steps and lists), "
        "or one of @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly/@every <duration>; no seconds "
        "field, no 7 for Sunday, no L/W/#. The timezone must be an IANA name (checked against the tz database "
        "Python ships or the system has; skipped when there is none). This happens at deploy, so no local run "
        "shows it."
        " Severity: error: the backend rejects the trigger at deploy (local runs never read triggers, so they "
        "hide it)."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("reports")

        weekly = flyte.Trigger("weekly-report", flyte.Cron("0 9 * * 7", timezone="Europe/Berlin"))

        @env.task(triggers=weekly)
        def main() -> str:
            return "report"
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("reports")

        weekly = flyte.Trigger("weekly-report", flyte.Cron("0 9 * * 0", timezone="Europe/Berlin"))

        @env.task(triggers=weekly)
        def main() -> str:
            return "report"
    """
    fix = "Write a standard 5-field expression (https://crontab.guru checks one) and an IANA timezone such as \"America/New_York\"."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in calls_to(analysis, "flyte.Cron"):
            args = call_args(call.node, "flyte.Cron")
            expression_node = args.get("expression")
            expression = literal(analysis, expression_node) if expression_node is not None else MISSING
            if isinstance(expression, str):
                problem = cron_problem(expression)
                if problem:
                    yield self.finding(
                        call.module, expression_node,
                        f"cron expression {q(expression)} is invalid: {problem}. The SDK does not check it; the backend "
                        "rejects the trigger when the task is deployed",
                    )
            timezone_node = args.get("timezone")
            timezone = literal(analysis, timezone_node) if timezone_node is not None else MISSING
            zones = known_timezones()
            if isinstance(timezone, str) and timezone and zones and timezone not in zones and timezone != "Local":
                by_lower = {z.lower(): z for z in zones}
                guess = (
                    by_lower.get(timezone.lower())
                    or by_lower.get(timezone.lower().replace(" ", "_"))
                    or TIMEZONE_ABBREVIATIONS.get(timezone.upper())
                    or closest(timezone, zones, 0.75)
                )
                advice = f"; did you mean {q(guess)}?" if guess else ". Use an IANA name such as \"America/New_York\""
                yield self.finding(
                    call.module, timezone_node,
                    f"timezone {q(timezone)} is not an IANA timezone: the backend rejects the trigger when the task is "
                    f"deployed (\"provided bad location\"){advice}",
                    suggestions=[value_suggestion(call.module, timezone_node, q(guess), guess) if guess else None],
                )


# --------------------------------------------------------------------------------------------------------
# FLY313 reusable-sync-concurrency
# --------------------------------------------------------------------------------------------------------


def _pair_swapped(node: nodes.NodeNG, shown: str, text: str) -> Suggestion | None:
    """A (request, limit) pair written as ``text`` in place of ``node``, when the pair is written there."""
    return Suggestion(shown, (node_edit(node, text),)) if isinstance(node, (nodes.Tuple, nodes.List)) else None


def _concurrency_one(analysis: Analysis, node: nodes.NodeNG, module) -> Suggestion:
    """``concurrency=1`` written where the ReusePolicy sets it (``node``), in this file or another."""
    where = analysis.resolver.module_of(node)
    return Suggestion("concurrency=1", (node_edit(node, "1"),), where.display_path if where is not module else None)


def _made_async(analysis: Analysis, task: Task, module) -> Suggestion | None:
    """``async`` written before the ``def`` of ``task``, when it is defined in ``module``."""
    func = task.func
    if analysis.resolver.module_of(func) is not module:
        return None
    # (astroid's lineno is the first decorator's line: find the `def` itself)
    lines = module.lines or []
    for number in range(func.lineno, min(func.body[0].lineno, len(lines)) + 1):
        text = lines[number - 1]
        if text.lstrip().startswith("def "):
            column = len(text[: len(text) - len(text.lstrip())].encode("utf-8"))
            return Suggestion("async def", (Edit((number, column), (number, column), "async "),))
    return None


def env_concurrency(analysis: Analysis, env: Env, depth: int = 0) -> tuple[int, nodes.NodeNG] | None:
    """The ReusePolicy concurrency of ``env`` when it is a literal, with the node that sets it."""
    if depth > 10:
        return None
    node = env_argument(analysis, env, "reusable")
    if node is None:
        if env.origin == "clone_with" and env.parent is not None:
            return env_concurrency(analysis, env.parent, depth + 1)
        return None
    call = definition(analysis, node)
    if not isinstance(call, nodes.Call) or callee_path(analysis, call) != "flyte.ReusePolicy":
        return None
    concurrency = call_args(call, "flyte.ReusePolicy").get("concurrency")
    value = literal(analysis, concurrency) if concurrency is not None else MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return value, concurrency
    return None


@register
class ReusableSyncConcurrency(Rule):
    code = "FLY313"
    symbol = "reusable-sync-concurrency"
    summary = "Reports a sync task in an environment whose `ReusePolicy` has `concurrency` greater than 1."
    rationale = (
        "A reusable environment with `concurrency > 1` runs several tasks at once in one replica, which the SDK "
        "supports only for `async def` tasks: `@env.task` on a sync function raises ValueError (\"Reusable "
        "environments with concurrency greater than 1 are only supported for async tasks\") when the decorator "
        "runs, at import."
        " Severity: error: the decorator fails at import, so local runs, deploys and the cluster fail alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment(
            "scoring",
            reusable=flyte.ReusePolicy(replicas=2, concurrency=4),
        )

        @env.task
        def main(x: int) -> int:
            return x * 2
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment(
            "scoring",
            reusable=flyte.ReusePolicy(replicas=2, concurrency=4),
        )

        @env.task
        async def main(x: int) -> int:
            return x * 2
    """
    fix = "Make the task `async def`, or set `concurrency=1`, or move the sync task to a non-reusable env."
    runtime_effect = "ValueError at import"
    raises = "builtins.ValueError"  # (raised where the decorator is applied: the decorator, or `env.task(fn)`)

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for task in analysis.tasks:
            if task.is_async:
                continue
            found = env_concurrency(analysis, task.env)
            if found is None or found[0] <= 1:
                continue
            concurrency, node = found
            module = analysis.resolver.module_of(task.decorator)
            yield self.finding(
                module, task.decorator,  # (`env.task(fn)` may be elsewhere)
                f"sync task '{task.name}' is in env '{task.env.label}', which is reusable with concurrency={concurrency}: "
                "`@env.task` raises ValueError (\"Reusable environments with concurrency greater than 1 are only "
                "supported for async tasks\") at import. Make it `async def`, or use concurrency=1",
                suggestions=[_made_async(analysis, task, module), _concurrency_one(analysis, node, module)],
            )
