"""``python -m sggd_sym.cli`` runs the command line."""

import sys

from sggd_sym.cli.commands import main

sys.exit(main())
