"""FLY116's cases (rules/calls/unknown_flyte_import.py): what it reports, and the correct look-alikes it leaves."""

from __future__ import annotations

from flyte_lint.rules.base import Case

INVALID_CASES = [
    Case(
        """
        import flyte
        from flyte import task, workflow  # expect: FLY116

        @task
        def double(x: int) -> int:
            return x * 2

        @workflow
        def main(x: int = 1) -> int:
            return double(x=x)
        """,
        message="`flyte` has no `task` or `workflow` in flyte 2.12.1: the import fails with ImportError; `task` is "
        "Flyte 1; its Flyte 2 form is `env.task` on a `flyte.TaskEnvironment`; `workflow` is Flyte 1; its Flyte 2 "
        "form is `env.task` (a workflow is a task that calls tasks)",
    ),
    Case(
        """
        from flyte.io import File, FlyteFile  # expect: FLY116
        """,
        message="`flyte.io` has no `FlyteFile` in flyte 2.12.1: the import fails with ImportError; `FlyteFile` is "
        "Flyte 1; its Flyte 2 form is `flyte.io.File`",
        name="flyte1-name-in-a-submodule",
    ),
    Case(
        """
        import flyte.nonexistent  # expect: FLY116
        import os, flyte.remotes  # expect: FLY116
        import flyte.io.DataFrame as DF  # expect: FLY116
        from flyte.nonexistent import thing  # expect: FLY116
        from flyte.io.DataFrame import from_df  # expect: FLY116
        import flyte.remote._nothing_here  # expect: FLY116
        """,
        name="modules-that-are-not-there",
    ),
    Case(
        """
        import flyte.nonexistent  # expect: FLY116
        """,
        message="`flyte.nonexistent` is no module of flyte 2.12.1: the import fails with ModuleNotFoundError",
        name="missing-module-message",
    ),
    Case(
        """
        import flyte.io.DataFrame  # expect: FLY116
        """,
        message="`flyte.io.DataFrame` is no module of flyte 2.12.1: the import fails with ModuleNotFoundError; "
        "`DataFrame` is a name in `flyte.io`, not a module: write `from flyte.io import DataFrame`",
        name="a-name-imported-as-a-module",
    ),
    Case(
        """
        from flyte import File  # expect: FLY116
        from flyte.remote import TaskEnvironment  # expect: FLY116
        from flyte.types import Resources  # expect: FLY116
        """,
        name="a-name-of-another-flyte-module",
    ),
    Case(
        """
        from flyte import File  # expect: FLY116
        """,
        message="`flyte` has no `File` in flyte 2.12.1: the import fails with ImportError; `File` is in `flyte.io` "
        "(`from flyte.io import File`)",
        name="a-name-of-another-flyte-module-message",
    ),
    Case(
        """
        from flyte.types import Resources  # expect: FLY116
        """,
        message="`flyte.types` has no `Resources` in flyte 2.12.1: the import fails with ImportError; `Resources` is "
        "in `flyte` (`from flyte import Resources`)",
        name="a-name-of-flyte1-and-of-another-flyte-module",
    ),
    Case(
        """
        from flyte import TaskEnviroment  # expect: FLY116
        """,
        message="`flyte` has no `TaskEnviroment` in flyte 2.12.1: the import fails with ImportError; "
        "`TaskEnviroment`: did you mean `TaskEnvironment`?",
        name="typo-did-you-mean",
    ),
    Case(
        """
        import flyte as fl
        from flyte import (  # expect: FLY116
            Resources,
            workflow as wf,
            TaskEnviroment,
        )
        import flyte.nonexistent as fn  # expect: FLY116

        def build():
            from flyte import dynamic  # expect: FLY116
            return dynamic
        """,
        name="aliases-parentheses-and-function-level-imports",
    ),
    Case(
        """
        try:
            from flyte import workflow  # expect: FLY116
        except ModuleNotFoundError:
            workflow = None

        try:
            from flyte import map_task  # expect: FLY116
        except Exception:
            map_task = None

        try:
            from flyte import eager  # expect: FLY116
        except ImportError:
            raise RuntimeError("install flyte 2")
        """,
        name="guards-that-do-not-catch-it",
    ),
    Case(
        """
        # file: envs.py
        import flyte

        env = flyte.TaskEnvironment("demo")
        # file: main.py
        from envs import env
        from flyte.io import FlyteDirectory  # expect: FLY116

        @env.task
        def main() -> int:
            return 1
        """,
        name="env-in-another-module",
    ),
]

VALID_CASES = [
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def double(x: int) -> int:
            return x * 2

        @env.task
        def main(x: int = 1) -> int:
            return double(x=x)
        """,
    ),
    Case(
        """
        import flyte as fl
        import flyte.remote
        import flyte.io.extend
        from flyte import deploy, build, build_images, ImageBuild, io, remote, __version__
        from flyte.io import DataFrame, PARQUET, File as F, Dir
        from flyte.remote import Task, Run
        from flyte.extras import ContainerTask
        from flyte.app.extras import FastAPIAppEnvironment
        from flyte import TaskEnvironment as TE, Resources, group, map as fmap
        from flyte.errors import RuntimeUserError
        from flyte.models import TaskContext
        """,
        name="names-loaded-on-first-use-submodules-and-aliases",
    ),
    Case(
        """
        from flyte._internal.runtime.entrypoints import load_task
        from flyte.connectors import AsyncConnector
        from flyte._image import Image
        import flyte._internal
        """,
        name="private-and-optional-modules-are-not-known",
    ),
    Case(
        """
        from typing import TYPE_CHECKING
        import typing

        if TYPE_CHECKING:
            from flyte import Workflow
        if typing.TYPE_CHECKING:
            import flyte.nonexistent

        try:
            from flyte import workflow
        except ImportError:
            workflow = None

        try:
            import flyte.nonexistent
        except (ImportError, ValueError):
            pass

        try:
            import flyte.nonexistent
        except ModuleNotFoundError:
            pass
        """,
        name="type-checking-and-author-guards",
    ),
    Case(
        """
        # file: flyte/__init__.py
        def workflow(fn):
            return fn
        # file: pkg/__init__.py
        # file: pkg/flyte.py
        def task(fn):
            return fn
        # file: pkg/main.py
        from flyte import workflow
        from pkg.flyte import task
        from .flyte import task as t2
        """,
        name="project-modules-named-flyte",
    ),
    Case(
        """
        from flytekit import task, workflow
        from flyte_utils import workflow as wf
        from flytekitplugins.spark import Spark
        """,
        name="lookalikes-from-other-libraries",
    ),
]
