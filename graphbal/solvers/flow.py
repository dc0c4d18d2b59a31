"""Compatibility alias of ``graphbal.balance.flow``: every name resolves to that module's."""

from ..balance import flow as _module
from ..balance.flow import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
