"""The console script (`flyte-lint`) and `python -m flyte_lint`: ``cli.entry``, imported only once a Ctrl-C can
end the command quietly. Python imports flyte-lint's modules for some 40 ms before ``cli.main`` runs; a
Ctrl-C meanwhile printed a KeyboardInterrupt traceback from the console script's own import line."""

import os


def main() -> None:
    try:
        from flyte_lint.cli import entry

        entry()  # (it ends the process itself; a Ctrl-C after its setup is cli.main's to answer)
    except KeyboardInterrupt:
        os._exit(130)
