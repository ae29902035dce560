"""What the output formats share (a leaf module: report's ``__init__`` imports the formats, never the reverse)."""

from __future__ import annotations

from collections import Counter

from flyte_lint.findings import Finding


def one_line(text: str) -> str:
    return " ".join(text.split())


def counts_by_severity(findings: list[Finding]) -> Counter:
    return Counter(f.severity.value for f in findings)
