"""Hard time and memory bounds for code a pull request wrote: JSONata queries, Jinja templates.

Time: a watchdog thread raises `TimeBudgetExceeded` in the bounded thread once its deadline
passes (`PyThreadState_SetAsyncExc`, delivered between two bytecodes). That stops the Python
loops inside the evaluators' built-ins, which per-node hooks never see ($sum's signature
check walks ten million items in one node). A C call that runs long must bound itself: the
JSONata regex engine passes its own timeout (kumaprov.jsonata_regex).

Memory: for the duration, the address-space limit (RLIMIT_AS) is lowered to what the process
has mapped plus the budget, so one huge allocation (a 3 GB string) fails at once with
MemoryError instead of taking the CI machine's memory; the limit is restored afterwards.

Both exceptions derive from BaseException: the evaluators catch `Exception` broadly, and a
bound they swallowed would not hold.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

try:
    import resource
except ImportError:  # not on Windows: time is still bounded
    resource = None  # type: ignore[assignment]

MEMORY_BUDGET = 512 * 1024 * 1024  # bytes of address space one evaluation or render may add
_TICK = 0.01  # seconds between the watchdog's looks; deadlines are met within it
_IDLE_EXIT = 2.0  # the watchdog thread ends after this long with nothing to watch


class BudgetExceeded(BaseException):
    """A bound was hit; BaseException so that no `except Exception` in an evaluator hides it."""


class TimeBudgetExceeded(BudgetExceeded):
    pass


class MemoryBudgetExceeded(BudgetExceeded):
    pass


@dataclass
class _Slot:
    thread_id: int
    deadline: float
    fired: bool = False


_slots: dict[int, _Slot] = {}
_lock = threading.Lock()
_watchdog: threading.Thread | None = None
_local = threading.local()
_memory_users = 0
_saved_limit: tuple[int, int] | None = None


@contextmanager
def bounded(seconds: float, memory: int = MEMORY_BUDGET) -> Iterator[None]:
    """Run the body within `seconds` and `memory` bytes, else raise a BudgetExceeded.

    Nested use in one thread keeps the outer bounds (the inner body is part of the outer).
    """
    if getattr(_local, "depth", 0):
        _local.depth += 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    _local.depth = 1
    token = _arm(time.monotonic() + seconds)
    limited = _limit_memory(memory)
    try:
        try:
            yield
        except MemoryError:
            raise MemoryBudgetExceeded() from None
        finally:
            _disarm(token)
            if limited:
                _release_memory()
            _local.depth = 0
    except Exception as exc:  # an evaluator turned MemoryError into an error of its own
        if caused_by_memory(exc):
            raise MemoryBudgetExceeded() from None
        raise


def caused_by_memory(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def remaining() -> float | None:
    """Seconds left of this thread's bound, None when unbounded (for C calls with a timeout)."""
    token = getattr(_local, "token", None)
    slot = _slots.get(token) if token is not None else None
    return None if slot is None else max(0.0, slot.deadline - time.monotonic())


def _arm(deadline: float) -> int:
    global _watchdog
    slot = _Slot(threading.get_ident(), deadline)
    token = id(slot)
    with _lock:
        _slots[token] = slot
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="kumaprov-budget", daemon=True)
            _watchdog.start()
    _local.token = token
    return token



def _after_fork_in_child() -> None:
    """A forked child (lint/parallel.py) keeps only the thread that forked: the watchdog is gone,
    the slots are other threads', and a lock the watchdog held at the fork would never be let go."""
    global _lock, _watchdog
    _lock = threading.Lock()
    _slots.clear()
    _watchdog = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

def _disarm(token: int) -> None:
    with _lock:
        slot = _slots.pop(token, None)
        _local.token = None
        if slot is not None and slot.fired:
            # Fired but perhaps not yet delivered: it must not surface in unrelated code later.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(slot.thread_id), None)


def _watch() -> None:
    global _watchdog
    idle_since = time.monotonic()
    while True:
        time.sleep(_TICK)
        now = time.monotonic()
        with _lock:
            if not _slots:
                if now - idle_since > _IDLE_EXIT:
                    _watchdog = None
                    return
                continue
            idle_since = now
            for slot in _slots.values():
                if not slot.fired and now > slot.deadline:
                    slot.fired = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(slot.thread_id), ctypes.py_object(TimeBudgetExceeded))


def _limit_memory(budget: int) -> bool:
    """Lower RLIMIT_AS to the mapped size plus `budget` (process-wide, shared by threads)."""
    global _memory_users, _saved_limit
    if resource is None:
        return False
    with _lock:
        if _memory_users == 0:
            mapped = _mapped_bytes()
            if mapped is None:
                return False
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            wanted = mapped + budget
            if soft != resource.RLIM_INFINITY and soft <= wanted:
                return False  # already tighter: leave the operator's limit alone
            if hard != resource.RLIM_INFINITY:
                wanted = min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
            _saved_limit = (soft, hard)
        _memory_users += 1
        return True


def _release_memory() -> None:
    global _memory_users, _saved_limit
    with _lock:
        _memory_users -= 1
        if _memory_users == 0 and _saved_limit is not None and resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, _saved_limit)
            _saved_limit = None


_mapped: tuple[float, int | None] = (-1.0, None)


def _mapped_bytes() -> int | None:
    """The process's address space, read at most every half second: a template renders in
    a fraction of a millisecond, and the limit needs the size within megabytes, not bytes."""
    global _mapped
    now = time.monotonic()
    if now - _mapped[0] > 0.5:
        try:
            with open("/proc/self/statm", "rb") as statm:
                _mapped = (now, int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE"))
        except (OSError, ValueError, IndexError):
            _mapped = (now, None)
    return _mapped[1]
