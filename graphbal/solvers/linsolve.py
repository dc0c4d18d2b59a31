"""Compatibility alias of ``graphbal._core.linsolve``: every name resolves to that module's."""

from .._core import linsolve as _module
from .._core.linsolve import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
