"""FLY510 flyte-file: Flyte 1 `FlyteFile`, `FlyteDirectory`, `StructuredDataset`; Flyte 2 has `flyte.io`."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.flyte1_index import DIR_TYPES, FILE_TYPES, flyte1_index
from flyte_lint.model.source import short_source
from flyte_lint.rules.base import Case, Finding, Scope, register
from flyte_lint.rules.flyte1._common import FLYTE1_CODES, MAPPING, MIGRATE_NOTE, V1Rule


@register
class FlyteFileRule(V1Rule):
    code = "FLY510"
    symbol = "flyte-file"
    pylint_number = 37
    scope = Scope.IMPORTERS
    summary = (
        "Reports Flyte 1 `FlyteFile`, `FlyteDirectory` and `StructuredDataset`: Flyte 2 has `flyte.io.File`, "
        "`Dir` and `DataFrame`."
    )
    rationale = (
        "Flyte 2's offloaded data types are `flyte.io.File`, `flyte.io.Dir` and `flyte.io.DataFrame`, with "
        "async methods: `await File.from_local(path)` uploads, `await f.download()` fetches, and "
        "`await df.open(pd.DataFrame).all()` reads a DataFrame. The Flyte 1 types do not exist in Flyte 2."
        " Severity: warning: a migration step: this is Flyte 1 code, which runs where flytekit is installed and "
        "fails under the Flyte 2 SDK alone; the code cannot show which one it is meant for."
    )
    INVALID = [
        Case(
            """
            from flytekit import task
            from flytekit.types.file import FlyteFile

            @task
            def write() -> FlyteFile:  # expect: FLY510
                with open("out.txt", "w") as f:
                    f.write("hello")
                return FlyteFile(path="out.txt")  # expect: FLY510
            """,
        ),
        Case(
            """
            from flytekit.types.directory import FlyteDirectory

            def save(folder: FlyteDirectory) -> None:  # expect: FLY510
                print(folder)
            """,
            message="`FlyteDirectory` is Flyte 1: use `flyte.io.Dir`" + MIGRATE_NOTE,
            name="directory-message",
        ),
        Case(
            """
            import typing

            import pandas as pd
            import flytekit
            from flytekit.types.file import FlyteFile, CSVFile
            from flytekit.types.directory import FlyteDirectory
            from flytekit.types.structured import StructuredDataset
            from flytekit import task

            @task
            def save(
                df: pd.DataFrame,
                folder: FlyteDirectory,  # expect: FLY510
                table: typing.Annotated[StructuredDataset, "cols"],  # expect: FLY510
            ) -> FlyteFile:  # expect: FLY510
                return FlyteFile(path="out.csv")  # expect: FLY510

            @task
            def typed(report: CSVFile) -> flytekit.types.file.FlyteFile:  # expect: FLY510 FLY510
                remote = FlyteFile.new_remote_file()  # expect: FLY510
                return StructuredDataset(dataframe=pd.DataFrame())  # expect: FLY510
            """,
            name="files-dirs-and-dataframes",
        ),
    ]
    VALID = [
        Case(
            """
            import flyte
            from flyte.io import File

            env = flyte.TaskEnvironment("demo")

            @env.task
            async def write() -> File:
                with open("out.txt", "w") as f:
                    f.write("hello")
                return await File.from_local("out.txt")
            """,
        ),
        Case(
            """
            import flyte
            from flyte.io import DataFrame, Dir, File

            env = flyte.TaskEnvironment("demo")

            class FlyteFile:
                pass

            @env.task
            async def save(folder: Dir, table: DataFrame, old: FlyteFile) -> File:
                return await File.from_local("out.csv")
            """,
            select=FLYTE1_CODES,
            name="flyte-io",
        ),
        Case(
            """
            try:
                import flyte
                from flyte.io import File
            except ImportError:
                import flytekit
                from flytekit.types.file import FlyteFile as File

            def save(path: str) -> File:
                return File(path=path)
            """,
            select=FLYTE1_CODES,
            name="guarded-flyte-first-flytekit-as-fallback",
        ),
    ]
    fix = (
        "Use `flyte.io.File` / `flyte.io.Dir` / `flyte.io.DataFrame`: `FlyteFile(path=p)` → `await "
        "File.from_local(p)`, `StructuredDataset(dataframe=df)` → `flyte.io.DataFrame.wrap_df(df)` (or return "
        "the DataFrame itself)."
    )

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        for ref in flyte1_index(analysis).refs_to("StructuredDataset", "FlyteSchema", *FILE_TYPES, *DIR_TYPES):
            replacement = MAPPING[ref.symbol].strip("`")
            head = f"`{short_source(ref.module, ref.site, 50)}` is Flyte 1: use `{replacement}`"
            if ref.call is not None:
                if ref.symbol in ("StructuredDataset", "FlyteSchema"):
                    head += " (`flyte.io.DataFrame.wrap_df(df)`, or return the DataFrame itself)"
                else:
                    cls = replacement.rsplit(".", 1)[1]
                    head += f" (`await {cls}.from_local(path)`, or `{cls}.from_local_sync(path)` in a sync task)"
            yield self.finding(ref.module, ref.site, head)
