"""FLY401 missing-env-dependency: a task of a run calls into an env whose image must be built, and the run's
root env does not depend on it.

What the SDK does (flyte 2.12.1; tests/test_env_dependency_sdk.py measures each case): a remote run builds (or
looks up) images for its root task's env and that env's transitive ``depends_on`` only, and each parent submits a
child by serializing it with that image cache: a child whose env is missing fails ("Environment 'b' not found in
image cache") only when its image must be built; ``from_dockerfile`` hashes the Dockerfile in the pod; any other
image is used as is."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import SHELL_CREATE, Analysis, TaskObjectCall
from flyte_lint.model.entities import Env
from flyte_lint.model.images import ImageNeed
from flyte_lint.model.kinds import CallForm, EnvOrigin, ImageKind, RootReason
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.envs._common import dependency_added, env_expression, env_variable, same_env
from flyte_lint.rules.envs._dependencies import may_reach
from flyte_lint.rules.envs._missing_dependency_call_cases import CALL_INVALID, CALL_VALID
from flyte_lint.rules.envs._missing_dependency_depends_on_cases import DEPENDS_ON_INVALID, DEPENDS_ON_VALID
from flyte_lint.rules.envs._missing_dependency_image_cases import IMAGE_INVALID, IMAGE_VALID
from flyte_lint.rules.envs._missing_dependency_root_cases import ROOT_INVALID, ROOT_VALID

# A remote run of main plans driver_env and its depends_on, and submits train with that image cache: the probe
# does the same with the SDK's code (tests/test_env_dependency_sdk.py does it for many programs).
# The message of the documented example (and of the same call with other names): root, image builder, effect, fix.
MESSAGE = (
    "task 'driver.main' (env 'driver') calls task 'gpu.train' of env 'gpu', whose image must be built "
    "(`.with_pip_packages(...)`): a remote run of 'driver.main' (no task calls it) builds images only for env "
    "'driver' and its depends_on, which do not include 'gpu', so submitting 'gpu.train' there fails with "
    "\"Environment 'gpu' not found in image cache\" (a local run works). Add `depends_on=[gpu_env]` to env "
    "'driver'"
)

SUBMIT_PROBE = """

probe_env = flyte.TaskEnvironment("probe")


@probe_env.task
def main() -> str:
    import pathlib

    from flyte._deploy import plan_deploy
    from flyte._internal.image_cache import ImageCache
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    cache = ImageCache(image_lookup={name: f"registry.example/{name}:built" for name in plan_deploy(driver_env)[0].envs})
    context = SerializationContext(version="v1", image_cache=cache, root_dir=pathlib.Path.cwd())
    return translate_task_to_wire(train, context).task_template.container.image
"""


@register
class MissingEnvDependency(Rule):
    code = "FLY401"
    symbol = "missing-env-dependency"
    pylint_number = 25
    advice_elsewhere = (
        (
            r"would close a cycle: run .* in a separate driver env .*e\.g\. `",
            "sketches a refactor (a new driver env that depends on both, and the root task moved into it), not a rewrite of one place",
        ),
    )
    scope = Scope.IMPORTERS  # a call's task context, run roots and the component's envs
    summary = (
        "Reports a call into a task of env B whose image must be built (layers such as `.with_pip_packages`, "
        "`Image.from_uv_script`, `Image.from_ref_name`, `Image.from_dockerfile`) when a root task whose run "
        "reaches the call (a task no task calls, one passed to `flyte.run`, one with a trigger) has an env that "
        "does not depend on B: a task of `@env.task`, a ContainerTask given its env by "
        "`TaskEnvironment.from_task`, or a shell task (also one whose env nothing makes)."
    )
    rationale = (
        "A remote run builds (or looks up) images only for its root task's env and that env's transitive "
        "`depends_on` (`flyte run` and `flyte.run` plan the root's env), and hands that image cache down: each parent "
        "submits a child by serializing it in its own pod with the cache. A child whose env is missing from it gets "
        'its own image when that needs no build (no `image=`, `"auto"`, a URI string, a bare '
        "`Image.from_debian_base()` or `Image.from_base(uri)`), so no dependency is needed and the rule is silent. "
        "When the child's image must be built (layers, `Image.from_uv_script`, `Image.from_pixi_script`, "
        "`Image.from_ref_name`, `Image.from_debian_base(install_flyte=False)`, made of layers), the "
        "submission fails with \"Environment 'b' not found in image cache\"; for `Image.from_dockerfile` it computes "
        "the image's tag from the Dockerfile in the pod, which fails (FileNotFoundError) unless the Dockerfile is "
        "shipped with the code, and otherwise names an image the run did not build. The root decides, not the "
        "caller: a call from A into B inside a run whose root env depends on B works even when A does not. A shell "
        'task gets its env only when its `.env` is read; when nothing reads it, its submission fails ("Task ... has '
        "no parent environment name\") whatever its image, and the root's `depends_on=[task.env]` makes and plans "
        "it. A local run serializes nothing, which hides the bug until the first remote run. An image or a "
        "`depends_on` the model cannot resolve, and a plugin's task (how it is serialized is not known here), keep "
        "the rule silent."
        " Severity: error: every remote run started at that root fails there (a local run works); a warning when the "
        "only such root is a task other tasks call that has a trigger: its triggered runs use the image cache of the "
        "`flyte deploy` that registered it, which also holds every env deployed in the same command."
    )
    fix = (
        "Add the callee's env to the `depends_on=[...]` of the root task's env (or call "
        "`root_env.add_dependency(callee_env)` before any `clone_with` of it). When the callee's env already "
        "depends on the root's env, that would close a cycle: run the root task in a separate driver env that "
        "depends on both."
    )

    runtime = RuntimeSpec(
        entry="main",
        append=SUBMIT_PROBE,
        modes=("local",),
        bad=Outcome(ok=False, error_contains=("Environment 'gpu' not found in image cache",)),
        good=Outcome(ok=True, output="registry.example/gpu:built"),
    )

    INVALID = [
        Case(
            """
            import flyte

            gpu_image = flyte.Image.from_debian_base().with_pip_packages("scikit-learn")
            gpu_env = flyte.TaskEnvironment("gpu", image=gpu_image)
            driver_env = flyte.TaskEnvironment("driver")

            @gpu_env.task
            async def train(epochs: int) -> float:
                return 0.9

            @driver_env.task
            async def main() -> float:
                return await train(3)  # expect: FLY401
            """,
            message=MESSAGE,
        ),
        Case(
            """
            import flyte

            gpu_env = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
            driver_env = flyte.TaskEnvironment("driver")

            @gpu_env.task
            async def train(x: int) -> int:
                return x

            @driver_env.task
            async def main(x: int) -> int:
                return await train(x)  # expect: FLY401
            """,
            message=MESSAGE,
            name="message-names-root-builder-effect-and-fix",
        ),
        # A shell task gets its env when its `.env` is first read. When nothing reads it, its container task has no
        # parent env, and submitting it fails whatever its image: the root's `depends_on=[head.env]` makes and plans it.
        Case(
            """
            import flyte
            from flyte.extras import shell

            head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
            cpu = flyte.TaskEnvironment("cpu")

            @cpu.task
            async def main(f: str) -> str:
                await head(f=f)  # expect: FLY401
                return f
            """,
            message="task 'cpu.main' (env 'cpu') calls `head`, a task of env 'head', a shell task whose env is made "
            "only when `head.env` is read, which no `depends_on` does: a remote run of 'cpu.main' (no task "
            "calls it) builds images only for env 'cpu' and its depends_on, which do not include 'head', so "
            'submitting `head` there fails with "Task head has no parent environment name" (a local run does '
            "not serialize it). Add `depends_on=[head.env]` to env 'cpu'",
            name="a-shell-task-whose-env-nothing-makes",
        ),
        *DEPENDS_ON_INVALID,
        *CALL_INVALID,  # (the other cases: _missing_dependency_depends_on_cases.py, _call_cases.py, _image_cases.py, _root_cases.py)
        *IMAGE_INVALID,
        *ROOT_INVALID,
    ]
    VALID = [
        Case(
            """
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
            """,
        ),
        *DEPENDS_ON_VALID,
        *CALL_VALID,
        *IMAGE_VALID,
        *ROOT_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for site in analysis.call_sites:
            callee = site.task
            if callee is None or site.form == CallForm.FORWARD:
                continue
            # The tasks the call runs in; a call in a lambda runs wherever the lambda does.
            callers = analysis.context_tasks(enclosing_function(site.node))
            yield from self._check_call(
                analysis,
                site.module,
                site.node,
                callers,
                callee.env,
                lambda env=callee.env: analysis.image_need(env),
                f"task '{callee.name}' of env '{callee.env.label}'",
                f"'{callee.name}'",
                env_variable(callee.env),
            )
        for site in analysis.choice_sites:  # one of several tasks (``TOOLS[k](x)``): all of one env
            envs = {id(task.env): task.env for task in site.candidates}
            if len(envs) != 1:
                continue
            [env] = envs.values()
            names = ", ".join(f"'{t.name}'" for t in sorted(set(site.candidates), key=lambda t: t.name))
            yield from self._check_call(
                analysis,
                site.module,
                site.node,
                analysis.context_tasks(enclosing_function(site.node)),
                env,
                lambda env=env: analysis.image_need(env),
                f"one of tasks {names} of env '{env.label}'",
                "the one it picks",
                env_variable(env),
            )
        for used in analysis.task_object_calls:  # ContainerTask, shell and plugin tasks: an object, not a def
            if used.env is None or not used.starts_task:
                continue
            callers = analysis.context_tasks(used.call.function)
            yield from self._check_call(
                analysis,
                used.call.module,
                used.call.node,
                callers,
                used.env,
                lambda used=used: _object_need(analysis, used),
                f"`{used.name}`, a task of env '{used.env.label}'",
                f"`{used.name}`",
                env_expression(used.env),
            )

    def _check_call(
        self,
        analysis: Analysis,
        module,
        node: nodes.Call,
        callers,
        env: Env,
        need_of,
        called: str,
        child: str,
        shown: str,
    ) -> Iterable[Finding]:
        """A finding when the image of ``env`` (the callee's) must be built and a root whose run reaches one of
        ``callers`` does not plan ``env``."""
        callers = sorted((c for c in callers if not same_env(c.env, env)), key=lambda t: t.name)
        if not callers:
            return
        need = need_of()
        if not need.needs_build and need.kind != ImageKind.NO_ENV:
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
        missed.sort(key=lambda pair: pair[1].why == RootReason.TRIGGER)
        caller, root = missed[0]
        root_env, label = root.task.env, env.label
        deployed = root.why == RootReason.TRIGGER and need.kind != ImageKind.NO_ENV
        if deployed:
            plan = (
                f"the runs that the trigger of root task '{root.task.name}' starts use the image cache of the "
                f"`flyte deploy` that registered env '{root_env.label}': '{root_env.label}', its depends_on (which "
                f"do not include '{label}') and the envs deployed in the same command"
            )
        elif root.task is caller:
            plan = f"a remote run of '{root.task.name}' ({root.described})"
        else:
            plan = f"a remote run started at root task '{root.task.name}' (env '{root_env.label}': {root.described})"
        if not deployed:
            plan += f" builds images only for env '{root_env.label}' and its depends_on, which do not include '{label}'"
        unless = f"unless '{label}' is deployed in that command, " if deployed else ""
        if need.kind == ImageKind.NO_ENV:
            image = f"a shell task whose env is made only when `{shown}` is read, which no `depends_on` does"
            effect = (
                f'so submitting {child} there fails with "Task {label} has no parent environment name" '
                "(a local run does not serialize it)"
            )
        elif need.kind == "dockerfile":
            image = f"whose image is built from a Dockerfile ({need.builder})"
            effect = (
                f"so {unless}submitting {child} there computes the image's tag from the Dockerfile in the pod: "
                "FileNotFoundError unless the Dockerfile is shipped with the code, and otherwise an image this "
                "run did not build (a local run works)"
            )
        else:
            image = f"whose image must be built ({need.builder})"
            effect = (
                f"so {unless}submitting {child} there fails with \"Environment '{label}' not found in image cache\" "
                "(a local run works)"
            )
        others = [f"'{r.task.name}' (env '{r.task.env.label}')" for _, r in missed[1:]]
        also = f"; runs started at root tasks {', '.join(others)} miss it too" if others else ""
        and_also = f" (and to {', '.join(repr(r.task.env.label) for _, r in missed[1:])})" if others else ""
        if may_reach(env, root_env, known_only=True):
            name = _driver_name(root_env)
            root_var = env_expression(root_env)
            driver = (
                f'`{root_var}.clone_with("{name}", depends_on=[{root_var}, {shown}])` (a clone keeps its image)'
                if root_var.isidentifier()
                else f'`flyte.TaskEnvironment("{name}", depends_on=[{root_var}, {shown}])`'
            )
            advice = (
                f". '{label}' already depends on '{root_env.label}', so `depends_on=[{shown}]` on '{root_env.label}' "
                f"would close a cycle: run '{root.task.name}' in a new driver env that depends on both, "
                f"e.g. {driver}"
            )
            suggestions = []
        else:
            where = f"env '{root_env.label}'" + (
                "" if same_env(root_env, caller.env) else f" (the env of root task '{root.task.name}')"
            )
            added = dependency_added(module, root_env, env, shown)
            if added is not None and not added.shown.startswith("depends_on="):
                advice = f". Add the dependency with `{added.shown}`{and_also}"
            else:
                advice = f". Add `depends_on=[{shown}]` to {where}{and_also}"
            suggestions = [added]
        yield self.finding(
            module,
            node,
            f"task '{caller.name}' (env '{caller.env.label}') calls {called}, {image}: {plan}, {effect}{also}{advice}",
            severity=Severity.WARNING if deployed else None,
            suggestions=suggestions,
        )


def _object_need(analysis: Analysis, used: TaskObjectCall) -> ImageNeed:
    """What a task object's call needs from the run: its image's (ContainerTask, shell task), or, for a shell task
    whose env is made by nothing but reading its ``.env`` and that nothing reads (no ``depends_on`` names it), an
    env: its container task has no parent env then, and submitting it fails whatever its image."""
    if (
        used.maker == SHELL_CREATE
        and used.env.origin == EnvOrigin.SHELL
        and not any(dep is used.env for env in analysis.envs for _, dep in env.dependencies)
    ):
        return ImageNeed(ImageKind.NO_ENV)
    return analysis.object_image_need(used.made)


def _driver_name(root_env: Env) -> str:
    """A name for a new driver env, derived from the root env's name alone (the same whatever modules an analysis
    holds): its name plus `-driver` (`_driver` for a snake_case name), a valid env name."""
    name = root_env.name
    if not name:
        return "driver"
    return f"{name}_driver" if "_" in name and "-" not in name else f"{name}-driver"
