"""How an HTTP monitor authenticates, beyond headers: one block per Uptime Kuma `authMethod`.

The server keeps one `authMethod` and the fields of every method side by side; a monitor
uses the fields of its method and ignores the rest. So a file names at most one block
(`basic_auth`, `oauth2`, `ntlm`, `mtls`, `bearer_token`) and model.fields sends the method
and that block's fields (read from EditMonitor.vue and server/model/monitor.js at 1.23.17
and 2.5.3: every method but `bearer` is there in 1.23, `oauth_audience` came with
2.0.0-beta.4, `bearer` with 2.4.0). Credentials (a password, the client secret, the TLS
key, the bearer token) are `${VAR}` references, like basic auth's password.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kumaprov.model.base import Strict

class BasicAuth(Strict):
    username: str
    password: str = Field(description="Use an environment reference such as ${API_PASSWORD}.")


# The blocks in the order a plan or an error names them; `bearer_token` is a string key.
AUTH_KEYS = ("basic_auth", "oauth2", "ntlm", "mtls", "bearer_token")
AUTH_METHODS = {"basic_auth": "basic", "oauth2": "oauth2-cc", "ntlm": "ntlm", "mtls": "mtls",
                "bearer_token": "bearer"}


class OAuth2(Strict):
    """OAuth 2.0 client credentials: the server fetches a token and sends it as Authorization."""

    token_url: str = Field(pattern=r"^https?://\S+$", description="The identity provider's token endpoint.")
    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1, description="Use an environment reference such as ${CLIENT_SECRET}.")
    scopes: list[str] = Field(default_factory=list, description="Scopes to ask for (sent space-separated).")
    auth_method: Literal["client_secret_basic", "client_secret_post"] = Field(
        "client_secret_basic", description="How the client authenticates to the token endpoint.")
    audience: str = Field("", description="The audience to ask for (Uptime Kuma 2.0.0-beta.4 or newer).")


class Ntlm(Strict):
    """NTLM (Windows) authentication: the basic-auth fields plus a domain and a workstation."""

    username: str = Field(min_length=1)
    password: str = Field(description="Use an environment reference such as ${NTLM_PASSWORD}.")
    domain: str = ""
    workstation: str = ""


class Mtls(Strict):
    """A TLS client certificate: PEM text of the certificate, its key and optionally the CA."""

    cert: str = Field(min_length=1, description="The client certificate, PEM.")
    key: str = Field(min_length=1, description="The private key, PEM: use an environment reference.")
    ca: str = Field("", description="The CA that signed the server's certificate, PEM (optional).")


# The server fields each method uses, read back by export.
OAUTH_FIELDS = {"token_url": "oauth_token_url", "client_id": "oauth_client_id",
                "client_secret": "oauth_client_secret", "auth_method": "oauth_auth_method",
                "audience": "oauth_audience"}
NTLM_FIELDS = {"username": "basic_auth_user", "password": "basic_auth_pass", "domain": "authDomain",
               "workstation": "authWorkstation"}
MTLS_FIELDS = {"cert": "tlsCert", "key": "tlsKey", "ca": "tlsCa"}
AUTH_SECRET_FIELDS = frozenset({"basic_auth_pass", "oauth_client_secret", "tlsKey", "bearer_token"})


def auth_fields(monitor: Any, has_audience: bool) -> dict[str, Any]:
    """`authMethod` and the fields of the monitor's one method. Without a method the basic
    fields are sent empty (what kumaprov always sent), so a method taken out is switched off."""
    fields: dict[str, Any] = {"authMethod": "", "basic_auth_user": "", "basic_auth_pass": ""}
    key = next((k for k in AUTH_KEYS if getattr(monitor, k, None) is not None), None)
    if key is None:
        return fields
    block = getattr(monitor, key)
    fields["authMethod"] = AUTH_METHODS[key]
    if isinstance(block, BasicAuth):
        fields.update(basic_auth_user=block.username, basic_auth_pass=block.password)
    elif isinstance(block, OAuth2):
        fields.update({kuma: getattr(block, name) for name, kuma in OAUTH_FIELDS.items()},
                      oauth_scopes=" ".join(block.scopes))
        if not has_audience:
            del fields["oauth_audience"]
    elif isinstance(block, Ntlm):
        fields.update({kuma: getattr(block, name) for name, kuma in NTLM_FIELDS.items()})
    elif isinstance(block, Mtls):
        fields.update({kuma: getattr(block, name) for name, kuma in MTLS_FIELDS.items()})
    else:
        fields["bearer_token"] = block
    return fields
