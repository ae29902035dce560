"""`flyte-lint migrate`: where the imports the rewrite needs go. As a hand would write them: ``import flyte`` where
the flytekit import was when that keeps its group sorted, else in its group in order (isort's: ``import x``
before ``from x import y``); a standard-library import (``os`` for a secret's env var, ``tempfile``...) among the
standard-library imports; a project import (a shared env module) among the project's; a group of its own set apart
by a blank line. Comments above a dropped import stay; blank lines are not doubled."""

from __future__ import annotations

from migrateutil import dedent, migrated

SECRET_TASK = """

@task(secret_requests=[Secret(group="g", key="k")])
def read() -> str:
    return current_context().secrets.get(key="k", group="g")
"""


def test_a_stdlib_import_joins_the_stdlib_group_and_flyte_takes_the_place_of_flytekit(tmp_path):
    source = dedent(
        """
        from __future__ import annotations

        import json

        # the SDK
        from flytekit import Secret, current_context, task
        import pandas as pd

        from helpers import util


        @task
        def dump(x: int) -> str:
            return json.dumps(util(x)) + pd.__name__
        """
    )
    code, text = migrated(tmp_path, source + SECRET_TASK)
    assert code == 0
    assert text.startswith(
        dedent(
            """
            from __future__ import annotations

            import json
            import os

            # the SDK
            import flyte
            import pandas as pd

            from helpers import util


            """
        )
    )
    assert 'return os.environ["G_K"]' in text


def test_a_new_group_goes_before_the_groups_after_it(tmp_path):
    code, text = migrated(
        tmp_path, '"""Reads a secret."""\nfrom flytekit import Secret, current_context, task\n' + SECRET_TASK
    )
    assert code == 0
    assert text.startswith('"""Reads a secret."""\nimport os\n\nimport flyte\n\n\nenv = ')


def test_flyte_goes_in_order_when_the_place_of_flytekit_is_out_of_order(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import json

        import pandas as pd
        from flytekit import task


        @task
        def dump() -> str:
            return json.dumps(pd.__name__)
        """,
    )
    assert code == 0
    assert text.startswith("import json\n\nimport flyte\nimport pandas as pd\n\n\nenv = ")


def test_a_dropped_import_leaves_no_doubled_blank_lines(tmp_path):
    code, text = migrated(
        tmp_path,
        """
        import os

        from flytekit import task

        import pandas as pd


        @task
        def here() -> str:
            return os.sep + pd.__name__
        """,
    )
    assert code == 0
    assert text.startswith("import os\n\nimport flyte\n\nimport pandas as pd\n\n\nenv = ")


def test_a_shared_env_import_joins_the_project_group(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": dedent(
            """
            import os

            from flytekit import Resources, task


            @task(requests=Resources(cpu="2"))
            def double(x: int) -> int:
                return x * 2 + len(os.sep)
            """
        ),
        "pkg/b.py": dedent(
            """
            import json

            import pandas as pd
            from flytekit import Resources, task, workflow

            from pkg.a import double


            @task(requests=Resources(cpu="2"))
            def triple(x: int) -> int:
                return x * 3 + len(json.dumps(pd.__name__))


            @workflow
            def wf(x: int) -> int:
                return triple(x=double(x=x))
            """
        ),
    }
    code, a = migrated(tmp_path, files, path="pkg/a.py")
    assert code == 0
    assert a.startswith("import os\n\nfrom pkg.envs import env\n\n\n@env.task\n")
    b = (tmp_path / "project" / "pkg" / "b.py").read_text(encoding="utf-8")
    expected = (
        "import json\n\nimport flyte\nimport pandas as pd\n\nfrom pkg.a import double\nfrom pkg.envs import env\n\n\n"
    )
    assert b.startswith(expected)  # (flyte: the workflow's env depends on the shared one)


def test_a_flytekit_import_still_used_gets_a_todo_naming_what_uses_it(tmp_path):
    from lintutil import write_project
    from migrateutil import migrate

    root = write_project(
        tmp_path / "project",
        """
        from flytekit import task
        from flytekit.core.type_engine import TypeEngine, TypeTransformer


        @task
        def kind() -> str:
            return str(TypeEngine.get_transformer(int))
        """,
    )
    assert migrate(root) == 1
    text = (root / "main.py").read_text(encoding="utf-8")
    assert (
        "# TODO(flyte-lint migrate): Flyte 1's `TypeEngine` still in use here: migrate by hand the code "
        'that uses it (guide §2 "Package Imports")\nfrom flytekit.core.type_engine import TypeEngine\n'
    ) in text
