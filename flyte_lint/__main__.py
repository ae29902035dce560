import sys

from flyte_lint.cli import main

sys.exit(main())
