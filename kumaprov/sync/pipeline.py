"""A bounded window of writes in flight: which changes may go out together, and sending them.

Most of a write's time is the round trip and the server's own work; one change at a time
leaves the connection idle while the server works. A window keeps up to `window` changes
in flight, each in its own call with its own answer, so every outcome still belongs to one
change. Only changes that cannot depend on each other share a window: consecutive changes of
one kind, of one verb, each allowed by its kind (`Kind.overlaps`), none naming another of the same run
(a group and its members go in separate runs, on creates, updates and deletes alike). Runs go
one after the other, so the plan's order between kinds and verbs holds: notifications before
the monitors naming them, creates before updates before deletes, members deleted before their
group. After the first failure nothing more is sent; what is in flight is waited for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from kumaprov.errors import KumaprovError
from kumaprov.kinds.changes import Action, Delete, action_kind

Outcomes = dict[int, KumaprovError | None]  # action index -> its error, None when applied


def runs(actions: Sequence[Action], overlaps: Callable[[Action], bool]) -> list[range]:
    """The actions cut into consecutive runs whose changes may be in flight together."""
    cuts: list[range] = []
    start = 0
    ids: set[str] = set()  # definition ids created/updated in the current run
    parents: set[int] = set()  # server ids of the groups whose members the current run deletes
    for index, action in enumerate(actions):
        if index > start and not _joins(actions[start], action, ids, parents, overlaps):
            cuts.append(range(start, index))
            start, ids, parents = index, set(), set()
        if isinstance(action, Delete):
            parent = action.live.fields.get("parent")
            if isinstance(parent, int):
                parents.add(parent)
        else:
            ids.add(action.desired.id)
    if actions:
        cuts.append(range(start, len(actions)))
    return cuts


def _joins(first: Action, action: Action, ids: set[str], parents: set[int],
           overlaps: Callable[[Action], bool]) -> bool:
    if type(action) is not type(first) or action_kind(action) != action_kind(first):
        return False
    if not (overlaps(first) and overlaps(action)):
        return False
    if isinstance(action, Delete):
        return action.live.kuma_id not in parents  # a member of this group is being deleted
    parent = action.desired.fields.get("parent")
    return not (isinstance(parent, str) and parent in ids)


def send(actions: Sequence[Action], write: Callable[[Action], None], window: int,
         overlaps: Callable[[Action], bool], done: Callable[[Outcomes], None]) -> Outcomes:
    """Write every action, up to `window` at once within a run; stop sending after the
    first failure. `done` is told after each answer (on this thread). Errors other than
    KumaprovError (a bug) are raised once nothing is in flight any more."""
    outcomes: Outcomes = {}
    if window <= 1:
        for index, action in enumerate(actions):
            try:
                write(action)
            except KumaprovError as exc:
                outcomes[index] = exc
                done(outcomes)
                break
            outcomes[index] = None
            done(outcomes)
        return outcomes
    bug: list[BaseException] = []
    with ThreadPoolExecutor(max_workers=window, thread_name_prefix="kumaprov-write") as pool:
        for cut in runs(actions, overlaps):
            in_flight: dict[Future[None], int] = {}
            for index in cut:
                while len(in_flight) >= window:
                    _collect(in_flight, outcomes, bug, FIRST_COMPLETED, done)
                if _stopped(outcomes, bug):
                    break
                in_flight[pool.submit(write, actions[index])] = index
            while in_flight:
                _collect(in_flight, outcomes, bug, FIRST_COMPLETED, done)
            if _stopped(outcomes, bug):
                break
    if bug:
        raise bug[0]
    return outcomes


def _stopped(outcomes: Outcomes, bug: list[BaseException]) -> bool:
    return bool(bug) or any(error is not None for error in outcomes.values())


def _collect(in_flight: dict[Future[None], int], outcomes: Outcomes, bug: list[BaseException],
             when: str, done: Callable[[Outcomes], None]) -> None:
    finished, _ = wait(in_flight, return_when=when)
    for future in finished:
        index = in_flight.pop(future)
        error = future.exception()
        if error is None or isinstance(error, KumaprovError):
            outcomes[index] = error
        else:
            bug.append(error)
    done(outcomes)
