"""Forked workers that die with their parent, and a lock for an output directory.

A SIGKILL of ``gongkai build``, ``index --full`` or ``publish`` must not leave rendering or
indexing processes behind (they would keep writing into the output). On Linux a worker asks
the kernel for ``PR_SET_PDEATHSIG`` = SIGKILL (``prctl(2)``, through ctypes), then checks
that its parent did not die before the request took effect; elsewhere a daemon thread polls
``os.getppid()``. The death signal is tied to the parent *thread* that forked: every caller
here forks from the main thread (a ``multiprocessing`` pool forks its first workers in its
constructor).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5  # the polling fallback (not Linux): how soon an orphan notices


def die_with_parent(parent: int) -> None:
    """In a forked child of ``parent``: exit as soon as ``parent`` exits, however it exits."""
    if sys.platform.startswith("linux") and _pdeathsig():
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _pdeathsig() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


_forking = 0  # the pid of the process that is forking (set just before the fork)
_tied = False


def _before_fork() -> None:
    global _forking
    _forking = os.getpid()


def _after_fork_in_child() -> None:
    die_with_parent(_forking)


def tie_forks() -> None:
    """From now on, every process this process (or any descendant) forks dies with its parent.

    Call it only in a process that exists to do one job (a build child): the hook stays for
    the life of the process and is inherited by its forks."""
    global _tied
    if not _tied:
        os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
        _tied = True


class Busy(RuntimeError):
    """Another process holds the lock."""


@contextlib.contextmanager
def exclusive(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed); :class:`Busy` if another
    process holds it. The kernel drops the lock when the holder dies, even by SIGKILL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"{what} is in use by another process (lock {path})") from None
        yield
    finally:
        os.close(fd)
