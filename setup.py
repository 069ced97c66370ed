"""Kept so that `python setup.py ...` and old tooling keep working; the metadata is in pyproject.toml."""

from setuptools import setup

setup()
