"""Child processes that end with their parent, even when the parent is killed with ``kill -9``.

A render worker (or a helper server) whose build is gone only burns a core and
leaves files behind. On Linux the kernel ends the child when its parent exits
(``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread polls the parent's pid.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

#: From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1
#: Where a child learns its parent's pid (the parent may die before the child asks).
PARENT_VARIABLE = "ATTENTION_PARENT_PID"


def die_with_parent(parent_pid: int | None = None) -> None:
    """End this process (SIGKILL) as soon as process ``parent_pid`` (default: its parent now) ends.

    Call it first thing in the child. If the parent is already gone, the child ends at once.
    """
    parent = parent_pid or int(os.environ.get(PARENT_VARIABLE) or 0) or os.getppid()
    if sys.platform.startswith("linux") and _parent_death_signal(signal.SIGKILL):
        if os.getppid() != parent:  # it died before the signal was armed
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()


def lock_file(path) -> int | None:
    """Create ``path`` and lock it exclusively without waiting: the open fd, or None if another process holds it.

    The lock lasts as long as the fd, and a killed process releases it: a folder whose
    lock file can be locked belongs to no running process. None too where there is no
    ``fcntl`` (not POSIX): callers then fall back to the folder's age.
    """
    try:
        import fcntl
    except ImportError:
        return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _parent_death_signal(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, every: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)
