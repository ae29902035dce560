"""FLY807 against the SDK: a pandas DataFrame crossing a task boundary in a pod whose image (fully known) installs no
pyarrow (fastparquet alone fails both ways). FLY807's POD_PROBE plays the pod: it hides from the run each parquet engine the image's pip layers
(read from the SDK's Image object) do not install. The rule must report exactly the images whose run fails."""

from __future__ import annotations

import pytest

from flyte_lint.rules.types._dataframe_cases import POD_PROBE
from lintutil import lint_result
from sdk_runner import requires_sdk, run_program

PROGRAM = """
import flyte
import pandas as pd

env = flyte.TaskEnvironment("demo", image=flyte.Image.from_debian_base().with_pip_packages({packages}))

@env.task
def make(n: int) -> pd.DataFrame:
    return pd.DataFrame({{"a": list(range(n))}})

@env.task
def main(n: int) -> int:
    return len(make(n))
"""

# packages -> the error the run fails with (None: it works)
IMAGES = {
    '"pandas"': "Unable to find a usable engine",
    '"pandas>=2", "numpy", "scikit-learn"': "Unable to find a usable engine",
    '"pandas", "fastparquet"': "unexpected keyword argument 'coerce_timestamps'",
    '"pandas", "pyarrow"': None,
    '"pandas[parquet]"': None,
    '"pandas[pyarrow]"': None,
    '"pandas", "fastparquet", "pyarrow"': None,
}


def _line_of(source: str, text: str) -> int:
    """The line of ``source`` (as the linter numbers it: leading newline stripped) holding ``text``."""
    return next(i for i, line in enumerate(source.lstrip("\n").split("\n"), 1) if text in line)


@requires_sdk
@pytest.mark.parametrize("packages", sorted(IMAGES))
def test_fly807_reports_exactly_the_images_whose_dataframe_output_fails(tmp_path, packages):
    source = PROGRAM.format(packages=packages)
    r = run_program(source + POD_PROBE, entry="main", args={"n": 3})
    expected = IMAGES[packages]
    if expected is None:
        assert r.ok and r.output == 3, r.summary()
    else:
        assert not r.ok and expected in (r.error or ""), r.summary()
    reported = [f.line for f in lint_result(tmp_path, source, select=["FLY807"]).findings]
    assert reported == ([_line_of(source, "-> pd.DataFrame")] if expected else []), (packages, reported)


# A task's DataFrame input is decoded in its own pod: the literal is made while the engines are there (the
# producer's pod), then the probe hides what the consumer's image lacks and decodes it with the SDK's TypeEngine.
DECODE = """
import asyncio

import flyte
import pandas as pd
from flyte.types import TypeEngine

env = flyte.TaskEnvironment("demo", image=flyte.Image.from_debian_base().with_pip_packages({packages}))


@env.task
async def main() -> str:
    frame = pd.DataFrame({{"a": [1, 2, 3]}})
    literal = await TypeEngine.to_literal(frame, pd.DataFrame, TypeEngine.to_literal_type(pd.DataFrame))
    hide()
    try:
        return str(len(await TypeEngine.to_python_value(literal, pd.DataFrame)))
    except Exception as e:
        return f"{{type(e).__name__}}: {{e}}"
"""


@requires_sdk
@pytest.mark.parametrize(
    "packages, outcome",
    [
        ('"pandas"', "Unable to find a usable engine"),
        ('"pandas", "fastparquet"', "No files in dir"),
        ('"pandas", "pyarrow"', "3"),
        ('"pandas[parquet]"', "3"),
    ],
)
def test_fly807_inputs_fail_without_pyarrow(tmp_path, packages, outcome):
    probe = POD_PROBE.replace("_hide_uninstalled(*[m", "hide = lambda: _hide_uninstalled(*[m")
    source = DECODE.format(packages=packages)
    r = run_program(source + probe, entry="main")
    assert r.ok and outcome in r.output, r.summary()
    source += "\n\n@env.task\ndef total(df: pd.DataFrame) -> int:\n    return len(df)\n"
    reported = [f.line for f in lint_result(tmp_path, source, select=["FLY807"]).findings]
    assert reported == ([_line_of(source, "df: pd.DataFrame")] if outcome != "3" else []), (packages, reported)
