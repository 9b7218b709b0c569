"""``python -m sklearn_sea``: same as the ``sklearn-sea`` command."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
