"""Every command and snippet in README.md works as written, from the root of a checkout: the quick start and its
output, the usage summary's flags, the configuration snippet, the graph example and its mermaid text, the
GitHub commands, and install lines that do not name a package or a tag that does not exist. (The pylint
snippet is run in test_pylint_plugin.py, the pre-commit snippet in test_precommit.py, the rules table is
checked in test_docs.py.)"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from flyte_lint.cli import _parser
from lintutil import run_cli

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.S | re.M)


def readme_blocks(lang: str, after: str | None = None) -> list[str]:
    """The fenced blocks of README.md in ``lang``; with ``after``, only those below that heading, up to the next."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = [(m.start(), m["lang"], m["body"]) for m in FENCE.finditer(text)]
    if after is not None:
        start = text.index(after)
        fenced = [(m.start(), m.end()) for m in FENCE.finditer(text)]
        headings = [
            h.start()
            for h in re.finditer(r"^#{1,6} ", text, re.M)
            if h.start() > start and not any(a <= h.start() < b for a, b in fenced)
        ]
        end = headings[0] if headings else len(text)
        found = [f for f in found if start < f[0] < end]
    return [body for _, found_lang, body in found if found_lang == lang]


def flyte_lint_commands() -> list[list[str]]:
    """Every `flyte-lint ...` command of the README's bash and yaml blocks, as arguments (without the shell's
    redirections and `||`)."""
    commands = []
    for body in readme_blocks("bash") + readme_blocks("yaml"):
        for line in body.splitlines():
            line = re.sub(r"^\s*-\s*run:\s*", "", line)
            for part in re.split(r"&&|\|\|", line):
                part = part.split(">")[0].split("#")[0].strip()
                if part.startswith("flyte-lint "):
                    commands.append(shlex.split(part)[1:])
    return commands


def test_install_lines_name_nothing_that_does_not_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # flyte-lint is not on PyPI and the repository has no tags
    assert not re.search(r"pip install (-U )?flyte-lint\b(?! @)", text)
    assert not re.search(r"rev:\s*v\d|vX\.Y\.Z", text)
    assert "<full commit sha>" in text and "git+https://github.com/flyte-lint/flyte-lint@" in text
    assert 'Homepage = "https://github.com/flyte-lint/flyte-lint"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.slow
def test_every_flyte_lint_command_runs_as_written(capsys, tmp_path):
    commands = flyte_lint_commands()
    assert ["check", "examples/"] in commands and ["check", "--format", "sarif", "."] in commands
    for args in commands:
        cwd = ROOT
        if args[0] == "check":
            args = [*args, "--no-cache"]  # (the same findings; the checkout is left as it was)
        if args[0] == "migrate":  # (it rewrites files: run it on a copy of the README's Flyte 1 example)
            cwd = tmp_path / f"migrate{len(list(tmp_path.iterdir()))}"
            source = cwd / args[-1].rstrip("/") / "workflows.py"
            source.parent.mkdir(parents=True)
            source.write_text(readme_blocks("python", after="## Migrating Flyte 1 code")[0], encoding="utf-8")
        code, out, err = run_cli(args, cwd, capsys)
        assert code in (0, 1) and "error" not in err, (args, err)
        if args[0] == "migrate" and "--diff" not in args:
            assert "flytekit" not in source.read_text(encoding="utf-8"), args  # (rewritten in place, silently)
        else:
            assert out, args


def test_the_quick_start_prints_the_output_the_readme_shows(capsys):
    code, out, _ = run_cli(["check", "--no-cache", "examples/"], ROOT, capsys)
    assert code == 1  # deliberate mistakes
    [shown] = readme_blocks("text", after="### Output")
    for line in shown.strip().splitlines():
        assert line in out.splitlines(), line


def test_the_usage_summary_names_only_options_that_exist():
    [usage] = readme_blocks("text", after="## Usage")
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.choices and "check" in a.choices).choices
    command, checked = None, []
    for line in usage.splitlines():
        words = line.split()
        if words[:1] == ["flyte-lint"] and len(words) > 1 and words[1] in subparsers:
            command = subparsers[words[1]]
        elif words[:2] == ["flyte-lint", "--version"]:
            command = parser
        syntax = re.split(r"(?<=\S)\s{3,}", line.strip())[0]  # (the description follows three spaces or more)
        for flag in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", syntax):
            checked.append(flag)
            assert flag in command._option_string_actions, (line, flag)
    assert {"--select", "--unsafe-fixes", "-j", "--no-defaults", "--version", "--format"} <= set(checked)


def test_the_configuration_snippet_is_accepted(tmp_path, capsys):
    [toml] = readme_blocks("toml", after="### Configuration")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "examples" / "pyproject.toml").write_text(toml, encoding="utf-8")
    code, out, err = run_cli(["check", "--no-cache", "."], tmp_path / "examples", capsys)
    assert code == 1 and not err, err
    assert "FLY106" not in out and "FLY701" in out  # ignore and extend-select hold


@pytest.mark.slow
def test_the_mermaid_block_is_what_the_graph_example_prints(capsys):
    [command] = [c for c in flyte_lint_commands() if c[0] == "graph"]
    assert command == ["graph", "examples/", "--entry", "pipeline.workflow:main", "--format", "mermaid"]
    code, out, _ = run_cli(command, ROOT, capsys)
    assert code == 0
    [shown] = readme_blocks("mermaid")
    assert out.strip() == shown.strip()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_the_github_formats(capsys, fmt):
    code, out, _ = run_cli(["check", "--no-cache", "--format", fmt, "examples"], ROOT, capsys)
    assert code == 1
    if fmt == "sarif":
        assert json.loads(out)["version"] == "2.1.0"
    else:
        assert all(line.startswith("::") for line in out.splitlines() if line), out
