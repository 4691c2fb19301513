"""The package version (one place; ``sggd_sym.__version__`` and ``sggd-sym --version`` read it)."""

__version__ = "0.1.0"
