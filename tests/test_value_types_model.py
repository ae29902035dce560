"""model/value_types.py: the evident type of an expression (None when not sure)."""

from __future__ import annotations

import textwrap

import pytest
from astroid import nodes

from flyte_lint.model.value_types import evident_type
from lintutil import lint_result

HEADER = """
import collections
import os
import tempfile
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path

import flyte
import numpy as np
import pandas as pd
from flyte.io import File

env = flyte.TaskEnvironment("demo")


@env.task
def make_int(x: int) -> int:
    return x


@env.task
async def make_list(x: int) -> list[int]:
    return [x]


@env.task
def make_pair(x: int) -> tuple[int, str]:
    return x, "x"


@env.task
def make_optional(x: int) -> int | None:
    return x


@flyte.trace
async def traced(x: int) -> float:
    return 1.0


def helper(x):
    return x
"""


def _types(tmp_path, body: str, asynchronous: bool = True) -> dict[str, str | None]:
    """The evident type (its name and element names) of each `v_<label> = <expr>` in a task body."""
    kind = "async def" if asynchronous else "def"
    source = HEADER + f"\n@env.task\n{kind} probe(n: int, xs: list[int]) -> int:\n"
    source += textwrap.indent(textwrap.dedent(body), "    ") + "    return 0\n"
    analysis = lint_result(tmp_path, source).analysis
    (task,) = [t for t in analysis.tasks if t.func.name == "probe"]
    found = {}
    for assign in task.func.nodes_of_class(nodes.Assign):
        target = assign.targets[0]
        if isinstance(target, nodes.AssignName) and target.name.startswith("v_"):
            found[target.name[2:]] = _render(evident_type(analysis, assign.value))
    return found


def _render(value) -> str | None:
    if value is None:
        return None
    if not value.args:
        return value.name
    return f"{value.name}[{', '.join(_render(a) or '?' for a in value.args)}]"


def test_literals_and_builtins(tmp_path):
    found = _types(
        tmp_path,
        """
        v_int = 0
        v_bool = True
        v_float = 1.5
        v_str = "a"
        v_bytes = b"a"
        v_none = None
        v_fstring = f"{n}/out.txt"
        v_len = len(xs)
        v_int_call = int("3")
        v_float_call = float(n)
        v_str_call = str(n)
        v_bool_call = bool(n)
        v_compare = n > 2
        v_not = not n
        v_neg = -1
        """,
    )
    assert found == {
        "int": "int",
        "bool": "bool",
        "float": "float",
        "str": "str",
        "bytes": "bytes",
        "none": "NoneType",
        "fstring": "str",
        "len": "int",
        "int_call": "int",
        "float_call": "float",
        "str_call": "str",
        "bool_call": "bool",
        "compare": "bool",
        "not": "bool",
        "neg": "int",
    }


def test_arithmetic(tmp_path):
    found = _types(
        tmp_path,
        """
        a = 7
        b = 2.0
        v_floordiv = a // 2
        v_div = a / 2
        v_mixed = a * b
        v_sum = a + 1
        v_param = n * 2
        v_pow = a ** 2
        v_floordiv_float = b // 2
        """,
    )
    # (n is the task's `int` parameter: the engine made it an int; ** of ints may be a float)
    assert found == {
        "floordiv": "int",
        "div": "float",
        "mixed": "float",
        "sum": "int",
        "param": "int",
        "pow": None,
        "floordiv_float": "float",
    }


def test_containers_and_iterators(tmp_path):
    found = _types(
        tmp_path,
        """
        d = {"a": 1}
        v_list = [1, 2]
        v_mixed = [1, 2.0]
        v_set = {1, 2}
        v_dict = {"a": 1.0}
        v_int_keys = {1: "a"}
        v_tuple = (1, "a")
        v_listcomp = [i * 1.0 for i in range(3)]
        v_gen = (i for i in range(3))
        v_setcomp = {i for i in range(3)}
        v_dictcomp = {str(i): i for i in range(3)}
        v_range = range(3)
        v_map = map(str, xs)
        v_filter = filter(None, xs)
        v_zip = zip(xs, xs)
        v_keys = d.keys()
        v_values = d.values()
        v_tuple_call = tuple(xs)
        v_set_call = set(range(3))
        v_list_call = list(range(3))
        v_sorted = sorted(xs)
        v_list_keys = xs.keys()
        """,
    )
    assert found == {
        "list": "list[int]",
        "mixed": "list[?]",
        "set": "set[int]",
        "dict": "dict[str, float]",
        "int_keys": "dict[int, str]",
        "tuple": "tuple[int, str]",
        "listcomp": "list[float]",
        "gen": "generator[int]",
        "setcomp": "set[int]",
        "dictcomp": "dict[str, int]",
        "range": "range[int]",
        "map": "map",
        "filter": "filter",
        "zip": "zip",
        "keys": "dict_keys",
        "values": "dict_values",
        "tuple_call": "tuple",
        "set_call": "set[int]",
        "list_call": "list[int]",
        "sorted": "list[int]",
        "list_keys": None,
    }


def test_paths_collections_and_numpy(tmp_path):
    found = _types(
        tmp_path,
        """
        root = Path("/tmp")
        v_path = Path("/tmp/a")
        v_joined = root / "a.txt"
        v_parent = root.parent
        v_with_suffix = root.with_suffix(".csv")
        v_os_join = os.path.join("/tmp", "a")
        v_mkdtemp = tempfile.mkdtemp()
        v_counter = Counter("ab")
        v_defaultdict = defaultdict(int)
        v_ordered = OrderedDict()
        v_qualified = collections.Counter()
        v_np_sum = np.sum(xs)
        v_np_argmax = np.argmax(xs)
        v_np_any = np.any(xs)
        v_np_axis = np.sum(xs, axis=0)
        v_np_array = np.array(xs)
        v_frame = pd.read_csv("a.csv")
        v_frame_chunks = pd.read_csv("a.csv", chunksize=10)
        v_from_local = File.from_local("a.txt")
        v_awaited_upload = await File.from_local("a.txt")
        v_unknown = helper(1)
        """,
    )
    assert found == {
        "path": "pathlib.Path",
        "joined": "pathlib.Path",
        "parent": "pathlib.Path",
        "with_suffix": "pathlib.Path",
        "os_join": "str",
        "mkdtemp": "str",
        "counter": "collections.Counter",
        "defaultdict": "collections.defaultdict",
        "ordered": "collections.OrderedDict",
        "qualified": "collections.Counter",
        "np_sum": "numpy.number",
        "np_argmax": "numpy.integer",
        "np_any": "numpy.bool_",
        "np_axis": None,
        "np_array": "numpy.ndarray",
        "frame": "pandas.DataFrame",
        "frame_chunks": None,
        "from_local": "coroutine",
        "awaited_upload": "flyte.io.File",
        "unknown": None,
    }


def test_task_and_trace_outputs(tmp_path):
    found = _types(
        tmp_path,
        """
        v_sync_call = make_int(1)
        v_awaited_aio = await make_int.aio(1)
        v_awaited_async = await make_list(1)
        v_async_unawaited = make_list(1)
        v_pair = make_pair(1)
        v_optional = make_optional(1)
        v_traced = await traced(1)
        v_override = await make_int.override(retries=2).aio(1)
        """,
    )
    assert found == {
        "sync_call": "int",
        "awaited_aio": "int",
        "awaited_async": "list[int]",
        "async_unawaited": None,
        "pair": "tuple[int, str]",
        "optional": None,
        "traced": "float",
        "override": "int",
    }


def test_names_bound_once_and_loop_items(tmp_path):
    found = _types(
        tmp_path,
        """
        once = 3
        twice = 1
        twice = 2.5
        augmented = 0
        augmented += 0.5
        branchy = 1
        if n:
            branchy = "a"
        v_once = once
        v_twice = twice
        v_augmented = augmented
        v_branchy = branchy
        for i in range(n):
            v_item = i
        for x in xs:
            v_param_item = x
        v_comprehension = [j for j in range(3)]
        """,
    )
    # (a name bound in two statements is not followed, even when astroid's flow analysis would pick one)
    assert found == {
        "once": "int",
        "twice": None,
        "augmented": None,
        "branchy": None,
        "item": "int",
        "param_item": "int",
        "comprehension": "list[int]",
    }


@pytest.mark.parametrize("asynchronous", [True, False])
def test_a_project_function_shadowing_a_builtin_is_not_the_builtin(tmp_path, asynchronous):
    found = _types(
        tmp_path,
        """
        def len(x):
            return 1.0
        v_shadowed = len(xs)
        """,
        asynchronous,
    )
    assert found == {"shadowed": None}


def test_parameters_of_tasks_and_traces_only(tmp_path):
    source = """
import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def task_params(n: int, ratio: float, names: list[str], maybe: int = None, rebound: int = 0) -> int:
    rebound = rebound + 1
    v_n = n
    v_ratio = ratio
    v_names = names
    v_maybe = maybe
    v_rebound = rebound
    return 0


@flyte.trace
async def trace_params(n: int) -> int:
    v_trace_n = n
    return n


def helper(n: int) -> int:
    v_helper_n = n
    return n
"""
    analysis = lint_result(tmp_path, source).analysis
    found = {}
    for module in analysis.modules:
        for assign in module.tree.nodes_of_class(nodes.Assign):
            target = assign.targets[0]
            if isinstance(target, nodes.AssignName) and target.name.startswith("v_"):
                found[target.name[2:]] = _render(evident_type(analysis, assign.value))
    # (a plain function's parameter may be passed anything; `int = None` may hold None; a rebound one anything)
    assert found == {
        "n": "int",
        "ratio": "float",
        "names": "list[str]",
        "maybe": None,
        "rebound": None,
        "trace_n": "int",
        "helper_n": None,
    }
