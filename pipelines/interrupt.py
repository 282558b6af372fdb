"""Ctrl-C during a build: one line, exit code 130, no tracebacks from the runner's threads or workers.

The terminal sends SIGINT to every process of the build: the launcher and the runner's workers
(Beam starts them through /bin/sh, which unblocks every signal, so they cannot be shielded). So:
- in the launcher, SIGINT is blocked for every thread the runner starts and one thread waits for it
  (Python's handler, in the main thread, does the same where a library thread unblocks it);
- the workers' stderr is the launcher's, routed through a pipe the launcher forwards; once
  interrupted it stops forwarding, so their dying words never reach the terminal;
- then the workers are ended, one line is printed, and the process exits with 130.
What the build committed (checkpoints under OUT/_work/) stays for `--resume`; nothing outside
_work/ was published yet.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time

INTERRUPTED = 130  # the shell's code for a process ended by SIGINT
MESSAGE = "interrupted; run again with --resume to continue from the files already done"

_ONCE = threading.Lock()
_CLEAN_UPS: list = []
_terminal_stderr: int | None = None  # the real stderr while the pipe forwards to it


def on_interrupt(clean_up) -> None:
    """Run `clean_up()` (e.g. removing a temporary folder) before exiting on Ctrl-C."""
    _CLEAN_UPS.append(clean_up)


def _end_children() -> None:
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass  # already gone
    psutil.wait_procs(children, timeout=5)


def _interrupted(prefix: str) -> None:
    if not _ONCE.acquire(blocking=False):
        return  # the other route is already ending the process
    line = f"\n{prefix}{MESSAGE}\n".encode()
    os.write(_terminal_stderr if _terminal_stderr is not None else 2, line)
    _end_children()
    for clean_up in _CLEAN_UPS:
        try:
            clean_up()
        except Exception:  # an exit on Ctrl-C never ends in a traceback
            pass
    os._exit(INTERRUPTED)  # the runner's threads are mid-work: no clean-up of theirs may print or wait


def _wait_for_interrupt(prefix: str) -> None:
    signal.sigwait({signal.SIGINT})
    _interrupted(prefix)


HOLD_SECONDS = 1.0  # stderr is forwarded this late: what threads print as the workers die on Ctrl-C is dropped
_draining = threading.Event()  # the run is over: forward what is held without waiting
_held: list[tuple[float, bytes]] = []


def _forward(pipe: int, terminal: int, wakeup: int, prefix: str) -> None:
    """Copy what the launcher and its workers write to stderr, HOLD_SECONDS late, until interrupted.
    `wakeup` gets a byte from Python's C-level handler the moment any thread takes a SIGINT (the
    main thread may be stuck in a lock until a worker dies, too late to silence the threads)."""
    ended = False  # every writer closed the pipe
    while True:
        ready = select.select([wakeup] if ended else [pipe, wakeup], [], [], 0.05)[0]
        if wakeup in ready:
            _interrupted(prefix)
        if pipe in ready:
            data = os.read(pipe, 65536)
            ended = not data
            if data:
                _held.append((time.monotonic(), data))
        while _held and (_draining.is_set() or time.monotonic() - _held[0][0] >= HOLD_SECONDS) and not _ONCE.locked():
            os.write(terminal, _held.pop(0)[1])
        if ended and not _held:
            return
        if ended:
            time.sleep(0.05)


def exit_on_interrupt(prefix: str = "corpus: ") -> bool:
    """From now on Ctrl-C ends the process (and its workers) with one line and exit code 130.
    Call from the main thread of the command-line program before any other thread or process starts;
    False where unsupported (not POSIX)."""
    global _terminal_stderr
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGINT, lambda *_: _interrupted(prefix))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    threading.Thread(target=_wait_for_interrupt, args=(prefix,), name="interrupt", daemon=True).start()
    sys.stderr.flush()
    _terminal_stderr = os.dup(2)
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write, warn_on_full_buffer=False)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)  # inherited by every worker process started from now on
    os.close(write_end)
    forward = threading.Thread(target=_forward, args=(read_end, _terminal_stderr, wakeup_read, prefix), name="stderr", daemon=True)
    forward.start()
    return True


def interrupted() -> bool:
    return _ONCE.locked()


def wait_if_interrupted() -> None:
    """In the main thread, after the runner failed: when that is Ctrl-C's doing, no traceback of it, only
    the interrupt's exit (which the thread handling it is about to make)."""
    while interrupted():
        time.sleep(1)


def restore_stderr() -> None:
    """The terminal's stderr back on fd 2 (the end of a run: its last lines are the launcher's own)."""
    global _terminal_stderr
    if _terminal_stderr is not None and not interrupted():
        sys.stderr.flush()
        _draining.set()
        time.sleep(0.1)  # what is in the pipe now is read by then
        deadline = time.monotonic() + 2.0
        while _held and time.monotonic() < deadline:
            time.sleep(0.02)
        os.dup2(_terminal_stderr, 2)
