import os
import sys

# `python -m flyte_lint` puts the current directory first on sys.path: inside a linted project its json.py or
# tokenize.py would then shadow the modules flyte-lint imports later, and run. flyte-lint imports nothing
# from the current directory.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from flyte_lint.launch import main

main()
