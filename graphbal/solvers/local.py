"""Compatibility alias of ``graphbal.balance.local``: every name resolves to that module's."""

from ..balance import local as _module
from ..balance.local import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
