"""The `flyte-lint migrate` command: a thin adapter over the analysis model, the plan and the rewriter.

Exit 0: every file migrated (or nothing to do); 1: something is left as ``# TODO(flyte-lint migrate)``
comments; 2: usage or internal error (no traceback)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from flyte_lint.config import Options, Settings
from flyte_lint.engine import run
from flyte_lint.fixes import write_atomic
from flyte_lint.migrate.plan import build_plan
from flyte_lint.migrate.rewrite import RewriteError, rewrite, todo_count


def migrate_command(args, settings: Settings) -> int:
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"flyte-lint: error: {path}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    result = run(list(args.paths), settings, Options(select=["FLY001"], root_dirs=[p.resolve() for p in args.root_dir]))
    for problem in result.path_errors:
        print(f"flyte-lint: error: {problem}", file=sys.stderr)
    unreadable = False  # a file that cannot be parsed is left as it is; one that names flytekit makes exit 2
    for finding in result.findings:
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}", file=sys.stderr)
        unreadable = unreadable or _names_flytekit(finding.path)
    for error in result.internal_errors:
        print(f"flyte-lint: {error.splitlines()[0] if error else 'internal error'}", file=sys.stderr)
    if result.internal_errors or result.path_errors:
        return 2
    if result.analysis is None:
        return 2 if unreadable else 0  # no Python file to migrate
    try:
        code = _migrate(args, result)
        return 2 if unreadable else code
    except BrokenPipeError:  # (output piped into `head`: main handles it)
        raise
    except Exception as exc:  # a bug must not surface as a traceback
        print(f"flyte-lint: internal error while migrating: {exc!r}; please report it", file=sys.stderr)
        return 2


def _migrate(args, result) -> int:
    paths = {m.path for m in result.files}
    plan = build_plan(result.analysis, paths)
    todos = 0
    failed = False
    changes: list[tuple[Path, str | None, str]] = []  # (path, old text or None for a new file, new text)
    for path, module_plan in sorted(plan.modules.items()):
        old = module_plan.module.text or ""
        try:
            new = rewrite(old, plan, module_plan)
        except RewriteError as exc:
            print(f"flyte-lint: error: {module_plan.module.display_path}: {exc}; left unchanged", file=sys.stderr)
            failed = True
            continue
        todos += new.todos
        if new.text != old:
            changes.append((path, old, new.text))
    todos += sum(todo_count(m.text or "") for m in result.files if m.path not in plan.modules)  # (earlier runs')
    for path, text in plan.new_files.items():
        if not path.exists():
            changes.append((path, None, text))
    if args.diff:
        for path, old, new in changes:
            name = _display(path)
            sys.stdout.writelines(
                difflib.unified_diff(
                    (old or "").splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile="/dev/null" if old is None else f"a/{name}",
                    tofile=f"b/{name}",
                )
            )
    else:
        for path, old, new in changes:
            if old is None:
                path.write_text(new, encoding="utf-8")
            else:
                write_atomic(path, new, path.read_bytes())
            print(f"migrated {_display(path)}", file=sys.stderr)
    if todos:
        print(
            f"flyte-lint migrate: {todos} `# TODO(flyte-lint migrate)` comment{'s' if todos != 1 else ''} "
            "left: what they name needs a hand",
            file=sys.stderr,
        )
    if failed:
        return 2
    return 1 if todos else 0


def _names_flytekit(path: str) -> bool:
    try:
        return "flytekit" in Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
