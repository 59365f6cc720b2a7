"""HTTP proxies as code: the proxies HTTP monitors go through, named in files.

Uptime Kuma gives a proxy no name, so a proxy on the server is the one at the same
protocol, host and port as a definition; the definition's `id` is only how monitors
name it (`proxy: corp`); plans call a proxy by its address. kumaprov creates and updates
the proxies the files define, deletes one only when marked `absent: true`, and leaves
every other proxy alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from kumaprov import secrets
from kumaprov.kinds.base import Applying, Kind, NamedBy, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Live
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.common import desired_from, save_whole
from kumaprov.kinds.exporting import Exporting
from kumaprov.model.fields import KumaFields
from kumaprov.model.monitors import Slug, Strict


class ProxyDef(Strict):
    id: Slug = Field(description="What monitors' `proxy` names.")
    protocol: Literal["http", "https", "socks", "socks5", "socks5h", "socks4"] = "http"
    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    username: str = ""
    password: str = Field("", description="Use ${VAR}.")
    default: bool = Field(False, description="Pre-selected for new monitors in the web UI.")
    absent: bool = Field(False, description="Delete the proxy at this address from the server.")


def address(protocol: Any, host: Any, port: Any) -> str:
    return f"{protocol}://{host}:{port}"


def proxy_address(proxy: ProxyDef) -> str:
    """What identifies a proxy on the server, and names it in plans."""
    return address(proxy.protocol, proxy.host, proxy.port)


def proxy_fields(proxy: ProxyDef) -> KumaFields:
    """As the server stores them; `auth` follows from whether a username is given."""
    values = {"protocol": proxy.protocol, "host": proxy.host, "port": proxy.port, "auth": bool(proxy.username),
              "username": proxy.username, "password": proxy.password, "default": proxy.default}
    sensitive = {key for key, value in values.items() if secrets.has_reference(value)}
    return KumaFields(values, frozenset(sensitive | ({"password"} if proxy.password else set())))


def readable(row: Mapping[str, Any], proxy_id: str) -> dict[str, Any]:
    """A listed proxy as written in files (for export); the password is the caller's to mask."""
    document = {"id": proxy_id, "protocol": row.get("protocol"), "host": row.get("host"), "port": row.get("port"),
                "username": row.get("username") or "", "password": row.get("password") or "",
                "default": bool(row.get("default"))}
    fields = ProxyDef.model_fields
    return {key: value for key, value in document.items()
            if key in ("id", "host", "port") or value != fields[key].default}


class Proxies(Kind):
    name = "proxy"
    label = "proxies"
    what = "proxy"
    file_key = "proxies"
    model = ProxyDef
    unique_key = "id"
    holds_secrets = True
    # The server gives a proxy no name: only a definition in the files gives it one.
    named_by = NamedBy("proxy", "proxyId", "KP209", in_files=True)

    def needs(self, sources: Any) -> Any:
        return bool(self.defined(sources))  # read only when the files define one

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.listed("proxyList") if need else []

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        """Proxies as listed, each called by its address (Uptime Kuma gives them no name)."""
        return [Live(int(row["id"]), address(row.get("protocol"), row.get("host"), row.get("port")),
                     address(row.get("protocol"), row.get("host"), row.get("port")), dict(row), self.name)
                for row in rows]

    def desired(self, resolving: Resolving) -> Wanted:
        """The proxies to create or update, called by their address, and the addresses marked
        absent. Nothing is resolved while a variable is missing (reported by the caller)."""
        proxies = [p.value for p in self.defined(resolving.sources)]
        wanted = Wanted(absent=[proxy_address(p) for p in proxies if p.absent])
        if resolving.missing.get(self.name):
            return wanted
        for proxy in (p for p in proxies if not p.absent):
            wanted.desired.append(desired_from(proxy_address(proxy), proxy_fields(proxy), resolving.environ,
                                               self.name))
        return wanted

    def plan_names(self, resolving: Resolving) -> dict[str, str]:
        """A monitor names a proxy by its definition id; plans by its address."""
        return {p.value.id: proxy_address(p.value) for p in self.defined(resolving.sources) if not p.value.absent}

    def write(self, action: Action, applying: Applying) -> None:
        save_whole(action, applying, "addProxy", "deleteProxy")

    def export(self, rows: Any, exporting: Exporting) -> None:
        rows = exporting.with_references(rows)
        ids = exporting.ids.setdefault(self.name, {})
        documents = []
        for row in rows:
            ids[int(row["id"])] = exporting.unique(f"proxy-{row.get('host')}")
            document = readable(row, ids[int(row["id"])])
            if document.get("password"):
                document["password"] = exporting.secret(ids[int(row["id"])], "password")
            documents.append(document)
        if documents:
            exporting.document[self.file_key] = documents


PROXIES = Proxies()
