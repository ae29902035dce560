"""The kinds the model tells apart, as enums whose names say what each is.

Each is a ``str`` enum: a member equals its value (``CallForm.AIO == "aio"``), hashes like it, formats and
serialises as it, so code that still compares with the strings keeps working while it moves. New code compares
with the members: ``site.form is CallForm.AIO``, ``env.origin is EnvOrigin.SHELL``.
"""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    """A kind whose value is the word the model used before: ``str()`` and f-strings give the value."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class EnvOrigin(Kind):
    """How an environment (model.entities.Env) was made."""

    CONSTRUCTOR = "constructor"  # flyte.TaskEnvironment(...) (or another environment class)
    CLONE_WITH = "clone_with"  # env.clone_with(...): Env.parent is the source env
    FROM_TASK = "from_task"  # flyte.TaskEnvironment.from_task(name, task_object, ...)
    SHELL = "shell"  # a shell task's own env (flyte.extras.shell.create; Analysis.task_object_envs only)


class CallForm(Kind):
    """How a call runs a task (model.entities.CallSite.form) or a task object (TaskObjectCall.form)."""

    CALL = "call"  # t(...)
    AIO = "aio"  # t.aio(...) (also an agent tool's call, which awaits the task's .aio)
    OVERRIDE = "override"  # t.override(...)(...) (or its .aio for a task object)
    FORWARD = "forward"  # t.forward(...): the raw function, in the caller
    PARTIAL = "partial"  # a functools.partial of a task, called
    MAP = "map"  # flyte.map(t, ...)
    MAP_AIO = "map_aio"  # flyte.map.aio(t, ...)
    REMOTE = "remote"  # a flyte.remote.Task.get(...) reference called (or its .aio)


class CoroutineRuns(Kind):
    """Where a task object's call makes a coroutine that runs the task only once awaited
    (TaskObjectCall.coroutine)."""

    IN_A_RUN = "run"  # a ContainerTask called or .aio-called: only inside a run (outside one the call fails)
    ANYWHERE = "anywhere"  # a shell task called: _Shell.__call__ is async def


class ImageKind(Kind):
    """What deploying an env's image takes (model.images.ImageNeed.kind)."""

    NO_BUILD = "none"  # the image's own URI: no image=, "auto", a URI string, a bare base image
    BUILD = "build"  # layers or a named reference: the image cache must know the env
    DOCKERFILE = "dockerfile"  # Image.from_dockerfile
    UNKNOWN = "unknown"
    # (FLY401) a task object whose own env nothing declares: a shell task's env made only by reading its ``.env``
    # and named by no depends_on; submitting its container task fails whatever its image
    NO_ENV = "no env"


class RootReason(Kind):
    """Why a task is a root of remote runs (model.roots.Root.why)."""

    NO_CALLER = "no caller"  # no task calls it
    RUN = "run"  # passed to flyte.run
    TRIGGER = "trigger"  # it has a trigger


class ParamKind(Kind):
    """How a parameter of a task's signature may be passed (model.entities.Param.kind)."""

    POSITIONAL_ONLY = "positional_only"
    POSITIONAL_OR_KEYWORD = "positional_or_keyword"
    KEYWORD_ONLY = "keyword_only"
