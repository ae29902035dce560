"""What a Flyte 1 ``@task(...)`` / ``@dynamic(...)`` / ``@workflow(...)`` keyword becomes in Flyte 2: an option
of the generated ``flyte.TaskEnvironment`` (container options), an option of ``@env.task(...)`` (per-task
options), or a TODO. The values are Flyte 2 source text, checked against flyte 2.12.1's signatures:
``TaskEnvironment(image, resources, secrets, env_vars, pod_template, ...)``, ``Resources(cpu, memory, gpu, disk)``
with ``(request, limit)`` tuples, ``Secret(key, group)``, ``Cache(behavior="override", version_override=...)``
(guide §9: "override" is the behavior that uses an explicit version).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from astroid import nodes

from flyte_lint.model.flyte1_index import V1Index, v1_symbol
from flyte_lint.model.names import bindings_of
from flyte_lint.model.source import source_text
from flyte_lint.model.values import External

# Guide sections (seed 004, "Flyte v1 to v2 Migration Context Guide") the TODOs name.
SECTION_TASKS = '§6 "Task and Workflow Migration"'
SECTION_SECRETS = '§7 "Secrets Migration"'
SECTION_RESOURCES = '§8 "Resources Migration"'
SECTION_CACHE = '§9 "Caching Migration"'
SECTION_IMAGES = '§3 "ImageSpec to flyte.Image Migration"'

RESOURCE_KEYS = {"cpu": "cpu", "mem": "memory", "gpu": "gpu", "ephemeral_storage": "disk"}
RESOURCE_POSITIONS = ("cpu", "mem", "gpu", "ephemeral_storage")
# flytekit.extras.accelerators constants -> the Flyte 2 device name of `gpu="DEVICE:count"`.
ACCELERATORS = {
    "A10G": "A10G",
    "L4": "L4",
    "T4": "T4",
    "V100": "V100",
    "A100": "A100",
    "A100_80GB": "A100_80G",
    "H100": "H100",
}
TASK_LEVEL = ("retries", "timeout", "interruptible")
# Read with `cache`; and pickle_untyped (Flyte 2 pickles every value its type engine has no transformer for).
DROPPED = ("cache_serialize", "cache_ignore_input_vars", "cache_version", "pickle_untyped")


@dataclass
class Options:
    """The Flyte 2 options one decorator's keywords give: ``env`` for the TaskEnvironment (keyword -> source),
    ``task`` for ``@env.task(...)``, ``todos`` for what has no mechanical translation (message, section)."""

    env: dict[str, str] = field(default_factory=dict)
    task: dict[str, str] = field(default_factory=dict)
    todos: list[tuple[str, str]] = field(default_factory=list)
    on_failure: nodes.NodeNG | None = None


def translate(call: nodes.Call | None, index: V1Index) -> Options:
    """The options of a decorator call (``None``: a bare ``@task``)."""
    out = Options()
    if call is None:
        return out
    keywords = {k.arg: k.value for k in call.keywords or [] if k.arg}
    if call.args or any(k.arg is None for k in call.keywords or []):
        out.todos.append(("positional or ** arguments of the decorator were not migrated", SECTION_TASKS))
    requests, limits = keywords.pop("requests", None), keywords.pop("limits", None)
    both = keywords.pop("resources", None)
    accelerator = keywords.pop("accelerator", None)
    if requests is not None or limits is not None or both is not None or accelerator is not None:
        text = _resources(requests, limits, both, accelerator, index, out)
        if text:
            out.env["resources"] = text
    if "container_image" in keywords:
        image = keywords.pop("container_image")
        if isinstance(image, nodes.Const) and "{{" in str(image.value):  # "{{.image.default.fqn}}:..."
            out.todos.append(
                ("Flyte 1's image template has no Flyte 2 counterpart: name a flyte.Image", SECTION_IMAGES)
            )
        else:
            out.env["image"] = _src(image, index)
    if "environment" in keywords:
        out.env["env_vars"] = _src(keywords.pop("environment"), index)
    if "secret_requests" in keywords:
        text = _secrets(keywords.pop("secret_requests"), index, out)
        if text:
            out.env["secrets"] = text
    if "pod_template" in keywords:
        out.env["pod_template"] = _src(keywords.pop("pod_template"), index)
    if "pod_template_name" in keywords:
        out.env["pod_template"] = _src(keywords.pop("pod_template_name"), index)
    cache = _cache(keywords, index, out)
    if cache:
        out.task["cache"] = cache
    enable_deck = keywords.pop("enable_deck", None)
    if isinstance(enable_deck, nodes.Const) and enable_deck.value is True:
        out.task["report"] = "True"
    elif enable_deck is not None and not isinstance(enable_deck, nodes.Const):
        keywords["enable_deck"] = enable_deck  # (not a literal: a TODO below)
    if "docs" in keywords:
        docs = _documentation(keywords["docs"], index)
        if docs:
            out.task["docs"] = docs
            del keywords["docs"]
    for name in DROPPED:
        keywords.pop(name, None)
    for name in TASK_LEVEL:
        if name in keywords:
            out.task[name] = _src(keywords.pop(name), index)
    if "on_failure" in keywords:
        out.on_failure = keywords.pop("on_failure")
    for name in sorted(keywords):
        out.todos.append((f"`{name}=` of the Flyte 1 decorator has no mechanical Flyte 2 counterpart", SECTION_TASKS))
    return out


def _src(node: nodes.NodeNG, index: V1Index) -> str:
    """The source text of ``node`` as written."""
    return source_text(index.analysis.resolver.module_of(node), node)


def _documentation(node: nodes.NodeNG, index: V1Index) -> str | None:
    """``Documentation(short_description="...")`` -> ``flyte.Documentation(description="...")`` (flyte 2.12.1's
    Documentation takes one description); None for anything else (a long description, a name...)."""
    if not isinstance(node, nodes.Call) or node.args:
        return None
    callee = index.analysis.resolver.value_of(node.func)
    if not isinstance(callee, External) or not callee.path.startswith("flytekit."):
        return None
    if not callee.path.endswith(".Documentation"):
        return None
    keywords = {k.arg: k.value for k in node.keywords or []}
    if set(keywords) != {"short_description"}:
        return None
    return f"flyte.Documentation(description={_src(keywords['short_description'], index)})"


def _v1_call(node: nodes.NodeNG | None, symbol: str, index: V1Index, depth: int = 0) -> nodes.Call | None:
    """``node`` as a call of the Flyte 1 construct ``symbol``: the call itself, or the value of a name bound
    once to one (``requests = Resources(...)``)."""
    if node is None or depth > 4:
        return None
    if isinstance(node, nodes.Call) and v1_symbol(index.analysis.resolver.value_of(node.func)) == symbol:
        return node
    if isinstance(node, nodes.Name):
        stmts = bindings_of(node)
        if len(stmts) == 1 and isinstance(stmts[0], nodes.AssignName):
            parent = stmts[0].parent
            if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
                return _v1_call(parent.value, symbol, index, depth + 1)
    return None


def _resource_values(call: nodes.Call, index: V1Index) -> dict[str, str]:
    values = {}
    for position, arg in zip(RESOURCE_POSITIONS, call.args, strict=False):
        values[position] = _src(arg, index)
    for keyword in call.keywords or []:
        if keyword.arg:
            values[keyword.arg] = _src(keyword.value, index)
    return values


def _resources(requests, limits, both, accelerator, index: V1Index, out: Options) -> str | None:
    parts: list[dict[str, str]] = []
    for node in (requests, limits, both):
        if node is None:
            parts.append({})
            continue
        call = _v1_call(node, "Resources", index)
        if call is None:
            out.todos.append(
                (
                    f"`{_src(node, index)}` is not a Resources(...) call: set flyte.Resources on the environment by hand",
                    SECTION_RESOURCES,
                )
            )
            return None
        parts.append(_resource_values(call, index))
    request, limit, combined = parts
    return combine_resources(request, limit, combined, _accelerator(accelerator, index, out), out.todos)


def combine_resources(
    request: dict[str, str], limit: dict[str, str], combined: dict[str, str], device: str | None, todos: list
) -> str | None:
    """``flyte.Resources(...)`` from the source of Flyte 1's ``requests=``, ``limits=`` and ``resources=``
    keywords (v1 keyword -> source) and a GPU device name; what has no counterpart goes to ``todos``."""
    keys = [k for k in RESOURCE_POSITIONS if k in request or k in limit or k in combined]
    unknown = sorted((set(request) | set(limit) | set(combined)) - set(RESOURCE_POSITIONS))
    if unknown:
        todos.append((f"Resources keywords {', '.join(unknown)} have no Flyte 2 counterpart", SECTION_RESOURCES))
    args = []
    for key in keys:
        if key in combined:
            value = combined[key] if key in ("cpu", "mem") else _limit_of(combined[key])
        elif key in request and key in limit and request[key] != limit[key]:
            # flyte.Resources takes (request, limit) for cpu and memory only; disk and gpu are one quantity
            # (a tuple raises ValueError): the limit, what the task may use.
            value = f"({request[key]}, {limit[key]})" if key in ("cpu", "mem") else limit[key]
        else:
            value = request.get(key, limit.get(key))
        if key == "gpu":
            if value.strip("'\"") == "0":  # no GPU for the task itself (Flyte 2 refuses "A10G:0")
                if device:
                    todos.append(
                        (
                            f"accelerator {device} with gpu=0: Flyte 2 names a device only with a GPU count",
                            SECTION_RESOURCES,
                        )
                    )
                device = None
                continue
            value = _gpu(value, device)
        args.append(f"{RESOURCE_KEYS[key]}={value}")
    if device and "gpu" not in keys:
        args.append(f'gpu="{device}:1"')
    return f"flyte.Resources({', '.join(args)})" if args else None


def _limit_of(source: str) -> str:
    """A ``(request, limit)`` tuple's limit (flyte.Resources takes one quantity for disk and gpu), else ``source``."""
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        return source
    if isinstance(tree, ast.Tuple) and len(tree.elts) == 2:
        return ast.get_source_segment(source, tree.elts[1]) or source
    return source


def _accelerator(node, index: V1Index, out: Options) -> str | None:
    if node is None:
        return None
    symbol = v1_symbol(index.analysis.resolver.value_of(node))
    if symbol in ACCELERATORS and isinstance(node, (nodes.Name, nodes.Attribute)):
        return ACCELERATORS[symbol]
    out.todos.append(
        (
            f"accelerator `{_src(node, index)}`: name the device in flyte.Resources(gpu=...) or flyte.GPU(...)",
            SECTION_RESOURCES,
        )
    )
    return None


def _gpu(value: str, device: str | None) -> str:
    """A Flyte 1 gpu count (``"1"``, ``1``) as Flyte 2's ``gpu=``: ``"A100:1"`` with a device, else the count."""
    count = value.strip("'\"")
    if not count.isdigit():
        return value
    return f'"{device}:{count}"' if device else count


def secret_env_var(group: str | None, key: str) -> str:
    """The env var a Flyte 2 secret is mounted as: ``f"{group}_{key}"`` upper-cased with ``-`` as ``_``, as
    flyte 2.12.1's Secret derives it; a name it would refuse (``^[A-Z_][A-Z0-9_]*$``: a dot, a leading digit)
    with ``_`` for every other character (the migration then names it with ``as_env_var=``)."""
    name = (f"{group}_{key}" if group else key).replace("-", "_").upper()
    name = re.sub(r"[^A-Z0-9_]", "_", name)
    return f"_{name}" if name[:1].isdigit() else name


def _literal(source: str | None) -> str | None:
    """The value of a string literal's source, else None."""
    try:
        value = ast.literal_eval(source) if source is not None else None
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _secrets(node: nodes.NodeNG, index: V1Index, out: Options) -> str | None:
    items = node.elts if isinstance(node, (nodes.List, nodes.Tuple)) else [node]
    made = []
    for item in items:
        call = _v1_call(item, "Secret", index)
        if call is None:
            out.todos.append((f"secret `{_src(item, index)}` is not a Secret(...) call", SECTION_SECRETS))
            return None
        values = {}
        for position, arg in zip(("group", "key"), call.args, strict=False):
            values[position] = _src(arg, index)
        values.update({k.arg: _src(k.value, index) for k in call.keywords or [] if k.arg})
        made_one = flyte_secret(values, _src(item, index), out.todos)
        if made_one is None:
            return None
        made.append(made_one)
    return f"[{', '.join(made)}]"


def flyte_secret(values: dict[str, str], shown: str, todos: list) -> str | None:
    """``flyte.Secret(key=..., group=...)`` from the source of a Flyte 1 ``Secret``'s arguments (parameter ->
    source; ``shown``: the call, for messages); None (and a TODO) when it names no key. A file mount or a
    group version gets a TODO."""
    values = dict(values)
    if "key" not in values:
        todos.append((f"secret `{shown}` names no key: Flyte 2 secrets are named by key", SECTION_SECRETS))
        return None
    mount = values.pop("mount_requirement", "")
    if mount.endswith("FILE") or "group_version" in values:
        todos.append(
            (
                f"secret `{shown}`: Flyte 2 mounts a secret as an env var (or at /etc/flyte/secrets with mount=)",
                SECTION_SECRETS,
            )
        )
    text = f"key={values['key']}" + (f", group={values['group']}" if "group" in values else "")
    key, group = _literal(values["key"]), _literal(values.get("group"))
    if key is not None and (group is not None or "group" not in values):
        derived = f"{group}_{key}" if group else key
        if secret_env_var(group, key) != derived.replace("-", "_").upper():  # (Secret would refuse the name)
            text += f', as_env_var="{secret_env_var(group, key)}"'
    return f"flyte.Secret({text})"


def _cache(keywords: dict[str, nodes.NodeNG], index: V1Index, out: Options) -> str | None:
    cache = keywords.pop("cache", None)
    if cache is None:
        return None
    version = keywords.get("cache_version")
    extra = []
    if "cache_serialize" in keywords:
        extra.append(f"serialize={_src(keywords['cache_serialize'], index)}")
    if "cache_ignore_input_vars" in keywords:
        extra.append(f"ignored_inputs={_src(keywords['cache_ignore_input_vars'], index)}")
    if isinstance(cache, nodes.Const):
        if not cache.value:
            return None
        if version is None and not extra:
            return '"auto"'
        if version is None:
            return f'flyte.Cache(behavior="auto", {", ".join(extra)})'
        return f'flyte.Cache(behavior="override", version_override={_src(version, index)}{"".join(", " + e for e in extra)})'
    call = _v1_call(cache, "Cache", index)
    if call is not None and not call.args:
        values = {k.arg: _src(k.value, index) for k in call.keywords or [] if k.arg}
        parts = []
        if "version" in values:
            parts += ['behavior="override"', f"version_override={values.pop('version')}"]
        else:
            parts.append('behavior="auto"')
        for v1_name, v2_name in (("serialize", "serialize"), ("ignored_inputs", "ignored_inputs"), ("salt", "salt")):
            if v1_name in values:
                parts.append(f"{v2_name}={values.pop(v1_name)}")
        if values:
            out.todos.append((f"Cache keywords {', '.join(sorted(values))} have no Flyte 2 counterpart", SECTION_CACHE))
        return f"flyte.Cache({', '.join(parts)})"
    out.todos.append((f"cache `{_src(cache, index)}`: give @env.task a flyte.Cache(...)", SECTION_CACHE))
    return None
