"""A small real file system (tmpfs) that the tests can fill up: ENOSPC from the kernel, not a
simulation. Mounting needs the right to mount; where it is not given the test is skipped and
says why (the SQLite-level faults cover the same paths everywhere)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_disk(folder: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` (created) for the duration."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: a full file system cannot be made here")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte with one file; its path (delete it to
    free the space)."""
    filler = folder / "filler"
    block = b"\0" * 4096
    with filler.open("wb", buffering=0) as stream:
        try:
            while True:
                stream.write(block)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
        try:  # the last partial block
            while stream.write(b"\0"):
                pass
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    assert os.statvfs(folder).f_bavail == 0
    return filler
