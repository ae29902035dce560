"""FLY317-FLY320 against the SDK's own code, beyond each rule's documented example (its ``runtime`` spec).

Each test builds the variants a rule must tell apart, lints each one, and runs all of them in one program under
the real SDK (tests/sdk_runner.py), so "flyte-lint reports it" must equal "the SDK fails on it" (or, for the
FLY319 warning, "the cache does not do what the code says"):

- FLY317: a task's timeout is serialized by ``translate_task_to_wire`` (deploy, a parent's pod); a local run of
  the same task ignores it.
- FLY318: env_vars become protobuf ``KeyValuePair`` values in ``translate_task_to_wire`` (envs, clones,
  overrides) and in the trigger serde (``to_task_trigger``); local runs never set them.
- FLY319: the cache version ``Cache.get_version`` computes, and the local cache (which keys by
  ``generate_cache_key_hash``, filtering ``ignored_inputs`` by name).
- FLY320: every layer builder of the SDK table on every kind of image, at import.
"""

from __future__ import annotations

import textwrap

import pytest

from flyte_lint.model.image_layers import layer_builders
from lintutil import lint
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

WIRE = """
import pathlib

from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext


def wire(task) -> str:
    try:
        spec = translate_task_to_wire(task, SerializationContext(version="v1", root_dir=pathlib.Path.cwd()))
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "ok " + ",".join(f"{p.key}={p.value}" for p in spec.task_template.container.env)
"""


def _reported(tmp_path, source: str, code: str) -> bool:
    found = [c for c, _, _ in lint(tmp_path, textwrap.dedent(source), select=[code])]
    assert set(found) <= {code}
    return bool(found)


# -- FLY317 ----------------------------------------------------------------------------------------------------
# name -> (decorator timeout, override timeout, the error serialization raises or None)
TIMEOUTS = {
    "str": ('"1h"', None, "ValueError: Timeout must be an instance of Timeout, int, or timedelta"),
    "float": ("2.5", None, "ValueError: Timeout must be an instance of Timeout, int, or timedelta"),
    "timeout_str": ('flyte.Timeout(max_runtime="1h")', None, "AttributeError: 'str' object has no attribute"),
    "timeout_float": ("flyte.Timeout(deadline=7200.0)", None, "AttributeError: 'float' object has no attribute"),
    "queued_str": ('flyte.Timeout(max_queued_time="5m")', None, "AttributeError: 'str' object has no attribute"),
    "override_str": (None, '"2h"', "ValueError: Timeout must be an instance of Timeout, int, or timedelta"),
    "override_float": (None, "90.0", "ValueError: Timeout must be an instance of Timeout, int, or timedelta"),
    "int": ("3600", None, None),
    "timedelta": ("timedelta(hours=1)", None, None),
    "bool": ("True", None, None),  # an int to the SDK: one second
    "timeout_ok": ("flyte.Timeout(max_runtime=60, deadline=timedelta(hours=2))", None, None),
    "override_falsy_float": (None, "0.0", None),  # ignored by .override (FLY314's)
    "override_empty": (None, '""', None),
}


def _timeout_module(decorator: str | None, override: str | None) -> str:
    given = f"(timeout={decorator})" if decorator else ""
    target = f"child.override(timeout={override})" if override else "child"
    return f"""
import flyte
from datetime import timedelta

env = flyte.TaskEnvironment("demo")


@env.task{given}
async def child(x: int) -> int:
    return x + 1


target = {target}
"""


def test_fly317_reports_exactly_the_timeouts_serialization_rejects(tmp_path):
    for name, (decorator, override, error) in TIMEOUTS.items():
        assert _reported(tmp_path / name, _timeout_module(decorator, override), "FLY317") == (error is not None), name


@requires_sdk
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]
)
def test_fly317_timeouts_run_locally_and_fail_serialization(mode):
    files = {f"v_{name}.py": _timeout_module(d, o) for name, (d, o, _) in TIMEOUTS.items()}
    files["main.py"] = (
        "import importlib\n\nimport flyte\n"
        + WIRE
        + f"""
env = flyte.TaskEnvironment("probe")
NAMES = {sorted(TIMEOUTS)!r}


@env.task
async def main(x: int) -> dict:
    found = {{}}
    for name in NAMES:
        module = importlib.import_module(f"v_{{name}}")
        found[name] = [await module.target(x), wire(module.target)]
    return found
"""
    )
    r = run_program(files, entry="main", args={"x": 1}, mode=mode)
    assert r.ok, r.summary()
    for name, (_, _, error) in TIMEOUTS.items():
        ran, wired = r.output[name]
        assert ran == 2, (name, ran)  # the timeout changes nothing in a local run
        assert wired.startswith(error) if error else wired.startswith("ok"), (name, wired)


# -- FLY318 ----------------------------------------------------------------------------------------------------
# name -> (module text defining `target`, the task serialized; or a trigger's, with `trigger=True`), fails?
ENV_VALUE_KINDS = {"int": ("4", True), "float": ("0.5", True), "bool": ("True", True)}
ENV_VALUE_KINDS |= {"none": ("None", False), "bytes": ('b"x"', False), "str": ('"4"', False)}


def _env_vars_module(form: str, value: str) -> str:
    env = (
        f'flyte.TaskEnvironment("demo", env_vars={{"A": {value}}})'
        if form == "env"
        else 'flyte.TaskEnvironment("demo")'
    )
    lines = ["import flyte", "", f"SETTINGS = {{'A': {value}}}", f"env = {env}"]
    if form == "constant":
        lines[-1] = 'env = flyte.TaskEnvironment("demo", env_vars=SETTINGS)'
    if form == "clone":
        lines.append(f'env = env.clone_with("clone", env_vars={{"A": {value}}})')
    trigger = f', triggers=flyte.Trigger.hourly(env_vars={{"A": {value}}})' if form == "trigger" else ""
    lines += ["", "", f"@env.task(cache='disable'{trigger})", "async def child(x: int = 1) -> int:", "    return x + 1"]
    target = f'child.override(env_vars={{"A": {value}}})' if form == "override" else "child"
    lines += ["", "", f"target = {target}", ""]
    return "\n".join(lines)


ENV_FORMS = ("env", "constant", "clone", "override", "trigger")


def test_fly318_reports_exactly_the_values_serialization_rejects(tmp_path):
    for form in ENV_FORMS:
        for kind, (value, fails) in ENV_VALUE_KINDS.items():
            source = _env_vars_module(form, value)
            assert _reported(tmp_path / f"{form}_{kind}", source, "FLY318") == fails, (form, kind)


@requires_sdk
def test_fly318_env_vars_run_locally_and_fail_serialization():
    files = {
        f"v_{form}_{kind}.py": _env_vars_module(form, value)
        for form in ENV_FORMS
        for kind, (value, _) in ENV_VALUE_KINDS.items()
    }
    files["main.py"] = (
        "import importlib\n\nimport flyte\n"
        + WIRE
        + f"""
from flyte._internal.runtime.trigger_serde import to_task_trigger
from flyte._internal.runtime.types_serde import transform_native_to_typed_interface

env = flyte.TaskEnvironment("probe")
NAMES = {sorted(n[2:-3] for n in files)!r}


async def triggers(task) -> str:
    interface = transform_native_to_typed_interface(task.native_interface)
    try:
        for t in task.triggers:
            await to_task_trigger(t, task.name, interface.inputs, [])
    except Exception as e:
        return f"{{type(e).__name__}}: {{e}}"
    return "ok"


@env.task
async def main(x: int) -> dict:
    found = {{}}
    for name in NAMES:
        module = importlib.import_module(f"v_{{name}}")
        serialized = await triggers(module.child) if name.startswith("trigger") else wire(module.target)
        found[name] = [await module.target(x), serialized]
    return found
"""
    )
    r = run_program(files, entry="main", args={"x": 1})
    assert r.ok, r.summary()
    for form in ENV_FORMS:
        for kind, (_, fails) in ENV_VALUE_KINDS.items():
            ran, serialized = r.output[f"{form}_{kind}"]
            assert ran == 2, (form, kind)  # local runs never read env_vars
            expected = "TypeError: bad argument type for built-in operation" if fails else "ok"
            assert serialized.startswith(expected), (form, kind, serialized)


# -- FLY319 ----------------------------------------------------------------------------------------------------
VERSIONS = """
import flyte
from flyte._cache.cache import VersionParameters

env = flyte.TaskEnvironment("probe")


def body_one(x: int) -> int:
    return x + 1


def body_two(x: int) -> int:
    return x + 2


def version(cache, func) -> str:
    return cache.get_version(VersionParameters(func=func))


@env.task
def main() -> dict:
    unpinned, auto, pinned = flyte.Cache("override"), flyte.Cache("auto"), flyte.Cache("override", version_override="v1")
    return {
        "override_follows_auto": all(version(unpinned, f) == version(auto, f) for f in (body_one, body_two)),
        "override_changes_with_the_body": version(unpinned, body_one) != version(unpinned, body_two),
        "pinned": [version(pinned, body_one), version(pinned, body_two)],
    }
"""


@requires_sdk
def test_fly319_an_unpinned_override_is_versioned_by_the_function_body():
    r = run_program(VERSIONS, entry="main")
    assert r.ok, r.summary()
    assert r.output == {"override_follows_auto": True, "override_changes_with_the_body": True, "pinned": ["v1", "v1"]}


def _ignored_program(name: str) -> str:
    return f"""
import flyte

env = flyte.TaskEnvironment("demo")


@env.task(cache=flyte.Cache("auto", ignored_inputs=("{name}",)))
async def child(x: int, stamp: str) -> int:
    return x + 1


@env.task
async def main(x: int) -> dict:
    return {{"results": [await child(x, "monday"), await child(x, "tuesday")], "keys": await cache_keys(x)}}
"""


# The cache key the local controller computes for a call (flyte._internal.controllers._local_controller.submit,
# the backend's formula too: convert.generate_content_inputs_hash's docstring), for the same x on two days.
# sdk_runner's runs disable the run cache, so the key is computed, not looked up.
CACHE_KEYS = """

async def cache_keys(x: int) -> list[str]:
    from flyte._cache.cache import VersionParameters, cache_from_request
    from flyte._internal.runtime import convert
    from flyte._internal.runtime.types_serde import transform_native_to_typed_interface

    cache = cache_from_request(child.cache)
    version = cache.get_version(VersionParameters(func=child.func, image=child.image))
    keys = []
    for stamp in ("monday", "tuesday"):
        inputs = await convert.convert_from_native_to_inputs(child.native_interface, x, stamp)
        keys.append(
            convert.generate_cache_key_hash(
                child.name,
                convert.generate_inputs_hash_from_proto(inputs.proto_inputs),
                transform_native_to_typed_interface(child.interface),
                version,
                list(cache.get_ignored_inputs()),
                inputs.proto_inputs,
            )
        )
    return keys
"""


def test_fly319_reports_the_misnamed_ignored_input_only(tmp_path):
    assert _reported(tmp_path / "typo", _ignored_program("stmp"), "FLY319")
    assert not _reported(tmp_path / "right", _ignored_program("stamp"), "FLY319")


@requires_sdk
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]
)
def test_fly319_a_misnamed_ignored_input_stays_in_the_cache_key(mode):
    typo = run_program(_ignored_program("stmp") + CACHE_KEYS, entry="main", args={"x": 1}, mode=mode)
    right = run_program(_ignored_program("stamp") + CACHE_KEYS, entry="main", args={"x": 1}, mode=mode)
    # Both complete with the same results: only the cache differs (a warning's degradation).
    assert typo.ok and right.ok, (typo.summary(), right.summary())
    assert typo.output["results"] == right.output["results"] == [2, 2]
    first, second = typo.output["keys"]
    assert first != second  # "tuesday" changes the key: a cache miss
    first, second = right.output["keys"]
    assert first == second  # the stamp is left out: the second call hits the first one's entry


# -- FLY320 ----------------------------------------------------------------------------------------------------
# Arguments for each layer builder of the SDK table; a builder the table gains fails the test until it is here.
BUILDER_ARGS = {
    "with_apt_packages": '"git"',
    "with_code_bundle": "",
    "with_commands": '["echo hi"]',
    "with_dockerignore": 'Path(".dockerignore")',
    "with_env_vars": '{"A": "1"}',
    "with_local_rs_controller": "",
    "with_local_v2": "",
    "with_local_v2_plugins": '"flyteplugins-ray"',
    "with_pip_packages": '"pandas"',
    "with_pixi_project": 'Path("pixi.toml")',
    "with_poetry_project": 'Path("pyproject.toml")',
    "with_requirements": 'Path("requirements.txt")',
    "with_source_file": 'Path("Dockerfile")',
    "with_source_folder": 'Path("src")',
    "with_uv_project": 'Path("pyproject.toml")',
    "with_workdir": '"/app"',
}
# image expression -> the error a layer on it raises (None: it takes layers)
BASES = {
    'flyte.Image.from_base("python:3.11-slim")': "Cannot add additional layers to a non-extendable image",
    'flyte.Image.from_ref_name("trainer")': "Cannot add additional layers to a non-extendable image",
    'flyte.Image.from_dockerfile(Path("Dockerfile"), registry="r", name="d")': "Cannot add additional layers",
    'flyte.Image.from_dockerfile(Path("Dockerfile"), registry="r", name="d").clone(extendable=True)': (
        "Flyte current cannot add additional layers to a Dockerfile-based Image"
    ),
    'flyte.Image.from_debian_base().clone(name="x", extendable=False)': "Cannot add additional layers",
    'flyte.Image.from_base("python:3.11").clone(name="x")': "Cannot add additional layers",
    "flyte.Image.from_debian_base()": None,
    'flyte.Image.from_debian_base().clone(name="x")': None,
    'flyte.Image.from_base("python:3.11").clone(name="x", extendable=True)': None,
    'flyte.Image.from_uv_script("script.py", name="uv")': None,
}
FILES = {
    "Dockerfile": "FROM python:3.11\n",
    "script.py": "# /// script\n# dependencies = []\n# ///\n",
    "requirements.txt": "pandas\n",
    "pyproject.toml": "[project]\nname = 'x'\n",
    "pixi.toml": "[project]\nname = 'x'\n",
    "src/__init__.py": "",
}


def test_the_builders_are_the_sdk_tables():
    assert set(BUILDER_ARGS) == layer_builders()


def _layer_line(base: str, builder: str) -> str:
    return f"image = {base}.{builder}({BUILDER_ARGS[builder]})"


def test_fly320_reports_every_builder_on_every_image_that_takes_no_layers(tmp_path):
    for i, (base, error) in enumerate(BASES.items()):
        for builder in sorted(BUILDER_ARGS):
            source = f"from pathlib import Path\n\nimport flyte\n\n{_layer_line(base, builder)}\n"
            assert _reported(tmp_path / f"{i}_{builder}", source, "FLY320") == (error is not None), (base, builder)


@requires_sdk
def test_fly320_every_builder_raises_at_import_on_an_image_that_takes_no_layers():
    cases = [(base, builder) for base in BASES for builder in sorted(BUILDER_ARGS)]
    files = {
        f"v{i}.py": f"from pathlib import Path\n\nimport flyte\n\n{_layer_line(*c)}\n" for i, c in enumerate(cases)
    }
    files |= FILES
    files["main.py"] = f"""
import importlib

import flyte

env = flyte.TaskEnvironment("probe")


@env.task
def main() -> list[str]:
    found = []
    for i in range({len(cases)}):
        try:
            importlib.import_module(f"v{{i}}")
            found.append("ok")
        except Exception as e:
            found.append(f"{{type(e).__name__}}: {{e}}")
    return found
"""
    r = run_program(files, entry="main")
    assert r.ok, r.summary()
    for (base, builder), outcome in zip(cases, r.output, strict=True):
        error = BASES[base]
        assert outcome.startswith(f"ValueError: {error}") if error else outcome == "ok", (base, builder, outcome)


# -- the result cache: a Cache or an env_vars dict in one module, the tasks using it in another -----------------
def _findings(root, cache) -> list[tuple]:
    from flyte_lint.config import Settings
    from flyte_lint.engine import Options, run

    result = run([root], Settings(), Options(select=["FLY318", "FLY319"]), cwd=root, cache_dir=cache)
    assert not result.internal_errors, result.internal_errors
    return sorted((f.path, f.line, f.code) for f in result.findings)


@pytest.mark.parametrize("direction", ["appears", "disappears"])
def test_findings_in_a_module_of_constants_follow_edits_of_the_module_using_them(tmp_path, monkeypatch, direction):
    from flyte_lint import incremental, index
    from lintutil import write_project

    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)  # (small projects: analysed whole otherwise)
    monkeypatch.setattr(index, "SETTLED_NS", 0)
    constants = 'import flyte\n\nCACHE = flyte.Cache("auto", ignored_inputs=("run_id",))\nSETTINGS = {"THREADS": 8}\n'
    used = (
        "import flyte\nfrom caching import CACHE, SETTINGS\n\nenv = flyte.TaskEnvironment({env})\n\n"
        "@env.task(cache=CACHE)\ndef main(day: str, {param}: str) -> str:\n    return day\n"
    )
    bad = used.format(env='"etl", env_vars=SETTINGS', param="run")
    good = used.format(env='"etl"', param="run_id")
    before, after = (good, bad) if direction == "appears" else (bad, good)
    others = {f"other{i}.py": f"import flyte\n\ne{i} = flyte.TaskEnvironment('e{i}')\n" for i in range(4)}
    root = write_project(tmp_path / "p", {"caching.py": constants, "main.py": before, **others})
    cache = tmp_path / "cache"
    first = _findings(root, cache)
    assert first == _findings(root, None)
    (root / "main.py").write_text(after)
    second = _findings(root, cache)
    assert second == _findings(root, None)
    reported = [("caching.py", 3, "FLY319"), ("caching.py", 4, "FLY318")]
    assert (first, second) == (([], reported) if direction == "appears" else (reported, []))
