"""FLY319 ineffective-cache: a cache that does not do what it says (an unpinned "override", a misnamed
ignored input)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import is_static, sdk_arguments
from flyte_lint.model.entities import Task
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.suggest import closest
from flyte_lint.rules.base import (
    Case,
    Finding,
    Outcome,
    Rule,
    RuntimeSpec,
    Scope,
    Severity,
    Suggestion,
    keyword_added,
    register,
)
from flyte_lint.rules.config._cache_targets import cache_targets
from flyte_lint.rules.config._task_options import option_sites
from flyte_lint.rules.config._values import env_argument, string_edit

PINNED = 'version_override="v1"'


def _ignored_names(analysis: Analysis, value: nodes.NodeNG) -> list[tuple[str, nodes.NodeNG]] | None:
    """(name, node) of each name ``ignored_inputs=`` gives: a string, or a tuple/list of strings, in place or
    bound once to a name; None when not known."""
    made = analysis.definition(value)
    if isinstance(made, nodes.Const) and isinstance(made.value, str):
        return [(made.value, made)]
    if isinstance(made, (nodes.Tuple, nodes.List)):
        found = []
        for element in made.elts:
            if not (isinstance(element, nodes.Const) and isinstance(element.value, str)):
                return None
            found.append((element.value, element))
        return found
    return None


def _parameters(task: Task) -> set[str] | None:
    """The input names of a task (None: it takes ``**kwargs``, so any name may be one)."""
    args = task.func.args
    if args.kwarg:
        return None
    return {a.name for a in [*(args.posonlyargs or []), *(args.args or []), *(args.kwonlyargs or [])]}


@register
class IneffectiveCache(Rule):
    code = "FLY319"
    symbol = "ineffective-cache"
    severity = Severity.WARNING
    pylint_number = 61  # its pylint message id is W6761; never change it once released
    scope = Scope.IMPORTERS  # the tasks a cache is attached to, in any module
    summary = (
        'Reports a cache that does not do what it says: `Cache("override")` (or `cache="override"`) without '
        "`version_override`, and an `ignored_inputs` name that is no parameter of the task(s) the cache is "
        "attached to."
    )
    rationale = (
        "`Cache.get_version` returns `version_override` when it is set and otherwise hashes the cache policies "
        '(by default the function body), whatever the behaviour: `Cache("override")` without `version_override` '
        'is versioned exactly like `"auto"`, so every edit of the function starts a new cache, which the '
        '"override" was meant to prevent. `ignored_inputs` names are matched against the task\'s inputs by name '
        "(the local cache key, `generate_cache_key_hash`, and the backend's filter alike): a name that is not a "
        "parameter (a typo, a renamed parameter) leaves nothing out, so the input it meant still changes the "
        "cache key and every new value of it misses the cache. A Cache shared by several tasks is reported only "
        "for a name that is a parameter of none of them (for the others the SDK skips it harmlessly); a Cache "
        "whose tasks are not all known (passed to a helper, say) is left alone, as is one with its own "
        "`policies`."
        " Severity: warning: the task still runs and returns correct results; the cache only misses more often "
        "than the code says, costing time and compute."
    )
    fix = (
        'Pin the version with `flyte.Cache("override", version_override="v1")` (or use `"auto"`), and name the '
        "task's own parameters in `ignored_inputs`."
    )
    # The documented task's cache version, as the SDK computes it (Cache.get_version, what the local controller and
    # a deploy key the cache by), next to the version "auto" gives the same function.
    runtime = RuntimeSpec(
        entry="cache_probe",
        append="""


@env.task
def cache_probe() -> bool:
    from flyte._cache.cache import VersionParameters, cache_from_request

    params = VersionParameters(func=main.func, image=main.image)
    return cache_from_request(main.cache).get_version(params) == flyte.Cache("auto").get_version(params)
""",
        bad=Outcome(ok=True, output=True),
        good=Outcome(ok=True, output=False),
        completes_because=(
            'the task runs and returns correct results in both modes; its cache is versioned like "auto" (by the '
            "function body), so it only misses after every edit"
        ),
    )

    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache=flyte.Cache("override"))  # expect: FLY319
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
            message='Cache("override") without `version_override` is versioned by the function body, exactly like '
            '"auto": every edit of the function starts a new cache. Add version_override="v1" (and change it '
            "when the output should change)",
        ),
        Case(
            """
            import flyte as fl
            from flyte import Cache as C

            SHARED = C("auto", ignored_inputs=("stamp", "verbos"))  # expect: FLY319
            env = fl.TaskEnvironment("etl", cache=C(behavior="override", serialize=True))  # expect: FLY319
            pinned = fl.Cache("override", version_override="v2")

            @env.task(cache=SHARED)
            async def load(day: str, stamp: str) -> str:
                return day

            @env.task(cache=SHARED)
            async def report(day: str, verbose: bool) -> str:
                return day

            @env.task(cache=C("auto", ignored_inputs="tmestamp"))  # expect: FLY319
            async def main(day: str, timestamp: str) -> str:
                await load.override(cache="override")(day, timestamp)  # expect: FLY319
                return await report.override(cache=pinned)(day, False)
            """,
            name="aliases-shared-caches-overrides-strings",
        ),
        Case(
            """
            # file: pkg/caching.py
            import flyte

            CACHE = flyte.Cache("auto", ignored_inputs=["run_id"])  # expect: FLY319

            # file: pkg/main.py
            import flyte
            from pkg.caching import CACHE

            env = flyte.TaskEnvironment("etl")

            @env.task(cache=CACHE)
            def main(day: str, run: str) -> str:
                return day
            """,
            name="a-cache-from-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("etl")

            @env.task(cache=flyte.Cache("override", version_override="v1"))
            def main(day: str) -> str:
                return f"rows for {day}"
            """,
        ),
        Case(
            """
            import functools
            import os

            import flyte
            from joblib import Memory

            class GitPolicy:
                def get_version(self, salt, params):
                    return "abc"

            helper_cache = flyte.Cache("auto", ignored_inputs=("nothing_here",))
            CONFIGURED = os.getenv("CACHE_VERSION")
            env = flyte.TaskEnvironment("etl", cache=flyte.Cache("override", version_override=CONFIGURED))
            memory = Memory("override")

            def register(cache):
                return cache

            register(helper_cache)

            @env.task(cache=flyte.Cache("override", policies=[GitPolicy()]))
            async def a(day: str, stamp: str) -> str:
                return day

            @env.task(cache=flyte.Cache("auto", ignored_inputs=("stamp",)))
            async def b(day: str, stamp: str) -> str:
                return day

            @env.task(cache=flyte.Cache("auto", ignored_inputs=("extra",)))
            async def c(day: str, **extra: str) -> str:
                return day

            @env.task
            async def main(day: str) -> str:
                run = functools.partial(b.override(cache=flyte.Cache("disable")), day)
                return await run("x")
            """,
            name="pinned-policies-helpers-kwargs-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.external_path != "flyte.Cache":
                continue
            given = sdk_arguments(call.node, "flyte.Cache")
            behavior = given.get("behavior")
            if (
                behavior is not None
                and analysis.literal(behavior) == "override"
                and is_static(call.node)
                and "policies" not in given
            ):
                pinned = given.get("version_override")
                if pinned is None or analysis.literal(pinned) is None:
                    yield self._unpinned(call.module, call.node, given_none=pinned is not None)
            if "ignored_inputs" in given:
                yield from self._ignored(analysis, call, given["ignored_inputs"])
        for module, node in self._override_strings(analysis):
            yield self.finding(
                module,
                node,
                'cache="override" has no `version_override`, so it is versioned by the function body, exactly like '
                '"auto": every edit of the function starts a new cache. Pin the version with '
                '`flyte.Cache("override", version_override="v1")`',
            )

    def _unpinned(self, module, call: nodes.Call, given_none: bool) -> Finding:
        if given_none:
            advice = "Give `version_override` a version string (and change it when the output should change)"
            suggestion = None
        else:
            advice = f"Add {PINNED} (and change it when the output should change)"
            suggestion = keyword_added(call, PINNED)
        return self.finding(
            module,
            call,
            'Cache("override") without `version_override` is versioned by the function body, exactly like "auto": '
            f"every edit of the function starts a new cache. {advice}",
            suggestions=[suggestion],
        )

    def _override_strings(self, analysis: Analysis) -> Iterator[tuple[object, nodes.NodeNG]]:
        """``cache="override"`` strings on ``@env.task``, ``.override`` and envs: an override without a version."""
        for site in option_sites(analysis, "cache"):
            if analysis.literal(site.value) == "override":
                yield site.call.module, site.value
        for env in analysis.envs:
            if env.origin in (EnvOrigin.CONSTRUCTOR, EnvOrigin.CLONE_WITH):
                value = env_argument(analysis, env, "cache")
                if value is not None and analysis.literal(value) == "override":
                    yield env.module, value

    def _ignored(self, analysis: Analysis, call, value: nodes.NodeNG) -> Iterator[Finding]:
        names = _ignored_names(analysis, value)
        tasks = cache_targets(analysis, call.node)
        if not names or not tasks:
            return
        parameters: set[str] = set()
        for task in tasks:
            own = _parameters(task)
            if own is None:
                return
            parameters |= own
        labels = ", ".join(sorted({f"'{task.name}'" for task in tasks}))
        owner = f"task {labels}" if len(tasks) == 1 else f"any of the tasks it is attached to ({labels})"
        for name, node in names:
            if name in parameters:
                continue
            in_place = analysis.resolver.module_of(node) is call.module
            at = node if in_place else value
            guess = closest(name, sorted(parameters))
            suggestion = None
            if guess is not None:
                edit = string_edit(call.module, node, guess) if in_place else None
                suggestion = Suggestion(guess, (edit,)) if edit else None
            if suggestion is not None:
                hint = f"; did you mean `{guess}`?"
            elif guess is not None:
                hint = f"; did you mean {guess}?"
            else:
                hint = f" (the parameters: {', '.join(sorted(parameters))})"
            yield self.finding(
                call.module,
                at,
                f'ignored_inputs names "{name}", which is not a parameter of {owner}: inputs are left out of the '
                "cache key by name, so this leaves nothing out and the input it meant still changes the key (each "
                f"new value misses the cache){hint}",
                suggestions=[suggestion],
            )
