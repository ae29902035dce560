"""`flyte-lint migrate`: the ``Resources(...)`` and ``Secret(...)`` calls no decorator consumed (a value bound to a
name, code half migrated by hand passing them to ``flyte.TaskEnvironment``) become ``flyte.Resources`` with Flyte 2's
keywords and ``flyte.Secret(key=..., group=...)``; what has no counterpart gets a TODO. The SDK serializes the
migrated environment's task (translate_task_to_wire) with the requests and the secret the original named."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated, run_script
from sdk_runner import requires_sdk, sdk_python

HALF_MIGRATED = """
import flyte
from flytekit import Resources, Secret
from flytekit.core.pod_template import PodTemplate as PT

BIG = Resources(cpu=2, mem="4Gi", gpu="1", ephemeral_storage="10Gi")
TOKEN = Secret("api", "token.v2")  # (group, key) by position

env = flyte.TaskEnvironment(
    "demo",
    resources=BIG,
    secrets=[TOKEN, Secret(key="db", group="pg")],
    pod_template=PT(primary_container_name="main"),
)


@env.task
def work() -> int:
    return 1
"""

HALF_MIGRATED_RESULT = dedent(
    """
    import flyte

    BIG = flyte.Resources(cpu=2, memory="4Gi", gpu=1, disk="10Gi")
    TOKEN = flyte.Secret(key="token.v2", group="api", as_env_var="API_TOKEN_V2")  # (group, key) by position

    env = flyte.TaskEnvironment(
        "demo",
        resources=BIG,
        secrets=[TOKEN, flyte.Secret(key="db", group="pg")],
        pod_template=flyte.PodTemplate(primary_container_name="main"),
    )
    """
)


def test_free_standing_calls_become_flyte2_calls(tmp_path):
    code, text = migrated(tmp_path, HALF_MIGRATED)
    assert code == 0
    assert text.startswith(HALF_MIGRATED_RESULT)


def test_what_has_no_counterpart_gets_a_todo(tmp_path):
    root = write_project(
        tmp_path / "project",
        """
        import flyte
        from flytekit import Resources, Secret

        SPEC = dict(cpu="1")
        A = Resources(**SPEC)
        B = Secret(key="k", group="g", mount_requirement=Secret.MountType.FILE)
        C = Secret(group="g")
        D = Resources(cpu="1", accelerator="x")
        """,
    )
    assert migrate(root) == 1
    text = (root / "main.py").read_text(encoding="utf-8")
    assert "# TODO(flyte-lint migrate): Resources(...) with * or ** arguments" in text
    assert '# TODO(flyte-lint migrate): secret `Secret(key="k", group="g", mount_requirement=' in text
    assert '# TODO(flyte-lint migrate): secret `Secret(group="g")` names no key' in text
    assert "# TODO(flyte-lint migrate): Resources keywords accelerator have no Flyte 2 counterpart" in text
    assert "A = Resources(**SPEC)" in text and 'C = Secret(group="g")' in text  # (left as they were)


SERDE = """
import pathlib

from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

from main import work

ctx = SerializationContext(version="v1", root_dir=pathlib.Path("."), project="p", domain="d", org="o")
container = translate_task_to_wire(work, ctx).task_template.container
print(sorted((r.name, r.value) for r in container.resources.requests))
print(sorted(s.key + "/" + s.group + "/" + s.env_var for s in translate_task_to_wire(work, ctx).task_template.security_context.secrets))
"""


@requires_sdk
def test_the_migrated_environment_serializes_with_the_named_resources_and_secrets(tmp_path):
    program = HALF_MIGRATED.replace('    pod_template=PT(primary_container_name="main"),\n', "")  # (serde: kubernetes)
    root = write_project(tmp_path / "project", {"main.py": program, "serde.py": SERDE})
    assert migrate(root) == 0
    done = run_script(root, "serde.py", sdk_python())
    assert done.returncode == 0, done.stderr
    requests, secrets = done.stdout.splitlines()
    assert requests == "[(1, '2'), (2, '1'), (3, '4Gi'), (5, '10Gi')]"  # CPU, GPU, MEMORY, EPHEMERAL_STORAGE
    assert secrets == "['db/pg/PG_DB', 'token.v2/api/API_TOKEN_V2']"
