"""FLY807 dataframe-needs-pyarrow: a pandas DataFrame in a task signature whose env's image, fully known, installs
pandas but no pyarrow: the engine's parquet encoder and decoder fail in the pod."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeNode, signature_types
from flyte_lint.model.image_packages import image_packages
from flyte_lint.rules.base import Case, Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._dataframe_cases import MORE_INVALID, MORE_VALID, POD_PROBE

_DATAFRAMES = frozenset({"pandas.DataFrame", "pandas.core.frame.DataFrame"})
# Requirements known not to bring pyarrow (their declared dependencies hold none). An image listing anything else
# may bring it (e.g. datasets, streamlit, mlflow, lancedb, db-dtypes, pandas-gbq, dask[dataframe], ray[data],
# pyspark[sql], google-cloud-bigquery[pandas], snowflake-connector-python[pandas], polars[pyarrow], pandas[pyarrow],
# pandas[parquet], pandas[feather], pandas[all], and pyarrow itself): the rule stays quiet.
NO_PYARROW = frozenset(
    {
        "pandas",
        "numpy",
        "scipy",
        "scikit-learn",
        "matplotlib",
        "seaborn",
        "statsmodels",
        "xgboost",
        "lightgbm",
        "torch",
        "plotly",
        "pillow",
        "requests",
        "httpx",
        "pydantic",
        "pyyaml",
        "tqdm",
        "joblib",
        "click",
        "rich",
        "jinja2",
        "networkx",
        "sympy",
        "boto3",
        "s3fs",
        "gcsfs",
        "fsspec",
        "openpyxl",
        "python-dateutil",
        "pytz",
        "tzdata",
        "sqlalchemy",
        "flyte",
        "fastparquet",
    }
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:(?:[<>=!~]=?|===?)[^@]*)?(?:;.*)?$")


def _name(requirement: str) -> str | None:
    """The normalised project name of a requirement without extras (``pandas>=2`` -> pandas); None for one with
    extras, a URL or anything else."""
    match = _REQUIREMENT.match(requirement)
    if match is None or match.group(2):
        return None
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


@register
class DataframeNeedsPyarrow(Rule):
    code = "FLY807"
    symbol = "dataframe-needs-pyarrow"
    severity = Severity.ERROR
    pylint_number = 70  # its pylint message id is E6770; never change it once released
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a `pandas.DataFrame` in a task's signature (also inside `list[...]`, `dict[str, ...]`, "
        "`Optional[...]`) when the env's image is fully known, installs pandas, and installs nothing known to bring "
        "pyarrow (only packages known not to: numpy, scikit-learn, matplotlib, fastparquet...)."
    )
    rationale = (
        "The engine moves a pandas DataFrame as parquet: the child writes its output with `df.to_parquet(..., "
        'coerce_timestamps="us", allow_truncated_timestamps=False)` and a task reads its input with '
        "`pd.read_parquet`. pandas needs a parquet engine for both, and it is not one of pandas' own "
        "dependencies, nor flyte's. In a pod whose image lacks pyarrow and fastparquet the run fails: "
        "\"Unable to find a usable engine; tried using: 'pyarrow', 'fastparquet'\". fastparquet alone does not "
        "do either: the encoder's pyarrow-only options make every DataFrame output fail (\"write() got an "
        "unexpected keyword argument 'coerce_timestamps'\"), and it finds no file in the directory the SDK writes "
        '(a part file `00000` without suffix), so inputs fail too ("No files in dir"; measured on flyte 2.12.1). '
        "The image counts as known "
        "only for `Image.from_debian_base()` with literal `.with_pip_packages(...)` layers and layers that install "
        "no Python package. The rule stays quiet for the default image (a deploy config may replace it), URIs, "
        "`from_base`, Dockerfiles, requirement files, uv/poetry projects, commands, and any package not known to "
        "leave pyarrow out. It stays quiet on `pyarrow.Table` (an image without pyarrow fails to import it first) "
        "and on `flyte.io.DataFrame`, which needs an engine only when it wraps a pandas frame. A local run, with "
        "pyarrow in your environment, hides it. Severity: error: every run in a cluster fails at that boundary."
    )
    fix = (
        'Add pyarrow to the image: `.with_pip_packages("pandas", "pyarrow")` (or `"pandas[parquet]"`); '
        "fastparquet alone is not enough."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"n": 3},
        append=POD_PROBE,
        bad=Outcome(ok=False, error_contains=("Unable to find a usable engine",)),
        good=Outcome(ok=True, output=3),
    )

    INVALID = [
        Case(
            """
            import flyte
            import pandas as pd

            image = flyte.Image.from_debian_base().with_pip_packages("pandas")
            env = flyte.TaskEnvironment("demo", image=image)

            @env.task
            def make(n: int) -> pd.DataFrame:  # expect: FLY807
                return pd.DataFrame({"a": list(range(n))})

            @env.task
            def main(n: int) -> int:
                return len(make(n))
            """,
            message="task 'demo.make' returns a pandas DataFrame, which the engine writes as parquet, but the image of "
            "env 'demo' installs only `pandas` besides flyte, and no parquet engine: in the pod the run fails "
            "(\"Unable to find a usable engine; tried using: 'pyarrow', 'fastparquet'\"). Add pyarrow to the image: "
            '`.with_pip_packages(..., "pyarrow")`',
        ),
        *MORE_INVALID,
    ]
    VALID = [
        Case(
            """
            import flyte
            import pandas as pd

            image = flyte.Image.from_debian_base().with_pip_packages("pandas", "pyarrow")
            env = flyte.TaskEnvironment("demo", image=image)

            @env.task
            def make(n: int) -> pd.DataFrame:
                return pd.DataFrame({"a": list(range(n))})

            @env.task
            def main(n: int) -> int:
                return len(make(n))
            """,
        ),
        *MORE_VALID,
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for task in analysis.tasks:
            packages = image_packages(analysis, task.env)
            if packages is None:
                continue
            names = [_name(p) for p in packages]
            if "pandas" not in names or any(n is None or n not in NO_PYARROW for n in names):
                continue  # (no pandas: its import fails first; an unknown package may bring pyarrow)
            fastparquet = "fastparquet" in names
            sig = signature_types(analysis, task.func)
            listed = ", ".join(f"`{p}`" for p in packages)
            for declared, output in [(p.type, False) for p in sig.params] + [(sig.returns, True)]:
                for frame in _frames(declared):
                    yield self.finding(task.module, frame.node, self._message(task, listed, output, fastparquet))

    @staticmethod
    def _message(task, listed: str, output: bool, fastparquet: bool) -> str:
        moves = (
            "returns a pandas DataFrame, which the engine writes as parquet"
            if output
            else "takes a pandas DataFrame, which the engine reads from parquet"
        )
        if fastparquet and output:
            effect = (
                "and only fastparquet as its parquet engine, while the SDK's encoder passes pyarrow-only options: "
                "in the pod the output fails (\"write() got an unexpected keyword argument 'coerce_timestamps'\")"
            )
        elif fastparquet:
            effect = (
                "and only fastparquet as its parquet engine, which finds no parquet file in the directory the SDK "
                'writes (its part file `00000` has no suffix): in the pod the input fails ("No files in dir")'
            )
        else:
            effect = (
                'and no parquet engine: in the pod the run fails ("Unable to find a usable engine; tried using: '
                "'pyarrow', 'fastparquet'\")"
            )
        return (
            f"task '{task.name}' {moves}, but the image of env '{task.env.label}' installs only {listed} besides flyte, "
            f'{effect}. Add pyarrow to the image: `.with_pip_packages(..., "pyarrow")`'
        )


def _frames(declared: TypeNode) -> Iterator[TypeNode]:
    """The pandas DataFrame annotations in a type (itself, Union members, list elements, dict values...)."""
    if declared.path in _DATAFRAMES and declared.cls is None:
        yield declared
    for arg in declared.args:
        yield from _frames(arg)
