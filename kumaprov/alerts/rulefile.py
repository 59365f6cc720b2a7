"""Rule files: render, read back, compare rule by rule (what `diff` shows), write atomically."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kumaprov.errors import UsageError
from kumaprov.secrets import REDACTOR

FIELDS = ("expr", "for", "labels", "annotations")
# Characters a YAML reader folds or drops unless they are escaped: a monitor named with a NEL
# (U+0085) would otherwise come back from the rule file with a space, and match nothing.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


class _Dumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if _UNSAFE.search(value) else None  # double quotes escape them all
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump(content: Any) -> str:
    """YAML that reads back exactly, in PyYAML and in Prometheus' Go YAML alike."""
    return yaml.dump(content, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                     default_flow_style=False)


def render(content: dict[str, Any], comments: list[str]) -> str:
    header = "".join(f"# {line}\n" for line in comments)
    body = dump(content)
    # Nothing in a rule comes from a secret, but every output of kumaprov is masked all the same.
    return REDACTOR(header + body)


def read(path: Path) -> dict[str, Any] | None:
    """The rule file at `path`, None when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read rule file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not a YAML rule file: {exc}") from None
    if data is not None and not (isinstance(data, dict) and isinstance(data.get("groups", []), list)):
        raise UsageError(f"{path} is not a Prometheus rule file (no `groups:` list)")
    return data or {"groups": []}


def write(path: Path, text: str) -> None:
    """Replace `path` in one step: Prometheus never reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


@dataclass(frozen=True)
class RuleChange:
    action: str  # "add", "change", "remove"
    alert: str
    subject: str  # the kumaprov id, or the group for group-wide rules
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)


def _indexed(content: dict[str, Any] | None) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    rules: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for group in (content or {}).get("groups") or []:
        for rule in group.get("rules") or []:
            labels = rule.get("labels") or {}
            key = (str(group.get("name")), str(rule.get("alert") or rule.get("record")),
                   str(labels.get("kumaprov_id", "")), str(labels.get("kumaprov_alert", "")))
            rules[key] = rule
    return rules


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[RuleChange]:
    before, after = _indexed(old), _indexed(new)
    found = []
    for key, rule in after.items():
        subject = key[2] or key[0]
        if key not in before:
            found.append(RuleChange("add", key[1], subject))
            continue
        differing = [(name, before[key].get(name), rule.get(name)) for name in FIELDS
                     if before[key].get(name) != rule.get(name)]
        if differing:
            found.append(RuleChange("change", key[1], subject, differing))
    found += [RuleChange("remove", key[1], key[2] or key[0]) for key in before if key not in after]
    return found


def changes_text(found: list[RuleChange], path: Path) -> str:
    if not found:
        return f"Alert rules ({path}): no changes."
    signs = {"add": "+", "change": "~", "remove": "-"}
    lines = [f"Alert rules ({path}):"]
    for change in found:
        lines.append(f"{signs[change.action]} {change.action} {change.alert} for {change.subject}")
        for name, old, new in change.fields:
            if isinstance(old, dict) and isinstance(new, dict):
                for key in sorted({*old, *new}):
                    if old.get(key) != new.get(key):
                        lines.append(f"    {name}.{key}: {_shown(old.get(key))} -> {_shown(new.get(key))}")
            else:
                lines.append(f"    {name}: {_shown(old)} -> {_shown(new)}")
    counts = {action: sum(1 for c in found if c.action == action) for action in signs}
    lines.append(f"Rules: {counts['add']} to add, {counts['change']} to change, {counts['remove']} to remove.")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)
