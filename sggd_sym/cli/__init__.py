"""The command line ``sggd-sym`` (:func:`main`), its derivation cache and the proof recorder."""

from sggd_sym.cli import cache, commands, proving
from sggd_sym.cli.commands import main

__all__ = ["main", "cache", "commands", "proving"]
