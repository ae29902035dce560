"""`flyte-lint migrate`: Flyte 1 Decks become Flyte 2's report (flyte.report): named decks report tabs, the
default deck the report's main tab (the `.aio` forms in async code), Deck.publish() a flush; what has no
translation gets a TODO."""

from __future__ import annotations

import json

from lintutil import write_project
from migrateutil import dedent, migrate, migrated
from sdk_runner import requires_sdk, run_program

DECKS = """
import flytekit
from flytekit import Deck, current_context, task, workflow


@task(enable_deck=True)
def report(n: int) -> int:
    Deck("numbers", f"<p>{n}</p>")
    d = Deck("squares")
    d.append(f"<b>{n * n}</b>")
    e = flytekit.Deck("both", html="<i>x</i>")
    e.append("<i>y</i>")
    current_context().default_deck.append("<h1>hello</h1>")
    ctx = current_context()
    dd = ctx.default_deck
    dd.append("<h2>there</h2>")
    Deck.publish()
    return n


@task(enable_deck=True)
async def areport(n: int) -> int:
    current_context().default_deck.append("<h1>async</h1>")
    Deck.publish()
    return n


@workflow
def main(n: int = 3) -> int:
    return report(n=n)
"""

DECKS_MIGRATED = dedent(
    """
    import flyte


    env = flyte.TaskEnvironment(name="main")


    @env.task(report=True)
    def report(n: int) -> int:
        flyte.report.get_tab("numbers").log(f"<p>{n}</p>")
        d = flyte.report.get_tab("squares")
        d.log(f"<b>{n * n}</b>")
        e = flyte.report.get_tab("both")
        e.log("<i>x</i>")
        e.log("<i>y</i>")
        flyte.report.log("<h1>hello</h1>")
        flyte.report.log("<h2>there</h2>")
        flyte.report.flush()
        return n


    @env.task(report=True)
    async def areport(n: int) -> int:
        await flyte.report.log.aio("<h1>async</h1>")
        await flyte.report.flush.aio()
        return n


    @env.task
    def main(n: int = 3) -> int:
        return report(n=n)
    """
)


def test_decks_become_report_tabs(tmp_path):
    code, text = migrated(tmp_path, DECKS)
    assert code == 0
    assert text == DECKS_MIGRATED


def _tabs_returned(text: str) -> str:
    """The migrated program with its tasks returning their report's tabs (JSON), to hold them to Flyte 1's decks."""
    tabs = "json.dumps({k: t.get_html() for k, t in flyte.report.current_report().tabs.items() if t.content})"
    text = text.replace("def report(n: int) -> int:", "def report(n: int) -> str:")
    text = text.replace("async def areport(n: int) -> int:", "async def areport(n: int) -> str:")
    text = text.replace("def main(n: int = 3) -> int:", "def main(n: int = 3) -> str:")
    return "import json\n" + text.replace("    return n\n", f"    return {tabs}\n")


@requires_sdk
def test_migrated_decks_write_the_report(tmp_path):
    root = write_project(tmp_path / "project", DECKS)
    assert migrate(root) == 0
    program = _tabs_returned((root / "main.py").read_text(encoding="utf-8"))
    result = run_program(program, entry="main", args={"n": 3})
    assert result.ok, result.summary()
    assert json.loads(result.output) == {
        "main": "<h1>hello</h1>\n<h2>there</h2>",
        "numbers": "<p>3</p>",
        "squares": "<b>9</b>",
        "both": "<i>x</i>\n<i>y</i>",
    }
    result = run_program(program, entry="areport", args={"n": 1})  # the .aio forms: no "Deadlock detected"
    assert result.ok, result.summary()
    assert json.loads(result.output) == {"main": "<h1>async</h1>"}


def test_what_has_no_translation_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import Deck, current_context, task


        @task
        def odd(n: int) -> str:
            x = Deck("a", "b").name
            Deck("q", auto_add_to_deck=False)
            return str(current_context().decks) + x
        """,
    )
    assert code == 1
    assert text.count("# TODO(flyte-lint migrate): write the deck as a report tab") == 2
    assert '    x = Deck("a", "b").name\n' in text  # left as it was
    assert "# TODO(flyte-lint migrate): Flyte 2 writes a task's report with flyte.report" in text


def test_a_context_read_for_more_than_decks_stays(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import os

        from flytekit import current_context, task


        @task
        def t() -> str:
            ctx = current_context()
            ctx.default_deck.append("<p>x</p>")
            return ctx.working_directory
        """,
    )
    assert code == 0
    assert 'flyte.report.log("<p>x</p>")\n    return os.getcwd()' in text
    assert "ctx = " not in text  # nothing reads it any more


def test_look_alike_deck_stays(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import task


        class Deck:
            def __init__(self, name, html=""):
                self.name = name

            @staticmethod
            def publish():
                pass


        @task
        def t() -> str:
            Deck("x", "y")
            Deck.publish()
            return "ok"
        """,
    )
    assert code == 0
    assert '    Deck("x", "y")\n    Deck.publish()\n' in text and "flyte.report" not in text


MARKDOWN = """
import flytekit
from flytekit import task, workflow
from flytekit.deck.renderer import MarkdownRenderer


@task(enable_deck=True)
def notes(title: str) -> int:
    flytekit.Deck("notes", MarkdownRenderer().to_html(f"### {title}"))
    return 1


@workflow
def main(title: str = "x") -> int:
    return notes(title=title)
"""


def test_markdown_renderer_becomes_what_it_runs(tmp_path):
    code, text = migrated(tmp_path, MARKDOWN)
    assert code == 0
    assert "from markdown_it import MarkdownIt\n" in text
    assert 'flyte.report.get_tab("notes").log(MarkdownIt().render(f"### {title}"))' in text
    assert "flytekit" not in text


@requires_sdk
def test_migrated_markdown_renders_as_flytekit_did(tmp_path):
    root = write_project(tmp_path / "project", MARKDOWN)
    assert migrate(root) == 0
    text = (root / "main.py").read_text(encoding="utf-8")
    tab = 'flyte.report.current_report().get_tab("notes").get_html()'
    text = text.replace("-> int:", "-> str:").replace("    return 1\n", f"    return {tab}\n")
    result = run_program(text, entry="main", args={"title": "Hello"})
    assert result.ok, result.summary()
    assert result.output == "<h3>Hello</h3>\n"  # flytekit's MarkdownRenderer: MarkdownIt().render


def test_a_deck_on_a_shared_line_gets_a_todo(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        from flytekit import Deck, task


        @task
        def t(n: int) -> int:
            if n: d = Deck("a", "<p>x</p>")
            return n
        """,
    )
    assert code == 1
    assert "# TODO(flyte-lint migrate): write the deck as a report tab" in text
    assert 'if n: d = Deck("a", "<p>x</p>")' in text  # left as it was, its html not lost
