"""SIGTERM ended like Ctrl-C: a scheduler's stop (Slurm, Kubernetes, ``kill``) ended a training run without a word,
where Ctrl-C said what was saved and how to go on (an ML engineer's trial)."""

from __future__ import annotations

import signal
from collections.abc import Callable


class Terminated(KeyboardInterrupt):
    """Raised where the interrupt would be, so every ``except KeyboardInterrupt`` that tidies up and says what is
    left does the same for a SIGTERM."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated("terminated (SIGTERM)")


def stop_on_sigterm() -> Callable[[], None]:
    """From now on a SIGTERM to this process raises :class:`Terminated`. A server installs its own handler when
    it starts (uvicorn's graceful shutdown), which replaces this one. Returns what puts the handler before it
    back: a command run in a process that goes on (tests, a notebook) left its handler behind, and a later stop
    of that process was raised into whatever ran then (a resume test caught one as its own stop, stop 65)."""
    before = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_terminated)
    # None: a handler not set from Python, which cannot be put back from it
    return (lambda: signal.signal(signal.SIGTERM, before)) if before is not None else (lambda: None)


def how_stopped(e: BaseException) -> str:
    """The word a message starts with: "terminated" for a SIGTERM, "interrupted" for Ctrl-C."""
    return "terminated" if isinstance(e, Terminated) else "interrupted"


def exit_code(e: BaseException) -> int:
    """The shell's code for the signal: 128 + 15 for SIGTERM, 128 + 2 for Ctrl-C."""
    return 128 + (signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT)
