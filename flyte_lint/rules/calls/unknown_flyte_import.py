"""FLY116 unknown-flyte-import: an import of a name or module the installed flyte SDK does not have."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint import sdk
from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte_imports import FlyteImport, flyte_imports, name_spans
from flyte_lint.model.suggest import closest
from flyte_lint.rules.base import Edit, Finding, Outcome, Rule, RuntimeSpec, Scope, Suggestion, register
from flyte_lint.rules.calls._unknown_flyte_import_cases import INVALID_CASES, VALID_CASES
from flyte_lint.rules.flyte1._common import MAPPING as FLYTE1_NAMES

IMPORT_ERROR = "builtins.ImportError"
MODULE_NOT_FOUND = "builtins.ModuleNotFoundError"


@register
class UnknownFlyteImport(Rule):
    code = "FLY116"
    symbol = "unknown-flyte-import"
    pylint_number = 53
    scope = Scope.MODULE  # (whether `flyte` is the SDK or a project module: the names the module resolves)
    raises = IMPORT_ERROR  # (a missing module: ModuleNotFoundError, which `except ImportError` catches too)
    summary = "Reports an import of a name or a module that the flyte SDK does not have."
    rationale = (
        "`from flyte import task, workflow` is Flyte 1 written against Flyte 2: the `flyte` package has neither, "
        "so the import raises ImportError (`import flyte.nonexistent`: ModuleNotFoundError) and the module never "
        "loads: `flyte run`, `flyte deploy` and every task of the module fail before anything runs. The names are "
        "those of the SDK flyte-lint's table was generated from (the message names its version), including those "
        "its modules load only on "
        "first use (`flyte.deploy`, `flyte.build`, `flyte.io.DataFrame`), which `dir()` does not show until "
        "then. An import under `if TYPE_CHECKING:` never runs, and one inside `try: ... except ImportError:` is "
        "the author's own probe: neither is reported. With a `target-flyte-version` of another minor version than "
        "the table's, the names may differ, and nothing is reported."
        " Severity: error: the module fails to import, so local runs, deploys and the cluster fail alike."
    )
    fix = (
        "Import what Flyte 2 has: Flyte 1 names map to Flyte 2 ones (`task`/`workflow` → `@env.task` on a "
        "`flyte.TaskEnvironment`, `FlyteFile` → `flyte.io.File`...); a name of another flyte module is imported "
        "from that module; a typo gets the closest name."
    )
    runtime = RuntimeSpec(
        entry="main",
        modes=("local",),  # (the import fails before any task body runs)
        bad=Outcome(ok=False, error_contains=("ImportError", "cannot import name 'task' from 'flyte'"), phase="import"),
        good=Outcome(ok=True, output=2),
    )
    INVALID = INVALID_CASES
    VALID = VALID_CASES

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        if not sdk.describes(analysis.target_flyte_version):
            return
        for imp in flyte_imports(analysis):
            finding = self._missing_module(analysis, imp)
            if finding is None and imp.names:
                finding = self._missing_names(imp)
            if finding is not None:
                yield finding

    # -- `import flyte.x.y`, `from flyte.x import y`: a module that is not there ----------------------------------
    def _missing_module(self, analysis: Analysis, imp: FlyteImport) -> Finding | None:
        parts = imp.dotted.split(".")
        for i in range(1, len(parts)):
            parent, child = ".".join(parts[:i]), parts[i]
            known = sdk.module_imports(parent)
            if known is None:
                return None  # (a private or unknown module: its children are not known)
            if child in known["submodules"]:
                continue
            if analysis.guarded_against(imp.node, IMPORT_ERROR):
                return None  # (ModuleNotFoundError is an ImportError: `except ImportError` catches it)
            missing = ".".join(parts[: i + 1])
            head = f"`{missing}` is no module of flyte {sdk.version()}: the import fails with ModuleNotFoundError"
            advice, suggestion = _module_advice(imp, parent, child, known)
            return self.finding(imp.module, imp.node, head + advice, suggestions=[suggestion], raises=MODULE_NOT_FOUND)
        return None

    # -- `from flyte import task`: a name the module does not have ----------------------------------------------
    def _missing_names(self, imp: FlyteImport) -> Finding | None:
        known = sdk.module_imports(imp.dotted)
        if known is None:
            return None
        have = {*known["names"], *known["lazy"], *known["submodules"]}
        missing = [
            name
            for name, _ in imp.names
            if name != "*" and name not in have and not (name.startswith("__") and name.endswith("__"))
        ]
        if not missing:
            return None
        spans = name_spans(imp.module, imp.node)
        advice, suggestions = [], []
        for name in dict.fromkeys(missing):
            text, suggestion = _name_advice(imp, name, known, spans.get(name))
            advice.append(text)
            suggestions.append(suggestion)
        listed = " or ".join(f"`{n}`" for n in dict.fromkeys(missing))
        head = f"`{imp.dotted}` has no {listed} in flyte {sdk.version()}: the import fails with ImportError"
        return self.finding(imp.module, imp.node, head + "; " + "; ".join(advice), suggestions=suggestions)


def _public(known: dict, module: str) -> list[str]:
    """The names of ``module`` worth suggesting: its public exports, its lazy names and public submodules."""
    exported = sdk.public_names(module) or {n for n in known["names"] if not n.startswith("_")}
    return sorted({*exported, *known["lazy"], *(s for s in known["submodules"] if not s.startswith("_"))})


def _home_of(name: str) -> str | None:
    """The flyte module that exports ``name`` publicly (the shortest path, then the first), or None."""
    homes = [m for m, names in sdk.table().get("modules", {}).items() if name in names]
    return min(homes, key=lambda m: (m.count("."), m)) if homes else None


def _name_advice(imp: FlyteImport, name: str, known: dict, span: tuple | None) -> tuple[str, Suggestion | None]:
    home = _home_of(name)
    if home is not None:
        return f"`{name}` is in `{home}` (`from {home} import {name}`)", None
    if name in FLYTE1_NAMES:
        return f"`{name}` is Flyte 1; its Flyte 2 form is {FLYTE1_NAMES[name]}", None
    close = closest(name, _public(known, imp.dotted))
    if close is None:
        return f"`{name}` is not one of its names", None
    if span is None:
        return f"`{name}` is not one of its names; the closest is `{close}`", None
    return f"`{name}`: did you mean `{close}`?", Suggestion(close, (Edit(span[0], span[1], close),))


def _module_advice(imp: FlyteImport, parent: str, child: str, known: dict) -> tuple[str, Suggestion | None]:
    if child in known["names"] or child in known["lazy"]:
        shown = f"from {parent} import {child}"
        if imp.names or len(imp.node.names) != 1:
            return f"; `{child}` is a name in `{parent}`, not a module (`{shown}` imports it)", None
        if imp.alias:
            shown += f" as {imp.alias}"
        node = imp.node
        edit = Edit((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset), shown)
        return f"; `{child}` is a name in `{parent}`, not a module: write `{shown}`", Suggestion(shown, (edit,))
    close = closest(child, [s for s in known["submodules"] if not s.startswith("_")])
    if close is None:
        return "", None
    fixed = f"{parent}.{close}"
    span = name_spans(imp.module, imp.node).get(imp.dotted) if not imp.names else None
    if span is None or imp.dotted != f"{parent}.{child}":
        return f"; the closest module is `{fixed}`", None
    return f"; did you mean `{fixed}`?", Suggestion(fixed, (Edit(span[0], span[1], fixed),))
