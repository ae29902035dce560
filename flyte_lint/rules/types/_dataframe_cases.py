"""FLY807's cases beyond its documented example, and the probe that plays its pod (kept apart so the rule file
stays short)."""

from __future__ import annotations

from flyte_lint.rules.base import Case

# Appended to the documented examples by the runtime driver (and by tests/test_dataframe_pyarrow_sdk.py): a pod has
# only what its image installs, so the run hides from the process each parquet engine the image's pip layers (read
# from the SDK's own Image object, `env.image`) do not list, before any task runs. The engines stay visible when
# the image lists them (pyarrow also through pandas[pyarrow] / pandas[parquet] / pandas[feather] / pandas[all]).
POD_PROBE = """

def _image_requirements(image) -> set:
    import re

    found = set()
    for layer in image._layers:
        for requirement in getattr(layer, "packages", None) or ():
            match = re.match(r"\\s*([A-Za-z0-9._-]+)\\s*(?:\\[([^\\]]*)\\])?", requirement)
            if match:
                name = match.group(1).lower()
                found.add(name)
                found.update(f"{name}[{extra.strip()}]" for extra in (match.group(2) or "").split(","))
    return found


def _hide_uninstalled(*modules) -> None:
    import sys
    from importlib.machinery import ModuleSpec

    class _NotInstalled:  # (a spec without a loader: `import` raises ImportError, find_spec sees no loader)
        def find_spec(self, name, path=None, target=None):
            return ModuleSpec(name, None) if name.split(".")[0] in modules else None

    for name in list(sys.modules):
        if name.split(".")[0] in modules:
            del sys.modules[name]
    sys.meta_path.insert(0, _NotInstalled())


_listed = _image_requirements(env.image)
_pyarrow = "pyarrow" in _listed or bool(_listed & {f"pandas[{e}]" for e in ("pyarrow", "parquet", "feather", "all")})
_hide_uninstalled(*[m for m, there in (("pyarrow", _pyarrow), ("fastparquet", "fastparquet" in _listed)) if not there])
"""

MORE_INVALID = [
    Case(
        """
        from typing import Optional

        import flyte as fl
        from pandas import DataFrame as Frame

        image = (
            fl.Image.from_debian_base(python_version=(3, 12))
            .with_apt_packages("git")
            .with_pip_packages("pandas==2.2.3", "scikit-learn>=1.5")
        )
        env = fl.TaskEnvironment("demo", image=image)

        @env.task
        def total(df: Frame) -> int:  # expect: FLY807
            return len(df)

        @env.task
        def split(
            df: "Frame",  # expect: FLY807
            parts: int,
        ) -> list[Frame]:  # expect: FLY807
            return [df] * parts

        @env.task
        def maybe(n: int) -> Optional[Frame]:  # expect: FLY807
            return None
        """,
        name="inputs-outputs-aliases-and-containers",
    ),
    Case(
        """
        import flyte
        import pandas as pd

        env = flyte.TaskEnvironment(
            "demo", image=flyte.Image.from_debian_base().with_pip_packages("pandas", "fastparquet")
        )

        @env.task
        def make(n: int) -> pd.DataFrame:  # expect: FLY807
            return pd.DataFrame({"a": list(range(n))})

        @env.task
        def total(df: pd.DataFrame) -> int:  # expect: FLY807
            return len(df)
        """,
        name="fastparquet-alone",
    ),
    Case(
        """
        # file: pkg/envs.py
        import flyte

        base = flyte.Image.from_debian_base().with_pip_packages("pandas")
        env = flyte.TaskEnvironment("demo", image=base)
        other = env.clone_with("other")
        # file: pkg/tasks.py
        import pandas as pd

        from pkg.envs import env, other

        @other.task
        def make(n: int) -> pd.DataFrame:  # expect: FLY807
            return pd.DataFrame({"a": list(range(n))})

        def total(df: pd.DataFrame) -> int:  # expect: FLY807
            return len(df)

        total_task = env.task(total)
        """,
        name="env-from-another-module-and-clone",
    ),
]

MORE_VALID = [
    Case(
        """
        import flyte
        import pandas as pd
        import polars as pl
        import pyarrow as pa

        parquet = flyte.TaskEnvironment("parquet", image=flyte.Image.from_debian_base().with_pip_packages("pandas[parquet]"))
        datasets = flyte.TaskEnvironment("datasets", image=flyte.Image.from_debian_base().with_pip_packages("pandas", "datasets"))
        unknown = flyte.TaskEnvironment("unknown", image=flyte.Image.from_debian_base().with_pip_packages("pandas", "acme-utils"))
        reqs = flyte.TaskEnvironment("reqs", image=flyte.Image.from_debian_base().with_requirements("requirements.txt"))
        docker = flyte.TaskEnvironment("docker", image=flyte.Image.from_dockerfile("Dockerfile", registry="r", name="n"))
        uri = flyte.TaskEnvironment("uri", image="ghcr.io/acme/pandas:1")
        auto = flyte.TaskEnvironment("auto")
        based = flyte.TaskEnvironment("based", image=flyte.Image.from_base("python:3.12").clone(name="x"))
        PACKAGES = ["pandas"]
        dynamic = flyte.TaskEnvironment("dynamic", image=flyte.Image.from_debian_base().with_pip_packages(*PACKAGES))
        plain = flyte.TaskEnvironment("plain", image=flyte.Image.from_debian_base().with_pip_packages("pandas"))

        @parquet.task
        def a(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @datasets.task
        def b(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @unknown.task
        def c(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @reqs.task
        def d(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @docker.task
        def e(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @uri.task
        def f(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @auto.task
        def g(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @based.task
        def h(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @dynamic.task
        def i(df: pd.DataFrame) -> pd.DataFrame:
            return df

        @plain.task
        def body_only(n: int) -> int:
            return len(pd.DataFrame({"a": list(range(n))}))

        @plain.task
        def other_frames(df: pl.DataFrame, table: pa.Table, wrapped: flyte.io.DataFrame) -> pl.DataFrame:
            return df

        def helper(df: pd.DataFrame) -> pd.DataFrame:
            return df
        """,
        name="engines-unknown-images-and-other-frames",
    ),
    Case(
        """
        import pandas as pd

        class Env:
            def task(self, fn):
                return fn

        env = Env()

        @env.task
        def make(n: int) -> pd.DataFrame:
            return pd.DataFrame({"a": list(range(n))})
        """,
        name="another-library-task-decorator",
    ),
]
