"""The single place where pyodk's version is written (pyproject.toml reads it)."""

__version__ = "1.0.0"
