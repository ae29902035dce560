"""model/reach.py: which functions run only outside every task's run (FLY113 reads it)."""

from __future__ import annotations

from flyte_lint.model.analysis import build_analysis
from flyte_lint.model.project import Project
from flyte_lint.model.reach import is_fastapi_route, outside_every_task
from flyte_lint.model.scopes import walk
from lintutil import write_project

PROGRAM = {
    "pkg/__init__.py": "",
    "pkg/tasks.py": """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def t(x: int) -> int:
            return await shared(x)

        async def shared(x: int) -> int:
            return x

        async def lib_only(x: int) -> int:
            return x
    """,
    "main.py": """
        import asyncio

        from fastapi import FastAPI

        from pkg.tasks import shared

        app = FastAPI()

        async def inner(x: int) -> int:
            return x

        async def outer(x: int) -> int:
            return await inner(x) + await shared(x)

        @app.post("/r")
        async def route(x: int) -> int:
            return await inner(x)

        def register(f):
            return f

        @register
        async def decorated(x: int) -> int:
            return x

        async def handed(x: int) -> int:
            return x

        HOOKS = [handed]

        if __name__ == "__main__":
            asyncio.run(outer(1))
            asyncio.run(decorated(1))
            asyncio.run(handed(1))
    """,
}


def _functions(tmp_path):
    root = write_project(tmp_path / "p", PROGRAM)
    project = Project([root], cwd=root)
    analysis = build_analysis(project, [project.load(p) for p in sorted(root.rglob("*.py"))])
    found = {
        node.name: node
        for module in analysis.modules
        for node in walk(module.tree)
        if type(node).__name__ in ("FunctionDef", "AsyncFunctionDef")
    }
    return analysis, found


def test_outside_every_task(tmp_path):
    analysis, f = _functions(tmp_path)
    outside = {name for name, func in f.items() if outside_every_task(analysis, func)}
    # outer: only the __main__ block calls it; inner: outer and a route; route: a FastAPI route.
    # Not: the task, a helper a task calls (shared), one nobody calls (lib_only, register), one decorated by
    # a decorator the model cannot see through, one handed on as a value.
    assert outside == {"outer", "inner", "route"}
    assert outside_every_task(analysis, None)  # (module-level code)
    assert is_fastapi_route(analysis, f["route"]) and not is_fastapi_route(analysis, f["decorated"])
