"""Writing files safely: atomic replacement, normal permissions, and guards against overwriting.

Every file graphbal writes goes through :func:`atomic_write`: the content is
written to a temporary file beside the target and renamed over it, so a
crash never leaves a half-written file, and the result gets the permissions
of an ordinary new file (``0o666`` less the umask), not ``mkstemp``'s 0600.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import GraphbalError

__all__ = ["atomic_write", "atomic_write_text", "output_path", "prepare_output_dir"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` to fill a temporary file, then move it onto ``path`` atomically.

    Examples
    --------
    >>> import os, tempfile
    >>> from graphbal.io.files import atomic_write
    >>> target = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = atomic_write(target, lambda tmp: open(tmp, "w").write("hi"))
    >>> open(target).read()
    'hi'
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise GraphbalError(f"cannot write {path}: the folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
    except OSError as exc:
        raise GraphbalError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise GraphbalError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import os, tempfile
    >>> from graphbal.io.files import atomic_write_text
    >>> target = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> atomic_write_text(target, "hello")
    >>> open(target).read()
    'hello'
    """

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="") as fh:
            fh.write(text)

    atomic_write(path, write)


def output_path(path: str | os.PathLike, force: bool) -> Path:
    """``path`` as a Path, refusing an existing file unless ``force`` and a missing folder always.

    Examples
    --------
    >>> import tempfile, os
    >>> from graphbal.io.files import output_path
    >>> output_path(os.path.join(tempfile.mkdtemp(), "new.csv"), force=False).name
    'new.csv'
    """
    out = Path(path)
    if out.exists() and not force:
        raise GraphbalError(f"{out} already exists; pass --force to overwrite it")
    if out.exists() and out.is_dir():
        raise GraphbalError(f"{out} is a directory, not a file")
    if not out.parent.exists():
        raise GraphbalError(f"output directory {out.parent} does not exist")
    return out


def prepare_output_dir(out: str | os.PathLike, force: bool) -> Path:
    """Create the folder ``out``; refuse a non-empty one unless ``force`` (which only overwrites our files).

    Examples
    --------
    >>> import tempfile, os
    >>> from graphbal.io.files import prepare_output_dir
    >>> prepare_output_dir(os.path.join(tempfile.mkdtemp(), "report"), force=False).is_dir()
    True
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GraphbalError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not force:
        raise GraphbalError(
            f"output directory {out} exists and is not empty; pass --force to overwrite the report "
            "files in it (nothing else is touched)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphbalError(f"cannot create {out}: {exc.strerror}") from None
    return out
