"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

import json

from flyte_lint import __version__
from flyte_lint.findings import Finding
from flyte_lint.report.common import one_line
from flyte_lint.rules import all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/flyte-lint/flyte-lint"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.symbol,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": one_line(rule.rationale)},
        "help": {"text": f"{rule.fix}", "markdown": f"**Why:** {one_line(rule.rationale)}\n\n**Fix:** {rule.fix}"},
        "helpUri": f"{INFO_URI}/blob/main/rules.md#{rule.code.lower()}-{rule.symbol}",
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
    }


def render(findings: list[Finding], **_) -> str:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        result = {
            "ruleId": f.code,
            "level": LEVELS[f.severity.value],
            "message": {"text": one_line(f.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.replace("\\", "/"), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flyte-lint",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
