"""A throwaway kumaprov project pointed at the test server, driven through the real CLI."""

from __future__ import annotations

import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.kinds.monitor_refs import owner_of
from kumaprov.kinds.ownership import Owner
from kumaprov.versions import server_line


@dataclass
class Workspace:
    root: Path
    env: dict[str, str]
    monkeypatch: pytest.MonkeyPatch
    # A tag of its own per test keeps tests from seeing each other's monitors as managed.
    owner_tag: str = field(default_factory=lambda: f"kp-{uuid.uuid4().hex[:8]}")
    name: str = "tests"  # the project's name (`project:`), unless a test writes its own

    @property
    def owner(self) -> Owner:
        return Owner(self.owner_tag, self.name)

    def __post_init__(self) -> None:
        (self.root / "monitors").mkdir(parents=True, exist_ok=True)
        self.project("")

    def project(self, extra: str) -> None:
        extra = textwrap.dedent(extra)
        named = "" if any(line.startswith("project:") for line in extra.splitlines()) else f"project: {self.name}\n"
        text = f"owner_tag: {self.owner_tag}\n{named}" + extra
        (self.root / "kumaprov.yaml").write_text(text)

    def write(self, text: str, name: str = "monitors.yaml") -> Path:
        path = self.root / "monitors" / name
        path.write_text(textwrap.dedent(text))
        return path

    def run(self, *args: str, **env: str) -> Result:
        self.monkeypatch.chdir(self.root)
        return CliRunner().invoke(main, list(args), env={**self.env, **env}, catch_exceptions=False)

    def client(self) -> KumaClient:
        return KumaClient.connect(self.env["KUMA_URL"], Credentials(token=self.env["KUMA_TOKEN"]))

    def add_by_hand(self, **fields: Any) -> int:
        """A monitor made as the web UI makes it, which kumaprov does not own."""
        payload: dict[str, Any] = {"interval": 300, "accepted_statuscodes": ["200-299"], "notificationIDList": {}}
        with self.client() as client:
            if server_line(client.version).conditions:
                payload["conditions"] = "[]"  # 2.x's web UI always sends it; the column is NOT NULL
            return client.add_monitor({**payload, **fields})

    def managed(self) -> dict[str, dict[str, Any]]:
        """The server's monitors owned by this workspace, by definition id (a fresh read)."""
        with self.client() as client:
            monitors = client.monitors()
        owned = {}
        for monitor in monitors:
            owner = owner_of(monitor, self.owner)
            if owner is not None:
                owned[owner] = monitor
        return owned

    def all_named(self, name: str) -> list[dict[str, Any]]:
        with self.client() as client:
            return [m for m in client.monitors() if m["name"] == name]
