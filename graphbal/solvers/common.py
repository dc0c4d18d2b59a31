"""Compatibility alias of ``graphbal.balance.common``: every name resolves to that module's."""

from ..balance import common as _module
from ..balance.common import *  # noqa: F403


def __getattr__(name: str):
    return getattr(_module, name)
