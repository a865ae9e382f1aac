"""Processes that reindex forks die with it, even when it is killed with SIGKILL.

A full rebuild forks parser processes and Whoosh's writer tasks (`procs=2`, about
0.9 GB together at 36k). Killed, the parent cannot stop them, and they went on
running for minutes. On Linux each forked child asks the kernel (prctl
PR_SET_PDEATHSIG) to receive SIGKILL when its parent dies; a child whose parent
died before it asked exits at once.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_registered = False
_forking_pid = 0


def die_with_parent() -> None:
    """From now on, every process forked from this one dies with it (Linux; elsewhere a no-op)."""
    global _registered
    if _registered or not sys.platform.startswith("linux"):
        return
    _registered = True
    os.register_at_fork(before=_remember_parent, after_in_child=_ask_for_death_signal)


def _remember_parent() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _ask_for_death_signal() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the child behaves as before
        return
    if os.getppid() != _forking_pid:  # the parent died before prctl took effect
        os._exit(1)
