"""The project index: which files it holds, and discovery's order of path strings."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from flyte_lint.discovery import _parts, discover
from flyte_lint.index import (
    READ_SIZE,
    FileMemo,
    _module_word,
    components,
    index_files,
    raw_imports,
    read_facts,
    read_whole,
    relevant_files,
    scan_ahead,
)
from flyte_lint.model.project import Project, _parts_under, display
from lintutil import lint, write_project


def test_the_index_leaves_out_only_files_found_irrelevant(tmp_path):
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/flow.py": "import flyte\nfrom app.consts import N\nfrom app import helpers\n",
            "app/consts.py": "N = 3\n",  # plain, imported by a flyte file: resolved
            "app/helpers.py": "from app.deep import x\n",  # plain, imported: resolved, and what it imports
            "app/deep.py": "x = 1\n",
            "app/runner.py": "from app.flow import main\n",  # imports a flyte module: relevant
            "app/unrelated.py": "import os\n",  # none of these: scanned, left out
            "tools/__init__.py": "",  # a package's __init__.py stays (components join packages through it)
            "tools/cli.py": "import json\n",
        },
    )
    files, problems = discover([root], [], root)
    assert not problems and all(isinstance(f, str) for f in files)
    index = index_files(Project([root], cwd=root), files)
    names = {str(p.relative_to(root)) for p in index}
    assert names == {
        "app/__init__.py",
        "app/flow.py",
        "app/consts.py",
        "app/helpers.py",
        "app/deep.py",
        "app/runner.py",
        "tools/__init__.py",
    }
    relevant = relevant_files(index)
    assert {p.name for p in relevant} == {"flow.py", "runner.py"}
    group = components(index, relevant)[root / "app" / "flow.py"]
    assert {p.name for p in group} == {"__init__.py", "flow.py", "consts.py", "helpers.py", "deep.py", "runner.py"}


def test_path_strings_sort_as_paths_do():
    names = [
        "/r/a/b.py",
        "/r/a/b/c.py",
        "/r/a/b_c.py",
        "/r/a-b.py",
        "/r/a.b/c.py",
        "/r/a/__init__.py",
        "/r/A.py",
        "/r/a/b/__init__.py",
        "/r/a0.py",
        "/r/a/bb.py",
    ]
    assert sorted(names, key=_parts) == [str(p) for p in sorted(map(Path, names))]


def test_module_words_are_what_importers_write():
    for name in ["/r/app/flow.py", "/r/app/__init__.py", "/r/app/stubs.pyi", "/r/app/x.tar.py", "/r/.py"]:
        path = Path(name)
        assert _module_word(name.replace("/", os.sep)) == (
            path.parent.name if path.name == "__init__.py" else path.stem
        )


_SEGMENT = st.sampled_from(
    [
        "a",
        "b",
        "app",
        "__init__.py",
        "x.py",
        "x.tar.py",
        ".py",
        "..",
        "..x",
        ".hidden",
        "a.b",
        "//",
        "flow.py",
        "py",
        "a b",
        "é.py",
        "x.",
    ]
)
_ABSOLUTE = st.lists(_SEGMENT, max_size=5).map(lambda parts: Path("/", *parts))


@pytest.mark.skipif(os.name != "posix", reason="the string paths are POSIX only; elsewhere pathlib is used")
@given(_ABSOLUTE, _ABSOLUTE)
@example(Path("/a/b/../c.py"), Path("/a"))
def test_module_name_parts_and_display_paths_on_strings_are_pathlibs(path, root):
    # module_name_for and display run once per parsed file, on strings: about 8% of its parse with pathlib
    try:
        relative = path.relative_to(root)
    except ValueError:
        expected = None
    else:  # (pathlib's with_suffix raises for the root itself, which is no module: none of its parts)
        expected = relative.with_suffix("").parts if relative.parts else ()
    assert _parts_under(path, root) == expected
    assert display(path, root) == os.path.relpath(path, root)


# Module and name parts, with the keywords' own letters at their edges (`importers`, `fromage`, `as_`).
_WORD = st.sampled_from(
    ["app", "importers", "important", "imports", "import_", "fromage", "from_", "as_", "x", "flows"]
)
_DOTTED = st.lists(_WORD, min_size=1, max_size=3).map(".".join)
_SPACE = st.sampled_from([" ", "  ", "\t", " \t", " \\\n    ", " \\\r\n "])  # (the last two: continued lines)


@st.composite
def _import_statement(draw) -> str:
    gap = draw(_SPACE)
    aliases = draw(
        st.lists(st.tuples(_WORD if draw(st.booleans()) else _DOTTED, st.none() | _WORD), min_size=1, max_size=3)
    )
    if draw(st.booleans()):
        return f"import{gap}" + ", ".join(f"{name} as {alias}" if alias else name for name, alias in aliases)
    dots = draw(st.sampled_from(["", "", ".", ".."]))
    module = draw(st.none() | _DOTTED) if dots else draw(_DOTTED)
    names = ", ".join(f"{name.split('.')[0]} as {alias}" if alias else name.split(".")[0] for name, alias in aliases)
    if draw(st.booleans()):
        names = f"({names},  # import {names}\n{gap})" if draw(st.booleans()) else f"({names},\n{gap})"
    after = draw(_SPACE) if module or draw(st.booleans()) else ""
    return f"from{gap}{dots}{module or ''}{after}import{gap}{names}"


# Statements whose strings hold a `#` (which starts no comment there), a `;` or an escaped quote.
_STRINGS_BEFORE = ['\nx = "#"; ', "\nprint('a#b;c'); ", '\ns = "\\"#"; ', "\nt = '''#'''; ", "\nf\"{'#'}\"; "]


@st.composite
def _import_lines(draw) -> str:
    """Import statements, on lines of their own or after one another's `;`, some with a comment after them
    that mentions imports too, some after another statement."""
    statements = draw(st.lists(_import_statement(), min_size=1, max_size=4))
    source, commented = "", False
    for statement in statements:
        before = draw(st.sampled_from(["\n", "\n", "; ", "\nx = 1; ", "\n# C:\\temp\\\n", *_STRINGS_BEFORE]))
        if commented and before == "; ":  # (a comment ends its line)
            before = "\n"
        source += (before if source else before.lstrip("\n;").lstrip()) + statement
        commented = draw(st.booleans())
        if commented:
            source += "  # from x import flows; import app"
    return source + "\n"


def _imports_as_ast_reads_them(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append(base)
            found.extend(base + alias.name if base.endswith(".") else f"{base}.{alias.name}" for alias in node.names)
    return found


@given(_import_lines())
@example("from important import x\n")
@example("from .import flows\n")
@example("from\tapp\timport x\n")
@example("import os; from app import flows\n")
@example("from app import \\\n    flows\n")
@example("# C:\\temp\\\nimport flows\n")
@example('x = "#"; import flows\n')
def test_raw_imports_reads_import_statements_as_python_does(source):
    assert raw_imports(source.encode()) == _imports_as_ast_reads_them(source)


def test_a_module_whose_name_starts_with_import_keeps_its_importers_relevant(tmp_path):
    # `wf.py` never mentions flyte: only its import of a flyte module makes it worth analysing. `from
    # importers import ...` was read as `from` + ` import` + `ers import ...`, and the file was skipped.
    found = lint(
        tmp_path,
        {
            "importers.py": 'import flyte\n\nenv = flyte.TaskEnvironment("e")\n\n\n@env.task\nasync def work(x: int) -> int:\n    return x\n',
            "wf.py": "from importers import env, work\n\n\n@env.task\nasync def main() -> int:\n    work(1)\n    return 1\n",
        },
    )
    assert found == [("FLY103", 6, "wf.py")]


def test_an_import_after_a_string_holding_a_hash_keeps_the_file_relevant(tmp_path):
    # The `#` in the string starts no comment: the import after it is what makes `wf.py` worth analysing.
    found = lint(
        tmp_path,
        {
            "flows.py": 'import flyte\n\nenv = flyte.TaskEnvironment("e")\n\n\n@env.task\nasync def work(x: int) -> int:\n    return x\n',
            "wf.py": 'TAG = "#"; from flows import env, work\n\n\n@env.task\nasync def main() -> int:\n    work(1)\n    return 1\n',
        },
    )
    assert found == [("FLY103", 6, "wf.py")]


@pytest.mark.parametrize("size", [0, 1, 4095, READ_SIZE - 1, READ_SIZE, READ_SIZE + 1, 2 * READ_SIZE, 3 << 20])
def test_the_byte_scan_reads_a_file_whole_at_any_size(tmp_path, size):
    path = tmp_path / "m.py"
    data = bytes((i * 7 + 3) % 251 for i in range(size))
    path.write_bytes(data)
    assert read_whole(str(path)) == data


def test_a_file_the_byte_scan_cannot_read_has_no_facts(tmp_path):
    (tmp_path / "folder.py").mkdir()
    assert read_facts(str(tmp_path / "folder.py")) == (None, None)  # (a folder opens; its read fails)
    assert read_facts(str(tmp_path / "gone.py")) == (None, None)
    assert read_facts(str(tmp_path / "nul\0.py")) == (None, None)


SCANNED_PROJECT = {
    "src/app/__init__.py": "",
    "src/app/flow.py": "import flyte\nfrom app.consts import N\nfrom app import helpers\nimport libpkg.tool\n",
    "src/app/consts.py": "N = 3\n",
    "src/app/helpers.py": "from app.deep import x\nimport flyte\nflyte.remote\n",
    "src/app/deep.py": "x = 1\n",
    "src/app/runner.py": "from app.flow import main\n",
    "src/app/deps.py": "import flyte\nenv.add_dependency(other)\n",
    "src/app/plain_deps.py": "other.add_dependency(env)\n",
    "src/app/unrelated.py": "import os\n",
    "src/app/big.py": "import flyte\n" + "x = 1\n" * 20000,
    "lib/libpkg/__init__.py": "",
    "lib/libpkg/tool.py": "import json\n",  # (outside the given folder: found through flow's import)
}


@pytest.mark.parametrize("share", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("stamped", [False, True])
def test_scans_done_ahead_give_the_index_and_memo_of_scans_in_place(tmp_path, share, stamped):
    # (a cold run with workers has them scan the files first: see parallel.Workers.scan; a batch that failed
    # leaves its keys to the index, hence the shares)
    root = write_project(tmp_path / "p", SCANNED_PROJECT)
    files, problems = discover([root / "src"], [], root)
    gone = str(root / "src" / "app" / "gone.py")  # (listed, then deleted before its read)
    files.append(gone)
    project = Project([root / "src", root / "lib"], cwd=root)

    def indexed(scanned):
        memo = FileMemo() if stamped else None
        if memo is not None:
            memo.started += 10**10  # (every stat counts as settled: remembered)
        index = index_files(project, list(files), memo=memo, scanned=scanned)
        rows = {
            str(p.relative_to(root)): (
                e.digest,
                e.mentions,
                sorted(map(str, e.imports)),
                e.declares_dependencies,
                e.reach,
            )
            for p, e in index.items()
        }
        return rows, memo.records if memo is not None else None

    ahead = {key: scan_ahead(key, stamped) for key in files[: int(len(files) * share)]}
    assert ahead.get(gone) is None
    in_place, with_ahead = indexed(None), indexed(ahead)
    assert with_ahead == in_place
    rows, records = in_place
    assert {"src/app/big.py", "src/app/runner.py", "src/app/deps.py", "lib/libpkg/tool.py", "src/app/gone.py"} <= set(
        rows
    )
    assert rows["src/app/helpers.py"][4] == "component" and rows["src/app/deps.py"][3]
    if stamped:  # (a file left out of the index is remembered too, facts and all)
        assert len(records) == len(SCANNED_PROJECT) and records[str(root / "src/app/plain_deps.py")][5] is True
