"""FLY401, FLY402: environment dependencies that `flyte deploy` gets wrong."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from astroid import nodes

if TYPE_CHECKING:
    import networkx as nx

from flyte_lint.model.analysis import SHELL_CREATE, Analysis, TaskObjectCall
from flyte_lint.model.entities import Env
from flyte_lint.model.images import ImageNeed
from flyte_lint.model.resolver import enclosing_function
from flyte_lint.rules.base import Edit, Finding, Rule, Severity, Suggestion, keyword_added, register

MAX_CYCLES = 5_000  # FLY402 looks at this many dependency cycles at most


def bounded_cycles(graph: "nx.DiGraph") -> list[list]:
    """Every simple cycle of ``graph``, strongly connected component by component; in a component with more
    than MAX_CYCLES (environments that all depend on one another have factorially many: 12 of them, hundreds
    of millions), the shortest ones up to MAX_CYCLES, so that each declaration closing a short cycle is
    still named."""
    import networkx as nx

    found: list[list] = []
    for members in nx.strongly_connected_components(graph):
        if len(members) == 1 and not any(graph.has_edge(m, m) for m in members):
            continue
        component = graph.subgraph(members)
        first = list(itertools.islice(nx.simple_cycles(component), MAX_CYCLES + 1))
        if len(first) <= MAX_CYCLES:
            found.extend(first)
            continue
        shortest: list[list] = []
        for length in range(1, len(members) + 1):
            for cycle in nx.simple_cycles(component, length_bound=length):
                if len(cycle) == length:  # (the shorter ones came in the rounds before)
                    shortest.append(cycle)
                    if len(shortest) == MAX_CYCLES:
                        break
            if len(shortest) == MAX_CYCLES:
                break
        found.extend(shortest)
    return found


def env_variable(env: Env) -> str:
    """The name the env is bound to in its module (``env`` in ``env = flyte.TaskEnvironment(...)``)."""
    parent = env.node.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], nodes.AssignName):
        return parent.targets[0].name
    if isinstance(parent, nodes.AnnAssign) and isinstance(parent.target, nodes.AssignName):
        return parent.target.name
    return f"<env '{env.label}'>"


def env_expression(env: Env) -> str:
    """What a ``depends_on`` list names ``env`` by: its variable, or a shell task's ``.env``."""
    return f"{env_variable(env)}.env" if env.origin == "shell" else env_variable(env)


def _driver_name(root_env: Env) -> str:
    """A name for a new driver env, derived from the root env's name alone (the same whatever modules an analysis
    holds): its name plus `-driver` (`_driver` for a snake_case name), a valid env name."""
    name = root_env.name
    if not name:
        return "driver"
    return f"{name}_driver" if "_" in name and "-" not in name else f"{name}-driver"


def same_env(a: Env, b: Env) -> bool:
    return a is b or (a.name is not None and a.name == b.name)


@register
class MissingEnvDependency(Rule):
    code = "FLY401"
    symbol = "missing-env-dependency"
    summary = ("Reports a call into a task of env B whose image must be built (layers such as `.with_pip_packages`, "
               "`Image.from_uv_script`, `Image.from_ref_name`, `Image.from_dockerfile`) when a root task whose run "
               "reaches the call (a task no task calls, one passed to `flyte.run`, one with a trigger) has an env that "
               "does not depend on B: a task of `@env.task`, a ContainerTask given its env by "
               "`TaskEnvironment.from_task`, or a shell task (also one whose env nothing makes).")
    rationale = (
        "A remote run builds (or looks up) images only for its root task's env and that env's transitive "
        "`depends_on` (`flyte run` and `flyte.run` plan the root's env), and hands that image cache down: each parent "
        "submits a child by serializing it in its own pod with the cache. A child whose env is missing from it gets "
        "its own image when that needs no build (no `image=`, `\"auto\"`, a URI string, a bare "
        "`Image.from_debian_base()` or `Image.from_base(uri)`), so no dependency is needed and the rule is silent. "
        "When the child's image must be built (layers, `Image.from_uv_script`, `Image.from_pixi_script`, "
        "`Image.from_ref_name`, `Image.from_debian_base(install_flyte=False)`, made of layers), the "
        "submission fails with \"Environment 'b' not found in image cache\"; for `Image.from_dockerfile` it computes "
        "the image's tag from the Dockerfile in the pod, which fails (FileNotFoundError) unless the Dockerfile is "
        "shipped with the code, and otherwise names an image the run did not build. The root decides, not the "
        "caller: a call from A into B inside a run whose root env depends on B works even when A does not. A shell "
        "task gets its env only when its `.env` is read; when nothing reads it, its submission fails (\"Task ... has "
        "no parent environment name\") whatever its image, and the root's `depends_on=[task.env]` makes and plans "
        "it. A local run serializes nothing, which hides the bug until the first remote run. An image or a "
        "`depends_on` the model cannot resolve, and a plugin's task (how it is serialized is not known here), keep "
        "the rule silent."
        " Severity: error: every remote run started at that root fails there (a local run works); a warning when the "
        "only such root is a task other tasks call that has a trigger: its triggered runs use the image cache of the "
        "`flyte deploy` that registered it, which also holds every env deployed in the same command."
    )
    bad = """
        import flyte

        gpu_image = flyte.Image.from_debian_base().with_pip_packages("scikit-learn")
        gpu_env = flyte.TaskEnvironment("gpu", image=gpu_image)
        driver_env = flyte.TaskEnvironment("driver")

        @gpu_env.task
        async def train(epochs: int) -> float:
            return 0.9

        @driver_env.task
        async def main() -> float:
            return await train(3)
    """
    good = """
        import flyte

        gpu_image = flyte.Image.from_debian_base().with_pip_packages("scikit-learn")
        gpu_env = flyte.TaskEnvironment("gpu", image=gpu_image)
        driver_env = flyte.TaskEnvironment("driver", depends_on=[gpu_env])

        @gpu_env.task
        async def train(epochs: int) -> float:
            return 0.9

        @driver_env.task
        async def main() -> float:
            return await train(3)
    """
    fix = ("Add the callee's env to the `depends_on=[...]` of the root task's env (or call "
           "`root_env.add_dependency(callee_env)` before any `clone_with` of it). When the callee's env already "
           "depends on the root's env, that would close a cycle: run the root task in a separate driver env that "
           "depends on both.")

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            callee = site.task
            if callee is None or site.form == "forward":
                continue
            # The tasks the call runs in; a call in a lambda runs wherever the lambda does.
            callers = analysis.context_tasks(enclosing_function(site.node))
            yield from self._check_call(
                analysis, site.module, site.node, callers, callee.env, lambda env=callee.env: analysis.image_need(env),
                f"task '{callee.name}' of env '{callee.env.label}'", f"'{callee.name}'", env_variable(callee.env))
        for site in getattr(analysis, "choice_sites", ()):  # one of several tasks (``TOOLS[k](x)``): all of one env
            envs = {id(task.env): task.env for task in site.candidates}
            if len(envs) != 1:
                continue
            [env] = envs.values()
            names = ", ".join(f"'{t.name}'" for t in sorted(set(site.candidates), key=lambda t: t.name))
            yield from self._check_call(
                analysis, site.module, site.node, analysis.context_tasks(enclosing_function(site.node)), env,
                lambda env=env: analysis.image_need(env), f"one of tasks {names} of env '{env.label}'",
                "the one it picks", env_variable(env))
        for used in analysis.task_object_calls:  # ContainerTask, shell and plugin tasks: an object, not a def
            if used.env is None or not used.starts_task:
                continue
            callers = analysis.context_tasks(used.call.function)
            yield from self._check_call(
                analysis, used.call.module, used.call.node, callers, used.env,
                lambda used=used: _object_need(analysis, used),
                f"`{used.name}`, a task of env '{used.env.label}'", f"`{used.name}`", env_expression(used.env))

    def _check_call(self, analysis: Analysis, module, node: nodes.Call, callers, env: Env, need_of, called: str,
                    child: str, shown: str) -> Iterable[Finding]:
        """A finding when the image of ``env`` (the callee's) must be built and a root whose run reaches one of
        ``callers`` does not plan ``env``."""
        callers = sorted((c for c in callers if not same_env(c.env, env)), key=lambda t: t.name)
        if not callers:
            return
        need = need_of()
        if not need.needs_build and need.kind != "no env":
            return
        missed = []  # (caller, root) pairs, one per root env that does not cover ``env``
        for caller in callers:
            # (the caller itself first, when it is a root: the run the finding names is then the caller's own)
            for root in sorted(analysis.run_roots.reaching(caller), key=lambda r: r.task is not caller):
                root_env = root.task.env
                if not any(same_env(r.task.env, root_env) for _, r in missed) and not may_reach(root_env, env):
                    missed.append((caller, root))
        if not missed:
            return
        # (a run its trigger starts uses the images of the deploy that registered it, which may have deployed B too)
        missed.sort(key=lambda pair: pair[1].why == "trigger")
        caller, root = missed[0]
        root_env, label = root.task.env, env.label
        deployed = root.why == "trigger" and need.kind != "no env"
        if deployed:
            plan = (f"the runs that the trigger of root task '{root.task.name}' starts use the image cache of the "
                    f"`flyte deploy` that registered env '{root_env.label}': '{root_env.label}', its depends_on (which "
                    f"do not include '{label}') and the envs deployed in the same command")
        elif root.task is caller:
            plan = f"a remote run of '{root.task.name}' ({root.described})"
        else:
            plan = f"a remote run started at root task '{root.task.name}' (env '{root_env.label}': {root.described})"
        if not deployed:
            plan += f" builds images only for env '{root_env.label}' and its depends_on, which do not include '{label}'"
        unless = f"unless '{label}' is deployed in that command, " if deployed else ""
        if need.kind == "no env":
            image = f"a shell task whose env is made only when `{shown}` is read, which no `depends_on` does"
            effect = (f"so submitting {child} there fails with \"Task {label} has no parent environment name\" "
                      "(a local run does not serialize it)")
        elif need.kind == "dockerfile":
            image = f"whose image is built from a Dockerfile ({need.builder})"
            effect = (f"so {unless}submitting {child} there computes the image's tag from the Dockerfile in the pod: "
                      "FileNotFoundError unless the Dockerfile is shipped with the code, and otherwise an image this "
                      "run did not build (a local run works)")
        else:
            image = f"whose image must be built ({need.builder})"
            effect = (f"so {unless}submitting {child} there fails with \"Environment '{label}' not found in image cache\" "
                      "(a local run works)")
        others = [f"'{r.task.name}' (env '{r.task.env.label}')" for _, r in missed[1:]]
        also = f"; runs started at root tasks {', '.join(others)} miss it too" if others else ""
        and_also = f" (and to {', '.join(repr(r.task.env.label) for _, r in missed[1:])})" if others else ""
        if may_reach(env, root_env, known_only=True):
            name = _driver_name(root_env)
            root_var = env_expression(root_env)
            driver = (f"`{root_var}.clone_with(\"{name}\", depends_on=[{root_var}, {shown}])` (a clone keeps its image)"
                      if root_var.isidentifier() else f"`flyte.TaskEnvironment(\"{name}\", depends_on=[{root_var}, {shown}])`")
            advice = (f". '{label}' already depends on '{root_env.label}', so `depends_on=[{shown}]` on '{root_env.label}' "
                      f"would close a cycle: run '{root.task.name}' in a new driver env that depends on both, "
                      f"e.g. {driver}")
            suggestions = []
        else:
            where = f"env '{root_env.label}'" + (
                "" if same_env(root_env, caller.env) else f" (the env of root task '{root.task.name}')")
            added = dependency_added(module, root_env, env, shown)
            if added is not None and not added.shown.startswith("depends_on="):
                advice = f". Add the dependency with `{added.shown}`{and_also}"
            else:
                advice = f". Add `depends_on=[{shown}]` to {where}{and_also}"
            suggestions = [added]
        yield self.finding(
            module, node,
            f"task '{caller.name}' (env '{caller.env.label}') calls {called}, {image}: {plan}, {effect}{also}{advice}",
            severity=Severity.WARNING if deployed else None,
            suggestions=suggestions,
        )


def _object_need(analysis: Analysis, used: TaskObjectCall) -> ImageNeed:
    """What a task object's call needs from the run: its image's (ContainerTask, shell task), or, for a shell task
    whose env is made by nothing but reading its ``.env`` and that nothing reads (no ``depends_on`` names it), an
    env: its container task has no parent env then, and submitting it fails whatever its image."""
    if used.maker == SHELL_CREATE and used.env.origin == "shell" and not any(
            dep is used.env for env in analysis.envs for _, dep in env.dependencies):
        return ImageNeed("no env")
    return analysis.object_image_need(used.made)


def dependency_added(module, env: Env, callee: Env, shown: str) -> Suggestion | None:
    """``callee`` (named ``shown``) made a dependency of ``env``, in the file that defines ``env`` at module level
    (``module``, the finding's, or another: the suggestion's path), when that file defines or imports ``shown``
    once: ``depends_on=[callee]`` added to the constructor of ``env`` when it has none and the name is bound above
    it; otherwise (a clone, whose ``depends_on=`` would replace the inherited ones, or a ``depends_on`` already
    given) ``env.add_dependency(callee)`` on a line after both."""
    call = env.node
    if not all(p.isidentifier() for p in shown.split(".")):
        return None
    # Where the name ``shown`` is bound at the top of the env's file (defined or imported there), or None.
    bindings = env.node.root().locals.get(shown.split(".")[0], ())
    bound = [b.statement() for b in bindings if isinstance(b.statement().parent, nodes.Module)]
    if len(bound) != 1 or len(bindings) != 1:
        return None  # (not bound there, or rebound: which value a line sees is not known here)
    if bound[0] is not callee.node.statement() and not isinstance(bound[0], (nodes.Import, nodes.ImportFrom)):
        return None  # (the name is something else there)
    statements = [env.node.statement(), bound[0]]
    if not isinstance(statements[0].parent, nodes.Module):
        return None
    path = env.module.display_path if env.module is not module else None
    if (env.origin == "constructor" and not any(k.arg == "depends_on" for k in call.keywords or [])
            and bound[0].end_lineno < call.lineno):
        return replace(keyword_added(call, f"depends_on=[{shown}]"), path=path)
    variable = env_variable(env)
    if not variable.isidentifier():
        return None
    after = max(statements, key=lambda stmt: stmt.end_lineno)
    indent = " " * after.col_offset
    line = after.end_lineno + 1
    return Suggestion(f"{variable}.add_dependency({shown})",
                      (Edit((line, 0), (line, 0), f"{indent}{variable}.add_dependency({shown})\n"),), path)


@register
class EnvDependencyCycle(Rule):
    code = "FLY402"
    symbol = "env-dependency-cycle"
    summary = "Reports a cycle in environments' `depends_on`, at the dependency that closes it, and an env added as its own dependency."
    rationale = (
        "`flyte deploy` plans environments by following `depends_on` recursively; a cycle makes it recurse until RecursionError, so nothing deploys."
        " Severity: error: nothing that depends on the cycle deploys (a local run does not plan a deploy)."
    )
    bad = """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
        a.add_dependency(b)
    """
    good = """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
    """
    fix = "Remove one dependency of the cycle; dependencies only need to point from callers to callees."
    runtime_effect = "RecursionError"

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        if not analysis.has_dependencies or not _has_cycle(analysis):
            return  # no cycle (the usual case): networkx, slow to import, is not needed
        graph = certain_dependency_graph(analysis)
        reported: set[int] = set()
        for cycle in sorted(bounded_cycles(graph), key=lambda c: sorted(e.label for e in c)):
            edges = [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
            closing = max(edges, key=lambda e: _position(graph.edges[e]["declared_at"], e[0]))
            declared = graph.edges[closing]["declared_at"]
            if id(declared) in reported:
                continue
            reported.add(id(declared))
            start = cycle.index(closing[1])
            order = cycle[start:] + cycle[:start]
            shown = [f"'{e.label}'" for e in order + [order[0]]]
            if len(shown) > 10:  # a long ring: its ends name the closing dependency, the middle is counted
                shown = shown[:4] + [f"... ({len(shown) - 7} more) ..."] + shown[-3:]
            path = " -> ".join(shown)
            module = analysis.resolver.module_of(declared)
            if len(cycle) == 1:
                message = (
                    f"environment '{cycle[0].label}' is added as its own dependency: `add_dependency` raises "
                    "ValueError (\"Cannot add self as a dependency\") at import. Remove it"
                )
            else:
                message = (
                    f"environment dependency cycle {path}: `flyte deploy` recurses until RecursionError. "
                    "Remove one of these dependencies"
                )
            yield self.finding(module, declared, message)


def _has_cycle(analysis: Analysis) -> bool:
    """Whether the certain dependencies of the environments form a cycle (the standard library says)."""
    from graphlib import CycleError, TopologicalSorter

    edges = {env: [dep for _, dep in certain_dependencies(env) if dep is not None] for env in analysis.envs}
    try:
        TopologicalSorter(edges).prepare()
    except CycleError:
        return True
    return False


def _added(node: nodes.NodeNG) -> bool:
    """The dependency is an ``env.add_dependency(...)`` argument (not an element of ``depends_on=[...]``)."""
    return isinstance(node.parent, nodes.Call)


def _runs_before(node: nodes.NodeNG, call: nodes.NodeNG) -> bool:
    """``node`` certainly runs before ``call``: module-level statements of one module, ``node`` first."""
    first, second = node.statement(), call.statement()
    return (
        node.root() is call.root()
        and isinstance(first.parent, nodes.Module)
        and isinstance(second.parent, nodes.Module)
        and (first.lineno or 0) < (second.lineno or 0)
    )


def certain_dependencies(env: Env) -> list[tuple[nodes.NodeNG, Env | None]]:
    """The dependencies ``env`` certainly has. ``clone_with`` copies its source's ``depends_on`` list when
    it runs (unless given a ``depends_on`` that is not None), so a clone inherits the source's constructor
    dependencies, but an ``add_dependency`` on the source only when it certainly ran before the clone."""
    return _dependencies(env, lambda node, clone: not _added(node) or _runs_before(node, clone))


def possible_dependencies(env: Env) -> list[tuple[nodes.NodeNG, Env | None]]:
    """The dependencies ``env`` may have when its tasks run: as certain_dependencies, but a clone inherits an
    ``add_dependency`` on its source unless that certainly ran after the clone."""
    return _dependencies(env, lambda node, clone: not _added(node) or not _runs_before(clone, node))


def _dependencies(env: Env, inherited) -> list[tuple[nodes.NodeNG, Env | None]]:
    own = list(env.dependencies)
    if _inherits_dependencies(env):
        own.extend((node, dep) for node, dep in _dependencies(env.parent, inherited) if inherited(node, env.node))
    return own


def _inherits_dependencies(env: Env) -> bool:
    """``env`` is a clone that keeps its source's ``depends_on`` (given none, or ``depends_on=None``)."""
    if env.parent is None:
        return False
    given = next((kw.value for kw in env.node.keywords or [] if kw.arg == "depends_on"), None)
    return given is None or (isinstance(given, nodes.Const) and given.value is None)


def may_reach(env: Env, target: Env, known_only: bool = False) -> bool:
    """``target`` is ``env`` or may be in its transitive ``depends_on`` when its tasks run (possible_dependencies).
    False only when it certainly is not; with ``known_only``, through the dependencies the model knows only."""
    seen: set[int] = set()
    todo = [env]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if same_env(current, target):
            return True
        deps = possible_dependencies(current)
        if not known_only and (_dependencies_unknown(current) or any(dep is None for _, dep in deps)):
            return True
        todo.extend(dep for _, dep in deps if dep is not None)
    return False


def _dependencies_unknown(env: Env) -> bool:
    """``env``'s ``depends_on`` (or what a clone inherits) is not a list the model can follow."""
    if env.dependencies_unknown:
        return True
    return _inherits_dependencies(env) and _dependencies_unknown(env.parent)


def certain_dependency_graph(analysis: Analysis) -> "nx.DiGraph":
    """Edges env -> dependency that certainly exist, each with the node that declares it first."""
    import networkx as nx

    graph = nx.DiGraph()
    for env in analysis.envs:
        graph.add_node(env)
        for node, dep in certain_dependencies(env):
            if dep is not None and not graph.has_edge(env, dep):
                graph.add_edge(env, dep, declared_at=node)
    return graph


def _position(node: nodes.NodeNG, env: Env) -> tuple:
    """Where a dependency is declared, ordered by when it takes effect: ``depends_on=[...]`` needs its
    target to exist already, so a cycle can only be closed by an ``add_dependency`` call; among those,
    by file and source position."""
    return (_added(node), str(node.root().file), node.lineno or 0, node.col_offset or 0)
