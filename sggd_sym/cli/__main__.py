"""``python -m sggd_sym.cli`` runs the command line."""

import sys

from sggd_sym.cli.commands import main

if __name__ == "__main__":  # importing this module (e.g. while building the docs) runs nothing
    sys.exit(main())
