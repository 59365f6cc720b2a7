"""The pure planner: identity by ownership tag, normalised comparison, adoption, guards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kumaprov.errors import PlanRefused
from kumaprov.kinds.compare import same_value
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.sync.engine import _covers
from kumaprov.kinds.changes import Desired, Live
from kumaprov.sync.plan import check_deletion_guard, make_plan
from kumaprov.definitions.project import Project
from kumaprov.versions import server_line


def desired(id_: str, **fields: Any) -> Desired:
    return Desired(id_, {"name": id_.title(), "type": "http", "interval": 60, **fields})


def live(kuma_id: int, owner: str | None, **fields: Any) -> Live:
    name = fields.pop("name", (owner or "hand").title())
    return Live(kuma_id, name, owner, {"id": kuma_id, "name": name, "type": "http", "interval": 60, **fields})


def test_new_definitions_are_created_and_matching_ones_are_unchanged() -> None:
    plan = make_plan([desired("a"), desired("b")], [live(1, "a")])
    assert [c.desired.id for c in plan.creates] == ["b"]
    assert plan.unchanged == ("a",)
    assert not plan.updates and not plan.deletes


def test_changed_fields_become_one_update_with_old_and_new() -> None:
    plan = make_plan([desired("a", interval=120)], [live(1, "a")])
    (update,) = plan.updates
    assert [(c.field, c.old, c.new) for c in update.changes] == [("interval", 60, 120)]


def test_sensitive_fields_are_flagged_on_the_change() -> None:
    want = Desired("a", {"name": "A", "headers": '{"Authorization": "Bearer new"}'}, frozenset({"headers"}))
    plan = make_plan([want], [live(1, "a", name="A", headers='{"Authorization": "Bearer old"}')])
    assert plan.updates[0].changes[0].sensitive


@pytest.mark.parametrize(("key", "old", "new"), [
    ("headers", '{"a":"1"}', json.dumps({"a": "1"}, indent=2)),  # formatting differs
    ("headers", None, ""),
    ("body", "", ""),
    ("upsideDown", 0, False),
    ("ignoreTls", 1, True),
    ("timeout", 48, 48.0),
    ("description", None, ""),
    ("accepted_statuscodes", ["200-299"], ["200-299"]),
])
def test_server_representations_of_the_same_value_are_equal(key: str, old: Any, new: Any) -> None:
    assert same_value(key, old, new)


@pytest.mark.parametrize(("key", "old", "new"), [
    ("headers", '{"a":"1"}', '{"a":"2"}'),
    ("upsideDown", None, False),  # unknown on the server: write it
    ("timeout", 48, 30.0),
    ("accepted_statuscodes", ["200-299"], ["200"]),
    ("name", "A", "B"),
])
def test_real_differences_are_changes(key: str, old: Any, new: Any) -> None:
    assert not same_value(key, old, new)


def test_monitors_without_the_tag_are_never_touched() -> None:
    plan = make_plan([desired("a")], [live(7, None, name="A", interval=120)])
    assert [c.desired.id for c in plan.creates] == ["a"]
    assert not plan.deletes and not plan.updates


def test_removed_definitions_are_deleted_or_kept_with_no_prune() -> None:
    owned = [live(1, "a"), live(2, "gone")]
    assert [d.live.kuma_id for d in make_plan([desired("a")], owned).deletes] == [2]
    kept = make_plan([desired("a")], owned, prune=False)
    assert not kept.deletes and [k.kuma_id for k in kept.kept] == [2]


def test_adoption_matches_by_name_and_refuses_ambiguity() -> None:
    plan = make_plan([desired("a", interval=90)], [live(7, None, name="A")], adopt=True)
    (update,) = plan.updates
    assert update.adopt and update.live.kuma_id == 7
    with pytest.raises(PlanRefused, match="#7, #8"):
        make_plan([desired("a")], [live(7, None, name="A"), live(8, None, name="A")], adopt=True)


def test_an_adopted_monitor_that_already_matches_still_gets_the_tag() -> None:
    plan = make_plan([desired("a")], [live(7, None, name="A")], adopt=True)
    assert plan.updates[0].adopt and plan.updates[0].changes == ()


def test_two_monitors_owning_one_id_converge_to_the_oldest() -> None:
    plan = make_plan([desired("a")], [live(9, "a"), live(4, "a")])
    assert plan.unchanged == ("a",)
    assert [(d.live.kuma_id, d.reason) for d in plan.deletes] == [(9, "duplicate of monitor 4")]


def test_deletion_guard() -> None:
    ten = [live(i, f"m{i}") for i in range(10)]
    keep_seven = [desired(f"m{i}") for i in range(7)]
    check_deletion_guard(make_plan(keep_seven, ten), allow_mass_delete=False)  # 30 %: allowed
    with pytest.raises(PlanRefused, match="deletes 4 of 10"):
        check_deletion_guard(make_plan(keep_seven[:6], ten), allow_mass_delete=False)
    with pytest.raises(PlanRefused, match="deletes 2 of 2"):
        check_deletion_guard(make_plan([], ten[:2]), allow_mass_delete=False)
    check_deletion_guard(make_plan([], ten), allow_mass_delete=True)
    check_deletion_guard(make_plan([], ten[:1]), allow_mass_delete=False)  # a single monitor may go


@pytest.mark.parametrize(("target", "server", "types", "reused"), [
    ("2.5.3", "2.5.3", ["http", "ntp"], True),
    ("2.5.3", "2.1.0", ["ping", "ntp"], False),  # same JSON rules and intervals, but no ntp monitors
    ("2.5.3", "2.1.0", ["ping"], True),  # ... which a project of ping monitors does not use
    ("2.5.3", "2.1.0", ["http"], False),  # no `bearer_token` on http monitors
    ("2.0.0-beta.3", "2.0.0-beta.2", ["smtp"], False),  # no smtp monitors
    (None, "2.5.3", ["http"], True),  # every line was checked, 2.5.3 among them
])
def test_the_offline_lint_is_reused_only_for_a_server_it_covered(target: str | None, server: str,
                                                                 types: list[str], reused: bool) -> None:
    used = [MONITOR_TYPES[name] for name in types]
    assert _covers(Project(root=Path("."), target=target), server_line(server), used) is reused


def test_an_identical_untagged_monitor_is_an_interrupted_create_and_is_adopted() -> None:
    # A run that died between `add` and the ownership tag left exactly this behind.
    plan = make_plan([desired("a", tags=["env:prod"])], [live(7, None, name="A"), live(9, None, name="A")])
    assert not plan.creates
    (update,) = plan.updates
    assert update.adopt and update.live.kuma_id == 7  # the oldest copy
    assert [change.field for change in update.changes] == ["tags"]  # its tags follow


@pytest.mark.parametrize("difference", [{"interval": 120}, {"url": "http://elsewhere/"},
                                        {"tags": [{"name": "mine", "value": ""}]}])
def test_an_untagged_monitor_that_differs_at_all_is_not_adopted(difference: dict[str, Any]) -> None:
    plan = make_plan([desired("a", url="http://here/")], [live(7, None, name="A", **{"url": "http://here/", **difference})])
    assert [c.desired.id for c in plan.creates] == ["a"] and not plan.updates


def test_one_untagged_twin_is_adopted_by_one_definition_only() -> None:
    plan = make_plan([desired("a", name="Same"), desired("b", name="Same")], [live(7, None, name="Same")])
    assert [u.desired.id for u in plan.updates] == ["a"]
    assert [c.desired.id for c in plan.creates] == ["b"]
