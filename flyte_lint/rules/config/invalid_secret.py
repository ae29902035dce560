"""FLY310 invalid-secret: a secret whose env var name or mount path the SDK rejects, or a Secret with both."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.constants import MISSING
from flyte_lint.model.values import Method, TaskRef
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, keyword_added, register
from flyte_lint.rules.config._values import callee_path, env_argument, q, value_suggestion, when

ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")
SECRET_MOUNT = "/etc/flyte/secrets"


def _env_var_suggestion(name: str) -> str:
    text = re.sub(r"[^A-Z0-9_]", "_", name.upper())
    return "_" + text if text[:1].isdigit() else text


def _mount_text(analysis: Analysis, node: nodes.NodeNG) -> str | None:
    """``str(mount)`` as the SDK compares it: a string as written, a ``Path(...)`` normalized."""
    value = analysis.literal(node)
    if isinstance(value, str):
        return value
    call = analysis.definition(node)
    if isinstance(call, nodes.Call) and len(call.args) == 1 and not call.keywords:
        path = callee_path(analysis, call) or ""
        if path in ("pathlib.Path", "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PosixPath"):
            arg = analysis.literal(call.args[0])
            if isinstance(arg, str):
                return str(PurePosixPath(arg))
    return None


@register
class InvalidSecret(Rule):
    code = "FLY310"
    symbol = "invalid-secret"
    pylint_number = 21
    scope = Scope.IMPORTERS
    summary = "Reports a secret whose environment variable name the SDK rejects (given or derived from key/group), a mount path other than /etc/flyte/secrets, and a Secret with both `mount` and `as_env_var`."
    rationale = (
        "Without `mount`, a secret becomes an environment variable named `as_env_var`, or `<GROUP>_<KEY>` / `<KEY>` "
        'uppercased with `-` replaced by `_`. The name must match `^[A-Z_][A-Z0-9_]*$`: `flyte.Secret("openai.key")` '
        '(OPENAI.KEY), `flyte.Secret("2fa-token")` and `as_env_var="api_key"` raise ValueError when the Secret is '
        "built, usually at import. A plain string in `secrets=` goes through the same derivation when the task is "
        "serialized, so `flyte deploy` and remote runs fail. `mount` only accepts `/etc/flyte/secrets` "
        "(ValueError otherwise). With both `mount` and `as_env_var`, a task gets only the env var: the file "
        "mount is dropped when the task is serialized."
        " Severity: error: a rejected Secret fails at import, at deploy or when a remote run serializes the "
        "task; with both `mount` and `as_env_var` the task still gets the env var, so that finding is a "
        "warning."
    )
    fix = 'Pass `as_env_var="UPPER_SNAKE_NAME"` (the message suggests one), or rename the secret; use `mount="/etc/flyte/secrets"` for files, without `as_env_var`.'
    raises = "builtins.ValueError"  # (raised by the call: a deliberate `except ValueError:` around it is quiet)

    runtime = RuntimeSpec(
        entry="main",
        modes=("local",),
        bad=Outcome(
            ok=False, error_contains=("ValueError", "Invalid environment variable name: OPENAI.API_KEY"), phase="import"
        ),
        good=Outcome(ok=True, output=1),
    )
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("chat", secrets=[flyte.Secret(key="openai.api-key")])  # expect: FLY310

            @env.task
            def main() -> int:
                return 1
            """,
            message='Secret "openai.api-key" becomes the environment variable "OPENAI.API_KEY" (from its key, uppercased, - replaced by _), which is not a valid name: `flyte.Secret` raises ValueError when the module is imported. Pass as_env_var="OPENAI_API_KEY"',
        ),
        Case(
            """
            import pathlib
            import flyte
            from flyte import Secret as S

            a = S("openai.api-key")  # expect: FLY310
            b = S(key="2fa-token")  # expect: FLY310
            c = S(key="k", group="my.group")  # expect: FLY310
            d = S(key="k", as_env_var="lower_case")  # expect: FLY310
            e = S(key="k", mount="/etc/secrets")  # expect: FLY310
            f = S(key="k", mount="/etc/flyte/secrets/")  # expect: FLY310
            g = S(key="k", mount=pathlib.Path("/etc/flyte/secrets/"))
            h = S(key="openai.key", mount="/etc/flyte/secrets")
            i = S(key="openai.key", as_env_var="OPENAI_KEY")
            j = S(key="openai-key", group="team-a")
            k = S(key="k", as_env_var="")
            env = flyte.TaskEnvironment("chat", secrets=["openai.key", "good-key", S("x.y")])  # expect: FLY310 FLY310
            env2 = flyte.TaskEnvironment("chat2", secrets="db/password")  # expect: FLY310
            """,
            name="secrets",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("chat", secrets=[flyte.Secret(key="openai.api-key", as_env_var="OPENAI_API_KEY")])

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import os
            import flyte
            from flytekit import Secret

            a = Secret(key="openai.key")
            b = flyte.Secret(key=os.environ["KEY"])
            c = flyte.Secret(key="openai.key", as_env_var=os.environ["VAR"])
            d = flyte.TaskEnvironment("x", secrets=os.environ["SECRETS"].split(","))
            """,
            name="quiet-on-non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls_to("flyte.Secret"):
            yield from self._check_secret(analysis, call)
        for call in analysis.calls:
            callee = call.callee
            if isinstance(callee, Method) and isinstance(callee.owner, TaskRef) and callee.name == "override":
                node = sdk_arguments(call.node, "flyte.TaskTemplate.override").get("secrets")
                if node is not None:
                    yield from self._check_strings(analysis, call.module, node)
        for env in analysis.envs:
            node = env_argument(analysis, env, "secrets")
            if node is not None:
                yield from self._check_strings(analysis, env.module, node)

    def _check_secret(self, analysis: Analysis, call: ResolvedCall) -> Iterable[Finding]:
        args = sdk_arguments(call.node, "flyte.Secret")
        effect = f"`flyte.Secret` raises ValueError {when(call.node)}"
        mount_node = args.get("mount")
        mount_value = analysis.literal(mount_node) if mount_node is not None else None
        env_node = args.get("as_env_var")
        env_value = analysis.literal(env_node) if env_node is not None else None
        if mount_node is not None and mount_value is not None:
            mount = _mount_text(analysis, mount_node)
            if mount is not None and mount != SECRET_MOUNT:
                yield self.finding(
                    call.module,
                    mount_node,
                    f'mount={q(mount)} is not supported: {effect} ("Only /etc/flyte/secrets is supported as secret '
                    f'mount path today"). Use mount="{SECRET_MOUNT}" and read the file there',
                    suggestions=[value_suggestion(call.module, mount_node, f'mount="{SECRET_MOUNT}"', SECRET_MOUNT)],
                )
            if env_node is not None and isinstance(env_value, str) and env_value:
                yield self.finding(
                    call.module,
                    env_node,
                    "a Secret with both `mount` and `as_env_var` is delivered to a task only as the env var: the file "
                    "mount is dropped when the task is serialized. Keep one of them",
                    severity=Severity.WARNING,
                    raises=None,
                )
        if env_node is not None and isinstance(env_value, str) and env_value:
            if not ENV_VAR.match(env_value):
                yield self.finding(
                    call.module,
                    env_node,
                    f"as_env_var={q(env_value)} is not a valid environment variable name (^[A-Z_][A-Z0-9_]*$): "
                    f"{effect}; did you mean as_env_var={q(_env_var_suggestion(env_value))}?",
                    suggestions=[
                        value_suggestion(
                            call.module,
                            env_node,
                            f"as_env_var={q(_env_var_suggestion(env_value))}",
                            _env_var_suggestion(env_value),
                        )
                    ],
                )
            return
        if env_node is not None and env_value is MISSING:
            return
        if mount_node is not None and mount_value is not None:
            return  # mounted as a file: no env var is derived (when mount is truthy)
        key_node = args.get("key")
        key = analysis.literal(key_node) if key_node is not None else MISSING
        group_node = args.get("group")
        group = analysis.literal(group_node) if group_node is not None else None
        if not isinstance(key, str) or not (group is None or isinstance(group, str)):
            return
        derived = (f"{group}_{key}" if group else key).replace("-", "_").upper()
        if ENV_VAR.match(derived):
            return
        shown_by = "key and group" if group else "key"
        added = f"as_env_var={q(_env_var_suggestion(derived))}"
        yield self.finding(
            call.module,
            key_node,
            f"Secret {q(key)}{f' (group {q(group)})' if group else ''} becomes the environment variable {q(derived)} "
            f"(from its {shown_by}, uppercased, - replaced by _), which is not a valid name: {effect}. Pass "
            f"{added}",
            suggestions=[keyword_added(call.node, added)],
        )

    def _check_strings(self, analysis: Analysis, module, node: nodes.NodeNG) -> Iterable[Finding]:
        defined = analysis.definition(node)
        if defined is not None and defined.root() is node.root():
            node = defined  # report inside a list written in this module, not in another one
        elements = node.elts if isinstance(node, (nodes.List, nodes.Tuple)) else [node]
        for element in elements:
            value = analysis.literal(element)
            if not isinstance(value, str):
                continue
            derived = value.replace("-", "_").upper()
            if ENV_VAR.match(derived):
                continue
            yield self.finding(
                module,
                element,
                f"secret {q(value)} becomes the environment variable {q(derived)}, which is not a valid name: "
                "serializing the task fails with ValueError, so `flyte deploy` and remote runs fail. Write "
                f"flyte.Secret(key={q(value)}, as_env_var={q(_env_var_suggestion(derived))})",
                raises=None,  # (raised at deploy, not here)
            )
