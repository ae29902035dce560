"""FLY111's cases beyond its documented example (reserved_parameter_name.py): async tasks, keyword-only and
defaulted parameters, aliases, `env.task(fn)`, tasks in another module; and the look-alikes it stays quiet on."""

from __future__ import annotations

from flyte_lint.rules.base import Case

MORE_INVALID = [
    Case(
        """
        import flyte as fl
        from flyte import TaskEnvironment as TE

        env = fl.TaskEnvironment("demo")
        other = TE("other")

        @env.task
        async def tag(x: int, custom_context: str) -> str:  # expect: FLY111
            return custom_context

        @other.task(retries=2)
        def keyword_only(
            x: int,
            *,
            custom_context: str,  # expect: FLY111
        ) -> str:
            return custom_context

        def plain(custom_context: str) -> str:  # expect: FLY111
            return custom_context

        wrapped = env.task(plain)
        """,
        name="async-keyword-only-aliases-and-env-task-call",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def tagd(x: int, custom_context: dict[str, str] = {}) -> str:  # expect: FLY111
            return str(custom_context)
        """,
        message="task 'demo.tagd' has a parameter named `custom_context`, which the SDK takes as the run's context: "
        "passing it by keyword, or starting a run with named inputs, hands the value to the SDK as the context: the "
        "task gets its default (a value that is no mapping of strings fails). Give the parameter another name",
        name="defaulted-parameter",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def describe(interface: str, x: int) -> str:  # expect: FLY111
            return interface

        @env.task
        async def submit(_task: str, x: int = 0) -> str:  # expect: FLY111
            return _task
        """,
        name="names-the-sdk-call-takes",
    ),
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def describe(interface: str, x: int) -> str:  # expect: FLY111
            return interface
        """,
        message="task 'demo.describe' has a parameter named `interface`, which the SDK's own call of the task takes "
        'for itself: passing it by keyword, or starting a run with named inputs, fails (TypeError: "got multiple '
        "values for argument 'interface'\"). Give the parameter another name",
        name="interface-message",
    ),
    Case(
        """
        # file: pkg/__init__.py
        # file: pkg/steps.py
        def label(custom_context: str, x: int) -> str:  # (a file that never names the SDK is not analysed)
            return f"{custom_context}:{x}"
        # file: pkg/tasks.py
        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        def tag(custom_context: str) -> str:  # expect: FLY111
            return custom_context
        # file: main.py
        import flyte
        from pkg.steps import label
        from pkg.tasks import tag

        env = flyte.TaskEnvironment("main")
        label_task = env.task(label)  # expect: FLY111

        @env.task
        def main() -> str:
            return tag("a") + label_task("b", 1)
        """,
        name="tasks-in-other-modules",
    ),
]

MORE_INVALID.append(
    Case(
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        async def fetch(interface: str, x: int) -> str:  # expect: FLY111
            return interface

        @flyte.trace
        def lookup(_func: str, _interface: str = "") -> str:  # expect: FLY111, FLY111
            return _func

        @flyte.trace
        async def tag(custom_context: str) -> str:  # expect: FLY111
            return custom_context

        @flyte.trace
        async def fine(x: int, custom_context: dict[str, str] = {}, iface: str = "", func: str = "") -> str:
            return iface

        @env.task
        async def main(x: int) -> str:
            return await fetch(interface="a", x=x)
        """,
        name="traced-functions",
    )
)

MORE_VALID = [
    Case(
        """
        import flyte
        from mylib import env as other_env

        env = flyte.TaskEnvironment("demo")

        def helper(custom_context: dict) -> str:
            return str(custom_context)

        @other_env.task
        def lookalike(custom_context: str) -> str:
            return custom_context

        class Step:
            def run(self, custom_context: str) -> str:
                return custom_context

        @env.task
        def main(x: int, context: str = "", custom_ctx: str = "", native_interface: str = "") -> str:
            with flyte.custom_context(project="p"):
                ctx = flyte.get_custom_context()
            return helper(custom_context=ctx) + context + custom_ctx
        """,
        name="not-a-task-parameter",
    ),
]
