"""`flyte-lint migrate`: ``conditional(...).if_(...).then(...).elif_(...).else_().then()/.fail()`` becomes
``if``/``elif``/``else`` and ``raise`` (returned, assigned or run for effect; nested; conditions on inputs and on
task outputs with ``&``/``|``, ``is_true``/``is_false``/``is_none``)."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated
from sdk_runner import requires_sdk, run_program

CLASSIFY = """
from typing import Optional

from flytekit import conditional, task, workflow


@task
def double(n: int) -> int:
    return 2 * n


@task
def negate(n: int) -> int:
    return -n


@task
def maybe(n: int) -> Optional[int]:
    return None if n == 0 else n


@task
def log(msg: str):
    print(msg)


@workflow
def classify(n: int, flag: bool) -> int:
    m = maybe(n=n)
    # pick the branch
    x = (
        conditional("outer")
        .if_(m.is_none())
        .then(double(n=0))
        .elif_((n > 100) | (n < -100) & flag)
        .then(conditional("inner").if_(n > 1000).then(double(n=n)).else_().fail("too big"))
        .else_()
        .then(negate(n=n))
    )
    conditional("noise").if_(flag.is_false()).then(log(msg="quiet")).else_().then(log(msg="loud"))
    return x
"""

CLASSIFY_BODY = dedent(
    """
    @env.task
    def classify(n: int, flag: bool) -> int:
        m = maybe(n=n)
        # pick the branch
        if m is None:
            x = double(n=0)
        elif n > 100 or (n < -100 and flag):
            if n > 1000:
                x = double(n=n)
            else:
                raise ValueError("too big")
        else:
            x = negate(n=n)
        if not flag:
            log(msg="quiet")
        else:
            log(msg="loud")
        return x
    """
)


def test_assigned_nested_and_effect_only_conditionals_become_if_elif_else(tmp_path):
    code, text = migrated(tmp_path, CLASSIFY)
    assert code == 0
    assert text.endswith(CLASSIFY_BODY)
    assert "conditional" not in text and "flytekit" not in text


def test_returned_conditional_on_a_task_output_in_async_code(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import conditional, eager, task, workflow


        @task
        def is_even(n: int) -> bool:
            return n % 2 == 0


        @task
        def half(n: int) -> int:
            return n // 2


        @eager
        async def inc(n: int) -> int:
            return n + 1


        @workflow
        def step(n: int) -> int:
            even = is_even(n=n)
            return conditional("step").if_(even.is_true()).then(half(n=n)).else_().then(inc(n=n))
        """,
    )
    assert code == 0
    assert text.endswith(
        dedent(
            """
            @env.task
            async def step(n: int) -> int:
                even = await is_even.aio(n=n)
                if even:
                    return await half.aio(n=n)
                else:
                    return await inc(n=n)
            """
        )
    )


def test_a_conditional_inside_another_expression_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import conditional, task, workflow


        @task
        def double(n: int) -> int:
            return 2 * n


        @workflow
        def inside(n: int) -> int:
            return double(n=conditional("a").if_(n == 1).then(double(n=n)).else_().then(double(n=3)))
        """,
    )
    assert code == 1
    assert "    # TODO(flyte-lint migrate): this `conditional(...)` was not migrated: write it as if/elif/else" in text


ECHO = """
from flytekit import conditional, task, workflow
from flytekit.core.task import Echo


@task
def toss(seed: int) -> bool:
    return seed % 2 == 0


@task
def area(radius: float) -> float:
    return 3.0 * radius * radius


# a no-op branch: echo passes its input through
echo = Echo(name="echo", inputs={"radius": float})


@workflow
def noop(radius: float, seed: int = 5) -> float:
    heads = toss(seed=seed)
    return conditional("noop").if_(heads.is_true()).then(area(radius=radius)).else_().then(echo(radius=radius))
"""


def test_an_echo_branch_becomes_the_value_it_passes_through(tmp_path):
    code, text = migrated(tmp_path, ECHO)
    assert code == 0
    assert "Echo" not in text and "flytekit" not in text and "echo =" not in text
    assert "# a no-op branch: echo passes its input through\n\n\n@env.task\ndef noop(" in text
    assert text.endswith(
        dedent(
            """
            def noop(radius: float, seed: int = 5) -> float:
                heads = toss(seed=seed)
                if heads:
                    return area(radius=radius)
                else:
                    return radius
            """
        )
    )


@requires_sdk
def test_migrated_conditionals_take_the_branch_flyte_1_took(tmp_path):
    root = write_project(tmp_path / "project", CLASSIFY)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    for args, expected in (
        ({"n": 0, "flag": True}, 0),
        ({"n": 5, "flag": True}, -5),
        ({"n": -500, "flag": False}, 500),  # `(n > 100) | ((n < -100) & flag)`: neither holds
    ):
        result = run_program(text, entry="classify", args=args)
        assert result.ok, result.summary()
        assert result.output == expected, args
    failed = run_program(text, entry="classify", args={"n": 500, "flag": False})
    assert not failed.ok
    assert "too big" in failed.summary()


@requires_sdk
def test_migrated_echo_branch_runs(tmp_path):
    root = write_project(tmp_path / "project", ECHO)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    for seed, expected in ((4, 12.0), (5, 2.0)):
        result = run_program(text, entry="noop", args={"radius": 2.0, "seed": seed})
        assert result.ok, result.summary()
        assert result.output == expected
