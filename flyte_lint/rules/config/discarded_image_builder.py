"""FLY309 discarded-image-builder: an Image builder call whose result is thrown away."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis, ResolvedCall
from flyte_lint.model.image_layers import image_layering, layer_builders
from flyte_lint.model.names import rebinds_same_variable
from flyte_lint.model.values import Instance
from flyte_lint.rules.base import Case, Edit, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register


def _is_image_builder(analysis: Analysis, call: ResolvedCall) -> bool:
    path = call.external_path or ""
    if not (path.startswith("flyte.Image.with_") or path == "flyte.Image.clone"):
        return False
    func = call.node.func
    if not isinstance(func, nodes.Attribute):
        return False
    owner = analysis.resolver.value_of(func.expr)
    return isinstance(owner, Instance) and owner.path == "flyte.Image"


@register
class DiscardedImageBuilder(Rule):
    code = "FLY309"
    symbol = "discarded-image-builder"
    pylint_number = 20
    scope = Scope.MODULE  # (an image from an imported module is within MODULE: the names it resolves)
    summary = "Reports an Image `.with_*(...)` or `.clone(...)` call whose result is thrown away."
    rationale = (
        "`flyte.Image` is frozen: every builder method returns a new Image and leaves the original unchanged. "
        'Calling `image.with_pip_packages("pandas")` as a statement builds the new image and drops it, so the '
        "environment runs without the package and fails with ImportError on the cluster (locally the package "
        "may happen to be installed, which hides the bug)."
        " Severity: error: the deployed image lacks the layer, so the task fails in the cluster (only a local "
        "run with the package already installed hides it)."
    )
    fix = "Assign the result: `image = image.with_pip_packages(...)`, or chain the builders in one expression."
    fix_safety = "Unsafe: assigning the result changes which image the env uses (that is the point)."
    # The discarded builder leaves the env's image without the pip layer.
    runtime = RuntimeSpec(
        entry="image_probe",
        probe="image",
        modes=("local",),
        bad=Outcome(ok=True, output_items={"layers": []}),
        good=Outcome(ok=True, output_items={"layers": ["PipPackages"]}),
    )

    INVALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11))
            image.with_pip_packages("pandas", "pyarrow")  # expect: FLY309
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
            message="the Image returned by `.with_pip_packages(...)` is discarded: Image is frozen, so the original "
            "image is unchanged and nothing uses this one; the layer never reaches the env's image. Keep it "
            "with `image = image.with_pip_packages(...)`",
            fixed="""
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11))
            image = image.with_pip_packages("pandas", "pyarrow")
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11))
            image.with_pip_packages("pandas")  # expect: FLY309
            image.with_apt_packages("git").with_env_vars({"A": "1"})  # expect: FLY309
            image.clone(name="other")  # expect: FLY309
            image = image.with_pip_packages("numpy")
            chained = flyte.Image.from_debian_base().with_pip_packages("x")
            env = flyte.TaskEnvironment("etl", image=image.with_commands(["echo hi"]))

            def build():
                local = flyte.Image.from_debian_base()
                local.with_pip_packages("torch")  # expect: FLY309
                image.with_pip_packages("torch")  # expect: FLY309
                return local
            """,
            name="discarded-builders",
        ),
        # The fix assigns only where that rebinds the same variable: in build() it would make `image` a new local.
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base()
            image.with_pip_packages("pandas")  # expect: FLY309

            def build():
                image.with_pip_packages("torch")  # expect: FLY309
            """,
            fixed="""
            import flyte

            image = flyte.Image.from_debian_base()
            image = image.with_pip_packages("pandas")

            def build():
                image.with_pip_packages("torch")
            """,
            name="fix-in-the-same-scope-only",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11))
            image = image.with_pip_packages("pandas", "pyarrow")
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import flyte
            from flytekit import ImageSpec

            spec = ImageSpec(name="x")
            spec.with_packages("pandas")
            builder = object()
            builder.with_pip_packages("x")
            env = flyte.TaskEnvironment("etl")
            """,
            name="other-objects",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls:
            if not isinstance(call.node.parent, nodes.Expr) or not _is_image_builder(analysis, call):
                continue
            func = call.node.func
            if func.attrname in layer_builders() and image_layering(analysis, func.expr).takes_layers is False:
                continue  # the layer call raises (FLY320): nothing is built to be discarded
            method = func.attrname
            receiver, chain = func.expr, f".{method}(...)"
            while isinstance(receiver, nodes.Call) and isinstance(receiver.func, nodes.Attribute):
                receiver, chain = receiver.func.expr, f".{receiver.func.attrname}(...){chain}"
            fix = None
            if isinstance(receiver, nodes.Name) and rebinds_same_variable(receiver, call.node.parent):
                stmt = call.node.parent
                fix = Fix(
                    (Edit((stmt.lineno, stmt.col_offset), (stmt.lineno, stmt.col_offset), f"{receiver.name} = "),),
                    False,
                    f"Assign the result to `{receiver.name}`",
                )
                target = f"`{receiver.name} = {receiver.name}{chain}`"
            else:
                target = "an assignment"
            yield self.finding(
                call.module,
                call.node,
                f"the Image returned by `.{method}(...)` is discarded: Image is frozen, so the original image is "
                f"unchanged and nothing uses this one; the layer never reaches the env's image. Keep it with {target}",
                fix,
                suggestions=[Suggestion(target.strip("`"), fix.edits) if fix else None],
            )
