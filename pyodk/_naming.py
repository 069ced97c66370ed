"""Names as swagger-codegen derives them: one rule, for pyodk at run time and for tools/generate.py.

Standard library only, and importing nothing of pyodk, so that the generator can load this file
on its own before pyodk's generated modules exist.
"""

from __future__ import annotations

import re

_ACRONYM_THEN_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_THEN_UPPER = re.compile(r"([a-z\d])([A-Z])")


def underscore(word: str) -> str:
    """``instanceId`` -> ``instance_id``, ``OCISnapshotsApi`` -> ``oci_snapshots_api``.

    swagger-codegen's rule, so that module and attribute names match a generated client's: an
    acronym stays one word (``OCISnapshots`` -> ``oci_snapshots``), ``-`` and spaces become ``_``.
    """
    word = _ACRONYM_THEN_WORD.sub(r"\1_\2", word)
    word = _LOWER_THEN_UPPER.sub(r"\1_\2", word)
    return word.replace("-", "_").replace(" ", "_").lower()
