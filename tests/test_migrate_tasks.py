"""`flyte-lint migrate`: the framework (CLI, exit codes, --diff, idempotence), decorators -> @env.task on
generated TaskEnvironments, imports, `__main__` blocks; and migrated programs run under flyte 2."""

from __future__ import annotations

from pathlib import Path

from lintutil import write_project
from migrateutil import assert_lint_clean, dedent, migrate, migrated, run_script
from sdk_runner import requires_sdk, run_program, sdk_python

BASIC = dedent(
    '''
    """A Flyte 1 example."""
    import typing
    from flytekit import task, workflow, Resources

    # the first task
    @task(requests=Resources(cpu="1", mem="2Gi"), limits=Resources(cpu="2", mem="4Gi"), retries=3, cache=True, cache_version="1.0")
    def t1(a: int) -> typing.Tuple[int, str]:
        return a + 2, "world"


    @task
    def t2(a: str, b: str) -> str:
        return b + a


    @workflow
    def my_wf(a: int, b: str) -> typing.Tuple[int, str]:
        x, y = t1(a=a)
        d = t2(a=y, b=b)
        return x, d


    if __name__ == "__main__":
        print(f"Running my_wf(a=50, b='hello') {my_wf(a=50, b='hello')}")
    '''
)

BASIC_MIGRATED = dedent(
    '''
    """A Flyte 1 example."""
    import typing
    import flyte


    cpu1_mem2gi_env = flyte.TaskEnvironment(
        name="main_cpu1_mem2gi",
        resources=flyte.Resources(cpu=("1", "2"), memory=("2Gi", "4Gi")),
    )

    # the first task
    @cpu1_mem2gi_env.task(cache=flyte.Cache(behavior="override", version_override="1.0"), retries=3)
    def t1(a: int) -> typing.Tuple[int, str]:
        return a + 2, "world"


    env = flyte.TaskEnvironment(name="main", depends_on=[cpu1_mem2gi_env])


    @env.task
    def t2(a: str, b: str) -> str:
        return b + a


    @env.task
    def my_wf(a: int, b: str) -> typing.Tuple[int, str]:
        x, y = t1(a=a)
        d = t2(a=y, b=b)
        return x, d


    if __name__ == "__main__":
        flyte.init_from_config()
        run = flyte.run(my_wf, a=50, b='hello')
        run.wait()
        print(f"Running my_wf(a=50, b='hello') {tuple(run.outputs())}")
    '''
)


def test_basic_program(tmp_path):
    code, text = migrated(tmp_path, BASIC)
    assert code == 0
    assert text == BASIC_MIGRATED


def test_diff_writes_nothing(tmp_path, capsys):
    root = write_project(tmp_path / "project", BASIC)
    assert migrate(root, "--diff") == 0
    out = capsys.readouterr().out
    assert "+@env.task\n" in out and "-@workflow\n" in out
    assert (root / "main.py").read_text(encoding="utf-8") == BASIC


def test_nothing_to_do_and_usage_errors(tmp_path, capsys):
    root = write_project(tmp_path / "project", "import os\n\nprint(os.sep)\n")
    assert migrate(root) == 0
    assert (root / "main.py").read_text(encoding="utf-8") == "import os\n\nprint(os.sep)\n"
    assert migrate(tmp_path / "missing") == 2
    broken = write_project(tmp_path / "broken", "from flytekit import task\n\ndef f(:\n")
    assert migrate(broken) == 2
    assert "Traceback" not in capsys.readouterr().err
    # a file that does not parse and names no flytekit is left alone; the others are migrated
    mixed = write_project(tmp_path / "mixed", {"bad.py": "def f(:\n", "main.py": "from flytekit import task\n"})
    assert migrate(mixed) == 0
    assert (mixed / "bad.py").read_text(encoding="utf-8") == "def f(:\n"
    assert "flytekit" not in (mixed / "main.py").read_text(encoding="utf-8")


def test_aliases_and_module_import(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import os
        import flytekit as fk
        from flytekit import task as flyte_task

        @flyte_task(retries=2)
        def double(x: int) -> int:
            return x * 2

        @fk.workflow
        def wf(x: int = 3) -> int:
            return double(x=x)
        """,
    )
    assert code == 0
    assert "flytekit" not in text and "fk" not in text.replace("flyte.", "")
    assert "import os\nimport flyte\n" in text
    assert "@env.task(retries=2)\ndef double" in text and "@env.task\ndef wf" in text


def test_one_env_per_option_set_and_secrets(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, Secret, workflow
        from flytekit.extras.accelerators import T4

        @task(container_image="python:3.11-slim", environment={"MODE": "x"})
        def a() -> str:
            return "a"

        @task(container_image="python:3.11-slim", environment={"MODE": "x"})
        def b() -> str:
            return "b"

        @task(requests=Resources(gpu="1"), accelerator=T4, secret_requests=[Secret(group="db", key="password")])
        def c() -> str:
            return "c"

        @workflow
        def wf() -> str:
            return a() + b() + c()
        """.replace("Secret, workflow", "Secret, workflow, Resources"),
    )
    assert code == 0
    assert text.count("flyte.TaskEnvironment(") == 3
    assert 'image="python:3.11-slim",\n    env_vars={"MODE": "x"},' in text
    assert 'resources=flyte.Resources(gpu="T4:1")' in text
    assert 'secrets=[flyte.Secret(key="password", group="db")]' in text
    assert 'env = flyte.TaskEnvironment(name="main", depends_on=[image_vars_env, gpu_secrets_env])' in text


def test_no_mechanical_translation_gets_a_todo(tmp_path, capsys):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task

        @task(deprecated="use other", retries=1)
        def old(x: int) -> int:
            return x
        """,
    )
    assert code == 1
    assert "flyte-lint migrate: 1 `# TODO(flyte-lint migrate)` comment left" in capsys.readouterr().err
    assert (
        "# TODO(flyte-lint migrate): `deprecated=` of the Flyte 1 decorator has no mechanical Flyte 2 counterpart "
        '(guide §6 "Task and Workflow Migration")\n@env.task(retries=1)\ndef old' in text
    )


def test_shared_env_module(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/tasks.py": """
            from flytekit import task

            @task
            def inc(x: int) -> int:
                return x + 1
        """,
        "app/flows.py": """
            from flytekit import workflow
            from app.tasks import inc

            @workflow
            def flow(x: int = 1) -> int:
                return inc(x=inc(x=x))
        """,
    }
    code, text = migrated(tmp_path, files, "app/flows.py")
    assert code == 0
    root = tmp_path / "project"
    assert (root / "app/envs.py").read_text(
        encoding="utf-8"
    ) == 'import flyte\n\nenv = flyte.TaskEnvironment(name="app")\n'
    assert "from app.envs import env\n" in text and "@env.task\ndef flow" in text
    assert "import flyte\n" not in text  # (it names nothing of flyte: no unused import)
    assert "from app.envs import env\n" in (root / "app/tasks.py").read_text(encoding="utf-8")


@requires_sdk
def test_migrated_program_runs_under_flyte2(tmp_path):
    root = write_project(tmp_path / "project", BASIC)
    assert migrate(root) == 0
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="my_wf", args={"a": 50, "b": "hello"})
    assert result.ok, result.summary()
    assert result.output == [52, "helloworld"], result.output
    assert result.ran("main.t1") == 1 or result.ran("main_cpu1_mem2gi.t1") == 1, result.summary()
    done = run_script(root, "main.py", sdk_python())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Running my_wf(a=50, b='hello') (52, 'helloworld')" in done.stdout


@requires_sdk
def test_migrated_shared_env_project_runs(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/tasks.py": """
            from flytekit import task, Resources

            @task
            def inc(x: int) -> int:
                return x + 1

            @task(requests=Resources(mem="1Gi"))
            def square(x: int) -> int:
                return x * x
        """,
        "app/flows.py": """
            from flytekit import workflow
            from app.tasks import inc, square

            @workflow
            def flow(x: int = 1) -> int:
                return square(x=inc(x=x))

            if __name__ == "__main__":
                print(flow(x=4))
        """,
    }
    root = write_project(tmp_path / "project", files)
    assert migrate(root) == 0
    assert_lint_clean(root)
    done = run_script(root, "app/flows.py", sdk_python())
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "25"


def test_task_handed_on_gets_a_dependency_and_flytekit_attributes(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from functools import partial
        import flytekit

        @flytekit.task(requests=flytekit.Resources(mem="1Gi"), cache=True)
        def scale(x: int, k: int) -> int:
            return x * k

        @flytekit.task
        def total(xs: list[int]) -> int:
            return sum(xs)

        @flytekit.workflow
        def wf(x: int = 2) -> int:
            f = partial(scale, k=3)
            return total(xs=[f(x=x)])
        """,
    )
    assert code == 0
    assert 'mem1gi_env = flyte.TaskEnvironment(name="main_mem1gi", resources=flyte.Resources(memory="1Gi"))' in text
    assert '@mem1gi_env.task(cache="auto")\ndef scale' in text
    assert 'env = flyte.TaskEnvironment(name="main", depends_on=[mem1gi_env])' in text
    assert "flytekit" not in text


def test_disk_and_gpu_take_one_quantity(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, Resources

        @task(
            requests=Resources(cpu="1", mem="100Mi", ephemeral_storage="200Mi"),
            limits=Resources(cpu="2", mem="100Mi", ephemeral_storage="500Mi"),
        )
        def big() -> int:
            return 1
        """,
    )
    assert code == 0
    assert 'resources=flyte.Resources(cpu=("1", "2"), memory="100Mi", disk="500Mi")' in text
    code, text = migrated(
        tmp_path / "combined",
        """
        from flytekit import task, Resources

        @task(resources=Resources(cpu=("1", "2"), mem=("1Gi", "2Gi"), ephemeral_storage=("1Gi", "5Gi")))
        def big() -> int:
            return 1
        """,
    )
    assert code == 0
    assert 'resources=flyte.Resources(cpu=("1", "2"), memory=("1Gi", "2Gi"), disk="5Gi")' in text


def test_unrelated_scripts_keep_their_own_envs_and_string_annotations_keep_imports(tmp_path):
    files = {
        "one.py": """
            from flytekit import task

            @task
            def a() -> int:
                return 1
        """,
        "two.py": """
            from flytekit import task
            from flytekit.types.file import FlyteFile

            @task
            def b(f: "FlyteFile") -> int:
                return 2
        """,
    }
    code, text = migrated(tmp_path, files, "one.py")
    root = tmp_path / "project"
    assert not (root / "envs.py").exists()
    assert 'env = flyte.TaskEnvironment(name="one")' in text
    two = (root / "two.py").read_text(encoding="utf-8")
    assert 'env = flyte.TaskEnvironment(name="two")' in two
    assert "from flytekit.types.file import FlyteFile" in two  # (still used: another transform's, or a TODO)
    assert code == (0 if "flytekit" not in two else 1)


def test_dropped_import_keeps_the_lines_above_it(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import os

        # Flyte
        from flytekit import task

        @task
        def here() -> str:
            return os.sep
        """,
    )
    assert code == 0
    assert text.startswith("import os\n\n# Flyte\nimport flyte\n")


def test_file_mounted_secret_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, Secret

        @task(secret_requests=[Secret(group="g", key="k", mount_requirement=Secret.MountType.FILE)])
        def read() -> str:
            return "x"
        """,
    )
    assert code == 1
    assert "# TODO(flyte-lint migrate): secret `Secret(group=" in text
    assert 'secrets=[flyte.Secret(key="k", group="g")]' in text


def test_deck_docs_untyped_and_the_shim(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import flyte_migrate  # noqa: F401
        from flytekit import Documentation, task

        @task(enable_deck=True, docs=Documentation(short_description="Adds one"), pickle_untyped=True)
        def add(x: int) -> int:
            return x + 1
        """,
    )
    assert code == 0
    assert text == (
        "import flyte\n\n\n"
        'env = flyte.TaskEnvironment(name="main")\n\n'
        '@env.task(report=True, docs=flyte.Documentation(description="Adds one"))\n'
        "def add(x: int) -> int:\n"
        "    return x + 1\n"
    )


@requires_sdk
def test_migrated_report_and_docs_run(tmp_path):
    root = write_project(
        tmp_path / "project",
        """
        from flytekit import Documentation, task, workflow

        @task(enable_deck=True, docs=Documentation(short_description="Adds one"), cache=True, cache_version="1")
        def add(x: int) -> int:
            return x + 1

        @workflow
        def wf(x: int = 1) -> int:
            return add(x=x)
        """,
    )
    assert migrate(root) == 0
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="wf", args={"x": 41})
    assert result.ok, result.summary()
    assert result.output == 42


def test_task_in_a_class_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task

        class Steps:
            @task
            def inner(x: int) -> int:
                return x
        """,
    )
    assert code == 1
    assert "    # TODO(flyte-lint migrate): a Flyte 2 task is a module-level function" in text
    assert "    @task\n    def inner" in text


# Every Flyte 2 keyword the migration emits, by the callable that takes it (task_options.py, workflows.py).
EMITTED = {
    "flyte.TaskEnvironment": ["name", "image", "resources", "env_vars", "secrets", "pod_template", "depends_on"],
    "flyte.TaskEnvironment('x').task": ["cache", "retries", "timeout", "interruptible", "report", "docs"],
    "flyte.Resources": ["cpu", "memory", "gpu", "disk"],
    "flyte.Secret": ["key", "group"],
    "flyte.Cache": ["behavior", "version_override", "serialize", "ignored_inputs", "salt"],
    "flyte.Documentation": ["description"],
    "flyte.PodTemplate": ["pod_spec", "primary_container_name", "labels", "annotations"],
    "flyte.TaskEnvironment('y').task(lambda: None).override": [
        "resources",
        "retries",
        "timeout",
        "interruptible",
        "short_name",
    ],
    "flyte.run": [],
    "flyte.init_from_config": [],
}


@requires_sdk
def test_emitted_keywords_are_in_the_sdk_signatures():
    import json
    import subprocess

    script = (
        "import inspect, json, flyte\n"
        f"emitted = {EMITTED!r}\n"
        "missing = {}\n"
        "for expr, names in emitted.items():\n"
        "    params = inspect.signature(eval(expr)).parameters\n"
        "    missing[expr] = [n for n in names if n not in params]\n"
        "print(json.dumps(missing))\n"
    )
    done = subprocess.run([sdk_python(), "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    missing = json.loads(done.stdout.strip().splitlines()[-1])
    assert missing == {k: [] for k in EMITTED}


def test_same_task_names_in_two_modules_do_not_share_an_env(tmp_path):
    files = {
        "a.py": """
            from flytekit import task

            @task
            def main(x: int) -> int:
                return x
        """,
        "b.py": """
            from flytekit import task
            from a import main as a_main

            @task
            def main(x: int) -> int:
                return x + 1

            @task
            def other(x: int) -> int:
                return a_main(x=x)
        """,
    }
    code, text = migrated(tmp_path, files, "b.py")
    assert code == 0
    assert not (tmp_path / "project" / "envs.py").exists()
    assert (
        'env = flyte.TaskEnvironment(name="b", depends_on=[a_env])' in text
        and "from a import main as a_main, env as a_env\n" in text
    )


def test_accelerator_with_no_gpu_count(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, Resources
        from flytekit.extras.accelerators import A10G

        @task(accelerator=A10G, requests=Resources(gpu="0", mem="1Gi"))
        def sidecar() -> int:
            return 1
        """,
    )
    assert code == 1
    assert 'resources=flyte.Resources(memory="1Gi")' in text and "gpu" not in text.split("TODO")[0]
    assert "# TODO(flyte-lint migrate): accelerator A10G with gpu=0" in text


ADD_DEPENDENCY = {
    "app/__init__.py": "",
    "app/tasks.py": """
        from flytekit import task

        @task
        def inc(x: int) -> int:
            return x + 1

        @task(container_image="ghcr.io/org/heavy:1")
        def heavy(x: int) -> int:
            return x * 2
    """,
    "app/flows.py": """
        from flytekit import workflow
        from app.tasks import heavy, inc

        @workflow
        def flow(x: int = 1) -> int:
            return heavy(x=inc(x=x))
    """,
}


def test_shared_env_depends_on_a_local_one_through_add_dependency(tmp_path):
    files = ADD_DEPENDENCY
    code, text = migrated(tmp_path, files, "app/flows.py")
    assert code == 0
    root = tmp_path / "project"
    assert (root / "app/envs.py").read_text(
        encoding="utf-8"
    ) == 'import flyte\n\nenv = flyte.TaskEnvironment(name="app")\n'
    tasks = (root / "app/tasks.py").read_text(encoding="utf-8")
    assert 'image_env = flyte.TaskEnvironment(name="tasks_image", image="ghcr.io/org/heavy:1")' in tasks
    assert "@image_env.task\ndef heavy" in tasks and "from app.envs import env\n" in tasks
    assert "from app.envs import env\nfrom app.tasks import heavy, inc, image_env\n" in text
    assert "env.add_dependency(image_env)\n\n@env.task\ndef flow" in text


@requires_sdk
def test_migrated_project_with_shared_and_local_envs_runs(tmp_path):
    root = write_project(tmp_path / "project", ADD_DEPENDENCY)
    assert migrate(root) == 0
    migrated_files = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert "app/envs.py" in migrated_files
    result = run_program(migrated_files, entry="app.flows:flow", args={"x": 4})
    assert result.ok, result.summary()
    assert result.output == 10


def test_diff_shows_the_shared_module_as_new_and_writes_nothing(tmp_path, capsys):
    root = write_project(tmp_path / "project", ADD_DEPENDENCY)
    before = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert migrate(root, "--diff") == 0
    out = capsys.readouterr().out
    assert "--- /dev/null\n+++ b/app/envs.py\n" in out and "+++ b/app/tasks.py\n" in out
    assert {p: p.read_text(encoding="utf-8") for p in root.rglob("*.py")} == before


def test_the_readme_example_is_what_migrate_writes(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Migrating Flyte 1 code") :]
    before, after = (block.split("```")[0] for block in section.split("```python\n")[1:3])
    code, text = migrated(tmp_path, {"main.py": before})
    assert code == 0
    assert text == after


def test_generated_env_avoids_names_the_module_binds(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import os
        from flytekit import task

        env = dict(os.environ)

        @task
        def home() -> str:
            return env.get("HOME", "")
        """,
    )
    assert code == 0
    assert 'main_env = flyte.TaskEnvironment(name="main")\n\n@main_env.task\ndef home' in text
    assert "env = dict(os.environ)" in text


POD = """
from flytekit import PodTemplate, task

template = PodTemplate(
    primary_container_name="primary",
    labels={"team": "ml"},
    annotations={"owner": "data"},
)


@task(pod_template=template)
def labelled(x: int) -> int:
    return x + 1


@task(container_image="{{.image.default.fqn}}:{{.image.default.version}}")
def templated(x: int) -> int:
    return x
"""


def test_pod_template_and_image_template(tmp_path):
    code, text = migrated(tmp_path, POD)
    assert code == 1
    assert "template = flyte.PodTemplate(\n" in text
    assert 'pod_env = flyte.TaskEnvironment(name="main_pod", pod_template=template)\n' in text
    assert "# TODO(flyte-lint migrate): Flyte 1's image template has no Flyte 2 counterpart" in text


@requires_sdk
def test_migrated_pod_template_runs(tmp_path):
    root = write_project(tmp_path / "project", POD.split("\n\n@task(container_image")[0] + "\n")
    assert migrate(root) == 0
    result = run_program((root / "main.py").read_text(encoding="utf-8"), entry="labelled", args={"x": 1})
    assert result.ok, result.summary()
    assert result.output == 2


def test_a_transform_knows_the_task_it_is_in(tmp_path):
    import libcst as cst

    from flyte_lint.migrate.plan import build_plan
    from flyte_lint.migrate.transforms.base import FileContext, Transform
    from lintutil import lint_result

    result = lint_result(
        tmp_path,
        """
        from flytekit import eager, task, workflow

        def helper() -> int:
            return len([1])

        @task
        def one() -> int:
            return helper()

        @eager
        async def later() -> int:
            return await one()

        @workflow
        def wf() -> int:
            return one()
        """,
        select=["FLY001"],
    )
    plan = build_plan(result.analysis, {m.path for m in result.files})
    (module,) = plan.modules.values()
    seen, calls = [], []

    class Record(Transform):
        def leave_Call(self, original, updated):
            task = self.current_task
            seen.append((cst.Module(body=[]).code_for_node(updated.func), task and (task.name, task.is_async)))
            calls.append(self.task_call("one", "x=1"))
            return updated

    tree = cst.parse_module(module.module.text)
    tree.visit(Record(FileContext(plan, module)))
    assert seen == [
        ("len", None),
        ("helper", ("one", False)),
        ("one", ("later", True)),
        ("one", ("wf", False)),
    ]
    assert calls == ["one(x=1)", "one(x=1)", "await one.aio(x=1)", "one(x=1)"]


def test_an_internal_error_exits_2_without_a_traceback(tmp_path, capsys, monkeypatch):
    import flyte_lint.migrate.command as command

    def broken(*args, **kwargs):
        raise RuntimeError("a transform's bug")

    monkeypatch.setattr(command, "rewrite", broken)
    root = write_project(tmp_path / "project", BASIC)
    assert migrate(root) == 2
    err = capsys.readouterr().err
    assert "internal error while migrating: RuntimeError" in err and "Traceback" not in err
    assert (root / "main.py").read_text(encoding="utf-8") == BASIC


def test_a_rewrite_that_would_not_parse_is_refused(monkeypatch):
    import pytest

    from flyte_lint.migrate import rewrite as rewriting

    with pytest.raises(rewriting.RewriteError, match="would not parse"):
        rewriting.check_parses("def f(:\n")


NESTED_MAIN = """
from flytekit import task, workflow


@task
def inc(x: int) -> int:
    return x + 1


@workflow
def wf(x: int) -> int:
    return inc(x=x)


if __name__ == "__main__":
    run = 3
    for i in range(2):
        print(wf(x=i))
    try:
        print(inc(x=wf(x=5)))
    except ValueError:
        pass
    for j in [wf(x=7)]:
        print(j, run)
"""


def test_main_block_calls_in_nested_blocks_are_hoisted_there(tmp_path):
    code, text = migrated(tmp_path, NESTED_MAIN)
    assert code == 0
    assert text.endswith(
        """if __name__ == "__main__":
    flyte.init_from_config()
    run = 3
    for i in range(2):
        flyte_run = flyte.run(wf, x=i)
        flyte_run.wait()
        print(flyte_run.outputs()[0])
    try:
        flyte_run = flyte.run(wf, x=5)
        flyte_run.wait()
        flyte_run_2 = flyte.run(inc, x=flyte_run.outputs()[0])
        flyte_run_2.wait()
        print(flyte_run_2.outputs()[0])
    except ValueError:
        pass
    for j in [flyte.run(wf, x=7).outputs()[0]]:
        print(j, run)
"""
    )


@requires_sdk
def test_migrated_nested_main_block_prints_what_flytekit_printed(tmp_path):
    root = write_project(tmp_path / "project", NESTED_MAIN)
    assert migrate(root) == 0
    done = run_script(root, "main.py", sdk_python())
    assert done.returncode == 0, done.stderr[-2000:]
    # flytekit 1.16.31 prints these lines for the original
    assert done.stdout.strip().splitlines()[-4:] == ["1", "2", "7", "8 3"]


def test_a_task_made_by_calling_the_decorator_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task

        def double(x: int) -> int:
            return x * 2

        double_task = task(double)
        retried = task(retries=2)(double)
        """,
    )
    assert code == 1
    assert text.count("# TODO(flyte-lint migrate): a task made by calling the decorator") == 2


def test_sets_differing_in_a_limit_get_names_that_say_so(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import flyte_migrate  # noqa: F401

        from flytekit import task, Resources

        @task(requests=Resources(cpu="1", mem="1Gi"))
        def small() -> int:
            return 1

        @task(requests=Resources(cpu="1", mem="1Gi"), limits=Resources(cpu="2", mem="2Gi"))
        def bursty() -> int:
            return 2
        """,
    )
    assert code == 0
    assert text.startswith("import flyte\n")  # (no blank line above the module's first statement)
    assert 'cpu1_mem1gi_env = flyte.TaskEnvironment(\n    name="main_cpu1_mem1gi",\n' in text
    assert 'cpu1_2_mem1gi_2gi_env = flyte.TaskEnvironment(\n    name="main_cpu1_2_mem1gi_2gi",' in text
