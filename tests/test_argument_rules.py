"""FLY106, FLY107, FLY301, FLY302: arguments a task or the flyte API does not accept.

What the SDK really does (flyte 2.12.1, checked with the installed wheel):
- inside a run, a task call is bound by ``NativeInterface.convert_to_kwargs``: positional values fill the
  inputs in order (keyword-only ones too), a keyword also given positionally is silently overwritten by the
  positional value, an unknown keyword is silently dropped unless the keyword count exceeds the number of
  inputs ("Too many keyword arguments provided"), and a missing input fails ("Missing required inputs: x");
- outside a run (and through ``.forward``) a task call is a plain Python call: TypeError, which a task's own call
  re-raises as RuntimeUserError (``.forward`` does not; test_author_guards.py runs both);
- a task function with ``*args``/``**kwargs`` is rejected at definition ("cannot have variable positional or
  keyword arguments"), so FLY106 has nothing to say about calls to it;
- ``t.override(name=...)`` raises ValueError, an unknown ``t.override`` keyword TypeError;
- ``env.clone_with(...)`` accepts ``cache`` and ``reusable`` besides its named parameters, anything else is a
  TypeError ("Unexpected keyword arguments").
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from expectutil import check
from flyte_lint.fixes import fixed_text
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.calls._container_programs import CHOICE_KEYWORDS
from flyte_lint.rules.calls._task_object_programs import CONTAINER_CALLS, OBJECT_METHODS, SHELL_CALLS
from lintutil import lint, lint_result, messages
from sdk_runner import needs_docker, requires_sdk, run_program

HEADER = """
import functools
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def train(epochs: int, lr: float = 0.1, *, seed: int = 0) -> float:
    return lr * epochs + seed

@env.task
async def atrain(epochs: int, lr: float = 0.1) -> float:
    return lr * epochs
"""


def _with_header(body: str) -> str:
    return HEADER + textwrap.dedent(body)


# --------------------------------------------------------------------------------------------------------
# FLY106 task-call-arguments
# --------------------------------------------------------------------------------------------------------


def test_fly106_unknown_keyword_messages(tmp_path):
    # (where it is reported: the case unknown-keyword-with-did-you-mean)
    src = _with_header("""
        @env.task
        def main() -> float:
            a = train(epochs=3, lrr=0.01)
            b = train(epochs=3, learning_rate=0.01)
            return a + b
    """)
    msgs = messages(tmp_path, src)
    assert len(msgs) == 2
    assert "did you mean `lr`?" in msgs[0]
    assert "has no parameter `learning_rate`" in msgs[1] and "did you mean" not in msgs[1]


def test_fly106_outside_a_run_and_forward_say_what_they_raise(tmp_path):
    # (where it is reported: the case outside-a-run-and-forward)
    src = _with_header("""
        @env.task
        def main() -> float:
            return train.forward(1, epochs=2)

        if __name__ == "__main__":
            train(epochs=1, bogus=1)
    """)
    found = messages(tmp_path, src)
    assert len(found) == 2
    for message in found:
        assert "TypeError" in message and "inside a run" not in message, message
        assert ("RuntimeUserError" in message) == ("bogus" in message), message  # (the task's own call)


OUTSIDE_A_RUN = """
import asyncio

import flyte

env = flyte.TaskEnvironment("outside")


@env.task
async def add(x: int, y: int = 1) -> int:
    return x + y


def attempt(call):
    try:
        result = call()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        return "ok"
    except Exception as exc:
        return type(exc).__name__ + ("<TypeError" if isinstance(exc.__cause__, TypeError) else "")


BAD = [lambda t: t(1, z=2), lambda t: t(1, x=2), lambda t: t(), lambda t: t(1, 2, 3)]
results = {form: [attempt(lambda: bad(target)) for bad in BAD]
           for form, target in [("call", add), ("aio", add.aio), ("forward", add.forward)]}


@env.task
def main() -> dict:
    return results
"""


@requires_sdk
def test_sdk_confirms_fly106_rationale_outside_a_run():
    # FLY106's rationale: outside a run an unknown keyword, a value passed twice, a missing input and extra
    # positional arguments are each a TypeError; the task's direct call re-raises it as RuntimeUserError.
    r = run_program(OUTSIDE_A_RUN, entry="main")
    assert r.ok, r.summary()
    assert r.output == {
        "call": ["RuntimeUserError<TypeError"] * 4,
        "aio": ["TypeError"] * 4,
        "forward": ["TypeError"] * 4,
    }, r.output
    from flyte_lint.rules.base import REGISTRY

    assert "direct call of the task re-raises it as flyte's RuntimeUserError" in REGISTRY["FLY106"].rationale


def test_fly106_message_names_runtime_effect_and_fix(tmp_path):
    src = _with_header("""
        @env.task
        def main() -> float:
            a = train(epochs=3, lrr=0.01)
            b = train()
            c = train(1, epochs=2)
            d = train(1, 0.5, 3, 4)
            return a + b + c + d
    """)
    msgs = messages(tmp_path, src, select=["FLY106"])
    assert len(msgs) == 4
    unknown, missing, twice, extra = msgs
    assert "silently drops the value" in unknown and "did you mean `lr`?" in unknown
    assert '"Missing required inputs: epochs"' in missing and "Pass it" in missing
    assert "silently keeps the positional value" in twice and "Pass it once" in twice
    assert "Too many positional arguments" in extra and "Remove the extra arguments" in extra


# --------------------------------------------------------------------------------------------------------
# FLY107 remote-task-positional-args
# --------------------------------------------------------------------------------------------------------


def test_fly107_message_names_runtime_effect_and_fix(tmp_path):
    src = """
        import flyte
        from flyte import remote

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def main(x: str) -> str:
            ref = remote.Task.get("other.process", auto_version="latest")
            a = await ref(x)
            b = await ref.aio(x)
            return a + b
    """
    plain, aio = messages(tmp_path, src, select=["FLY107"])
    assert "remote task 'other.process'" in plain
    assert "does not support positional arguments" in plain and "`await ref(name=value)`" in plain
    # flyte.remote's LazyEntity has no .aio: the call is async already.
    assert "remote task 'other.process'" in aio and "no `.aio` (AttributeError)" in aio
    assert "`await ref(name=value)`" in aio


# --------------------------------------------------------------------------------------------------------
# FLY301 resources-mem (its cases are on the rule: flyte_lint/rules/config/resources_mem.py)
# --------------------------------------------------------------------------------------------------------


def test_fly301_fix_renames_to_memory(tmp_path):
    src = """
        import flyte
        from flyte import Resources as R

        env = flyte.TaskEnvironment("demo", resources=flyte.Resources(cpu="1", mem="2Gi"))
        env2 = flyte.TaskEnvironment("demo2", resources=R(mem = "1Gi", gpu=1))
    """
    result = lint_result(tmp_path, src, select=["FLY301"])
    assert [(f.code, f.line) for f in result.findings] == [("FLY301", 4), ("FLY301", 5)]
    assert all(f.fix is not None and f.fix.safe for f in result.findings)
    text = result.findings[0].module.text
    new, applied = fixed_text(text, result.findings, unsafe=False)
    assert len(applied) == 2
    ast.parse(new)
    assert 'flyte.Resources(cpu="1", memory="2Gi")' in new
    assert 'R(memory = "1Gi", gpu=1)' in new
    assert "mem=" not in new and "mem =" not in new


def test_fly301_no_fix_when_memory_is_also_given(tmp_path):
    result = lint_result(
        tmp_path,
        """
        import flyte

        res = flyte.Resources(mem="1Gi", memory="2Gi")
    """,
        select=["FLY301", "FLY302"],
    )
    assert [(f.code, f.line) for f in result.findings] == [("FLY301", 3)]
    assert result.findings[0].fix is None


def test_fly301_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(
        tmp_path,
        """
        import flyte

        res = flyte.Resources(mem="1Gi")
    """,
    )
    assert msg.startswith("FLY301 ") and "TypeError" in msg and "`memory=`" in msg


# --------------------------------------------------------------------------------------------------------
# FLY302 unknown-argument (its cases are on the rule: flyte_lint/rules/config/unknown_argument.py)
# --------------------------------------------------------------------------------------------------------


def test_fly302_task_decorator_options_that_belong_to_the_environment(tmp_path):
    src = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task(retries=2, resources=flyte.Resources(cpu="2"))  # expect: FLY302
        def work() -> int:
            return 1

        @env.task(image="python:3.11", secrets=[], cache="auto")  # expect: FLY302 FLY302
        def other() -> int:
            return 1

        def plain() -> int:
            return 1

        t = env.task(plain, depends_on=[])  # expect: FLY302 FLY109
    """
    check(tmp_path, src)
    msgs = messages(tmp_path, src)
    assert "set `resources=` on the TaskEnvironment" in msgs[0]
    assert "t.override(resources=...)" in msgs[0]


def test_fly302_ephemeral_storage_fix_renames_to_disk(tmp_path):
    src = """
        import flyte

        res = flyte.Resources(cpu="2", ephemeral_storage="10Gi")
        both = flyte.Resources(ephemeral_storage="10Gi", disk="20Gi")
    """
    result = lint_result(tmp_path, src, select=["FLY302"])
    assert [(f.code, f.line) for f in result.findings] == [("FLY302", 3), ("FLY302", 4)]
    first, second = result.findings
    assert "write `disk=`" in first.message
    assert first.fix is not None and first.fix.safe
    assert second.fix is None  # disk= is already there: renaming would pass it twice
    new, applied = fixed_text(first.module.text, result.findings, unsafe=False)
    assert applied == [first]
    ast.parse(new)
    assert 'flyte.Resources(cpu="2", disk="10Gi")' in new


def test_fly302_did_you_mean(tmp_path):
    src = """
        import flyte

        env = flyte.TaskEnvironment(nme="demo")  # expect: FLY302
        img = flyte.Image.from_debian_base(pyhton_version=(3, 12))  # expect: FLY302
    """
    check(tmp_path, src)
    env_msg, img_msg = messages(tmp_path, src)
    assert "did you mean `name`?" in env_msg
    assert "did you mean `python_version`?" in img_msg


def test_fly302_task_override(tmp_path):
    src = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def work(x: int) -> int:
            return x

        @env.task
        def main() -> int:
            a = work.override(name="renamed")(x=1)  # expect: FLY302
            b = work.override(image="python:3.12")(x=1)  # expect: FLY302
            c = work.override(bogus=1)(x=1)  # expect: FLY302
            return a + b + c
    """
    check(tmp_path, src)
    name_msg, image_msg, bogus_msg = messages(tmp_path, src)
    assert "rejects `name=`" in name_msg and "ValueError" in name_msg and "`short_name=`" in name_msg
    assert "rejects `image=`" in image_msg and "clone_with" in image_msg
    assert "no parameter `bogus`" in bogus_msg and "TypeError" in bogus_msg and "remove it" in bogus_msg


def test_fly302_flyte_map_keyword(tmp_path):
    src = """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def work(x: int) -> int:
            return x

        @env.task
        def main(items: list[int]) -> list[int]:
            a = list(flyte.map(work, items, concurency=3))  # expect: FLY302
            b = list(flyte.map(work, items, concurrency=3, group_name="g", return_exceptions=False))
            return a + b
    """
    check(tmp_path, src)
    assert "did you mean `concurrency`?" in messages(tmp_path, src)[0]


def _keywords(func, skip=()) -> list[str]:
    return [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in skip and not p.name.startswith("_")
    ]


def test_fly302_quiet_on_every_keyword_the_installed_sdk_accepts(tmp_path):
    """Each keyword the real SDK's signatures name, passed to the matching call, stays quiet."""
    flyte = pytest.importorskip("flyte")
    from flyte._task import TaskTemplate

    def call(expr, names, first=""):
        return f"{expr}({first}{', '.join(f'{n}=None' for n in names)})"

    lines = [
        "import flyte",
        "",
        call("env = flyte.TaskEnvironment", _keywords(flyte.TaskEnvironment)),
        call("res = flyte.Resources", _keywords(flyte.Resources)),
        call("img = flyte.Image.from_debian_base", _keywords(flyte.Image.from_debian_base)),
        call("clone = env.clone_with", _keywords(flyte.TaskEnvironment.clone_with, skip=("self",))),
        "",
        call("@env.task", _keywords(flyte.TaskEnvironment.task, skip=("self",))),
        "def work(x: int) -> int:",
        "    return x",
        "",
        call("over = work.override", _keywords(TaskTemplate.override, skip=("self",))),
        call("mapped = flyte.map", _keywords(flyte.map, skip=("func",)), first="work, [1], "),
    ]
    src = "\n".join(lines) + "\n"
    assert "short_name=None" in src and "memory=None" in src and "concurrency=None" in src
    found = lint(tmp_path, src, select=["FLY301", "FLY302"])
    assert found == [], src


def test_fly302_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(
        tmp_path,
        """
        import flyte

        env = flyte.TaskEnvironment("demo", resource=flyte.Resources(cpu="1"))
    """,
    )
    assert msg.startswith("FLY302 ")
    assert "`flyte.TaskEnvironment` has no parameter `resource`" in msg
    assert "TypeError" in msg and "did you mean `resources`?" in msg


# Cases on the rules (flyte_lint/rules/config/resources_mem.py, unknown_argument.py) whose source no other
# default rule may report either: the whole report is their `# expect:` lines.
EVERY_RULE_QUIET_ELSEWHERE = {
    "FLY301": ["mem-keyword", "quiet-on-memory"],
    "FLY302": [
        "clone-with-unknown-keyword",
        "task-override-extra-keywords-are-accepted",
        "clone-with-valid-keywords",
        "quiet-on-wide-valid-usage",
    ],
}


@pytest.mark.parametrize(
    "code, name", [(code, name) for code, names in EVERY_RULE_QUIET_ELSEWHERE.items() for name in names]
)
def test_no_other_rule_reports_the_case(tmp_path, code, name):
    [case] = [c for c in [*REGISTRY[code].INVALID, *REGISTRY[code].VALID] if c.name == name]
    check(tmp_path, case.source)


# --------------------------------------------------------------------------------------------------------
# What the SDK really does: the facts the messages above state
# --------------------------------------------------------------------------------------------------------

SDK_FACTS = """
import functools
import flyte
from flyte import remote

env = flyte.TaskEnvironment("demo")

@env.task
def train(epochs: int, lr: float = 0.1, *, seed: int = 0) -> float:
    return lr * epochs + seed

@env.task
def one(x: int) -> int:
    return x

def attempt(fn):
    try:
        return ["ok", fn()]
    except Exception as exc:
        return [type(exc).__name__, str(exc)]

@env.task
def main() -> dict:
    ref = remote.Task.get("other.process", auto_version="latest")
    return {
        "unknown_keyword": attempt(lambda: train(epochs=3, lrr=0.5)),
        "too_many_keywords": attempt(lambda: one(x=1, y=2)),
        "twice": attempt(lambda: train(1, epochs=2)),
        "missing": attempt(lambda: train(lr=0.5)),
        "onto_keyword_only": attempt(lambda: train(1, 0.5, 3)),
        "too_many_positional": attempt(lambda: train(1, 0.5, 3, 4)),
        "forward_twice": attempt(lambda: train.forward(1, epochs=2)),
        "partial_unknown": attempt(lambda: functools.partial(one, z=1)(2)),
        "remote_aio": attempt(lambda: ref.aio),
        "override_bogus": attempt(lambda: type(train.override(bogus=1)).__name__),
        "override_name": attempt(lambda: type(train.override(name="x")).__name__),
        "override_extra": attempt(lambda: type(train.override(report=True, triggers=())).__name__),
        "clone_bogus": attempt(lambda: env.clone_with("c1", bogus=1).name),
        "clone_cache": attempt(lambda: env.clone_with("c2", cache="auto", reusable=None).name),
    }
"""


@requires_sdk
def test_sdk_confirms_what_fly106_fly107_fly302_say():
    r = run_program(SDK_FACTS, entry="main")
    assert r.ok, r.summary()
    out = r.output
    assert out["unknown_keyword"] == ["ok", pytest.approx(0.3)]  # lrr dropped: default lr
    assert out["too_many_keywords"][0] != "ok" and "Too many keyword arguments" in out["too_many_keywords"][1]
    assert out["twice"] == ["ok", pytest.approx(0.1)]  # epochs=1, the positional value
    assert "Missing required inputs: epochs" in out["missing"][1]
    assert out["onto_keyword_only"] == ["ok", pytest.approx(3.5)]  # 0.5 * 1 + seed: 3 went to keyword-only seed
    assert "Too many positional arguments" in out["too_many_positional"][1]
    assert out["forward_twice"][0] == "TypeError"
    assert out["partial_unknown"][0] != "ok"
    assert out["remote_aio"][0] == "AttributeError"
    assert out["override_bogus"][0] == "TypeError"
    assert out["override_name"][0] == "ValueError" and "cannot be overridden" in out["override_name"][1]
    assert out["override_extra"][0] == "ok"
    assert out["clone_bogus"][0] == "TypeError"
    assert out["clone_cache"] == ["ok", "c2"]


def test_fly106_container_task_inputs(tmp_path):
    assert messages(tmp_path / "m", CONTAINER_CALLS, select=["FLY106"])[:2] == [
        "FLY106 ContainerTask 'hello' has no input `bogus`: inside a run the SDK silently drops the value. "
        "Pass only the task's inputs",
        "FLY106 ContainerTask 'hello' is missing required input `y`: the call fails with \"Missing required inputs: y\". "
        "Pass it",
    ]


@requires_sdk
def test_fly106_container_task_inputs_under_the_sdk():
    # Binding comes before the container runs: the good calls get as far as needing Docker.
    r = run_program(CONTAINER_CALLS, entry="main")
    assert r.ok, r.summary()
    bad_dropped, bad_positional, kept_positional, bad_aio, good, good_positional = r.output
    assert bad_dropped == "ValueError: Missing required inputs: y"  # (`bogus` dropped without a word)
    assert bad_positional.startswith("ValueError: Too many positional arguments provided")
    assert bad_aio.startswith("ValueError: Too many keyword arguments provided")
    assert all(needs_docker(out) for out in (kept_positional, good, good_positional)), r.output


@requires_sdk
def test_fly106_shell_task_inputs_under_the_sdk():
    # An undeclared keyword gets as far as needing Docker, as the good calls do: it was dropped without a word.
    r = run_program(SHELL_CALLS, entry="main")
    assert r.ok, r.summary()
    dropped, positional, missing, good, good_all = r.output
    assert positional.startswith("TypeError: _Shell.__call__() takes 1 positional argument")
    assert missing == "TypeError: Missing required input: 'f'"
    assert all(needs_docker(out) for out in (dropped, good, good_all)), r.output


# --------------------------------------------------------------------------------------------------------
# FLY108 task-object-method
# --------------------------------------------------------------------------------------------------------


@requires_sdk
def test_fly108_under_the_sdk():
    files = {
        "tools.py": OBJECT_METHODS.split("# file: tools.py\n")[1].split("# file: main.py\n")[0],
        "main.py": OBJECT_METHODS.split("# file: main.py\n")[1],
    }
    r = run_program(files, entry="main:main", args={"x": 2})
    assert r.ok, r.summary()
    # The four calls the rule reports fail on the spot; the others run (square) or start their task and get as
    # far as needing Docker (RuntimeUserError).
    assert r.output == [
        "AttributeError",
        "AttributeError",
        "AttributeError",
        "AttributeError",
        "NotImplementedError",
        "ok",
        "ok",
        "RuntimeUserError",
        "RuntimeUserError",
        "main",
    ], r.summary()
    assert (r.ran("count"), r.ran("echo")) == (1, 1)


# -- FLY106 on a call of one of several tasks (a container of tasks) ------------------------------------


def test_fly106_call_of_one_of_several_tasks(tmp_path):
    found = [f.message for f in lint_result(tmp_path, {"main.py": textwrap.dedent(CHOICE_KEYWORDS)}).findings]
    assert found == [
        "task 'demo.search' or 'demo.lookup' has no parameter `qq`: inside a run the SDK silently drops "
        "the value; did you mean `q`?"
    ]


@requires_sdk
def test_fly106_call_of_one_of_several_tasks_under_the_sdk():
    bad = run_program(textwrap.dedent(CHOICE_KEYWORDS), entry="bad", args={"k": "lookup"})
    assert bad.ok and bad.output == "lookup:none", bad.summary()  # the value never arrived
    good = run_program(textwrap.dedent(CHOICE_KEYWORDS), entry="good", args={"k": "lookup"})
    assert good.ok and good.output == "lookup:cats", good.summary()
