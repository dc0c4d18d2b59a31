"""Compatibility alias of ``graphbal.balance.osborne``: every name resolves to that module's."""

from ..balance import osborne as _module
from ..balance.osborne import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
