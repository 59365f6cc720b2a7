"""The typed monitor model: one strict pydantic class per monitor type.

Keys are readable snake_case names. Each class carries the table of its keys that map one
to one onto Uptime Kuma's fields (`kuma_names`, extending its parent's; COMMON_NAMES for
every type), read forward by model.fields (what is sent) and backward by export; the few
fields computed from others are in model.fields. Every class forbids unknown keys and is
strict about types, so `interval: "60"` or `expected_value: true` are errors that point at
the value rather than surprises on the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from kumaprov.model.base import Strict as Strict  # re-exported: every kind's models use it
from kumaprov.model.http_auth import BasicAuth, Mtls, Ntlm, OAuth2, AUTH_KEYS, AUTH_SECRET_FIELDS
from kumaprov.versions import MAX_INTERVAL

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$")]
def _ordered_range(codes: str) -> str:
    low, _, high = codes.partition("-")
    if high and int(low) > int(high):
        # Uptime Kuma tests low <= status <= high: such a range never matches, so the monitor is always DOWN.
        raise ValueError(f"the range '{codes}' matches no status code: write the lower code first ('{high}-{low}')")
    return codes


StatusCodes = Annotated[str, StringConstraints(pattern=r"^[1-5]\d\d(-[1-5]\d\d)?$"), AfterValidator(_ordered_range)]
Seconds = Annotated[int, Field(ge=1, le=MAX_INTERVAL)]

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
JSON_OPERATORS = ("==", "!=", "contains", "<", "<=", ">", ">=")
DNS_RECORD_TYPES = ("A", "AAAA", "CAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT")


class Sample(Strict):
    """A recorded response and the verdict the monitor must give for it."""

    file: str | None = Field(None, description="Path of a response body file, relative to the defining file.")
    body: str | None = Field(None, description="The response body inline, instead of `file`.")
    status: int = Field(200, ge=100, le=599, description="HTTP status of the sample response.")
    expect: Literal["up", "down"] = Field(description="The verdict Uptime Kuma must give.")

    @model_validator(mode="after")
    def _one_source(self) -> Sample:
        if (self.file is None) == (self.body is None):
            raise ValueError("a sample needs exactly one of `file` or `body`")
        return self


class TagRef(Strict):
    """A tag on a monitor: its name and, optionally, a value (`env` = `prod`)."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^=]+$")
    value: str = ""


# Readable key -> Uptime Kuma field, for every type (model.fields computes `description` and
# `retryInterval` from these when they are unset: the server has no "unset").
COMMON_NAMES = {"description": "description", "interval": "interval", "retry_interval": "retryInterval",
                "retries": "maxretries", "resend_interval": "resendInterval", "upside_down": "upsideDown"}


def _plain(value: Any) -> Any:
    # Left-out defaults stay out, as in what the web UI saves (`{"mechanism": "None"}`).
    return value.model_dump(exclude_defaults=True) if isinstance(value, Strict) else value


class MonitorBase(Strict):
    # The first Uptime Kuma release that offers this type, one of its fields, or one of a field's values.
    min_version: ClassVar[str] = "1.23.0"
    field_min_versions: ClassVar[dict[str, str]] = {}
    value_min_versions: ClassVar[dict[tuple[str, object], str]] = {}
    # The type's own keys that map one to one onto server fields (after COMMON_NAMES).
    kuma_names: ClassVar[dict[str, str]] = {}
    # Server fields that hold credentials even when written without a ${VAR} reference.
    secret_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def names(cls) -> dict[str, str]:
        """Readable key -> server field: the common ones, then the type's own."""
        return {**COMMON_NAMES, **cls.kuma_names}

    def mapped_fields(self) -> dict[str, Any]:
        """The table forward: this monitor's values under the server's field names."""
        return {kuma: _plain(getattr(self, key)) for key, kuma in self.names().items()}

    @classmethod
    def readable_fields(cls, listed: Mapping[str, Any]) -> dict[str, Any]:
        """The table backward, for export: a listed monitor's values under the readable keys."""
        return {key: listed.get(kuma) for key, kuma in cls.names().items()}

    type: str  # each type narrows it to its Literal name
    id: Slug = Field(description="Stable identity of the monitor, unique across all files.")
    name: str = Field(min_length=1, max_length=150)
    description: str | None = None
    interval: Seconds = Field(60, description="Seconds between checks.")
    retry_interval: Seconds | None = Field(None, description="Seconds between retries (default: interval).")
    retries: int = Field(0, ge=0, le=1000, description="Retries before the monitor is marked DOWN.")
    resend_interval: int = Field(0, ge=0, le=10000, description="Resend a DOWN notification every N beats (0: never).")
    upside_down: bool = Field(False, description="Invert the status: reachable means DOWN.")
    parent: Slug | None = Field(None, description="The id of a `group` monitor to place this monitor in.")
    tags: list[TagRef] | None = Field(
        None, description="Tags with optional values; unset leaves the monitor's tags as they are.")
    notifications: list[str] | None = Field(
        None, description="Notification ids from the files, or names of notifications on the server; "
                          "unset leaves the monitor's notifications as they are.")
    # Checked by lint (lint/checks/alerts.py), which names the exact key of a bad alert; never
    # sent to the server. Its JSON Schema comes from kumaprov.alerts.spec (definitions/jsonschema.py).
    alerts: dict[str, Any] | None = Field(None, description="Prometheus alerts on this monitor, by name.")
    # Read by the loader, which leaves the monitor out of every other environment; never sent.
    environments: list[Slug] | None = Field(
        None, description="The environments of kumaprov.yaml this monitor exists in (unset: every one).")


class HttpMonitor(MonitorBase):
    type: Literal["http"]
    url: str = Field(pattern=r"^https?://\S+$")
    method: Literal[HTTP_METHODS] = "GET"  # type: ignore[valid-type]
    headers: dict[str, str] | None = None
    body_encoding: Literal["json", "form", "xml"] = "json"
    body: str | dict[str, Any] | list[Any] | None = None
    accepted_status_codes: list[StatusCodes] = Field(default_factory=lambda: ["200-299"], min_length=1)
    max_redirects: int = Field(10, ge=0, le=100)
    timeout: float | None = Field(None, gt=0, le=3600,
                                  description="Request timeout in seconds (default: 48, at most 80% of the interval).")
    ignore_tls: bool = False
    expiry_notification: bool = Field(False, description="Notify before the TLS certificate expires.")
    domain_expiry_notification: bool = Field(
        True, description="Notify before the domain name expires (looked up over RDAP; 2.1.0-beta.1 or newer).")
    basic_auth: BasicAuth | None = None
    oauth2: OAuth2 | None = Field(None, description="OAuth 2.0 client credentials (authMethod oauth2-cc).")
    ntlm: Ntlm | None = Field(None, description="NTLM authentication.")
    mtls: Mtls | None = Field(None, description="A TLS client certificate (mTLS).")
    bearer_token: str | None = Field(None, description="A bearer token the server sends (2.4.0 or newer); "
                                                       "use ${VAR}.")
    ip_family: Literal["ipv4", "ipv6"] | None = Field(None, description="Connect over IPv4 or IPv6 only "
                                                                       "(unset: either, happy eyeballs).")
    cache_bust: bool = Field(False, description="Add a random uptime_kuma_cachebuster query parameter.")
    save_response: bool = Field(False, description="Keep the body of successful checks.")
    save_error_response: bool = Field(True, description="Keep the body of failed checks.")
    response_max_length: int = Field(1024, ge=0, description="How many characters of a kept body to store.")
    proxy: Slug | None = Field(None, description="The id of a proxy in the files; unset leaves the monitor's "
                                                 "proxy as it is.")
    samples: list[Sample] = Field(default_factory=list, description="Responses to check the verdict on.")
    # Headers and body travel as JSON text; `timeout` is sent as `effective_timeout`; basic_auth
    # and proxy are model.fields' (one key, three fields; a reference).
    kuma_names: ClassVar[dict[str, str]] = {
        "url": "url", "method": "method", "headers": "headers", "body": "body", "body_encoding": "httpBodyEncoding",
        "accepted_status_codes": "accepted_statuscodes", "max_redirects": "maxredirects", "timeout": "timeout",
        "ignore_tls": "ignoreTls", "expiry_notification": "expiryNotification", "ip_family": "ipFamily",
        "cache_bust": "cacheBust", "save_response": "saveResponse", "save_error_response": "saveErrorResponse",
        "response_max_length": "responseMaxLength", "domain_expiry_notification": "domainExpiryNotification"}
    # Read from upstream server.js (editMonitor) at each 2.x tag; model.fields sends a field
    # only to servers that have it, lint (KP307) refuses it for older targets.
    field_min_versions: ClassVar[dict[str, str]] = {
        "cache_bust": "2.0.0-beta.0", "ip_family": "2.0.0-beta.4", "oauth2.audience": "2.0.0-beta.4",
        "domain_expiry_notification": "2.1.0-beta.1",
        "save_response": "2.1.0-beta.2", "save_error_response": "2.1.0-beta.2",
        "response_max_length": "2.1.0-beta.2", "bearer_token": "2.4.0"}
    secret_fields: ClassVar[frozenset[str]] = AUTH_SECRET_FIELDS

    @model_validator(mode="after")
    def _one_auth_method(self) -> HttpMonitor:
        used = [key for key in AUTH_KEYS if getattr(self, key) is not None]
        if len(used) > 1:
            raise ValueError(f"{' and '.join(used)} are both set: Uptime Kuma uses one authentication method "
                             "per monitor; keep one")
        return self

    @field_validator("body")
    @classmethod
    def _body_matches_encoding(cls, body: Any, info: ValidationInfo) -> Any:
        # body_encoding is declared before body, so it has been validated already.
        encoding = info.data.get("body_encoding", "json")
        if isinstance(body, (dict, list)) and encoding != "json":
            raise ValueError("a mapping or list body is sent as JSON; set body_encoding: json or give a string")
        if isinstance(body, str) and encoding == "json" and "${" not in body:
            try:
                json.loads(body)
            except ValueError as exc:
                raise ValueError(f"body is not valid JSON but body_encoding is json: {exc}") from None
        return body


    @property
    def effective_timeout(self) -> float:
        """The web UI's default: 48 s, clamped to 80 % of the interval."""
        return self.timeout if self.timeout is not None else min(48.0, self.interval * 0.8)


class KeywordMonitor(HttpMonitor):
    type: Literal["keyword"]  # type: ignore[assignment]
    keyword: str = Field(min_length=1, description="Case-sensitive text the response must contain.")
    invert_keyword: bool = Field(False, description="UP when the keyword is absent.")
    kuma_names: ClassVar[dict[str, str]] = {**HttpMonitor.kuma_names, "keyword": "keyword",
                                            "invert_keyword": "invertKeyword"}


class JsonQueryMonitor(HttpMonitor):
    type: Literal["json-query"]  # type: ignore[assignment]
    query: str = Field(min_length=1, description="JSONata expression evaluated on the response.")
    expected_value: str = Field(description="Compared with the query result as a string.")
    operator: Literal[JSON_OPERATORS] = Field("==", description="2.x only, except '=='.")  # type: ignore[valid-type]
    # jsonPathOperator is sent only to the servers that have it (model.fields).
    kuma_names: ClassVar[dict[str, str]] = {**HttpMonitor.kuma_names, "query": "jsonPath",
                                            "expected_value": "expectedValue", "operator": "jsonPathOperator",
                                            "retry_only_on_status_code_failure": "retryOnlyOnStatusCodeFailure"}
    retry_only_on_status_code_failure: bool = Field(
        False, description="Retry only when the status code check fails, not the query (2.1.0-beta.2 or newer).")
    field_min_versions: ClassVar[dict[str, str]] = {
        **HttpMonitor.field_min_versions, "retry_only_on_status_code_failure": "2.1.0-beta.2"}
