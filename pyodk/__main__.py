"""``python -m pyodk``: the command line, as the ``pyodk`` console script runs it."""

import sys

from pyodk.cli import main

if __name__ == "__main__":
    sys.exit(main())
