"""Applying fixes: exact text edits, never overlapping, verified to parse, written atomically.

A fixed file keeps everything but the fixed spans: its encoding (``# coding:`` declaration or UTF-8 BOM), its
line endings (text a fix inserts takes the file's own), its mode. A file is written only when it still holds
the text that was linted, is a regular file and not a symbolic link, and the fixed text compiles.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import difflib
import io
import os
import re
import stat
import tempfile
import tokenize
import warnings
from pathlib import Path

from flyte_lint.findings import Edit, Finding

# Python source lines end at \r\n, \r or \n only; str.splitlines() also splits at \f, \v, \x1c-\x1e, \x85,
# \u2028 and \u2029, which may sit in strings and comments and would shift every position after them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python counts them, with their line endings."""
    return _LINE.findall(text)


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in source_lines(text):
        starts.append(starts[-1] + len(line))
    return starts


def _to_offset(text: str, starts: list[int], line: int, byte_col: int) -> int:
    """astroid positions are (1-based line, UTF-8 byte column)."""
    if line < 1:
        return 0
    if line >= len(starts):
        return len(text)
    line_text = text[starts[line - 1] : starts[line]]
    col = len(line_text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", errors="ignore"))
    return starts[line - 1] + col


def newline_of(text: str) -> str:
    """The line ending a file mostly uses (\\n when it has none)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])
    return best[1] if best[0] else "\n"


def apply_edits(text: str, edits: list[Edit]) -> str:
    starts = _offsets(text)
    newline = newline_of(text)
    spans = sorted(
        ((_to_offset(text, starts, *e.start), _to_offset(text, starts, *e.end), e.text) for e in edits),
        key=lambda span: (span[0], span[1]),
        reverse=True,
    )
    for start, end, new in spans:
        if newline != "\n":
            new = new.replace("\r\n", "\n").replace("\n", newline)
        text = text[:start] + new + text[end:]
    return text


def whole_lines_edit(old: str, new: str) -> Edit:
    """One edit turning ``old`` into ``new``: the lines between their common first and last lines."""
    before, after = source_lines(old), source_lines(new.replace("\r\n", "\n").replace("\r", "\n"))
    head = 0
    while head < min(len(before), len(after)) and before[head].rstrip("\r\n") == after[head].rstrip("\n"):
        head += 1
    tail = 0
    while (
        tail < min(len(before), len(after)) - head
        and before[-1 - tail].rstrip("\r\n") == after[-1 - tail].rstrip("\n")
        and before[-1 - tail][-1:] in "\r\n"
    ):
        tail += 1
    return Edit((head + 1, 0), (len(before) - tail + 1, 0), "".join(after[head : len(after) - tail]))


def fixed_text(text: str, findings: list[Finding], unsafe: bool) -> tuple[str, list[Finding]]:
    """Apply the fixes of ``findings`` whose edits do not overlap an earlier fix; returns the applied ones."""
    starts = _offsets(text)
    taken: list[tuple[int, int]] = []
    chosen: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe):
            continue
        spans = [(_to_offset(text, starts, *e.start), _to_offset(text, starts, *e.end)) for e in fix.edits]
        if any(a < d and c < b or (a == b == c == d) for a, b in spans for c, d in taken):
            continue  # overlaps a fix already chosen; the next run picks it up
        taken.extend(spans)
        chosen.extend(fix.edits)
        applied.append(finding)
    return apply_edits(text, chosen), applied


def source_encoding(data: bytes) -> tuple[str, bool]:
    """The encoding Python reads ``data`` with, and whether it starts with a UTF-8 BOM."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    bom = data.startswith(codecs.BOM_UTF8)
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return encoding, bom


def encode_source(text: str, original: bytes) -> bytes:
    """``text`` encoded as ``original`` was: same encoding, same BOM. Raises UnicodeError when it cannot be."""
    encoding, bom = source_encoding(original)
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def write_atomic(path: Path, data: bytes | str, original: bytes | None = None) -> None:
    """Write ``data`` through a temporary file in the same folder and an atomic rename, keeping the mode (and,
    where permitted, the owner) of ``path``. ``str`` data is encoded as ``original`` is (UTF-8 without it)."""
    if isinstance(data, str):
        data = encode_source(data, original if original is not None else b"")
    info = path.stat()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".flyte-lint", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown"):
            # Not ours to give away (OSError): the file keeps our ownership, as an editor's save would.
            with contextlib.suppress(OSError):
                os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def _compiles(text: str, path: str) -> str | None:
    """Why ``text`` would not compile (syntax, and what only the compiler checks, such as `await` outside an
    async function), or None. Nothing is executed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return str(exc)
    except (RecursionError, MemoryError):
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return str(exc) or type(exc).__name__
    return None


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff that `patch` and `git apply` accept, also for a last line without a line ending."""
    lines = []
    for line in difflib.unified_diff(source_lines(old), source_lines(new), fromfile=f"a/{name}", tofile=f"b/{name}"):
        if line.endswith(("\n", "\r")):
            lines.append(line)
        else:
            lines.append(line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _refusal(path: Path) -> str | None:
    """Why ``path`` must not be written, or None."""
    if path.is_symlink():
        return "it is a symbolic link"
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"cannot read it again: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    return None


def apply_fixes(result, unsafe: bool, write: bool) -> tuple[list[Finding], str]:
    """Fix what can be fixed. Returns the findings left and a report (a unified diff when not writing)."""
    by_module: dict[Path, list[Finding]] = {}
    for finding in result.findings:
        if finding.fix is not None and finding.module is not None:
            by_module.setdefault(finding.module.path, []).append(finding)
    fixed_ids: set[int] = set()
    report: list[str] = []
    for path, findings in sorted(by_module.items()):
        module = findings[0].module
        if module.text is None or module.tree is None:
            continue
        new_text, applied = fixed_text(module.text, findings, unsafe)
        if not applied or new_text == module.text:
            continue
        error = _compiles(new_text, str(path))
        if error is not None and _compiles(module.text, str(path)) is None:
            report.append(f"{module.display_path}: not fixed: the fixed code would not compile ({error})")
            continue
        if not write:
            report.append(unified_diff(module.text, new_text, module.display_path))
            continue
        refusal = _refusal(path)
        if refusal is not None:
            report.append(f"{module.display_path}: not fixed: {refusal}")
            continue
        try:
            original = path.read_bytes()
        except OSError as exc:
            report.append(f"{module.display_path}: not fixed: {exc.strerror or exc}")
            continue
        try:
            from flyte_lint.model.source import ParseFailure, decode_source

            unchanged = decode_source(original) == module.text
        except ParseFailure:
            unchanged = False
        if not unchanged:
            report.append(f"{module.display_path}: not fixed: the file changed while it was being checked")
            continue
        try:
            data = encode_source(new_text, original)
        except UnicodeError as exc:
            report.append(f"{module.display_path}: not fixed: the fix cannot be written in the file's encoding ({exc})")
            continue
        try:
            write_atomic(path, data)
        except OSError as exc:
            report.append(f"{module.display_path}: not fixed: {exc.strerror or exc}")
            continue
        fixed_ids.update(id(f) for f in applied)
        report.append(f"{module.display_path}: fixed {len(applied)} finding{'s' if len(applied) != 1 else ''}")
    remaining = [f for f in result.findings if id(f) not in fixed_ids]
    return remaining, "\n".join(report)
