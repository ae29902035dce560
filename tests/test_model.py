"""The analysis model: which names mean flyte, which environments and tasks exist, and which calls invoke
tasks, whatever the import style and across modules.

Each test writes a small project, builds the model the way a lint run does, and checks the model objects
themselves (and, where it matters, that a lint run stays quiet or reports the exact finding).
"""

from __future__ import annotations

import ast
import contextlib
import textwrap
from pathlib import Path

import pytest
from astroid import nodes

from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from flyte_lint.model import builder
from flyte_lint.model.analysis import Analysis, build_analysis, walk
from flyte_lint.model.arguments import argument, is_static, keyword_argument
from flyte_lint.model.constants import MISSING, static_value
from flyte_lint.model.entities import Env, Task
from flyte_lint.model.kinds import CallForm, EnvOrigin, ImageKind, ParamKind, RootReason
from flyte_lint.model.names import bindings_of, is_builtin, rebinds_same_variable
from flyte_lint.model.project import Project
from flyte_lint.model.source import one_line_source, parse_module, rendered, short, short_source, source_text
from flyte_lint.model.suggest import closest, did_you_mean
from flyte_lint.model.values import (
    UNKNOWN,
    ClassRef,
    EnvRef,
    External,
    FunctionRef,
    Instance,
    ModuleRef,
    PartialRef,
    RemoteTaskRef,
    TaskRef,
)
from lintutil import lint, lint_result, run_cli, write_project

# -- helpers -------------------------------------------------------------------------------------------


def analyse(tmp_path, source) -> Analysis:
    result = lint_result(tmp_path, source)
    assert result.analysis is not None
    return result.analysis


def module_tree(analysis: Analysis, name: str) -> nodes.Module:
    for module in analysis.modules:
        if module.name == name:
            return module.tree
    raise AssertionError(f"no module {name!r} in {[m.name for m in analysis.modules]}")


def find(analysis: Analysis, text: str, module: str = "main", line: int | None = None) -> nodes.NodeNG:
    """The first expression in ``module`` whose source text is ``text`` (on ``line``, if given)."""
    for node in walk(module_tree(analysis, module)):
        if (
            isinstance(node, (nodes.Name, nodes.Attribute, nodes.Call))
            and node.as_string() == text
            and (line is None or node.lineno == line)
        ):
            return node
    raise AssertionError(f"{text!r} not found in {module}")


def value(analysis: Analysis, text: str, module: str = "main", line: int | None = None):
    return analysis.resolver.value_of(find(analysis, text, module, line))


def env_names(analysis: Analysis) -> list[str]:
    return [e.label for e in analysis.envs]


def task_names(analysis: Analysis) -> list[str]:
    return sorted(t.name for t in analysis.tasks)


def task(analysis: Analysis, name: str) -> Task:
    found = [t for t in analysis.tasks if t.name == name]
    assert len(found) == 1, (name, task_names(analysis))
    return found[0]


def env(analysis: Analysis, name: str) -> Env:
    found = [e for e in analysis.envs if e.name == name]
    assert len(found) == 1, (name, env_names(analysis))
    return found[0]


def site_rows(analysis: Analysis) -> list[tuple]:
    """(module, line, form, task name or None, via_aio, overridden, enclosing function name) of each site."""
    return sorted(
        (
            s.module.name,
            s.node.lineno,
            s.form,
            s.task.name if s.task else None,
            s.via_aio,
            s.overridden,
            s.function.name if s.function is not None else None,
        )
        for s in analysis.call_sites
    )


def deps(analysis: Analysis, env_name: str) -> list[str | None]:
    return [d.label if d is not None else None for _, d in analysis.declared_dependencies(env(analysis, env_name))]


TASK_BODY = """
@{env}.task
def square(x: int) -> int:
    return x * x
"""

# -- which names mean flyte ----------------------------------------------------------------------------

IMPORT_STYLES = {
    "import": ("import flyte", "flyte.TaskEnvironment"),
    "import_as": ("import flyte as fl", "fl.TaskEnvironment"),
    "from_import": ("from flyte import TaskEnvironment", "TaskEnvironment"),
    "from_import_as": ("from flyte import TaskEnvironment as TE", "TE"),
    "star": ("from flyte import *", "TaskEnvironment"),
    "function_level_import": ("def make():\n    import flyte as f\n    return f.TaskEnvironment", None),
}


@pytest.mark.parametrize("style", [k for k, v in IMPORT_STYLES.items() if v[1]])
def test_task_environment_is_recognised_in_every_import_style(tmp_path, style):
    header, ctor = IMPORT_STYLES[style]
    a = analyse(tmp_path, f'{header}\n\nenv = {ctor}("demo")\n' + TASK_BODY.format(env="env"))
    assert env_names(a) == ["demo"]
    assert task_names(a) == ["demo.square"]
    (e,) = a.envs
    assert e.origin == "constructor" and e.node.lineno == 3 and e.module.name == "main"


@pytest.mark.parametrize(
    "header, expr, path",
    [
        ("import flyte", "flyte.map", "flyte.map"),
        ("import flyte as fl", "fl.map", "flyte.map"),
        ("import flyte as fl", "fl.run", "flyte.run"),
        ("from flyte import map as fmap", "fmap", "flyte.map"),
        ("from flyte import *", "map", "flyte.map"),
        ("from flyte import *", "Resources", "flyte.Resources"),
        ("from flyte import *", "trace", "flyte.trace"),
        ("from flyte import remote", "remote.Task", "flyte.remote.Task"),
        ("import flyte.remote", "flyte.remote.Task", "flyte.remote.Task"),
        ("import flyte.remote as fr", "fr.Task", "flyte.remote.Task"),
        ("from flyte.remote import Task", "Task", "flyte.remote.Task"),
        ("from flyte.remote import Task as RT", "RT", "flyte.remote.Task"),
        ("from flyte import io", "io.File", "flyte.io.File"),
        ("import functools", "functools.partial", "functools.partial"),
        ("from functools import partial", "partial", "functools.partial"),
        ("import asyncio", "asyncio.gather", "asyncio.gather"),
    ],
)
def test_external_names_resolve_to_their_dotted_path(tmp_path, header, expr, path):
    a = analyse(tmp_path, f"import flyte\n{header}\n\nx = {expr}\n")
    assert value(a, expr, line=4) == External(path)


def test_flyte_builtin_shadowing_names_are_builtins_without_a_flyte_import(tmp_path):
    a = analyse(tmp_path, "import flyte\n\nx = map\ny = list\n")
    assert value(a, "map") == External("builtins.map")
    assert value(a, "list") == External("builtins.list")


def test_star_import_only_brings_public_flyte_names(tmp_path):
    # `remote` is not in flyte.__all__: after `from flyte import *` the name is not bound.
    a = analyse(tmp_path, "from flyte import *\n\nx = remote\ny = TaskEnvironment\n")
    assert value(a, "remote") is UNKNOWN
    assert value(a, "TaskEnvironment") == External("flyte.TaskEnvironment")


@pytest.mark.parametrize(
    "header, get",
    [
        ("import flyte", "flyte.remote.Task.get"),
        ("import flyte.remote", "flyte.remote.Task.get"),
        ("from flyte import remote", "remote.Task.get"),
        ("import flyte.remote as fr", "fr.Task.get"),
        ("from flyte.remote import Task", "Task.get"),
    ],
)
def test_remote_task_reference_in_every_import_style(tmp_path, header, get):
    a = analyse(tmp_path, f'{header}\n\nref = {get}("proj.wf", auto_version="latest")\nuse = ref\n')
    ref = value(a, "ref", line=4)
    assert isinstance(ref, RemoteTaskRef)
    assert ref.name == "proj.wf"


def test_local_class_named_task_environment_is_not_flyte(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        class TaskEnvironment:
            def __init__(self, name):
                self.name = name

            def task(self, fn):
                return fn

        env = TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        async def main(x: int) -> int:
            return await square(x)
        """,
    )
    assert a.envs == []
    assert a.tasks == []
    assert isinstance(value(a, "TaskEnvironment", line=10), ClassRef)
    assert isinstance(value(a, "square", line=17), FunctionRef)
    assert a.call_sites == []


def test_local_class_shadows_a_star_import_from_flyte(tmp_path):
    found = lint(
        tmp_path,
        """
        from flyte import *

        class Resources:
            def __init__(self, **kwargs):
                self.kwargs = kwargs

        r = Resources(mem="1Gi")
        """,
    )
    assert found == []


def test_local_function_named_map_is_not_flyte_map(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def map(fn, items):
            return [fn(i) for i in items]

        @env.task
        async def main() -> list[int]:
            map(lambda i: i, [1, 2])
            return map(str, [1])
        """
    a = analyse(tmp_path, source)
    assert isinstance(value(a, "map", line=10), FunctionRef)
    assert a.call_sites == []
    assert lint(tmp_path / "again", source) == []


def test_local_function_named_resources_is_not_flyte(tmp_path):
    assert (
        lint(
            tmp_path,
            """
        import flyte

        def Resources(**kwargs):
            return kwargs

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(memory="1Gi"))
        r = Resources(mem="1Gi")
        """,
        )
        == []
    )


def test_flytekit_resources_mem_is_not_flagged(tmp_path):
    source = """
        import flytekit
        from flytekit import Resources

        a = flytekit.Resources(mem="1Gi")
        b = Resources(mem="1Gi", cpu="1")
        """
    a = analyse(tmp_path, source)
    assert value(a, "flytekit.Resources") == External("flytekit.Resources")
    assert not External("flytekit.Resources").is_flyte
    # (Flyte 1 code: only the migration rules have something to say about it.)
    assert lint(tmp_path / "again", source, select=["FLY1", "FLY2", "FLY3", "FLY4"]) == []


def test_flyte_resources_mem_is_flagged_in_every_import_style(tmp_path):
    found = lint(
        tmp_path,
        """
        import flyte
        import flyte as fl
        from flyte import Resources as R

        a = flyte.Resources(mem="1Gi")
        b = fl.Resources(mem="1Gi")
        c = R(mem="1Gi")
        """,
    )
    assert found == [("FLY301", 5, "main.py"), ("FLY301", 6, "main.py"), ("FLY301", 7, "main.py")]


def test_parameter_named_like_an_env_is_unknown(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def make(env):
            @env.task
            def inner(x: int) -> int:
                return x
            return inner
        """,
    )
    assert a.tasks == []
    assert value(a, "env.task", line=6) is UNKNOWN


def test_a_def_header_is_resolved_in_the_enclosing_scope_and_its_body_in_its_own(tmp_path):
    # `helper` binds `inner` once (a parameter), but its default is evaluated outside: the task. In the body,
    # `inner` is the parameter, and `t` the single local binding of the task.
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("e")

        @env.task
        async def inner(x: int) -> int:
            return x

        def helper(inner=inner):
            return inner

        @env.task
        async def outer(x: int) -> int:
            t = inner
            return await t(x)
        """,
    )
    assert isinstance(value(a, "inner", line=9), TaskRef)  # the default
    assert value(a, "inner", line=10) is UNKNOWN  # `return inner`: the parameter
    assert [(s.task.name, s.form) for s in a.call_sites] == [("e.inner", "call")]


def test_conflicting_bindings_resolve_to_unknown(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte
        import os

        if os.environ.get("GPU"):
            env = flyte.TaskEnvironment("gpu")
        else:
            env = flyte.TaskEnvironment("cpu")

        @env.task
        def square(x: int) -> int:
            return x * x
        """,
    )
    assert env_names(a) == ["gpu", "cpu"]
    assert a.tasks == []  # which env owns it is not static: nothing is guessed


# -- environments ----------------------------------------------------------------------------------------


def test_env_name_positional_keyword_and_dynamic(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        cfg = {"name": "x"}
        a = flyte.TaskEnvironment("pos")
        b = flyte.TaskEnvironment(name="kw", image="auto")
        c = flyte.TaskEnvironment(f"dyn-{1}")
        d = flyte.TaskEnvironment(**cfg)
        """,
    )
    assert [(e.name, e.node.lineno) for e in a.envs] == [("pos", 4), ("kw", 5), (None, 6), (None, 7)]
    assert a.envs[2].label == "<dynamic name>"
    assert isinstance(a.envs[0].name_node, nodes.Const)


def test_clone_with_inherits_depends_on_unless_given(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        base = flyte.TaskEnvironment("base")
        other = flyte.TaskEnvironment("other")
        env = flyte.TaskEnvironment("main", depends_on=[base])
        clone = env.clone_with(name="clone")
        clone_pos = env.clone_with("clone-pos", image="auto")
        clone_own = env.clone_with(name="clone-own", depends_on=[other])
        clone_none = env.clone_with(name="clone-none", depends_on=[])
        grandchild = clone.clone_with(name="grandchild")
        """,
    )
    assert env_names(a) == ["base", "other", "main", "clone", "clone-pos", "clone-own", "clone-none", "grandchild"]
    assert env(a, "clone").origin == "clone_with"
    assert env(a, "clone").parent is env(a, "main")
    assert env(a, "grandchild").parent is env(a, "clone")
    assert deps(a, "main") == ["base"]
    assert deps(a, "clone") == ["base"]
    assert deps(a, "clone-pos") == ["base"]
    assert deps(a, "clone-own") == ["other"]
    assert deps(a, "clone-none") == []
    assert deps(a, "grandchild") == ["base"]
    assert a.depends_on(env(a, "grandchild"), env(a, "base"))
    assert not a.depends_on(env(a, "clone-none"), env(a, "base"))
    assert all(a.dependencies_known(e) for e in a.envs)


def test_clone_with_keeps_task_names_under_the_clone(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("main")
        gpu = env.clone_with(name="gpu")

        @gpu.task
        def train(x: int) -> int:
            return x
        """,
    )
    assert task_names(a) == ["gpu.train"]
    assert task(a, "gpu.train").env is env(a, "gpu")


def test_from_task_makes_an_env_with_its_depends_on(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte
        from flyte import TaskEnvironment

        base = flyte.TaskEnvironment("base")
        t = object()
        ft = flyte.TaskEnvironment.from_task("from-task", t, depends_on=[base])
        ft2 = TaskEnvironment.from_task("from-task-2", t)
        """,
    )
    assert env_names(a) == ["base", "from-task", "from-task-2"]
    assert env(a, "from-task").origin == "from_task"
    assert deps(a, "from-task") == ["base"]
    assert deps(a, "from-task-2") == []
    assert value(a, "flyte.TaskEnvironment.from_task") == External("flyte.TaskEnvironment.from_task")


def test_depends_on_that_is_not_a_literal_list_is_unknown(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        base = flyte.TaskEnvironment("base")
        envs = [base]
        a = flyte.TaskEnvironment("a", depends_on=envs)
        b = flyte.TaskEnvironment("b", depends_on=[base, *envs])
        c = flyte.TaskEnvironment("c", depends_on=[make_env()])
        d = flyte.TaskEnvironment("d", depends_on=None)
        """,
    )
    assert not a.dependencies_known(env(a, "a"))
    assert not a.dependencies_known(env(a, "b"))
    assert not a.dependencies_known(env(a, "c"))  # an element that does not resolve to an env
    assert deps(a, "c") == [None]
    assert a.dependencies_known(env(a, "d")) and deps(a, "d") == []


def test_add_dependency_in_a_deploy_script_is_an_env_dependency(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: envs.py
        import flyte

        gpu = flyte.TaskEnvironment("gpu")
        cpu = flyte.TaskEnvironment("cpu")
        driver = flyte.TaskEnvironment("driver")
        # file: deploy.py
        import flyte
        from envs import gpu, cpu
        import envs

        envs.driver.add_dependency(gpu, cpu)

        if __name__ == "__main__":
            flyte.deploy(envs.driver)
        """,
    )
    driver = env(a, "driver")
    assert deps(a, "driver") == ["gpu", "cpu"]
    declared_at = [(node.root().name, node.lineno) for node, _ in a.declared_dependencies(driver)]
    assert declared_at == [("deploy", 5), ("deploy", 5)]
    assert a.depends_on(driver, env(a, "gpu")) and a.depends_on(driver, env(a, "cpu"))
    assert not a.depends_on(env(a, "gpu"), driver)
    assert a.dependency_graph.has_edge(driver, env(a, "gpu"))


def test_add_dependency_with_star_args_makes_dependencies_unknown(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b")
        a.add_dependency(*[b])
        """,
    )
    assert not a.dependencies_known(env(a, "a"))
    assert a.dependencies_known(env(a, "b"))


# -- tasks -------------------------------------------------------------------------------------------------


def test_task_forms_and_names(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def plain(x: int) -> int:
            return x

        @env.task(retries=3, cache="auto")
        async def with_options(x: int) -> int:
            return x

        @env.task()
        def empty_parens(x: int) -> int:
            return x

        def wrapped_fn(x: int) -> int:
            return x

        wrapped = env.task(wrapped_fn)
        wrapped_opts = env.task(retries=2)(wrapped_fn)

        def not_a_task(x: int) -> int:
            return x
        """,
    )
    assert task_names(a) == [
        "demo.empty_parens",
        "demo.plain",
        "demo.with_options",
        "demo.wrapped_fn",
        "demo.wrapped_fn",
    ]
    assert task(a, "demo.plain").options is None and not task(a, "demo.plain").is_async
    opts = task(a, "demo.with_options")
    assert opts.is_async and isinstance(opts.options, nodes.Call) and opts.options.lineno == 9
    assert task(a, "demo.empty_parens").options is not None
    assert all(t.env is a.envs[0] and t.module.name == "main" for t in a.tasks)
    w = value(a, "env.task(wrapped_fn)")
    assert isinstance(w, TaskRef) and w.task.func.name == "wrapped_fn" and w.task.decorator.lineno == 20
    w2 = value(a, "env.task(retries=2)(wrapped_fn)")
    assert isinstance(w2, TaskRef) and w2.task is not w.task and w2.task.options.lineno == 21
    plain_fn = [f for f in a.functions if f.name == "not_a_task"][0]
    assert a.resolver.function_value(plain_fn) == FunctionRef(plain_fn)


def test_task_signature(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def t(a: int, /, b: int, c: int = 1, *args, d: int, e: int = 2, **kw) -> int:
            return a
        """,
    )
    sig = task(a, "demo.t").signature
    assert [(p.name, p.kind, p.required) for p in sig.params] == [
        ("a", "positional_only", True),
        ("b", "positional_or_keyword", True),
        ("c", "positional_or_keyword", False),
        ("d", "keyword_only", True),
        ("e", "keyword_only", False),
    ]
    assert sig.var_positional and sig.var_keyword
    assert sig.get("a") is None and sig.get("d").required


def test_task_stacked_with_other_decorators(tmp_path):
    a = analyse(
        tmp_path,
        """
        import functools
        import flyte

        env = flyte.TaskEnvironment("demo")

        def logged(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper

        @env.task
        @logged
        def under_wrapper(x: int) -> int:
            return x

        @env.task
        @flyte.trace
        async def trace_below(x: int) -> int:
            return x

        @flyte.trace
        @env.task
        async def trace_above(x: int) -> int:
            return x

        @flyte.trace
        async def traced_helper(x: int) -> int:
            return x

        @env.task(retries=1)
        @functools.lru_cache
        def under_cache(x: int) -> int:
            return x
        """,
    )
    assert task_names(a) == ["demo.trace_above", "demo.trace_below", "demo.under_cache", "demo.under_wrapper"]
    assert not task(a, "demo.trace_below").traced  # @env.task on top of @flyte.trace works
    assert task(a, "demo.trace_above").traced  # @flyte.trace on top of a task fails at call time
    assert task(a, "demo.trace_below").is_async
    fn = [f for f in a.functions if f.name == "traced_helper"][0]
    ref = a.resolver.function_value(fn)
    assert isinstance(ref, FunctionRef) and ref.traced
    # the inner `wrapper` of the decorator is a plain function, not a task
    inner = [f for f in a.functions if f.name == "wrapper"][0]
    assert a.resolver.function_value(inner) == FunctionRef(inner)


def test_task_of_env_from_another_module(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: shared.py
        import flyte

        env = flyte.TaskEnvironment("shared")
        # file: pkg/__init__.py
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("pkg-env")
        # file: main.py
        import shared
        import pkg.envs
        from pkg import envs
        from pkg.envs import env as pe

        @shared.env.task
        def one(x: int) -> int:
            return x

        @shared.env.task(retries=2)
        async def two(x: int) -> int:
            return x

        @pkg.envs.env.task
        def three(x: int) -> int:
            return x

        @envs.env.task
        def four(x: int) -> int:
            return x

        @pe.task
        def five(x: int) -> int:
            return x
        """,
    )
    assert task_names(a) == ["pkg-env.five", "pkg-env.four", "pkg-env.three", "shared.one", "shared.two"]
    assert task(a, "shared.one").env.module.name == "shared"
    assert task(a, "shared.one").module.name == "main"
    assert task(a, "pkg-env.three").env is task(a, "pkg-env.five").env
    assert env_names(a).count("pkg-env") == 1


# -- call sites --------------------------------------------------------------------------------------------


def test_call_site_forms(tmp_path):
    a = analyse(
        tmp_path,
        """
        import functools
        from functools import partial
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")
        ref = remote.Task.get("proj.wf", auto_version="latest")

        @env.task
        def s(x: int) -> int:
            return x

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            y = s.forward(x)
            y += await s.aio(x)
            y += await a(x)
            y += await a.override(retries=3)(x)
            y += await s.override(retries=3).aio(x)
            fast = a.override(cache="auto")
            y += await fast(x)
            y += await partial(a, x=1)()
            p = functools.partial(a, 1)
            y += await p()
            y += await ref(x=1)
            y += await ref.aio(x=1)
            y += sum(flyte.map(s, [1, 2]))
            async for r in flyte.map.aio(functools.partial(a), [1]):
                y += r
            return y
        """,
    )
    rows = site_rows(a)
    assert rows == [
        ("main", 19, "forward", "demo.s", False, False, "main"),
        ("main", 20, "aio", "demo.s", True, False, "main"),
        ("main", 21, "call", "demo.a", False, False, "main"),
        ("main", 22, "override", "demo.a", False, True, "main"),
        ("main", 23, "aio", "demo.s", True, True, "main"),
        ("main", 25, "override", "demo.a", False, True, "main"),
        ("main", 26, "partial", "demo.a", False, False, "main"),
        ("main", 28, "partial", "demo.a", False, False, "main"),
        ("main", 29, "remote", None, False, False, "main"),
        ("main", 30, "remote", None, True, False, "main"),
        ("main", 31, "map", "demo.s", False, False, "main"),
        ("main", 32, "map_aio", "demo.a", False, False, "main"),
    ]
    by_line = {s.node.lineno: s for s in a.call_sites}
    assert by_line[20].awaited and not by_line[19].awaited
    assert [ln for ln, s in sorted(by_line.items()) if s.makes_coroutine] == [20, 21, 22, 23, 25, 26, 28, 29, 30]
    assert isinstance(by_line[26].callee, PartialRef)
    assert isinstance(by_line[29].callee, RemoteTaskRef) and by_line[29].callee.name == "proj.wf"


def test_forward_of_async_task_makes_a_coroutine(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        async def local(x: int) -> int:
            return await a.forward(x)
        """,
    )
    (site,) = a.call_sites
    assert site.form == "forward" and site.makes_coroutine and site.awaited


def test_call_sites_across_modules_and_import_styles(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: pkg/__init__.py
        from .tasks import *
        from .more import helper_task as ht
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("shared")
        # file: pkg/tasks.py
        from .envs import env

        @env.task
        def t1(x: int) -> int:
            return x

        @env.task
        async def t3(x: int) -> int:
            return x
        # file: pkg/more.py
        from pkg.envs import env

        @env.task
        def helper_task(x: int) -> int:
            return x
        # file: pkg/sub/__init__.py
        # file: pkg/sub/deep.py
        from ..tasks import t1
        from .. import more
        # file: app/main.py
        import pkg
        import pkg.tasks
        import pkg.envs as pe
        from pkg import tasks as tk
        from pkg.tasks import t1 as first
        from pkg.sub.deep import t1 as deep_t1
        from pkg.sub import deep
        import sibling
        from sibling import st

        env = pe.env.clone_with(name="app", depends_on=[pe.env, sibling.env])
        alias = first
        alias2 = alias

        @env.task
        async def main(x: int) -> int:
            a = await pkg.t1.aio(x)
            b = await pkg.tasks.t1.aio(x)
            c = await tk.t1.aio(x)
            d = await first.aio(x)
            e = await deep_t1.aio(x)
            f = await deep.more.helper_task.aio(x)
            g = await pkg.ht.aio(x)
            h = await sibling.st.aio(x)
            i = await st.aio(x)
            j = await pkg.t3(x)
            k = await alias2.aio(x)
            return a + b + c + d + e + f + g + h + i + j + k
        # file: app/sibling.py
        import flyte

        env = flyte.TaskEnvironment("sib")

        @env.task
        def st(x: int) -> int:
            return x
        """,
    )
    rows = [(r[0], r[1], r[3]) for r in site_rows(a)]
    assert rows == [
        ("app.main", 17, "shared.t1"),
        ("app.main", 18, "shared.t1"),
        ("app.main", 19, "shared.t1"),
        ("app.main", 20, "shared.t1"),
        ("app.main", 21, "shared.t1"),
        ("app.main", 22, "shared.helper_task"),
        ("app.main", 23, "shared.helper_task"),
        ("app.main", 24, "sib.st"),
        ("app.main", 25, "sib.st"),
        ("app.main", 26, "shared.t3"),
        ("app.main", 27, "shared.t1"),
    ]
    assert task(a, "shared.t1").module.name == "pkg.tasks"
    assert task(a, "sib.st").module.name == "app.sibling"
    # every call is inside `main` and the app env depends on both callee envs: the whole project is clean
    assert (
        lint(tmp_path / "again", {m.path.relative_to(tmp_path / "project").as_posix(): m.text for m in a.modules}) == []
    )


def test_sibling_module_is_found_when_linting_a_single_file(tmp_path):
    files = {
        "flows/main.py": (
            "import flyte\nfrom helpers import child\n\nenv = flyte.TaskEnvironment('main')\n\n"
            "@env.task\nasync def main(x: int) -> int:\n    return await child(x)\n"
        ),
        "flows/helpers.py": (
            "import flyte\n\nenv = flyte.TaskEnvironment('helpers', image=flyte.Image.from_debian_base().with_pip_packages('x'))\n\n"
            "@env.task\ndef child(x: int) -> int:\n    return x\n"
        ),
    }
    found = lint(tmp_path, files, paths=["flows/main.py"])
    assert found == [("FLY101", 8, "flows/main.py"), ("FLY401", 8, "flows/main.py")]


def test_star_reexport_chain(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: lib/__init__.py
        from .x import *
        # file: lib/x.py
        from .y import *
        # file: lib/y.py
        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        def ty(x: int) -> int:
            return x

        def _private(x: int) -> int:
            return x
        # file: main.py
        import lib
        from lib import ty

        async def use(x: int) -> int:
            return await lib.ty.aio(x) + await ty.aio(x)
        """,
    )
    assert [(r[1], r[3]) for r in site_rows(a)] == [(5, "lib.ty"), (5, "lib.ty")]


def test_underscore_names_are_not_star_exported(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: lib.py
        import flyte

        env = flyte.TaskEnvironment("lib")

        @env.task
        def _hidden(x: int) -> int:
            return x
        # file: main.py
        from lib import *

        def use(x: int) -> int:
            return _hidden(x)
        """,
    )
    assert a.call_sites == []


def test_circular_imports_resolve(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: a.py
        import flyte
        import b

        env = flyte.TaskEnvironment("a", depends_on=[b.env])

        @env.task
        async def ta(x: int) -> int:
            return await b.tb.aio(x)
        # file: b.py
        import flyte
        import a

        env = flyte.TaskEnvironment("b")

        @env.task
        def tb(x: int) -> int:
            return x

        @env.task
        async def tc(x: int) -> int:
            return await a.ta(x)
        """,
    )
    assert [(r[0], r[1], r[3]) for r in site_rows(a)] == [("a", 8, "b.tb"), ("b", 12, "a.ta")]
    assert deps(a, "a") == ["b"]


def test_task_reassigned_in_another_branch_is_not_guessed(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte
        import random

        env = flyte.TaskEnvironment("demo")

        @env.task
        def s(x: int) -> int:
            return x

        if random.random() > 0.5:
            pick = s
        else:
            pick = print

        async def use(x: int):
            return await pick(x)
        """,
    )
    assert a.call_sites == []


# -- task context ------------------------------------------------------------------------------------------


def test_context_tasks_follow_nested_defs_and_helpers_across_modules(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: helpers.py
        import flyte

        async def deep(x):
            return x

        async def helper(x):
            return await deep(x)

        async def orphan(x):
            return x
        # file: main.py
        import flyte
        from helpers import helper

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def one(x: int) -> int:
            async def nested():
                return x
            return await helper(x) + await nested()

        @env.task
        def two(x: int) -> int:
            return 1

        async def script():
            return await helper(1)
        """,
    )
    fn = {f.name: f for f in a.functions}
    assert {t.name for t in a.context_tasks(fn["deep"])} == {"demo.one"}
    assert {t.name for t in a.context_tasks(fn["nested"])} == {"demo.one"}
    assert {t.name for t in a.context_tasks(fn["one"])} == {"demo.one"}
    assert a.context_tasks(fn["orphan"]) == set()
    assert a.in_task_context(fn["helper"])
    assert not a.in_task_context(fn["script"])
    assert not a.in_task_context(None)


def test_model_built_directly_from_project(tmp_path):
    root = write_project(
        tmp_path / "project",
        """
        # file: envs.py
        import flyte

        env = flyte.TaskEnvironment("direct")
        # file: tasks.py
        from envs import env

        @env.task
        def t(x: int) -> int:
            return x
        """,
    )
    project = Project([root], cwd=root)
    modules = [project.load(root / "tasks.py")]  # envs.py is loaded on demand through the import
    analysis = Analysis(project, modules)
    assert [t.name for t in analysis.tasks] == ["direct.t"]
    assert [e.module.name for e in analysis.envs] == ["envs"]
    assert repr(analysis.tasks[0]) == "Task(direct.t)"
    assert repr(analysis.envs[0]) == "Env('direct' at envs.py:3)"


def test_engine_run_exposes_the_analysis(tmp_path):
    root = write_project(
        tmp_path / "project",
        "import flyte\n\nenv = flyte.TaskEnvironment('e')\n\n@env.task\ndef t() -> None:\n    pass\n",
    )
    result = run([root], Settings(), Options(select=["ALL"]), cwd=root)
    assert result.findings == [] and result.analysis is not None
    assert [t.name for t in result.analysis.tasks] == ["e.t"]
    assert isinstance(result.analysis.resolver.value_of(result.analysis.envs[0].node), EnvRef)


def test_star_import_from_flyte_shadows_builtins(tmp_path):
    # `map` is in flyte.__all__, so after `from flyte import *` it is flyte.map, not the builtin.
    a = analyse(
        tmp_path,
        """
        from flyte import *

        env = TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        @env.task
        def main() -> list[int]:
            return list(map(square, [1, 2]))
        """,
    )
    assert value(a, "map") == External("flyte.map")
    assert value(a, "list") == External("builtins.list")
    assert site_rows(a) == [("main", 11, "map", "demo.square", False, False, "main")]


def test_with_runcontext_returns_a_runner_whose_run_has_an_async_twin(tmp_path):
    from flyte_lint import sdk

    a = analyse(tmp_path, 'import flyte\n\nrc = flyte.with_runcontext(mode="local")\nr = rc.run\n')
    runner = value(a, "rc", line=4)
    assert isinstance(runner, Instance)
    run_method = value(a, "rc.run")
    assert isinstance(run_method, External) and sdk.has_async_twin(run_method.path)


def test_package_init_importing_its_own_submodules(tmp_path):
    # `from . import tasks` in pkg/__init__.py imports the submodule pkg.tasks.
    a = analyse(
        tmp_path,
        """
        # file: pkg/__init__.py
        from . import tasks
        from . import tasks as tk
        from pkg import envs
        # file: pkg/envs.py
        import flyte

        env = flyte.TaskEnvironment("p")
        # file: pkg/tasks.py
        from .envs import env

        @env.task
        def t(x: int) -> int:
            return x
        # file: main.py
        import pkg
        from pkg import tk
        from pkg import tasks

        @pkg.envs.env.task
        async def main(x: int) -> int:
            a = await pkg.tasks.t.aio(x)
            b = await tk.t.aio(x)
            c = await pkg.tk.t.aio(x)
            d = await tasks.t.aio(x)
            return a + b + c + d
        """,
    )
    assert task_names(a) == ["p.main", "p.t"]
    assert [(r[1], r[2], r[3]) for r in site_rows(a)] == [
        (7, "aio", "p.t"),
        (8, "aio", "p.t"),
        (9, "aio", "p.t"),
        (10, "aio", "p.t"),
    ]
    assert value(a, "pkg.envs", module="main").module.name == "pkg.envs"


def test_decorators_defaults_and_annotations_run_in_the_outer_scope(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def factory(n):
            def deco(f):
                return f
            return deco

        def default() -> int:
            return 1

        @env.task
        @factory(2)
        async def main(x: int, y: int = default(), z=lambda q=default(): q) -> int:
            return default()
        """,
    )
    from flyte_lint.model.scopes import enclosing_function

    where = {
        call.node.lineno: [
            c.function.name if c.function is not None else None for c in a.calls if c.node.lineno == call.node.lineno
        ]
        for call in a.calls
    }
    assert where[14] == [None]  # @factory(2): runs at import time
    assert where[15] == [None, None]  # defaults, also of the lambda
    assert where[16] == ["main"]
    fn = {f.name: f for f in a.functions}
    assert enclosing_function(fn["deco"]) is fn["factory"]
    assert {t.name for t in a.context_tasks(fn["default"])} == {"demo.main"}
    assert a.context_tasks(fn["factory"]) == set()


GLOBAL_USES = """
import flyte
from flyte import TaskEnvironment as TE

env = TE("demo")

@env.task
async def leaf(x: int) -> int:
    return x

@env.task
async def main(x: int = late) -> int:  # a default: looked up where main is defined, before `late` is bound
    def inner(q=leaf):
        return leaf(q)
    for _ in range(2):
        await leaf(x)
    return [leaf(i) for i in range(x)] and late and twice and exclusive and caught and declared and __class__

late = leaf
twice = leaf
twice = main

if flyte:
    exclusive = leaf
else:
    def other():
        return exclusive

try:
    import json as caught
except ImportError:
    pass

def setter():
    global declared
    declared = declared

__class__ = leaf

class Holder:
    main = 1

    def method(self):
        return main

    def cell(self):
        return __class__  # the class, not the module's binding
"""


def test_a_global_name_used_in_a_function_body_resolves_as_astroid_looks_it_up(tmp_path):
    """The resolver answers a use in a function's body of a name the module binds once, at the top level,
    without astroid's lookup; everywhere else it asks astroid. Both answers must agree on every use."""
    from flyte_lint.model.scopes import global_use as _global_use, in_signature as _in_signature

    a = analyse(tmp_path, GLOBAL_USES)
    resolver = a.resolver
    answered = set()
    for node in walk(module_tree(a, "main")):
        if not isinstance(node, nodes.Name):
            continue
        scope = node.scope()
        module = _global_use(node.name, scope)
        if module is None or _in_signature(node, scope):
            continue
        quick = resolver._global_binding(node.name, node, scope, module)
        if quick is not None:
            answered.add(node.name)
            assert quick == resolver._lookup(node.name, node, scope), (node.name, node.lineno)
    # the quick answer covers the common case (a task called in another task's body, or in a def nested there)...
    assert {"leaf", "late"} <= answered
    # ...and leaves astroid the names bound twice, in a branch, in a try, from inside a function, and
    # `__class__`; and the uses in defaults, which see the module before `late` is bound.
    assert not answered & {"twice", "exclusive", "caught", "declared", "__class__"}
    lines = GLOBAL_USES.strip("\n").splitlines()

    def line(text: str) -> int:
        return next(i for i, source in enumerate(lines, 1) if text in source)

    assert value(a, "late", line=line("x: int = late")) == UNKNOWN
    assert isinstance(value(a, "late", line=line("and late and")), TaskRef)
    assert value(a, "exclusive", line=line("return exclusive")) == UNKNOWN  # astroid: bound in the other branch
    assert value(a, "main", line=line("return main")) == value(a, "main", line=line("twice = main"))


def test_namespace_packages_without_init(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: ns/mod.py
        import flyte

        env = flyte.TaskEnvironment("ns")

        @env.task
        def t(x: int) -> int:
            return x
        # file: ns/deeper/inner.py
        from ..mod import t as t2
        from .. import mod as m2
        # file: main.py
        import ns.mod
        from ns import mod
        from ns.deeper import inner
        import ns.deeper.inner as nin

        @mod.env.task
        async def main(x: int) -> int:
            a = await ns.mod.t.aio(x)
            b = await mod.t.aio(x)
            c = await inner.t2.aio(x)
            d = await nin.m2.t.aio(x)
            return a + b + c + d
        """,
    )
    assert task_names(a) == ["ns.main", "ns.t"]
    assert [(r[0], r[1], r[3]) for r in site_rows(a)] == [
        ("main", 8, "ns.t"),
        ("main", 9, "ns.t"),
        ("main", 10, "ns.t"),
        ("main", 11, "ns.t"),
    ]


# -- the tree builder: its fast paths build what astroid builds ----------------------------------------
REPO = Path(__file__).resolve().parent.parent


def _own_python_files() -> list[Path]:
    """This repository's Python files: its examples, its tests' corpus and its own source (varied code)."""
    return sorted(
        p for folder in ("examples", "tests", "flyte_lint", "benchmarks") for p in (REPO / folder).rglob("*.py")
    )


@pytest.mark.slow
def test_the_fast_builder_is_on_and_builds_exactly_astroids_trees():
    assert builder.FAST, "the installed astroid builds Name/Const/Attribute/Call differently: fast paths are off"
    files = _own_python_files()
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        plain, fast = builder._PLAIN(builder._MANAGER), builder._FASTER(builder._MANAGER)
        plain_tree = plain.visit_module(ast.parse(text), "m", str(path), False)
        fast_tree = fast.visit_module(ast.parse(text), "m", str(path), False)
        assert builder.same_tree(plain_tree, fast_tree), path
        assert [(type(n), n.lineno, n.col_offset) for n in plain.found] == [
            (type(n), n.lineno, n.col_offset) for n in fast.found
        ], path


def test_same_tree_sees_any_difference():
    def probe(rebuilder=builder._FASTER):
        return builder._build(rebuilder, builder._PROBE)[0]

    assert builder.same_tree(probe(builder._PLAIN), probe())
    changes = {
        "a value": lambda t: setattr(t.body[1].value.args[0], "value", 2),
        "a position": lambda t: setattr(t.body[1].value.func, "position", (1, 2)),
        "a parent": lambda t: setattr(t.body[1].value.keywords[0], "parent", t),
        "an attribute more": lambda t: setattr(t.body[1].value, "extra", None),
        "the fields in another order": lambda t: setattr(
            t.body[1].value, "__dict__", dict(reversed(t.body[1].value.__dict__.items()))
        ),
        "a dict of its own": lambda t: setattr(t.body[1].value, "__dict__", dict(t.body[1].value.__dict__)),
        "a binding less": lambda t: t.locals.pop("x"),
        "a child less": lambda t: t.body[1].value.args.pop(),
    }
    for what, change in changes.items():
        tree = probe()
        change(tree)
        assert not builder.same_tree(probe(builder._PLAIN), tree), what


FAST_PATHS = sorted(name for name in vars(builder._FastRebuilder) if name.startswith("visit_"))


@pytest.mark.parametrize("method", FAST_PATHS)
def test_the_fast_paths_turn_off_when_astroid_builds_a_node_differently(method):
    # As if an astroid release gave the node this method builds a new field: the probe builds every kind of
    # node a fast path builds (in each context), so the difference is seen and the fast paths are turned off.
    def drifted(self, node, parent):
        built = getattr(builder._FASTER, method)(self, node, parent)
        if built is not None and node.__class__ is not ast.Module:
            built.__dict__.setdefault("drift", None)
        return built

    Drifted = type("Drifted", (builder._FASTER,), {method: drifted})
    assert builder.builds_as_astroid(builder._FASTER) and not builder.builds_as_astroid(Drifted)
    assert len(FAST_PATHS) >= 15


# -- decorators stacked above @env.task, containers of tasks, helpers that return references --------------


def test_decorator_above_task_keeps_the_task_and_passes_calls_on_only_when_it_returns_the_call(tmp_path):
    a = analyse(
        tmp_path,
        """
        # file: deco.py
        import functools

        def logged(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                print("calling")
                return fn(*args, **kwargs)
            return wrapper

        def awaited(fn):
            async def wrapper(*args, **kwargs):
                return await fn(*args, **kwargs)
            return wrapper

        def threaded(fn):
            def wrapper(*args, **kwargs):
                return run_elsewhere(fn, *args, **kwargs)
            return wrapper
        # file: main.py
        import flyte
        import tenacity
        import wandb_helpers
        from deco import logged, awaited, threaded

        env = flyte.TaskEnvironment("demo")

        @logged
        @env.task
        async def sync_wrapped_async(x: int) -> int:
            return x

        @awaited
        @env.task
        async def async_wrapped_async(x: int) -> int:
            return x

        @logged
        @env.task
        def sync_wrapped_sync(x: int) -> int:
            return x

        @awaited
        @env.task
        def async_wrapped_sync(x: int) -> int:
            return x

        @threaded
        @env.task
        def elsewhere(x: int) -> int:
            return x

        @wandb_helpers.wandb_init
        @env.task
        async def third_party(x: int) -> int:
            return x

        @tenacity.retry(stop=tenacity.stop_after_attempt(3))
        @env.task
        async def retried(x: int) -> int:
            return x
        """,
    )
    # every one is still a task of the env
    assert task_names(a) == [
        "demo.async_wrapped_async",
        "demo.async_wrapped_sync",
        "demo.elsewhere",
        "demo.retried",
        "demo.sync_wrapped_async",
        "demo.sync_wrapped_sync",
        "demo.third_party",
    ]
    for name in ("sync_wrapped_async", "async_wrapped_async", "sync_wrapped_sync", "retried"):
        found = a.resolver.function_value(task(a, f"demo.{name}").func)
        assert found == TaskRef(task(a, f"demo.{name}"), wrapped=True), name
        assert a.resolver.attribute(found, "aio") == UNKNOWN  # the wrapper function has no .aio
    # an async wrapper around a sync task makes a coroutine the task never made; what the others do is unknown
    for name in ("async_wrapped_sync", "elsewhere", "third_party"):
        assert a.resolver.function_value(task(a, f"demo.{name}").func) == UNKNOWN, name


def test_containers_of_tasks_in_the_model(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def b(x: int) -> int:
            return x

        def plain(x: int) -> int:
            return x

        TOOLS = {"a": a, "b": b}
        SAME = [a, a]
        MIXED = [a, plain]

        async def main(k: str) -> None:
            TOOLS[k](1)
            SAME[0](1)
            MIXED[0](1)
            for t in TOOLS.values():
                t.aio(1)
        """,
    )
    from flyte_lint.model.values import TaskChoice, TaskCollection

    ta, tb = task(a, "demo.a"), task(a, "demo.b")

    def callee(text):
        return a.resolver.value_of(find(a, text).func)

    assert callee("TOOLS[k](1)") == TaskChoice((TaskRef(ta), TaskRef(tb)))
    assert isinstance(value(a, "TOOLS"), TaskCollection)
    assert callee("SAME[0](1)") == TaskRef(ta)  # one task, however often it is listed
    assert callee("MIXED[0](1)") == UNKNOWN
    sites = [(s.form, [t.name for t in s.candidates]) for s in a.choice_sites]
    assert sites == [("call", ["demo.a", "demo.b"]), ("aio", ["demo.a", "demo.b"])]
    assert all(s.makes_coroutine for s in a.choice_sites)
    assert all(s.node is not c.node for s in a.choice_sites for c in a.call_sites)  # (SAME[0] is a call site)


def test_helper_returning_a_remote_reference(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte.remote

        def ref():
            return flyte.remote.Task.get("x.y", version="1")

        def either(flag):
            if flag:
                return flyte.remote.Task.get("x.y", version="1")
            return flyte.remote.Task.get("x.z", version="1")

        r = ref()
        e = either(True)
        """,
    )
    assert isinstance(value(a, "ref()"), RemoteTaskRef) and value(a, "ref()").name == "x.y"
    assert value(a, "either(True)") == UNKNOWN  # two different references


def test_agent_tool_above_task_is_the_tasks_aio(tmp_path):
    a = analyse(
        tmp_path,
        """
        import flyte
        from flyte.ai.agents import tool

        env = flyte.TaskEnvironment("demo")

        def handler(call_llm, tool_fn, **kwargs):
            return None

        @tool
        @env.task
        def plain(x: int) -> int:
            return x

        @tool(call_handler=handler)
        @env.task
        def handled(x: int) -> int:
            return x
        """,
    )
    from flyte_lint.model.values import AgentToolRef

    found = a.resolver.function_value(task(a, "demo.plain").func)
    assert found == AgentToolRef(task(a, "demo.plain"))
    assert a.resolver.attribute(found, "override") == UNKNOWN  # an AgentTool has no .override
    assert a.resolver.function_value(task(a, "demo.handled").func) == UNKNOWN  # the handler runs instead


def test_a_task_under_any_decorator_is_still_a_task_of_its_env(tmp_path):
    # Under a decorator the model does not see through, the function is still a task of its env: its own calls
    # (FLY401) and its trigger (FLY311) are checked. Through a project wrapper that hands calls on, a call of
    # it is a call of the task (FLY401 as callee).
    found = lint(
        tmp_path,
        {
            "main.py": """
import flyte
import wandb_helpers

image = flyte.Image.from_debian_base().with_pip_packages("numpy")
a_env = flyte.TaskEnvironment("a")
b_env = flyte.TaskEnvironment("b", image=image)


def logged(fn):
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@b_env.task
async def work(x: int) -> int:
    return x


@logged
@b_env.task
async def wrapped_work(x: int) -> int:
    return x


@wandb_helpers.wandb_init
@a_env.task
async def caller(x: int) -> int:
    return await work(x)


@a_env.task
async def main(x: int) -> int:
    return await wrapped_work(x)


@wandb_helpers.wandb_init
@a_env.task(triggers=flyte.Trigger("hourly", flyte.Cron("0 * * * *"), inputs={"y": 1}))
async def scheduled(x: int = 0) -> int:
    return x
"""
        },
    )
    # (FLY109 at @logged: a pod loads the wrapper it binds to the name, not the task)
    assert found == [
        ("FLY109", 21, "main.py"),
        ("FLY401", 30, "main.py"),
        ("FLY401", 35, "main.py"),
        ("FLY311", 39, "main.py"),
    ]


# -- the model is built completely before the rules run -------------------------------------------------------
def _built(tmp_path, files):
    root = write_project(tmp_path / "project", files)
    project = Project([root], cwd=root)
    modules = [project.load(p) for p in sorted(root.rglob("*.py"))]
    return build_analysis(project, modules)


def _rule_programs():
    from flyte_lint.rules import all_rules

    for rule in all_rules():
        for case in [*rule.INVALID, *rule.VALID] or [
            type("C", (), {"source": rule.bad})(),
            type("C", (), {"source": rule.good})(),
        ]:
            yield rule.code, case.source


CROSS_MODULE = """
# file: envs.py
import flyte

env = flyte.TaskEnvironment("lazy")
other = env.clone_with(name="other")

@env.task
def helper(x: int) -> int:
    return x

TOOLS = [helper]
# file: main.py
import flyte
import envs

driver = flyte.TaskEnvironment("driver", depends_on=[envs.env])

@driver.task
async def main(x: int) -> int:
    tools = envs.TOOLS
    return await envs.helper.aio(x)
"""


@pytest.mark.parametrize("code,source", list(_rule_programs()) + [("cross-module", CROSS_MODULE)])
def test_rules_only_read_the_built_model(tmp_path, code, source):
    """Running every rule on a built model registers no environment or task: the build found them all, so what
    the model lists never depends on which rule asked first."""
    from flyte_lint.rules import all_rules

    analysis = _built(tmp_path, textwrap.dedent(source))
    resolver = analysis.resolver
    listed = (len(analysis.envs), len(analysis.tasks), len(analysis.call_sites), len(analysis.choice_sites))
    registered = (dict(resolver.envs), dict(resolver.tasks))
    for rule in all_rules():
        # A rule's own failure is the runner's business, not this test's.
        with contextlib.suppress(Exception):
            list(rule.check(analysis))
    assert (dict(resolver.envs), dict(resolver.tasks)) == registered
    assert (len(analysis.envs), len(analysis.tasks), len(analysis.call_sites), len(analysis.choice_sites)) == listed


def test_a_value_resolved_after_the_build_is_answered_but_not_listed(tmp_path):
    """An env met only after the build (a rule resolving a name nothing in the analysed module calls or uses)
    is still resolved, once, but the model's envs stay those of the build."""
    root = write_project(
        tmp_path / "project",
        {
            "envs.py": "import flyte\n\nenv = flyte.TaskEnvironment('late')\n",
            "main.py": "import envs\n\nE = envs.env\n",
        },
    )
    project = Project([root], cwd=root)
    analysis = build_analysis(project, [project.load(root / "main.py")])
    assert analysis.envs == [] and analysis.resolver.sealed
    use = next(n for n in walk(analysis.modules[0].tree) if isinstance(n, nodes.Attribute))
    first, again = analysis.resolver.value_of(use), analysis.resolver.value_of(use.expr)
    assert isinstance(first, EnvRef) and first.env.name == "late"
    assert analysis.resolver.envs == {} and analysis.envs == []
    assert analysis.resolver.attribute(again, "env") == first  # (the same Env: made once)


def test_build_analysis_keeps_the_target_version(tmp_path):
    analysis = _built(tmp_path, "import flyte\n")
    assert analysis.target_flyte_version is None
    root = tmp_path / "project"
    project = Project([root], cwd=root)
    assert build_analysis(project, [project.load(root / "main.py")], "2.13.0").target_flyte_version == "2.13.0"


# -- one copy of each reading helper, in the model --------------------------------------------------------------
def test_memo_computes_once_per_analysis(tmp_path):
    analysis = _built(tmp_path, "import flyte\n")
    calls = []
    assert analysis.memo("k", lambda: calls.append(1) or "v") == "v"
    assert analysis.memo("k", lambda: calls.append(2) or "w") == "v"
    assert calls == [1]
    assert _built(tmp_path / "other", "import flyte\n").memo("k", lambda: "fresh") == "fresh"


def test_literal_follows_names_bound_once_across_modules(tmp_path):
    analysis = _built(
        tmp_path,
        {
            "consts.py": "CPU = '2'\nSIZES = ('1Gi', -3)\nTWICE = 1\nTWICE = 2\n",
            "main.py": "import consts\nfrom consts import SIZES, TWICE\nA = consts.CPU\nB = SIZES\nC = TWICE\nD = [A, 1.5]\nE = f()\n",
        },
    )
    main = next(m for m in analysis.modules if m.name == "main")
    value_of = {n.targets[0].name: n.value for n in main.tree.body if isinstance(n, nodes.Assign)}
    assert analysis.literal(value_of["A"]) == "2"
    assert analysis.literal(value_of["B"]) == ("1Gi", -3)
    assert analysis.literal(value_of["D"]) == ["2", 1.5]
    assert analysis.literal(value_of["C"]) is MISSING and analysis.literal(value_of["E"]) is MISSING


def test_static_value_evaluates_with_the_locals_it_is_given(tmp_path):
    analysis = _built(
        tmp_path,
        {
            "main.py": (
                "N = 3\nITEMS = list(range(N * 2))\nMAP = {'a': 1, 'b': 2}\n"
                "def f(k):\n    return len(ITEMS) + k, range(k), sorted(MAP.keys()), -N, unknown(k)\n"
            )
        },
    )
    main = next(m for m in analysis.modules if m.name == "main")
    returned = next(main.tree.nodes_of_class(nodes.Return)).value.elts
    assert static_value(analysis.resolver, returned[0], {"k": 4}) == 10
    assert static_value(analysis.resolver, returned[0]) is MISSING  # k unknown without the caller's locals
    assert static_value(analysis.resolver, returned[1], {"k": 2}) == range(2)
    assert static_value(analysis.resolver, returned[2]) == ["a", "b"]
    assert static_value(analysis.resolver, returned[3]) == -3
    assert static_value(analysis.resolver, returned[4], {"k": 1}) is MISSING


def test_one_evaluator_literal_is_its_literal_shaped_values(tmp_path):
    """``literal`` reads ``static_value``'s result: what a config value is written as (arithmetic and names
    included), never a set, dict, range or bytes; the graph's evaluation follows imported constants too."""
    analysis = _built(
        tmp_path,
        {
            "consts.py": "N = 2\nNAMES = {'b', 'a'}\n",
            "main.py": (
                "from consts import N, NAMES\nimport consts\nA = N * 3\nB = {'x': 1}\nC = range(2)\nD = b'x'\n"
                "E = NAMES\nF = (consts.N, -N)\nG = len(NAMES)\nH = list(NAMES)\nI = sorted(NAMES)\n"
                "J = sorted([3, 1, 2])\nK = list(reversed((1, 2)))\nL = sorted([1, 'a'])\n"
            ),
        },
    )
    main = next(m for m in analysis.modules if m.name == "main")
    value_of = {n.targets[0].name: n.value for n in main.tree.body if isinstance(n, nodes.Assign)}
    assert analysis.literal(value_of["A"]) == 6 == static_value(analysis.resolver, value_of["A"])
    for name in "BCDE":
        assert analysis.literal(value_of[name]) is MISSING, name
    assert static_value(analysis.resolver, value_of["E"]) == frozenset({"a", "b"})
    assert analysis.literal(value_of["F"]) == (2, -2)
    assert static_value(analysis.resolver, value_of["G"]) == 2
    assert static_value(analysis.resolver, value_of["H"]) is MISSING  # a set's order is known only at run time
    assert analysis.literal(value_of["I"]) == ["a", "b"]
    assert analysis.literal(value_of["J"]) == [1, 2, 3] and analysis.literal(value_of["K"]) == [2, 1]
    assert static_value(analysis.resolver, value_of["L"]) is MISSING  # (sorted raises TypeError there)


def test_what_made_a_name_stops_on_a_cycle_of_from_imports(tmp_path, monkeypatch):
    """construction_of follows `from m import x` chains; a cycle (seen on a corpus where a module named airflow
    shadows the airflow package) must end in "not known", not in RecursionError."""
    analysis = _built(tmp_path, {"a.py": "import flyte\nfrom b import X\n\nX()\n", "b.py": "from a import X\n"})
    main = next(m for m in analysis.modules if m.name == "a")
    resolver = analysis.resolver
    # every `from ... import X` leads back to a.py itself, so the chain never ends by itself
    monkeypatch.setattr(type(resolver), "imported_module", lambda self, stmt: ModuleRef(main))
    call = next(main.tree.nodes_of_class(nodes.Call))
    assert resolver.construction_of(call.func) is None


def test_argument_lookup_and_static_calls():
    call = ast_call("f(1, *rest, name='n')")
    assert argument(call, 0, "x").value == 1 and argument(call, 5, "name").value == "n"
    assert argument(call, 1, "y") is None and keyword_argument(call, "y") is None
    assert argument(ast_call("f(*a, 2)"), 1, "y") is None  # (after a *starred argument: not known)
    assert is_static(ast_call("f(1, x=2)")) and not is_static(ast_call("f(**kw)"))
    assert not is_static(ast_call("f(*a)")) and is_static(ast_call("f(1, *a)"), skip=2)


def test_source_text_is_exact_and_short_source_shortens(tmp_path):
    analysis = _built(tmp_path, "x = f(\n    'a',  b = 2)\ny = g( 'é' )\n")
    module = analysis.modules[0]
    first, second = (n.value for n in module.tree.body)
    assert source_text(module, first) == "f(\n    'a',  b = 2)" and one_line_source(module, first) is None
    assert one_line_source(module, second) == "g( 'é' )" and rendered(second) == "g('é')"
    assert short_source(module, first) == "f(...)" and short("a  b\n c", 4) == "a..."


def test_did_you_mean():
    assert closest("memroy", ["memory", "cpu"]) == "memory" and closest("zzz", ["memory"]) is None
    assert did_you_mean("memroy", ["memory"]) == "; did you mean `memory`?"
    assert did_you_mean("memroy", ["memory"], given=["memory"]).startswith("; the call already passes `memory=`")
    assert did_you_mean("zzz", ["memory"]) == ""


def test_name_queries(tmp_path):
    analysis = _built(
        tmp_path, "g = 1\n\ndef f():\n    n = len\n    g = 2\n    return g\n\ndef len(x):\n    return x\n\nh = list\n"
    )
    tree = analysis.modules[0].tree
    names = [n for n in walk(tree) if isinstance(n, nodes.Name)]
    by_name = {n.name: n for n in names}
    assert not is_builtin(by_name["len"]) and is_builtin(by_name["list"])
    assert [type(b).__name__ for b in bindings_of(by_name["g"])] == ["AssignName"]
    func = tree.body[1]
    assert rebinds_same_variable(by_name["g"], func.body[1])
    assert not rebinds_same_variable(by_name["list"], tree.body[-1])


def ast_call(text: str) -> nodes.Call:
    return parse_module(text, "m", "m.py").body[0].value


def test_kinds_are_enums_that_still_equal_their_words(tmp_path):
    analysis = _built(
        tmp_path,
        textwrap.dedent("""
        import flyte

        env = flyte.TaskEnvironment("e")
        clone = env.clone_with(name="c")

        @env.task
        async def child(x: int) -> int:
            return x

        @env.task
        async def main() -> list[int]:
            a = await child.aio(1)
            return list(flyte.map(child, [a]))
        """),
    )
    assert [e.origin for e in analysis.envs] == [EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH]
    assert [s.form for s in analysis.call_sites] == [CallForm.AIO, CallForm.MAP]
    site = analysis.call_sites[0]
    assert site.form == "aio" and f"{site.form}" == "aio" and {"aio": 1}[site.form] == 1
    assert [p.kind for p in analysis.tasks[0].signature.params] == [ParamKind.POSITIONAL_OR_KEYWORD]
    assert analysis.image_need(analysis.envs[0]).kind is ImageKind.NO_BUILD
    roots = analysis.run_roots.roots
    assert [(task.func.name, root.why) for task, root in roots.items()] == [("main", RootReason.NO_CALLER)]
    assert roots[analysis.tasks[1]].described == "no task calls it"


def test_check_and_graph_build_the_model_through_one_function(tmp_path, capsys, monkeypatch):
    """``check`` and ``graph`` (one process: no ``-j``) each make the model through model.analysis.build_analysis,
    with the settings' target Flyte version."""
    from flyte_lint.model import analysis as model

    built = []
    original = model.build_analysis

    def spy(project, modules, target_flyte_version=None):
        built.append(target_flyte_version)
        return original(project, modules, target_flyte_version)

    monkeypatch.setattr(model, "build_analysis", spy)
    root = write_project(
        tmp_path / "p", "import flyte\n\nenv = flyte.TaskEnvironment('e')\n\n@env.task\ndef t() -> None:\n    pass\n"
    )
    (root / "pyproject.toml").write_text('[tool.flyte-lint]\ntarget-flyte-version = "2.13.0"\n')
    assert run_cli(["check", "--no-cache", "-j", "1", "."], root, capsys)[0] == 0
    assert built == ["2.13.0"]
    code, _, err = run_cli(["graph", "main.py", "--entry", "main:t", "-o", str(tmp_path / "g.json")], root, capsys)
    assert code == 0, err
    assert built == ["2.13.0", "2.13.0"]
