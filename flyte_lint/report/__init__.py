"""Output formats for findings: text (default), json, sarif, github."""

from __future__ import annotations

from collections import Counter
from typing import Callable

from flyte_lint.findings import Finding

FORMATS = ("text", "json", "sarif", "github")


def one_line(text: str) -> str:
    return " ".join(text.split())


def render(fmt: str, findings: list[Finding], **context) -> str:
    renderer: Callable[..., str]
    if fmt == "json":
        from flyte_lint.report.json_format import render as renderer
    elif fmt == "sarif":
        from flyte_lint.report.sarif import render as renderer
    elif fmt == "github":
        from flyte_lint.report.github import render as renderer
    else:
        from flyte_lint.report.text import render as renderer
    return renderer(findings, **context)


def counts_by_severity(findings: list[Finding]) -> Counter:
    return Counter(f.severity.value for f in findings)
