"""FLY508 image-spec: a Flyte 1 `ImageSpec`; Flyte 2 builds images with `flyte.Image`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import flyte1_index
from flyte_lint.model.project import Module
from flyte_lint.model.source import short_source, source_text
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import MIGRATE_NOTE, V1Rule

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
# In the order flytekit's image builder runs them (apt, env, pip, requirements, then commands).
CHAIN_KEYS = {
    "apt_packages": "with_apt_packages",
    "env": "with_env_vars",
    "packages": "with_pip_packages",
    "requirements": "with_requirements",
    "commands": "with_commands",
}
PIP_OPTIONS = {"pip_index": "index_url", "pip_extra_index_url": "extra_index_urls"}


def image_chain(given: dict[str, str]) -> list[str] | None:
    """The parts of the ``flyte.Image`` builder chain (its constructor, then ``.with_*(...)`` calls) equivalent to
    an ``ImageSpec(...)`` whose keywords are ``given`` as source text; None when one has no mechanical
    counterpart. ``base_image`` is a string (``Image.from_base``) or an expression already building a
    ``flyte.Image`` (a nested ImageSpec, migrated: the chain goes on from it). ``builder`` is a global setting in
    Flyte 2 (the config file): it changes nothing here. Used by FLY508's message and by ``flyte-lint migrate``."""
    keys = set(given) - {"builder"}
    if not keys <= CTOR_KEYS | set(CHAIN_KEYS) | set(PIP_OPTIONS) | {"base_image"}:
        return None
    settings = _image_settings(given)
    if settings is None:
        return None
    if "base_image" in given:
        base = given["base_image"]
        uri = _literal(base)
        if isinstance(uri, str):
            parts = [f"flyte.Image.from_base({base})"]
            layers = bool(keys & set(CHAIN_KEYS))  # (from_base's image takes no layer until cloned extendable, named)
            if layers and "name" not in given:
                settings.insert(0, f'name="{re.split(r"[:@]", uri.rsplit("/", 1)[-1])[0] or "image"}"')
            if settings:
                parts.append(f".clone({', '.join([*settings, *(['extendable=True'] if layers else [])])})")
        elif base.startswith("flyte.Image.") or base.isidentifier():
            parts = [base]  # (an image built above: migrate checks the name is one)
            if settings:
                parts.append(f".clone({', '.join(settings)})")
        else:
            return None
    else:
        parts = [f"flyte.Image.from_debian_base({', '.join(settings)})"]
    pip = [f"{PIP_OPTIONS[k]}={given[k]}" for k in PIP_OPTIONS if k in given]
    for key, method in CHAIN_KEYS.items():
        value = given.get(key)
        if value is None:
            continue
        args = [value]
        if key in ("packages", "apt_packages"):
            items = _elements(value)
            args = items if items is not None else [f"*{value}"]
        if key in ("packages", "requirements"):
            args += pip
        parts.append(f".{method}({', '.join(args)})")
    return parts


def _image_settings(given: dict[str, str]) -> list[str] | None:
    """The constructor keywords (``from_debian_base`` and ``clone`` take the same): python_version as a tuple,
    name, registry, platform as a tuple; None when one is not a literal of the right form."""
    settings = []
    if "python_version" in given:
        version = _literal(given["python_version"])
        if not (isinstance(version, str) and re.fullmatch(r"\d+\.\d+", version)):
            return None
        major, minor = version.split(".")
        settings.append(f"python_version=({major}, {minor})")
    for key in ("name", "registry"):
        if key in given:
            settings.append(f"{key}={given[key]}")
    if "platform" in given:  # "linux/amd64,linux/arm64" -> ("linux/amd64", "linux/arm64")
        platform = _literal(given["platform"])
        if not isinstance(platform, str):
            return None
        settings.append(f"platform={tuple(p.strip() for p in platform.split(','))!r}".replace("'", '"'))
    return settings


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _elements(text: str) -> list[str] | None:
    """The source of each element of a list or tuple literal, else None."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(tree, (ast.List, ast.Tuple)) or any(isinstance(e, ast.Starred) for e in tree.elts):
        return None
    return [ast.get_source_segment(text.strip(), e) for e in tree.elts]


def image_suggestion(module: Module, call: nodes.Call) -> str | None:
    """A Flyte 2 ``flyte.Image`` expression equivalent to a simple ``ImageSpec(...)`` call."""
    if call.args or any(kw.arg is None for kw in call.keywords or []):
        return None
    given = {kw.arg: source_text(module, kw.value) for kw in call.keywords or []}
    base = next((kw.value for kw in call.keywords if kw.arg == "base_image"), None)
    if base is not None and not (isinstance(base, nodes.Const) and isinstance(base.value, str)):
        return None  # (a nested ImageSpec or a name: the message lists the options instead)
    parts = image_chain(given)
    text = "".join(parts) if parts else None
    return text if text and len(text) <= 200 else None


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
            'name="trainer").with_pip_packages("pandas")`' + MIGRATE_NOTE,
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
