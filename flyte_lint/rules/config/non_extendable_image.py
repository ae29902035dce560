"""FLY320 non-extendable-image: a layer builder applied to an image that takes no layers."""

from __future__ import annotations

from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import argument
from flyte_lint.model.image_layers import image_layering, layer_builders
from flyte_lint.model.scopes import enclosing_function
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register

NOT_EXTENDABLE = "Cannot add additional layers to a non-extendable image"
DOCKERFILE = "Flyte current cannot add additional layers to a Dockerfile-based Image"


def _adds_nothing(call: nodes.Call, method: str) -> bool:
    """Calls that add no layer: ``with_local_v2_plugins()`` without plugins, ``with_source_file([])``."""
    if method == "with_local_v2_plugins":
        given = argument(call, 0, "plugins")
        return given is None or (isinstance(given, nodes.Const) and not given.value)
    if method == "with_source_file":
        given = argument(call, 0, "src")
        return isinstance(given, (nodes.List, nodes.Tuple)) and not given.elts
    return False


@register
class NonExtendableImage(Rule):
    code = "FLY320"
    symbol = "non-extendable-image"
    severity = Severity.ERROR
    pylint_number = 62  # its pylint message id is E6762; never change it once released
    scope = Scope.MODULE  # image expressions and the names they resolve to
    raises = "builtins.ValueError"
    summary = (
        "Reports a layer builder (`.with_pip_packages`, `.with_apt_packages`, `.with_env_vars`, `.with_workdir`, "
        "any `.with_*`) applied to an image that takes no layers: `Image.from_base`, `from_ref_name`, "
        "`from_dockerfile`, or a `.clone(..., extendable=False)`."
    )
    rationale = (
        "Every layer builder of `flyte.Image` is `clone(addl_layer=...)`, which raises ValueError on an image "
        'that is not extendable ("Cannot add additional layers to a non-extendable image") or was made from a '
        'Dockerfile ("Flyte current cannot add additional layers to a Dockerfile-based Image"). '
        "`Image.from_base(uri)` and `Image.from_ref_name(name)` make non-extendable images, "
        "`Image.from_dockerfile(...)` a Dockerfile one; `.clone(..., extendable=False)` makes any image "
        "non-extendable, and `.clone(...)` without `extendable=` keeps the source's setting, so a clone of "
        "`Image.from_debian_base()` stays extendable. Image objects are made where the code runs, for "
        "module-level code when the module is imported, so the call fails there, before any task runs. "
        "`with_local_v2_plugins()` without plugins and `with_source_file([])` add no layer and are left alone."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    fix = (
        'Clone the image as extendable first (`Image.from_base(uri).clone(name="my-image", extendable=True)`), '
        "start from `Image.from_debian_base(...)`, or put the layer in the Dockerfile / base image."
    )
    runtime = RuntimeSpec(
        entry="image_probe",
        probe="image",
        modes=("local",),
        bad=Outcome(ok=False, phase="import", error_contains=("ValueError", NOT_EXTENDABLE)),
        good=Outcome(ok=True, output_items={"layers": ["PipPackages"]}),
    )

    INVALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_base("ghcr.io/acme/trainer:1.0").with_pip_packages("pandas")  # expect: FLY320
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
            message="`.with_pip_packages(...)` adds a layer to an image made by `Image.from_base(...)`, which is not "
            'extendable: it raises ValueError ("Cannot add additional layers to a non-extendable image") when this '
            'line runs, at import. Clone it first: `.clone(name="...", extendable=True).with_pip_packages(...)`',
        ),
        Case(
            """
            from pathlib import Path

            import flyte as fl
            from flyte import Image as Img

            base = Img.from_base("python:3.11-slim")
            ref = Img.from_ref_name("trainer")
            docker = Img.from_dockerfile(Path("Dockerfile"), registry="ghcr.io/acme", name="d")
            frozen = Img.from_debian_base().clone(name="x", extendable=False)
            kept = base.clone(name="kept")

            a = base.with_apt_packages("git").with_env_vars({"A": "1"})  # expect: FLY320
            b = ref.with_workdir("/app")  # expect: FLY320
            c = docker.with_source_folder(Path("src"))  # expect: FLY320
            d = docker.clone(extendable=True).with_commands(["echo hi"])  # expect: FLY320
            e = frozen.with_requirements(Path("requirements.txt"))  # expect: FLY320
            f = kept.with_code_bundle()  # expect: FLY320
            g = fl.Image.from_base("x").with_local_v2_plugins("flyteplugins-ray")  # expect: FLY320
            """,
            name="bases-aliases-clones-chains",
        ),
        Case(
            """
            # file: pkg/images.py
            import flyte

            BASE = flyte.Image.from_base("ghcr.io/acme/base:1")

            # file: pkg/main.py
            import flyte
            from pkg import images
            from pkg.images import BASE

            env = flyte.TaskEnvironment("etl", image=BASE.with_pip_packages("x"))  # expect: FLY320
            other = flyte.TaskEnvironment("other", image=images.BASE.with_uv_project("pyproject.toml"))  # expect: FLY320
            """,
            name="an-image-from-another-module",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            image = (
                flyte.Image.from_base("ghcr.io/acme/trainer:1.0")
                .clone(name="trainer", extendable=True)
                .with_pip_packages("pandas")
            )
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import os

            import flyte
            from mylib import Image

            debian = flyte.Image.from_debian_base()
            clone = debian.clone(name="mine").with_apt_packages("git")
            uv = flyte.Image.from_uv_script("script.py", name="uv").with_env_vars({"A": "1"})
            opened = flyte.Image.from_base("python:3.11").clone(name="o", extendable=True)
            opened = opened.with_workdir("/app")
            plugins = flyte.Image.from_base("x").with_local_v2_plugins()
            files = flyte.Image.from_base("x").with_source_file([])
            theirs = Image.from_base("x").with_pip_packages("y")
            chosen = flyte.Image.from_base("x") if os.getenv("BASE") else debian
            maybe = chosen.with_pip_packages("z")
            """,
            name="extendable-images-empty-layers-look-alikes-unknown",
        ),
        Case(
            """
            import flyte

            def image():
                try:
                    return flyte.Image.from_base("x").with_pip_packages("y")
                except ValueError:
                    return flyte.Image.from_debian_base().with_pip_packages("y")
            """,
            name="an-authors-guard",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        builders = layer_builders()
        for call in analysis.calls:
            func = call.node.func
            if not isinstance(func, nodes.Attribute) or func.attrname not in builders:
                continue
            if _adds_nothing(call.node, func.attrname):
                continue
            layering = image_layering(analysis, func.expr)
            if layering.takes_layers is not False:
                continue
            method = func.attrname
            if layering.dockerfile:
                effect = f'made from a Dockerfile ({layering.origin}): it raises ValueError ("{DOCKERFILE}")'
                advice = "Put the layer in the Dockerfile"
            else:
                effect = (
                    f'made by {layering.origin}, which is not extendable: it raises ValueError ("{NOT_EXTENDABLE}")'
                )
                advice = f'Clone it first: `.clone(name="...", extendable=True).{method}(...)`'
            at_import = ", at import" if enclosing_function(call.node) is None else ""
            yield self.finding(
                call.module,
                call.node,
                f"`.{method}(...)` adds a layer to an image {effect} when this line runs{at_import}. {advice}",
            )
