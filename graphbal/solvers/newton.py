"""Compatibility alias of ``graphbal.balance.newton``: every name resolves to that module's."""

from ..balance import newton as _module
from ..balance.newton import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
