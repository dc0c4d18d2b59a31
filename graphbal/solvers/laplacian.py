"""Compatibility alias of ``graphbal._core.laplacian``: every name resolves to that module's."""

from .._core import laplacian as _module
from .._core.laplacian import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
