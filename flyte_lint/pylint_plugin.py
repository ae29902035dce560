"""A pylint plugin that reports flyte-lint's findings as pylint messages.

    pylint --load-plugins=flyte_lint.pylint_plugin --disable=all --enable=flyte-lint src/

It is a thin adapter over :func:`flyte_lint.engine.run`: no analysis happens here. The engine runs once per
pylint run (once per worker process with ``--jobs``), over all the files pylint lints, so cross-module
rules (FLY401, FLY402) see the whole program exactly as ``flyte-lint check <the same files>`` does. Each
module's findings are then emitted while pylint processes that module, after it has read the module's
``# pylint: disable=...`` pragmas, so those work as for any other message. A file pylint cannot parse is
never processed as a module; its FLY001 finding is emitted when the checker closes.

Message symbols are the rule symbols, except FLY001's (``syntax-error`` is pylint's E0001), which is
``flyte-lint-syntax-error`` here. Message ids use pylint's range for external checkers with the
base id 67: ``<letter>67<nn>`` where the letter follows the rule severity (error E, warning W, info I;
a finding whose own severity differs from its rule's keeps the rule's id and names its severity in the text)
and ``nn`` is the rule's ``pylint_number``: first assigned
in code order from 01 (FLY001 is E6701), then append-only so that ids stay stable as rules are added. ``F6700`` (flyte-lint-error)
reports a configuration or internal error of flyte-lint itself.

Nothing here imports flyte; neither does the engine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from astroid import nodes
from pylint.checkers import BaseRawFileChecker
from pylint.interfaces import HIGH

from flyte_lint.config import ConfigError, Options, settings_for_paths, split_codes, validate_codes
from flyte_lint.findings import Finding, Severity
from flyte_lint.rules import REGISTRY

if TYPE_CHECKING:
    from pylint.lint import PyLinter

BASE_ID = 67
LETTERS = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}
ERROR_MSGID = f"F{BASE_ID}00"
ERROR_SYMBOL = "flyte-lint-error"


def rule_numbers() -> dict[str, int]:
    """Rule code -> its pylint message number, the rule's ``pylint_number``. Append-only: a number, once released,
    is never changed or reused, so `--disable=E6725` keeps meaning missing-env-dependency; scripts/add_rule.py
    gives a new rule the next free one."""
    missing = sorted(code for code, rule in REGISTRY.items() if rule.pylint_number is None)
    if missing:  # pragma: no cover - tests/test_rule_cases.py holds every rule to a number
        raise RuntimeError(f"rules without a pylint_number: {', '.join(missing)}")
    return {code: rule.pylint_number for code, rule in sorted(REGISTRY.items())}


def message_ids() -> dict[str, str]:
    """Rule code -> pylint msgid: the severity letter, the base id 67 and the rule's number (FLY001 -> E6701)."""
    numbers = rule_numbers()
    if max(numbers.values(), default=0) > 99:  # pragma: no cover
        raise RuntimeError("pylint leaves two digits per checker: at most 99 flyte-lint message numbers")
    return {code: f"{LETTERS[REGISTRY[code].severity]}{BASE_ID}{numbers[code]:02d}" for code in sorted(REGISTRY)}


def message_text(finding: Finding) -> str:
    """The text of a finding's pylint message. Its id carries the rule's severity letter; a finding whose own
    severity differs (a deprecated GPU name of FLY303 is a warning of an error rule) says so in the text."""
    if finding.severity != REGISTRY[finding.code].severity:
        return f"{finding.code} ({finding.severity.value}) {finding.message}"
    return f"{finding.code} {finding.message}"


def symbol(code: str) -> str:
    """The pylint symbol of a rule: its own symbol, unless pylint has taken that (then its ``pylint_symbol``)."""
    rule = REGISTRY[code]
    return rule.pylint_symbol or rule.symbol


MSGIDS = message_ids()


def _msgs() -> dict[str, tuple]:
    msgs: dict[str, tuple] = {}
    for code, msgid in MSGIDS.items():
        rule = REGISTRY[code]
        msgs[msgid] = ("%s", symbol(code), f"{rule.code}: {rule.summary} See `flyte-lint explain {rule.code}`.")
    msgs[ERROR_MSGID] = (
        "flyte-lint could not run: %s",
        ERROR_SYMBOL,
        "flyte-lint's configuration is invalid or it failed internally; its other messages may be missing.",
    )
    return msgs


def _real(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.realpath(path))


def pylint_files(linter: PyLinter) -> list[str] | None:
    """The files this pylint run lints, computed the way ``PyLinter.check`` expands its arguments; None
    when pylint was not given any (an API caller checking single modules)."""
    config = getattr(linter, "_base_config", None) or linter.config
    given = list(getattr(config, "files", None) or [])
    if not given:
        return None
    if getattr(config, "from_stdin", False):
        return [given[0]]
    try:
        from pylint.lint.expand_modules import expand_modules

        if getattr(config, "recursive", False):
            given = list(linter._discover_files(given))
        expanded, _errors = expand_modules(
            given,
            config.source_roots,
            config.ignore,
            config.ignore_patterns,
            getattr(linter, "_ignore_paths", None) or config.ignore_paths,
        )
        return [
            d["path"]
            for d in expanded.values()
            if not d["isignored"] and linter.should_analyze_file(d["name"], d["path"], is_argument=d["isarg"])
        ]
    except Exception:  # pragma: no cover - a pylint whose internals moved: lint what was named
        return [g for g in given if os.path.exists(g)]


class FlyteLintChecker(BaseRawFileChecker):
    """Reports flyte-lint findings; messages are line-scoped (the default for raw checkers)."""

    name = "flyte-lint"
    msgs = _msgs()
    options = (
        (
            "flyte-lint-config",
            {
                "type": "string",
                "default": "",
                "metavar": "<file>",
                "help": "Read flyte-lint's settings from this file instead of the nearest pyproject.toml "
                "(as `flyte-lint check --config`).",
            },
        ),
        (
            "flyte-lint-root-dir",
            {
                "type": "csv",
                "default": (),
                "metavar": "<dir>[,<dir>...]",
                "help": "Extra source roots for resolving imports (as `flyte-lint check --root-dir`).",
            },
        ),
        (
            "flyte-lint-extend-select",
            {
                "type": "csv",
                "default": (),
                "metavar": "<codes>",
                "help": "Also run these flyte-lint rules, e.g. ones off by default (as `--extend-select`).",
            },
        ),
    )

    def __init__(self, linter: PyLinter) -> None:
        super().__init__(linter)
        self._files: tuple[tuple[str, ...], list[str] | None] | None = None
        self._key: tuple | None = None
        self._run: _Run | None = None  # the engine run over all the files pylint lints
        self._alone: dict[str, _Run] = {}  # runs over one module each, when pylint named no files
        self._processed: set[str] = set()
        self._errors_reported: set[str] = set()

    @property
    def _parallel(self) -> bool:
        config = self.linter.config
        return config.jobs > 1 and not getattr(config, "from_stdin", False)

    # -- running the engine ----------------------------------------------------------------------
    def open(self) -> None:
        """Sequentially, called once before all the modules; in a ``--jobs`` worker, before each module."""
        self._processed = set()
        config = getattr(self.linter, "_base_config", None) or self.linter.config
        given = tuple(getattr(config, "files", None) or ())
        if self._parallel and self._run is not None and self._files is not None and self._files[0] == given:
            return  # a --jobs worker: the engine already ran over all the files, in this process
        files = pylint_files(self.linter)
        self._files = (given, files)
        if files is None:
            self._run = None
            return
        key = self._inputs(files)
        if key != self._key:  # the same linter checking again reuses the run unless a file changed
            self._key, self._run = key, self._engine(files)

    def _inputs(self, files: list[str]) -> tuple:
        config = self.linter.config
        return (
            tuple(_real(f) for f in files),
            tuple(_stamp(f) for f in files),
            os.getcwd(),
            config.flyte_lint_config,
            tuple(config.flyte_lint_root_dir),
            tuple(config.flyte_lint_extend_select),
            self._ignored(),
        )

    def _ignored(self) -> tuple[str, ...]:
        """Rules whose messages are disabled for the whole run need not be computed at all."""
        return tuple(code for code, msgid in MSGIDS.items() if not self.linter.is_message_enabled(msgid))

    def _engine(self, files: list[str]) -> _Run:
        from flyte_lint.engine import run

        config = self.linter.config
        paths = [Path(f) for f in files]
        try:
            config_file = Path(config.flyte_lint_config) if config.flyte_lint_config else None
            settings = settings_for_paths(paths, config_file)
            extend = split_codes(",".join(config.flyte_lint_extend_select))
            if extend:
                validate_codes(extend, "--flyte-lint-extend-select")
        except ConfigError as exc:
            return _Run([], [str(exc)])
        options = Options(
            extend_select=extend,
            ignore=list(self._ignored()),
            root_dirs=[Path(d).resolve() for d in config.flyte_lint_root_dir],
        )
        result = run(paths, settings, options)
        return _Run(result.findings, [e.splitlines()[0] for e in result.internal_errors])

    # -- reporting ---------------------------------------------------------------------------------
    def process_module(self, node: nodes.Module) -> None:
        """Called for each module pylint lints, after it read the module's pragmas."""
        if not node.file:
            return
        path = _real(node.file)
        run = self._run
        if run is None or path not in self._key[0]:
            # pylint named no files (an API caller checking single modules): lint this one alone,
            # still resolved against its project as `flyte-lint check <file>` does.
            run = self._alone.get(path) or self._alone.setdefault(path, self._engine([node.file]))
        self._processed.add(path)
        self._report_errors(run)
        findings = run.by_file.get(path, [])
        if findings and node.file_bytes is not None and not _same_text(node, findings[0]):
            return  # pylint linted other text (--from-stdin: an unsaved buffer) than the file the engine read
        for finding in findings:
            self._emit(finding)

    def close(self) -> None:
        run = self._run
        if run is None:
            return
        self._report_errors(run)
        # A file pylint could not parse never reaches process_module. Sequentially, close() follows all
        # the files; in a --jobs worker it follows the one file that worker was given.
        pending = [_real(self.linter.current_file or "")] if self._parallel else list(run.failed)
        for path in pending:
            if path in run.failed and path not in self._processed:
                self._emit_elsewhere(path, run.failed[path])

    def _report_errors(self, run: _Run) -> None:
        for error in run.errors:
            if error not in self._errors_reported:
                self._errors_reported.add(error)
                self.add_message(ERROR_SYMBOL, args=error)

    def _emit_elsewhere(self, path: str, findings: list[Finding]) -> None:
        """Report on a module pylint is not processing: make it current, with no pragmas (pylint could not
        read any from a file it failed to parse)."""
        from pylint.utils.file_state import FileState

        linter = self.linter
        saved = (linter.current_name, linter.current_file, linter.file_state)
        module = findings[0].module
        try:
            linter.set_current_module(module.name, str(module.path))
            linter.file_state = FileState(linter.current_name, linter.msgs_store, is_base_filestate=True)
            for finding in findings:
                self._emit(finding)
        finally:
            linter.current_name, linter.current_file, linter.file_state = saved
        self._processed.add(path)

    def _emit(self, finding: Finding) -> None:
        self.add_message(
            symbol(finding.code),
            line=finding.line,
            args=message_text(finding),
            confidence=HIGH,
            col_offset=finding.column - 1,
            end_lineno=finding.end_line,
            end_col_offset=finding.end_column - 1,
        )


class _Run:
    """One engine run's findings by file (real paths), and its errors."""

    def __init__(self, findings: list[Finding], errors: list[str]) -> None:
        self.errors = errors
        self.by_file: dict[str, list[Finding]] = {}
        self.failed: dict[str, list[Finding]] = {}  # FLY001: files pylint may never process
        for finding in findings:
            if finding.module is None:  # pragma: no cover - every rule finding has a module
                continue
            path = _real(finding.module.path)
            self.by_file.setdefault(path, []).append(finding)
            if finding.code == "FLY001":
                self.failed.setdefault(path, []).append(finding)


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _same_text(node: nodes.Module, finding: Finding) -> bool:
    module = finding.module
    if module is None or module.text is None:
        return True
    try:
        text = (
            node.file_bytes.decode(node.file_encoding or "utf-8")
            if isinstance(node.file_bytes, bytes)
            else node.file_bytes
        )
    except (LookupError, UnicodeDecodeError):  # pragma: no cover
        return True
    return text.lstrip("\ufeff").replace("\r\n", "\n") == module.text.replace("\r\n", "\n")


def register(linter: PyLinter) -> None:
    """Called by pylint's ``--load-plugins=flyte_lint.pylint_plugin``."""
    linter.register_checker(FlyteLintChecker(linter))


__all__ = ["FlyteLintChecker", "MSGIDS", "register", "symbol"]
