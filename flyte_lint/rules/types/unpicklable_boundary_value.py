"""FLY814 unpicklable-boundary-value: a task or trace parameter annotated as, or handed, a resource the SDK
cannot pickle (a lock, a connection, an HTTP or cloud SDK client)."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import Parameter, TypeKind, TypeNode, signature_types
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._call_arguments import (
    arguments_for,
    calls_in_a_run,
    mapped_items,
    maps_in_a_run,
    partials_in_a_run,
)
from flyte_lint.rules.types._common import Boundary, boundaries
from flyte_lint.rules.types._unpicklable import ANNOTATED, Resource, resource_made


@register
class UnpicklableBoundaryValue(Rule):
    code = "FLY814"
    symbol = "unpicklable-boundary-value"
    severity = Severity.ERROR
    pylint_number = 77  # its pylint message id is E6777; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task, and the calls of it in the modules importing it)
    summary = (
        "Reports a task or `@flyte.trace` parameter annotated as a resource the SDK cannot pickle (a threading "
        "lock, a queue, a sqlite3 connection, a socket, an executor, an httpx, OpenAI, Anthropic, boto3 or urllib3 "
        "client), or to which a call in a run (or an item of `flyte.map`) passes one evidently."
    )
    rationale = (
        "What has no transformer (such a class, `Any`, `object`, no annotation) crosses the engine pickled, with "
        "cloudpickle, and none of these resources pickles: the caller's task call fails with TypeError (\"Type "
        "conversion failed for variable 'client' ... Reason: cannot pickle '_thread.RLock' object\"), locally as in "
        "a cluster, where each task runs in its own pod and could not share the resource anyway. Trace inputs are "
        "converted the same way. The list is documented in flyte_lint/rules/types/_unpicklable.py: each entry was "
        "pickled and refused; `requests.Session` and `boto3.Session` pickle, and so do asyncio locks. The rule "
        "stays quiet on any other value. Severity: error: every such call fails, in a local run and in a cluster "
        "alike."
    )
    fix = (
        "Create the resource inside the task (or trace) that uses it, from picklable settings passed in (a URL, "
        "a model name, a region); share a client between calls of one task at module level, not through its "
        "parameters."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"urls": ["http://127.0.0.1:9/a"]},
        bad=Outcome(ok=False, error_contains=("Type conversion failed", "cannot pickle")),
        good=Outcome(ok=True, output=1),
    )

    INVALID = [
        Case(
            """
            import httpx

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def count(client: httpx.AsyncClient, urls: list[str]) -> int:  # expect: FLY814
                return len(urls)

            @env.task
            async def main(urls: list[str]) -> int:
                async with httpx.AsyncClient() as client:
                    return await count(client, urls)
            """,
            message="task 'demo.count' declares parameter `client` as `httpx.AsyncClient`, which the engine pickles, "
            'and an httpx.AsyncClient does not pickle: every call fails with TypeError ("cannot pickle '
            "'_thread.RLock' object\"). Create it inside the task, from picklable settings passed in",
        ),
        Case(
            """
            import functools
            import sqlite3
            import threading
            from concurrent.futures import ThreadPoolExecutor
            from typing import Any

            import flyte as fl
            from openai import OpenAI

            env = fl.TaskEnvironment("demo")
            LOCK = threading.Lock()

            @env.task
            def store(conn, rows: list[int]) -> int:  # expect: FLY814
                return len(rows)

            @env.task
            async def guarded(lock: Any, x: int) -> int:  # expect: FLY814
                return x

            @fl.trace
            async def ask(llm: OpenAI, prompt: str) -> str:  # expect: FLY814
                return prompt

            @env.task
            def pooled(pool: ThreadPoolExecutor) -> int:  # expect: FLY814
                return 0

            @env.task
            async def fanned(lock, x: int) -> int:  # expect: FLY814
                return x

            @env.task
            async def bound(lock, x: int) -> int:  # expect: FLY814
                return x

            @env.task
            async def main(x: int) -> int:
                conn = sqlite3.connect(":memory:")
                n = store(conn, [x])
                done = [r async for r in fl.map.aio(fanned, [threading.Lock(), LOCK], [1, 2])]
                done += [r async for r in fl.map.aio(functools.partial(bound, LOCK), [1, 2])]
                return n + await guarded.aio(lock=LOCK, x=x) + len(done)
            """,
            name="arguments-annotations-traces-and-aliases",
        ),
        Case(
            """
            # file: pkg/tasks.py
            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def work(session, x: int) -> int:  # expect: FLY814
                return x
            # file: pkg/main.py
            import boto3
            from pkg.tasks import env, work

            @env.task
            async def main(x: int) -> int:
                s3 = boto3.client("s3")
                return await work(s3, x)
            """,
            name="call-in-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import httpx

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def count(base_url: str, urls: list[str]) -> int:
                async with httpx.AsyncClient(base_url=base_url) as client:
                    return len(urls)

            @env.task
            async def main(urls: list[str]) -> int:
                return await count("http://127.0.0.1:9", urls)
            """,
        ),
        Case(
            """
            import asyncio
            import threading
            from typing import Optional

            import boto3
            import httpx
            import requests

            import flyte
            from mylib import make_client

            env = flyte.TaskEnvironment("demo")
            LOCK = threading.Lock()

            @env.task
            async def work(thing, x: int, client: Optional[httpx.Client] = None) -> int:
                return x

            @env.task
            async def typed(x: int, label: str) -> int:
                return x

            @env.task
            async def main(x: int) -> int:
                session = requests.Session()
                a = await work(session, x)
                b = await work(boto3.Session(), x)
                c = await work(asyncio.Lock(), x)
                d = await work(make_client(), x)
                with LOCK as held:
                    e = await work(held, x)
                client = httpx.Client()
                client = None
                f = await work(client, x)
                return a + b + c + d + e + f + await typed(x, "s")

            def outside():
                work(threading.Lock(), 1)
            """,
            name="picklable-unknown-rebound-and-outside-a-run",
        ),
        Case(
            """
            import threading

            import flyte

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def inside(x: int) -> int:
                lock = threading.Lock()
                with lock:
                    return x

            @env.task
            async def work(lock, x: int) -> int:
                return x

            def helper(lock: threading.Lock, x: int) -> int:
                with lock:
                    return x

            @env.task
            async def main(x: int) -> int:
                try:
                    return await work.aio(threading.Lock(), x)
                except TypeError:
                    return helper(threading.Lock(), x) + await inside(x)
            """,
            name="resources-made-inside-plain-helpers-and-a-guard",
        ),
        Case(
            """
            # file: pkg/locks.py
            class Lock:
                pass

            class Client:
                def __init__(self, url: str) -> None:
                    self.url = url
            # file: pkg/main.py
            import flyte
            from pkg.locks import Client, Lock

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def work(lock, client: Client, x: int) -> int:
                return x

            @env.task
            async def main(x: int) -> int:
                return await work(Lock(), Client("http://127.0.0.1:9"), x)
            """,
            name="project-classes-named-like-resources",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for boundary in boundaries(analysis):
            signature = signature_types(analysis, boundary.func)
            for param in signature.params:
                resource = _annotated(param.type)
                if resource is not None:
                    yield self.finding(boundary.module, param.node, _annotation_message(boundary, param, resource))
                    continue
                if not _pickled(param.type):
                    continue
                for call, value in arguments_for(calls_in_a_run(analysis, boundary), signature.params, param):
                    resource = resource_made(analysis, value)
                    if resource is not None:
                        message = _argument_message(boundary, param, resource, call, value)
                        yield self.finding(
                            boundary.module, param.node, message, raises="builtins.TypeError", raised_at=call
                        )
                for call, value in arguments_for(partials_in_a_run(analysis, boundary), signature.params, param, 1):
                    resource = resource_made(analysis, value)
                    if resource is not None:
                        yield self.finding(boundary.module, param.node, _bound_message(boundary, param, resource, call))
                reported: set[int] = set()
                for call, value in mapped_items(maps_in_a_run(analysis, boundary), signature.params, param):
                    resource = resource_made(analysis, value)
                    if resource is not None and id(call) not in reported:
                        reported.add(id(call))
                        yield self.finding(boundary.module, param.node, _item_message(boundary, param, resource, call))


def _annotated(annotation: TypeNode) -> Resource | None:
    return ANNOTATED.get(annotation.path) if annotation.kind is TypeKind.CLASS and annotation.path else None


def _pickled(annotation: TypeNode) -> bool:
    """The engine pickles whatever is passed here: Any, object or no annotation (Optional of one too)."""
    members = annotation.without_none
    return bool(members) and all(member.accepts_anything for member in members)


def _annotation_message(boundary: Boundary, param: Parameter, resource: Resource) -> str:
    return (
        f"{boundary.label} declares parameter `{param.name}` as `{param.type.label()}`, which the engine pickles, "
        f'and {resource.label} does not pickle: every call fails with TypeError ("{resource.refusal}"). Create '
        f"it inside the {_kind(boundary)}, from picklable settings passed in"
    )


def _argument_message(
    boundary: Boundary, param: Parameter, resource: Resource, call: nodes.Call, value: nodes.NodeNG
) -> str:
    annotation = "has no annotation" if param.type.kind is TypeKind.MISSING else f"is `{param.type.label()}`"
    return (
        f"parameter `{param.name}` of {boundary.label} {annotation}, so the engine pickles what a call passes, and "
        f"the call on line {call.lineno} passes {resource.label} (`{value.as_string()}`), which does not pickle: "
        f'the call fails with TypeError ("{resource.refusal}"). Create it inside the {_kind(boundary)}, from '
        "picklable settings passed in"
    )


def _bound_message(boundary: Boundary, param: Parameter, resource: Resource, call: nodes.Call) -> str:
    annotation = "has no annotation" if param.type.kind is TypeKind.MISSING else f"is `{param.type.label()}`"
    return (
        f"parameter `{param.name}` of {boundary.label} {annotation}, so the engine pickles what a call passes, and "
        f"the functools.partial on line {call.lineno} binds {resource.label} to it, which does not pickle: every "
        f'call of the partial (each item of a map over it) fails with TypeError ("{resource.refusal}"). Create it '
        "inside the task, from picklable settings passed in"
    )


def _item_message(boundary: Boundary, param: Parameter, resource: Resource, call: nodes.Call) -> str:
    annotation = "has no annotation" if param.type.kind is TypeKind.MISSING else f"is `{param.type.label()}`"
    return (
        f"parameter `{param.name}` of {boundary.label} {annotation}, so the engine pickles what a call passes, and "
        f"the `flyte.map` on line {call.lineno} passes {resource.label} as an item, which does not pickle: that "
        f'item fails with TypeError ("{resource.refusal}"), handed back as its result unless '
        "return_exceptions=False. Create it inside the task, from picklable settings passed in"
    )


def _kind(boundary: Boundary) -> str:
    return "task" if boundary.task is not None else "trace"
