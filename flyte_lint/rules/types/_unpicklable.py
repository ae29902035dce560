"""Resources the SDK cannot pickle (FLY814): what a value the engine pickles (no transformer: ``Any``, ``object``,
no annotation, a library class) must not be.

Each entry was measured with ``cloudpickle.dumps`` (the SDK's pickling path, flyte/types/_pickle.py) on an instance,
under Python 3.11, cloudpickle 3.1, httpx 0.29, openai 2.34, anthropic 0.63, boto3 1.44, urllib3 2.8 (openai,
anthropic and boto3 in a private install: the test environment lacks them), and the ones of the standard library,
httpx and urllib3 also through a task call in a run (tests/test_types_boundary_values_sdk.py, which runs every entry
whose library is importable).
Left out because they pickle: ``requests.Session``, ``boto3.Session`` (both define their own pickling),
``asyncio.Lock``/``Semaphore``/``Queue``, ``logging.Logger``, a file opened for reading (cloudpickle copies its
contents). A name made by anything else, or bound more than once, is not known: the rule stays quiet on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.names import bindings_of
from flyte_lint.model.values import External


@dataclass(frozen=True)
class Resource:
    label: str  # how a message names it
    refusal: str  # what cloudpickle raises on it
    enter_is_self: bool = True  # ``with X() as x`` binds the instance itself (its __enter__ returns self)


_LOCK = "cannot pickle '_thread.lock' object"
_RLOCK = "cannot pickle '_thread.RLock' object"

# Made by calling these (their dotted paths as imported).
MADE_BY: dict[str, Resource] = {
    "threading.Lock": Resource("a threading.Lock", _LOCK, enter_is_self=False),
    "threading.RLock": Resource("a threading.RLock", _RLOCK, enter_is_self=False),
    "threading.Event": Resource("a threading.Event", _LOCK),
    "threading.Condition": Resource("a threading.Condition", _RLOCK, enter_is_self=False),
    "threading.Semaphore": Resource("a threading.Semaphore", _LOCK, enter_is_self=False),
    "threading.BoundedSemaphore": Resource("a threading.BoundedSemaphore", _LOCK, enter_is_self=False),
    "threading.Barrier": Resource("a threading.Barrier", _LOCK),
    "queue.Queue": Resource("a queue.Queue", _LOCK),
    "queue.LifoQueue": Resource("a queue.LifoQueue", _LOCK),
    "queue.PriorityQueue": Resource("a queue.PriorityQueue", _LOCK),
    "queue.SimpleQueue": Resource("a queue.SimpleQueue", "cannot pickle '_queue.SimpleQueue' object"),
    "sqlite3.connect": Resource("a sqlite3 connection", "cannot pickle 'sqlite3.Connection' object"),
    "socket.socket": Resource("a socket", "cannot pickle 'socket' object"),
    "concurrent.futures.ThreadPoolExecutor": Resource(
        "a ThreadPoolExecutor", "cannot pickle '_queue.SimpleQueue' object"
    ),
    "concurrent.futures.ProcessPoolExecutor": Resource("a ProcessPoolExecutor", _LOCK),
    "httpx.Client": Resource("an httpx.Client", _RLOCK),
    "httpx.AsyncClient": Resource("an httpx.AsyncClient", _RLOCK),
    "urllib3.PoolManager": Resource("a urllib3.PoolManager", _RLOCK),
    "openai.OpenAI": Resource("an OpenAI client", _RLOCK),
    "openai.AsyncOpenAI": Resource("an AsyncOpenAI client", _RLOCK),
    "anthropic.Anthropic": Resource("an Anthropic client", _RLOCK),
    "anthropic.AsyncAnthropic": Resource("an AsyncAnthropic client", _RLOCK),
    "boto3.client": Resource("a boto3 client", "cannot pickle 'SSLContext' object", enter_is_self=False),
    "boto3.resource": Resource("a boto3 resource", "cannot pickle 'SSLContext' object", enter_is_self=False),
}

# Annotated as these classes (an instance of one, or of a subclass, is all a caller can pass).
ANNOTATED: dict[str, Resource] = {
    path: resource
    for path, resource in MADE_BY.items()
    if path not in ("sqlite3.connect", "boto3.client", "boto3.resource")
}
ANNOTATED["sqlite3.Connection"] = MADE_BY["sqlite3.connect"]
ANNOTATED["botocore.client.BaseClient"] = MADE_BY["boto3.client"]


def resource_made(analysis: Analysis, value: nodes.NodeNG | None, depth: int = 0) -> Resource | None:
    """The known unpicklable resource ``value`` evidently is: a call of one of MADE_BY, or a name bound once to
    one (by an assignment, or as ``with X(...) as name`` where X's ``__enter__`` returns the instance)."""
    if value is None or depth > 4:
        return None
    if isinstance(value, nodes.Call):
        made = analysis.resolver.value_of(value.func)
        return MADE_BY.get(made.path) if isinstance(made, External) else None
    if not isinstance(value, (nodes.Name, nodes.Attribute)):
        return None
    bound = analysis.definition(value)
    if bound is not None and bound is not value:
        return resource_made(analysis, bound, depth + 1)
    if isinstance(value, nodes.Name):
        stmts = bindings_of(value)
        if len(stmts) == 1 and isinstance(stmts[0], nodes.AssignName):
            return _entered(analysis, stmts[0])
    return None


def _entered(analysis: Analysis, target: nodes.AssignName) -> Resource | None:
    statement = target.parent
    if not isinstance(statement, (nodes.With, nodes.AsyncWith)):
        return None
    for context, bound in statement.items:
        if bound is target and isinstance(context, nodes.Call):
            resource = resource_made(analysis, context)
            return resource if resource is not None and resource.enter_is_self else None
    return None
