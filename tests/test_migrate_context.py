"""`flyte-lint migrate`: the reads of Flyte 1's context that Flyte 2's TaskContext (flyte.ctx()) or the standard
library answer (execution_id's name/project/domain, execution_date, raw_output_prefix, file_access's random
paths); other attributes get a TODO. Secrets and working_directory: tests/test_migrate_workflows.py."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated
from sdk_runner import requires_sdk, run_program

CONTEXT = """
import os

import flytekit
from flytekit import current_context, task, workflow


@task
def info() -> str:
    ctx = current_context()
    ctx.logging.info("starting")
    name = ctx.execution_id.name
    place = (ctx.execution_id.project, ctx.execution_id.domain)
    started = flytekit.current_context().execution_date
    local = ctx.file_access.get_random_local_directory()
    remote = current_context().file_access.get_random_remote_path()
    path = ctx.file_access.get_random_local_path("x.txt")
    with open(os.path.join(local, "a.txt"), "w") as fh:
        fh.write("a")
    return f"{bool(name)} {len(place)} {started is not None} {os.listdir(local)} {bool(remote)} {os.path.basename(path)} {bool(ctx.raw_output_prefix)}"


@workflow
def main() -> str:
    return info()
"""

CONTEXT_MIGRATED_BODY = dedent(
    """
    @env.task
    def info() -> str:
        ctx = flyte.ctx()
        flyte.logger.info("starting")
        name = ctx.action.run_name
        place = (ctx.action.project, ctx.action.domain)
        started = flyte.ctx().run_start_time
        local = tempfile.mkdtemp()
        remote = flyte.ctx().raw_data_path.get_random_remote_path()
        path = str(flyte.storage.get_random_local_path("x.txt"))
    """
)


def test_context_reads_flyte2_answers(tmp_path):
    code, text = migrated(tmp_path, CONTEXT)
    assert code == 0
    assert CONTEXT_MIGRATED_BODY in text
    assert "{bool(ctx.raw_data_path.path)}" in text
    assert "import tempfile\n" in text and "import flyte.storage\n" in text


@requires_sdk
def test_migrated_context_reads_run(tmp_path):
    root = write_project(tmp_path / "project", CONTEXT)
    assert migrate(root) == 0
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="main")
    assert result.ok, result.summary()
    assert result.output == "True 2 True ['a.txt'] True x.txt True"


def test_what_flyte2_lacks_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import current_context, task


        @task
        def odd() -> str:
            return str(current_context().execution_id) + str(current_context().task_id)
        """,
    )
    assert code == 1
    assert "# TODO(flyte-lint migrate): Flyte 2's flyte.ctx() has no `execution_id` of Flyte 1's context" in text
    assert "# TODO(flyte-lint migrate): Flyte 2's flyte.ctx() has no `task_id` of Flyte 1's context" in text
    assert "return str(flyte.ctx().execution_id) + str(flyte.ctx().task_id)" in text


def test_a_context_read_only_for_what_was_rewritten_goes(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import Secret, current_context, task


        @task(secret_requests=[Secret(group="g", key="k")])
        def only_secrets() -> str:
            ctx = current_context()
            return ctx.secrets.get(key="k", group="g")


        @task(secret_requests=[Secret(group="g", key="k")])
        def commented() -> str:
            ctx = current_context()  # the run's context
            return ctx.secrets.get(key="k", group="g")


        @task(secret_requests=[Secret(group="g", key="k")])
        def still_read() -> str:
            ctx = current_context()
            return ctx.secrets.get(key="k", group="g") + ctx.execution_id.name
        """,
    )
    assert code == 0
    assert 'def only_secrets() -> str:\n    return os.environ["G_K"]\n' in text
    assert '    ctx = flyte.ctx()  # the run\'s context\n    return os.environ["G_K"]\n' in text
    assert '    ctx = flyte.ctx()\n    return os.environ["G_K"] + ctx.action.run_name\n' in text
