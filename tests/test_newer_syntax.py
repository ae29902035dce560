"""FLY001 on syntax a newer Python reads: a warning that says so, not an error; a file broken in every grammar
stays an error, also when it holds an f-string or a `type` line elsewhere."""

from __future__ import annotations

import sys

import pytest

from lintutil import lint_result

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="the newer syntax is this Python's own")

NEWER = {
    "pep701": 'import flyte\n\n\ndef rows(items: list[str]) -> str:\n    return f"<ul>{"\\n".join(items)}</ul>"\n',
    "type-statement": "import flyte\n\ntype Rows = list[str]\n",
    "type-parameters": "import flyte\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n",
    "class-type-parameters": "import flyte\n\n\nclass Box[T]:\n    item: T\n",
    # Python 3.11 reports this one at the closing quotes, four lines below the `f\"\"\"` that opens it.
    "multi-line-pep701": 'import flyte\n\n\ndef page(items):\n    return f"""\n<ul>\n{"\\n".join(items)}\n</ul>\n"""\n',
}

BROKEN = {
    "f-string-broken-in-every-grammar": 'import flyte\n\nx = f"{a b}"\n',
    "plain-syntax-error": "import flyte\n\n\ndef f(:\n    pass\n",
    "broken-elsewhere": 'import flyte\n\nname = "x"\ny = f"{name}"\n\n\ndef g(:\n    pass\n',
    "newer-line-but-broken-file": 'import flyte\n\nx = f"{"a"}"\n\n\ndef g(:\n    pass\n',
}


@pytest.mark.parametrize("source", NEWER.values(), ids=NEWER.keys())
def test_syntax_of_a_newer_python_is_a_warning_that_says_so(tmp_path, source):
    (finding,) = lint_result(tmp_path, {"newer.py": source}, select=["FLY001"]).findings
    assert finding.severity.value == "warning", finding.message
    assert f"syntax newer than Python {sys.version_info.major}.{sys.version_info.minor}" in finding.message
    assert "run flyte-lint under the Python your project targets" in finding.message


@pytest.mark.parametrize("source", BROKEN.values(), ids=BROKEN.keys())
def test_syntax_no_python_reads_is_an_error(tmp_path, source):
    (finding,) = lint_result(tmp_path, {"broken.py": source}, select=["FLY001"]).findings
    assert finding.severity.value == "error", finding.message
    assert "syntax error" in finding.message
