"""The single place where pyodk's version is written (pyproject.toml reads it)."""

__version__ = "2.0.0"
