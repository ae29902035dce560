"""`flyte-lint migrate`: ``a >> b`` / ``a.runs_before(b)`` and ``create_node(t, ...)`` become plain calls in that
order (awaited one after the other in async code); a ``>>`` stating another order than the code's gets a TODO."""

from __future__ import annotations

from lintutil import write_project
from migrateutil import dedent, migrate, migrated
from sdk_runner import requires_sdk, run_program

NODES = """
import typing

from flytekit import create_node, eager, task, workflow


@task
def t1():
    print("t1")


@task
def t2(x: int) -> int:
    return x + 1


@task
def pair(x: int) -> typing.Tuple[int, int]:
    return x, x * 2


@eager
async def t3(x: int) -> int:
    return x * 3


@workflow
def nodes(x: int) -> int:
    n1 = create_node(t1)
    n2 = create_node(t2, x=x)
    n3 = create_node(pair, x=x)
    # t1 first
    n1 >> n2
    n2.runs_before(n3)
    return t2(x=n2.o0) + n3.o1


@workflow
def inline() -> None:
    t1() >> t2(x=1)


@workflow
def asynchronous(x: int) -> int:
    n1 = create_node(t1)
    n2 = create_node(t3, x=x)
    n1 >> n2
    return t2(x=n2.o0)
"""

NODES_BODIES = dedent(
    """
    @env.task
    def nodes(x: int) -> int:
        t1()
        n2 = t2(x=x)
        n3 = pair(x=x)
        # t1 first
        return t2(x=n2) + n3[1]


    @env.task
    def inline() -> None:
        t1()
        t2(x=1)


    @env.task
    async def asynchronous(x: int) -> int:
        await t1.aio()
        n2 = await t3(x=x)
        return await t2.aio(x=n2)
    """
)


def test_create_node_and_shift_become_calls_in_that_order(tmp_path):
    code, text = migrated(tmp_path, NODES)
    assert code == 0
    assert text.endswith(NODES_BODIES)
    assert "create_node" not in text and ">>" not in text and "flytekit" not in text


def test_a_shift_kept_only_for_order_loses_its_bindings(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, workflow


        @task
        def append(path: str, text: str):
            with open(path, "a") as fh:
                fh.write(text)


        @task
        def read(path: str) -> str:
            with open(path) as fh:
                return fh.read()


        @workflow
        def ordered(path: str) -> str:
            first = append(path=path, text="a")
            second = append(path=path, text="b")
            result = read(path=path)
            first >> second >> result
            return result
        """,
    )
    assert code == 0
    assert text.endswith(
        dedent(
            """
            @env.task
            def ordered(path: str) -> str:
                append(path=path, text="a")
                append(path=path, text="b")
                result = read(path=path)
                return result
            """
        )
    )


def test_a_shift_against_the_code_order_moves_the_calls_into_its_order(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, workflow


        @task
        def t2(x: int) -> int:
            return x + 1


        @task
        def t0():
            print("t0")


        @workflow
        def backwards(x: int) -> int:
            a = t2(x=x)
            b = t2(x=2)
            c = t0()
            b >> a
            c >> b
            return a
        """,
    )
    assert code == 0
    assert text.endswith(
        dedent(
            """
            @env.task
            def backwards(x: int) -> int:
                t0()
                t2(x=2)
                a = t2(x=x)
                return a
            """
        )
    )


def test_a_shift_the_data_contradicts_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, workflow


        @task
        def t2(x: int) -> int:
            return x + 1


        @workflow
        def backwards(x: int) -> int:
            a = t2(x=x)
            b = t2(x=a)
            b >> a
            return b
        """,
    )
    assert code == 1
    assert "    # TODO(flyte-lint migrate): this `>>` orders calls the code does not plainly run in that order" in text
    assert "    b = t2(x=a)\n    # TODO" in text  # still read by the statement left for the author


@requires_sdk
def test_migrated_nodes_run_in_order(tmp_path):
    root = write_project(tmp_path / "project", NODES)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    result = run_program(text, entry="nodes", args={"x": 4})
    assert result.ok, result.summary()
    assert result.output == (5 + 1) + 8
    result = run_program(text, entry="asynchronous", args={"x": 2})
    assert result.ok, result.summary()
    assert result.output == 7


def test_a_shift_outside_tasks_and_workflows_is_left_alone(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task


        class Pipe:
            def __rshift__(self, other):
                print("piped")
                return other


        def connect(a: Pipe, b: Pipe) -> None:
            a >> b


        @task
        def t() -> int:
            return 1
        """,
    )
    assert code == 0
    assert "def connect(a: Pipe, b: Pipe) -> None:\n    a >> b\n" in text


def test_a_call_the_chain_puts_first_moves_up_past_independent_statements(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task, workflow


        @task
        def t0():
            print("t0")


        @task
        def t2(x: int) -> int:
            return x + 1


        @workflow
        def prepared(x: int) -> int:
            a = t2(x=x)
            b = t2(x=3)

            # prepare first
            t0() >> a
            return a + b
        """,
    )
    assert code == 0  # (blank lines stay where they were, comments go with their statement)
    assert text.endswith(
        dedent(
            """
            def prepared(x: int) -> int:
                # prepare first
                t0()
                a = t2(x=x)

                b = t2(x=3)
                return a + b
            """
        )
    )
