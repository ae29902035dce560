"""The project index: which files it holds, and discovery's order of path strings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from flyte_lint.discovery import _parts, discover
from flyte_lint.index import _module_word, components, index_files, relevant_files
from flyte_lint.model.project import Project, _parts_under, display
from lintutil import write_project


def test_the_index_leaves_out_only_files_found_irrelevant(tmp_path):
    root = write_project(tmp_path / "p", {
        "app/__init__.py": "",
        "app/flow.py": "import flyte\nfrom app.consts import N\nfrom app import helpers\n",
        "app/consts.py": "N = 3\n",  # plain, imported by a flyte file: resolved
        "app/helpers.py": "from app.deep import x\n",  # plain, imported: resolved, and what it imports
        "app/deep.py": "x = 1\n",
        "app/runner.py": "from app.flow import main\n",  # imports a flyte module: relevant
        "app/unrelated.py": "import os\n",  # none of these: scanned, left out
        "tools/__init__.py": "",  # a package's __init__.py stays (components join packages through it)
        "tools/cli.py": "import json\n",
    })
    files, problems = discover([root], [], root)
    assert not problems and all(isinstance(f, str) for f in files)
    index = index_files(Project([root], cwd=root), files)
    names = {str(p.relative_to(root)) for p in index}
    assert names == {"app/__init__.py", "app/flow.py", "app/consts.py", "app/helpers.py", "app/deep.py",
                     "app/runner.py", "tools/__init__.py"}
    relevant = relevant_files(index)
    assert {p.name for p in relevant} == {"flow.py", "runner.py"}
    group = components(index, relevant)[root / "app" / "flow.py"]
    assert {p.name for p in group} == {"__init__.py", "flow.py", "consts.py", "helpers.py", "deep.py", "runner.py"}


def test_path_strings_sort_as_paths_do():
    names = ["/r/a/b.py", "/r/a/b/c.py", "/r/a/b_c.py", "/r/a-b.py", "/r/a.b/c.py", "/r/a/__init__.py",
             "/r/A.py", "/r/a/b/__init__.py", "/r/a0.py", "/r/a/bb.py"]
    assert sorted(names, key=_parts) == [str(p) for p in sorted(map(Path, names))]


def test_module_words_are_what_importers_write():
    for name in ["/r/app/flow.py", "/r/app/__init__.py", "/r/app/stubs.pyi", "/r/app/x.tar.py", "/r/.py"]:
        path = Path(name)
        assert _module_word(name.replace("/", os.sep)) == (path.parent.name if path.name == "__init__.py" else path.stem)


_SEGMENT = st.sampled_from(["a", "b", "app", "__init__.py", "x.py", "x.tar.py", ".py", "..", "..x", ".hidden", "a.b",
                            "//", "flow.py", "py", "a b", "é.py", "x."])
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
