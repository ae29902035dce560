"""``--format json``: one object with a ``diagnostics`` list. The schema is stable."""

from __future__ import annotations

import json

from flyte_lint import __version__
from flyte_lint.findings import Finding
from flyte_lint.report.common import one_line


def as_dict(f: Finding) -> dict:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "code": f.code,
        "symbol": f.symbol,
        "severity": f.severity.value,
        "message": one_line(f.message),
        "fix": None if f.fix is None else {"safe": f.fix.safe, "title": f.fix.title},
    }


def render(findings: list[Finding], *, files: int = 0, **_) -> str:
    payload = {"version": __version__, "files_checked": files, "diagnostics": [as_dict(f) for f in findings]}
    return json.dumps(payload, indent=2) + "\n"
