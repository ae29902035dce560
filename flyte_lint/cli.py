"""The `flyte-lint` command: check, rules, explain, graph, migrate, clean. Exit codes follow ruff: 0 clean,
1 findings, 2 usage or internal error."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from flyte_lint import __version__
from flyte_lint.config import (
    ConfigError,
    Options,
    Settings,
    find_pyproject,
    load,
    settings_for_paths,
    split_codes,
    validate_codes,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flyte-lint", description="Static analyzer and linter for Flyte 2 workflow code."
    )
    parser.add_argument("--version", action="version", version=f"flyte-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="lint files and directories (default: .)")
    check.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    check.add_argument("--select", type=split_codes, help="only these codes or prefixes (comma separated)")
    check.add_argument("--extend-select", type=split_codes, default=[], help="add these codes or prefixes")
    check.add_argument("--ignore", type=split_codes, default=[], help="skip these codes or prefixes")
    check.add_argument("--format", choices=["text", "json", "sarif", "github"], default="text")
    check.add_argument(
        "--config",
        type=Path,
        help="read settings from this file instead of the nearest pyproject.toml with a [tool.flyte-lint] table",
    )
    check.add_argument("--root-dir", type=Path, action="append", default=[], help="add a source root for imports")
    check.add_argument("--statistics", action="store_true", help="show counts per rule")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--report-unused-noqa", action="store_true", help="report `# noqa` comments that suppress nothing"
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    check.add_argument(
        "--cache-dir", type=Path, help="where the cache lives (default: .flyte-lint-cache in the project)"
    )
    check.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: the number of cores)")

    clean = sub.add_parser("clean", help="remove the result cache")
    clean.add_argument("paths", nargs="*", type=Path, help="project folders (default: .)")

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=["text", "json"], default="text")

    graph = sub.add_parser("graph", help="compile a top-level task into a static DAG")
    graph.add_argument("path", type=Path, help="a file or a source root directory")
    graph.add_argument(
        "--entry",
        help="MODULE:FUNCTION of the entry task (MODULE is dotted from the source root; "
        "for a single file, its stem). Without it, list the candidate entry tasks.",
    )
    graph.add_argument("--format", choices=["json", "dot", "mermaid", "graphml", "html"], default="json")
    graph.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    graph.add_argument("--diff", type=Path, metavar="OLD.json", help="compare with an earlier json export")
    graph.add_argument("--diff-format", choices=["text", "json", "mermaid"], default="text")
    graph.add_argument("--check", action="store_true", help="exit 1 when the entry is not fully static")
    graph.add_argument("--config", type=Path)
    graph.add_argument("--root-dir", type=Path, action="append", default=[])
    graph.add_argument("--no-notes", action="store_true", help="do not print FLY7xx notes on standard error")
    graph.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an input of the entry for the run the graph describes (VALUE is JSON, e.g. n=5 or "
        "'items=[1,2]'); others take their defaults. A name the entry does not take, or a "
        "value not of the parameter's annotated type, is an error (exit 2)",
    )
    graph.add_argument(
        "--no-defaults",
        action="store_true",
        help="treat the entry's inputs without --input as unknown (fan-out over them is dynamic)",
    )

    migrate = sub.add_parser("migrate", help="rewrite Flyte 1 (flytekit) code as Flyte 2 code, in place")
    migrate.add_argument("paths", nargs="+", type=Path, help="files or directories: the project, migrated as a whole")
    migrate.add_argument("--diff", action="store_true", help="print the changes as a unified diff; write nothing")
    migrate.add_argument("--config", type=Path)
    migrate.add_argument("--root-dir", type=Path, action="append", default=[], help="add a source root for imports")

    explain = sub.add_parser("explain", help="explain one rule")
    explain.add_argument("code", help="a rule code (FLY101) or symbol (await-sync-task)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "clean":
            return _clean(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
        if args.command == "graph":
            from flyte_lint.graph.command import graph_command

            return graph_command(args, settings_for(args, [args.path]))
        if args.command == "migrate":
            from flyte_lint.migrate.command import migrate_command

            return migrate_command(args, settings_for(args, args.paths))
        parser.print_help()
        return 2
    except ConfigError as exc:
        print(f"flyte-lint: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # pragma: no cover
        return 0


def entry() -> None:
    """The console script: ``main``, with astroid's brains left out (model/brainless.py), then exit without
    tearing the heap down. A run leaves millions of objects joined in cycles (astroid trees point to their
    parents); freeing them one by one at interpreter exit takes as long as a third of the run and changes
    nothing the user sees."""
    gc.disable()  # see engine.gc_paused; nothing runs after main that needs it back
    from flyte_lint.model import brainless

    brainless.install()  # (astroid, when a run needs it, comes without the brain plugins flyte-lint never uses)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # pragma: no cover - output piped into `head`
        pass
    os._exit(code)


def settings_for(args: argparse.Namespace, paths: list[Path]) -> Settings:
    """The settings of a command over ``paths`` (``--config``, else the nearest pyproject.toml): config.py's."""
    return settings_for_paths(paths, args.config)


def _check(args: argparse.Namespace) -> int:
    from flyte_lint.engine import run
    from flyte_lint.report import render

    paths = args.paths or [Path(".")]
    for codes, flag in ((args.select, "--select"), (args.extend_select, "--extend-select"), (args.ignore, "--ignore")):
        if codes:
            validate_codes(codes, flag)
    settings = settings_for(args, paths)
    options = Options(
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        root_dirs=[Path(os.path.realpath(p)) for p in args.root_dir],
        report_unused_noqa=args.report_unused_noqa,
    )
    cache_dir = None
    if not (args.no_cache or args.fix or args.diff or os.environ.get("FLYTE_LINT_NO_CACHE")):
        cache_dir = args.cache_dir or cache_directory(settings, paths)
    from flyte_lint.parallel import default_jobs

    jobs = 1 if (args.fix or args.diff) else (args.jobs if args.jobs > 0 else default_jobs())
    progress = Progress() if args.format == "text" and sys.stderr.isatty() else None
    try:
        result = run(paths, settings, options, cache_dir=cache_dir, jobs=jobs, progress=progress)
    finally:
        if progress:
            progress.close()
    for problem in result.path_errors:
        print(f"flyte-lint: error: {problem}", file=sys.stderr)
    findings = result.findings
    if args.fix or args.diff:
        from flyte_lint.fixes import apply_fixes

        remaining, report = apply_fixes(result, unsafe=args.unsafe_fixes, write=not args.diff)
        if args.diff:
            sys.stdout.write(report)
            return 1 if any(f.fix for f in findings) else 0
        if report:
            print(report, file=sys.stderr)
        findings = remaining
    shown = findings + result.unused_noqa
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    fixable = sum(1 for f in findings if f.fix and f.fix.safe)
    sys.stdout.write(
        render(
            args.format, shown, colour=colour, statistics=args.statistics, files=result.files_checked, fixable=fixable
        )
    )
    for error in result.internal_errors:
        print(f"flyte-lint: {error}", file=sys.stderr)
    if result.internal_errors or result.path_errors:
        return 2
    if shown and not args.exit_zero:
        return 1
    return 0


class Progress:
    """``parsed N/M files`` on standard error for long runs, as files are parsed (the model is built and the
    rules run once the files of a unit are parsed): on a terminal only, never in machine formats."""

    def __init__(self, delay: float = 0.5) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._delay = delay
        self._last = 0.0
        self._shown: tuple[int, int] | None = None  # what the line says

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if now - self._start < self._delay or (now - self._last < 0.1 and done < total) or self._shown == (done, total):
            return  # (the last file is always shown: the rules of its unit may still take a while)
        self._last = now
        self._shown = (done, total)
        sys.stderr.write(f"\rflyte-lint: parsed {done}/{total} files")
        sys.stderr.flush()

    def close(self) -> None:
        if self._shown is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def cache_directory(settings: Settings, paths: list[Path]) -> Path:
    """The project's cache: next to its pyproject.toml, or in the current folder."""
    from flyte_lint.cache import CACHE_DIR

    base = settings.project_dir or Path.cwd()
    return base / CACHE_DIR


def _clean(args: argparse.Namespace) -> int:
    from flyte_lint.cache import clean

    for folder in args.paths or [Path(".")]:
        settings = load(find_pyproject(folder))
        base = settings.project_dir or folder.resolve()
        if clean(base):
            print(f"removed {base / '.flyte-lint-cache'}")
    return 0


def _rules(args: argparse.Namespace) -> int:
    from flyte_lint.docs import rule_records

    records = rule_records()
    if args.format == "json":
        print(json.dumps({"rules": records}, indent=2))
    else:
        for r in records:
            print(f"{r['code']}  {r['symbol']:<30} {r['severity']:<8} {r['summary']}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from flyte_lint.docs import explain
    from flyte_lint.rules import REGISTRY

    key = args.code.strip()
    rule = REGISTRY.get(key.upper()) or next((r for r in REGISTRY.values() if r.symbol == key.lower()), None)
    if rule is None:
        print(f"flyte-lint: error: unknown rule {args.code!r}; see `flyte-lint rules`", file=sys.stderr)
        return 2
    sys.stdout.write(explain(rule))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
