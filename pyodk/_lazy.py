"""Load on first use: the PEP 562 ``__getattr__`` and ``__dir__`` of pyodk's packages.

``import pyodk`` must stay fast while pyodk holds 18 API classes and 160 models, so a package names
what it exports and where each name lives, and a name's module is imported only when the name is
first used. Type checkers never run this: each package also imports every name under
``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose ``exports`` map name -> module.

    A name whose module is ``package.name`` itself (a submodule such as ``pyodk.auth``) gives the
    module. Once loaded, a name is set on the package, so ``__getattr__`` runs once per name.
    """

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_name)
        value = module if module_name == f"{package}.{name}" else getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(_module_names(package)) | set(exports))

    return __getattr__, __dir__


def _module_names(package: str) -> Iterable[str]:
    return vars(sys.modules[package]).keys()
