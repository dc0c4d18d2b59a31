"""Compatibility alias of ``graphbal._core.parallel``: every name resolves to that module's."""

from ._core import parallel as _module
from ._core.parallel import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
