"""Kept so that `python setup.py ...` and older tooling keep working.

All metadata lives in pyproject.toml; the version in pyodk/_version.py.
"""

from setuptools import setup

setup()
