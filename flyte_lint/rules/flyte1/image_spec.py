"""FLY508 image-spec: a Flyte 1 `ImageSpec`; Flyte 2 builds images with `flyte.Image`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.project import Module
from flyte_lint.model.source import short_source, source_text
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import V1Rule

IMAGE_OPTIONS = {
    "name": "`name=` of `Image.from_debian_base`",
    "registry": "`registry=` of `Image.from_debian_base`",
    "python_version": "`python_version=(3, 11)` (a tuple) of `Image.from_debian_base`",
    "platform": "`platform=` (a tuple) of `Image.from_debian_base`",
    "packages": "`.with_pip_packages(...)`",
    "apt_packages": "`.with_apt_packages(...)`",
    "requirements": "`.with_requirements(path)`",
    "env": "`.with_env_vars({...})`",
    "commands": "`.with_commands([...])`",
    "copy": "`.with_source_file(...)` / `.with_source_folder(...)`",
    "source_root": "`.with_source_folder(...)`",
    "pip_index": "`index_url=` of `.with_pip_packages`",
    "pip_extra_index_url": "`extra_index_urls=` of `.with_pip_packages`",
    "base_image": "`Image.from_base(uri)`",
    "builder": "`image.builder` in the config file, or `flyte.init(image_builder=...)`",
    "registry_config": "`registry_secret=` of `Image.from_debian_base` (a Flyte secret)",
    "conda_packages": "no equivalent: use a base image with them (`Image.from_base`)",
    "conda_channels": "no equivalent: use a base image with them (`Image.from_base`)",
}
CTOR_KEYS = {"name", "registry", "python_version", "platform"}
CHAIN_KEYS = {
    "packages": "with_pip_packages",
    "apt_packages": "with_apt_packages",
    "requirements": "with_requirements",
    "env": "with_env_vars",
    "commands": "with_commands",
}


def image_suggestion(module: Module, call: nodes.Call) -> str | None:
    """A Flyte 2 ``flyte.Image`` expression equivalent to a simple ``ImageSpec(...)`` call."""
    if call.args:
        return None
    given = {kw.arg: kw.value for kw in call.keywords or []}
    if None in given or not set(given) <= CTOR_KEYS | set(CHAIN_KEYS) | {"builder", "base_image"}:
        return None
    if "base_image" in given:
        if given.keys() & CTOR_KEYS:
            return None
        text = f"flyte.Image.from_base({source_text(module, given['base_image'])})"
    else:
        ctor = []
        for key in ("name", "registry", "platform"):
            if key in given:
                ctor.append(f"{key}={source_text(module, given[key])}")
        version = given.get("python_version")
        if version is not None:
            if not (
                isinstance(version, nodes.Const)
                and isinstance(version.value, str)
                and re.fullmatch(r"\d+\.\d+", version.value)
            ):
                return None
            major, minor = version.value.split(".")
            ctor.insert(0, f"python_version=({major}, {minor})")
        text = f"flyte.Image.from_debian_base({', '.join(ctor)})"
    for key, method in CHAIN_KEYS.items():
        value = given.get(key)
        if value is None:
            continue
        if key in ("packages", "apt_packages"):
            if isinstance(value, (nodes.List, nodes.Tuple)):
                inner = ", ".join(source_text(module, e) for e in value.elts)
            else:
                inner = f"*{source_text(module, value)}"
            text += f".{method}({inner})"
        else:
            text += f".{method}({source_text(module, value)})"
    return text if len(text) <= 200 else None


@register
class ImageSpecRule(V1Rule):
    code = "FLY508"
    symbol = "image-spec"
    pylint_number = 35
    scope = Scope.IMPORTERS
    summary = "Reports a Flyte 1 `ImageSpec`: Flyte 2 builds images with `flyte.Image` and its `.with_*` methods."
    rationale = (
        "Flyte 2 has no `ImageSpec`. `flyte.Image.from_debian_base(...)` (or `Image.from_base(uri)`, "
        "`Image.from_dockerfile(...)`) starts an image and chained `.with_pip_packages(...)`, "
        "`.with_apt_packages(...)`, `.with_env_vars(...)` add to it; the TaskEnvironment takes it as `image=`."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import ImageSpec, task

            image = ImageSpec(name="trainer", python_version="3.11", packages=["pandas"])  # expect: FLY508

            @task(container_image=image)
            def train() -> int:
                return 1
            """,
            message="`ImageSpec(...)` is Flyte 1: use `flyte.Image.from_debian_base(python_version=(3, 11), "
            'name="trainer").with_pip_packages("pandas")`',
        ),
        Case(
            """
            import flytekit
            from flytekit import ImageSpec

            simple = ImageSpec(name="etl", python_version="3.12", packages=["polars", "duckdb"], apt_packages=["git"])  # expect: FLY508
            based = flytekit.ImageSpec(base_image="ghcr.io/org/base:1", packages=["torch"])  # expect: FLY508
            odd = ImageSpec(name="x", conda_packages=["numpy"], builder="envd")  # expect: FLY508
            """,
            name="image-spec-forms",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11), name="trainer").with_pip_packages("pandas")
            env = flyte.TaskEnvironment("demo", image=image)

            @env.task
            def train() -> int:
                return 1
            """,
        ),
    ]
    fix = "Build a `flyte.Image` (the message spells it out for simple specs) and pass it to `flyte.TaskEnvironment(image=...)`."

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("ImageSpec"):
            call = ref.call
            head = f"`{short_source(ref.module, ref.site, 50)}` is Flyte 1"
            if call is None:
                yield self.finding(ref.module, ref.site, f"{head}: use `flyte.Image`")
                continue
            suggestion = image_suggestion(ref.module, call)
            if suggestion is not None:
                msg = f"{head}: use `{suggestion}`"
                if "builder" in {kw.arg for kw in call.keywords or []}:
                    msg += f"; `builder=` → {IMAGE_OPTIONS['builder']}"
            else:
                hints = [
                    f"`{kw.arg}=` → {IMAGE_OPTIONS[kw.arg]}" for kw in call.keywords or [] if kw.arg in IMAGE_OPTIONS
                ]
                msg = f"{head}: use `flyte.Image.from_debian_base(...)` and its `.with_*` methods" + (
                    "; " + "; ".join(hints) if hints else ""
                )
            yield self.finding(ref.module, call, msg)
