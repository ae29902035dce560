"""`flyte-lint migrate`: ImageSpec(...) becomes the flyte.Image builder chain FLY508's message spells (one table,
rules/flyte1/image_spec.py's image_chain), and the generated TaskEnvironment takes it as image=."""

from __future__ import annotations

import ast

from flyte_lint.rules.flyte1._common import MIGRATE_NOTE
from lintutil import messages, write_project
from migrateutil import dedent, migrate, migrated, run_script
from sdk_runner import requires_sdk, run_program, sdk_python

IMAGES = """
from flytekit import ImageSpec, task, workflow

# the training image
image_spec = ImageSpec(
    name="trainer",
    registry="ghcr.io/org",
    python_version="3.11",
    packages=["pandas", "numpy"],
    apt_packages=["git"],
    env={"MY_VAR": "value"},
    commands=["mkdir -p /app"],
    pip_index="https://pypi.org/simple",
)
small = ImageSpec(packages=["polars"], platform="linux/amd64,linux/arm64")
nested = ImageSpec(packages=["pandas"], env={"OUTER": "true"}, base_image=ImageSpec(packages=["numpy"], apt_packages=["git"]))
derived = ImageSpec(base_image=small, packages=["duckdb"], builder="default")
based = ImageSpec(base_image="ghcr.io/org/py:3.9", python_version="3.9", registry="ghcr.io/org", packages=["pandas"])


@task(container_image=image_spec)
def train() -> int:
    return 1


@task(container_image=ImageSpec(base_image="ghcr.io/org/base:1", packages=["torch"]))
def infer() -> int:
    return 2


@workflow
def wf() -> int:
    return train() + infer()
"""

IMAGES_MIGRATED_HEAD = dedent(
    """
    import flyte

    # the training image
    image_spec = (
        flyte.Image.from_debian_base(python_version=(3, 11), name="trainer", registry="ghcr.io/org")
        .with_apt_packages("git")
        .with_env_vars({"MY_VAR": "value"})
        .with_pip_packages("pandas", "numpy", index_url="https://pypi.org/simple")
        .with_commands(["mkdir -p /app"])
    )
    small = (
        flyte.Image.from_debian_base(platform=("linux/amd64", "linux/arm64"))
        .with_pip_packages("polars")
    )
    nested = (
        flyte.Image.from_debian_base()
        .with_apt_packages("git")
        .with_pip_packages("numpy")
        .with_env_vars({"OUTER": "true"})
        .with_pip_packages("pandas")
    )
    derived = small.with_pip_packages("duckdb")
    based = (
        flyte.Image.from_base("ghcr.io/org/py:3.9")
        .clone(name="py", python_version=(3, 9), registry="ghcr.io/org", extendable=True)
        .with_pip_packages("pandas")
    )
    """
)


def test_image_specs_become_image_chains(tmp_path):
    code, text = migrated(tmp_path, IMAGES)
    assert code == 0
    assert text.startswith(IMAGES_MIGRATED_HEAD)
    assert "image=image_spec)" in text  # (the env of train takes the variable)
    assert (
        'flyte.Image.from_base("ghcr.io/org/base:1").clone(name="base", extendable=True).with_pip_packages("torch")'
        in text
    )
    assert "ImageSpec" not in text


def test_migrate_writes_what_fly508_suggests(tmp_path):
    """The rule's message and the migration read one table: the same chain."""
    src = 'from flytekit import ImageSpec\n\nimg = ImageSpec(name="etl", python_version="3.12", packages=["polars"], apt_packages=["git"])\n'
    (message,) = messages(tmp_path / "lint", src, select=["FLY508"])
    assert message.endswith(MIGRATE_NOTE)  # (the rule names the command that makes the same edit)
    suggested = message[: -len(MIGRATE_NOTE)].split("use `", 1)[1].rstrip("`")
    code, text = migrated(tmp_path, src)
    assert code == 0
    written = next(n.value for n in ast.parse(text).body if isinstance(n, ast.Assign))  # (over several lines)
    assert ast.dump(written) == ast.dump(ast.parse(suggested, mode="eval").body)


def test_what_has_no_counterpart_gets_a_todo(tmp_path):
    files = dedent(
        """
        from flytekit import ImageSpec

        conda = ImageSpec(conda_packages=["numpy"])
        image = ImageSpec(packages=["pandas"])

        if image.is_container():
            import pandas  # noqa: F401

            print("in the image")
        """
    )
    code, text = migrated(tmp_path, files)
    assert code == 1
    assert "# TODO(flyte-lint migrate): ImageSpec not migrated: `conda_packages=` → no equivalent" in text
    assert "# TODO(flyte-lint migrate): a Flyte 2 image has no is_container()" in text.split("if image")[0]
    assert 'image = flyte.Image.from_debian_base().with_pip_packages("pandas")' in text


IMPORTS_IN_IMAGE = """
from flytekit import ImageSpec, task, workflow

image = ImageSpec(packages=["not-installed-here"])

if image.is_container():
    import json
    from not_installed_here import thing  # noqa: F401


@task(container_image=image)
def dump(x: int) -> str:
    return json.dumps({"x": x})


@workflow
def wf(x: int = 1) -> str:
    return dump(x=x)
"""


def test_imports_only_one_image_has_become_a_guarded_import(tmp_path):
    """flytekit's is_container() is True outside a cluster and, in one, True in that image only: the imports
    run wherever the modules are installed."""
    code, text = migrated(tmp_path, IMPORTS_IN_IMAGE)
    assert code == 0
    assert text.split("\n\n\n")[0].endswith(
        dedent(
            """
            try:
                import json
                from not_installed_here import thing  # noqa: F401
            except ImportError:  # (only `image` installs them)
                pass
            """
        ).rstrip("\n")
    )


@requires_sdk
def test_a_guarded_import_runs_where_it_can_under_flyte_2(tmp_path):
    root = write_project(tmp_path / "project", IMPORTS_IN_IMAGE)
    assert migrate(root) == 0
    files = {"main.py": (root / "main.py").read_text(encoding="utf-8")}
    assert run_program(files, entry="wf").output == '{"x": 1}'


@requires_sdk
def test_migrated_images_build_image_objects_and_the_tasks_run(tmp_path):
    root = write_project(tmp_path / "project", IMAGES)
    assert migrate(root) == 0
    migrated_text = (root / "main.py").read_text(encoding="utf-8")
    check = dedent(
        """
        import flyte

        import main

        for name in ("image_spec", "small", "nested", "derived", "based"):
            assert isinstance(getattr(main, name), flyte.Image), name
        assert main.train.parent_env().image is main.image_spec
        print(main.small.platform, main.image_spec.python_version, main.image_spec.registry, main.based.python_version)
        """
    )
    (root / "check.py").write_text(check, encoding="utf-8")
    done = run_script(root, "check.py", sdk_python())
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["('linux/amd64',", "'linux/arm64')", "(3,", "11)", "ghcr.io/org", "(3,", "9)"]
    assert run_program({"main.py": migrated_text}, entry="wf").output == 3
