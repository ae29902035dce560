"""FLY308 image-python-version: an Image `python_version=` that is not a `(major, minor)` tuple."""

from __future__ import annotations

import re
from collections.abc import Iterable

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.arguments import sdk_arguments
from flyte_lint.model.source import one_line_source
from flyte_lint.rules.base import Case, Finding, Fix, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.config._values import node_edit, when

PYTHON_VERSION_PATHS = ("flyte.Image.from_debian_base", "flyte.Image.from_uv_script", "flyte.Image.clone")


def _version_tuple(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(?:py(?:thon)?)?\s*(\d)\.(\d{1,2})(?:\.\d+)?\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


@register
class ImagePythonVersion(Rule):
    code = "FLY308"
    symbol = "image-python-version"
    pylint_number = 19
    scope = Scope.MODULE
    summary = "Reports an Image `python_version=` given as a string or float instead of a `(major, minor)` tuple."
    rationale = (
        "`Image.from_debian_base`, `from_uv_script` and `clone` read `python_version[0]` and `python_version[1]`. "
        "A string `\"3.11\"` is accepted silently and yields the characters '3' and '.': the base image becomes "
        "`ghcr.io/flyteorg/flyte:py3..-v…` (or `python:3..-slim-bookworm`), a tag that does not exist, so the "
        "image build fails at deploy. A float `3.11` raises TypeError when the image is defined."
        " Severity: error: the image build fails at deploy, and a float fails at import (a local run builds no "
        "image, so it hides the string case)."
    )
    fix = "Pass a tuple: `python_version=(3, 11)`."
    fix_safety = "Safe: replaces the string or float with the tuple it spells."

    # python_version="3.11" is read character by character: the base image tag is 'py3..'.
    runtime = RuntimeSpec(
        entry="image_probe",
        probe="image",
        modes=("local",),
        bad=Outcome(ok=True, output_item_contains={"base_image": "py3..-v"}),
        good=Outcome(ok=True, output_item_contains={"base_image": ":py3.11-"}),
    )
    INVALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version="3.11").with_pip_packages("pandas")  # expect: FLY308
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
            message="python_version=\"3.11\" is not a (major, minor) tuple: the SDK reads its first two characters, so the base image tag becomes 'py3..', which does not exist, and the image build fails; write python_version=(3, 11)",
            fixed="""
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11)).with_pip_packages("pandas")
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import flyte
            from flyte import Image

            a = Image.from_debian_base(python_version="3.11")  # expect: FLY308
            b = flyte.Image.from_debian_base(python_version=3.10)  # expect: FLY308
            c = Image.from_uv_script("x.py", name="n", python_version="3.12.1")  # expect: FLY308
            d = a.clone(python_version="3.13")  # expect: FLY308
            e = Image.from_debian_base("3.11")  # expect: FLY308
            f = Image.from_debian_base(python_version=(3, 11))
            g = Image.from_debian_base(python_version=[3, 12])
            h = Image.from_debian_base()
            """,
            name="strings-and-floats",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            image = flyte.Image.from_debian_base(python_version=(3, 11)).with_pip_packages("pandas")
            env = flyte.TaskEnvironment("etl", image=image)

            @env.task
            def main() -> int:
                return 1
            """,
        ),
        Case(
            """
            import sys
            import flyte
            from flytekit import ImageSpec

            a = flyte.Image.from_debian_base(python_version=sys.version_info[:2])
            b = ImageSpec(python_version="3.11")
            """,
            name="quiet-on-non-literals-and-look-alikes",
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for call in analysis.calls_to(*PYTHON_VERSION_PATHS):
            node = sdk_arguments(call.node, call.external_path).get("python_version")
            if node is None:
                continue
            value = analysis.literal(node)
            if isinstance(value, str):
                version = _version_tuple(value)
                effect = (
                    f"the SDK reads its first two characters, so the base image tag becomes "
                    f"'py{value[:1]}.{value[1:2]}', which does not exist, and the image build fails"
                )
            elif isinstance(value, float):
                text = one_line_source(call.module, node) if isinstance(node, nodes.Const) else None
                version = _version_tuple(text or repr(value))
                effect = f"it raises TypeError ('float' object is not subscriptable) {when(call.node)}"
            else:
                continue
            if version is not None:
                fix = (
                    Fix((node_edit(node, repr(version)),), True, f"Replace with {version!r}")
                    if node is analysis.definition(node)
                    else None
                )
                advice = f"; write python_version={version!r}"
            else:
                fix, advice = None, "; write a (major, minor) tuple such as (3, 11)"
            shown = (one_line_source(call.module, node) if isinstance(node, nodes.Const) else None) or repr(value)
            rewrite = Suggestion(f"python_version={version!r}", (node_edit(node, repr(version)),)) if version else None
            yield self.finding(
                call.module,
                node,
                f"python_version={shown} is not a (major, minor) tuple: {effect}{advice}",
                fix,
                suggestions=[rewrite],
                raises="builtins.TypeError" if isinstance(value, float) else None,
                raised_at=call.node,
            )
