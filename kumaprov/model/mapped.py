"""The monitor types beyond HTTP, port, ping, DNS, push, group and docker.

Their fields map one to one onto Uptime Kuma's: each class's table (`kuma_names`:
readable key -> server field, see MonitorBase) is all there is to them, sent forward by
model.fields and read backward by export; a few adjust `mapped_fields`. `min_version` is the first release
that offers the type and `field_min_versions` the first that offers a field,
read from upstream's EditMonitor.vue and server/model/monitor.js at each tag;
lint (checks/versions.py) names them when the target server is older.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints

from kumaprov.model.monitors import JSON_OPERATORS, MonitorBase, Strict
from kumaprov.versions import REMOTE_BROWSERS_SINCE

# WebSocket close codes, which the server compares where HTTP monitors compare status codes.
CloseCode = Annotated[str, StringConstraints(pattern=r"^[1-4]\d{3}$")]


class MappedMonitor(MonitorBase):
    """A type whose fields are its table and nothing else."""


class GrpcKeywordMonitor(MappedMonitor):
    type: Literal["grpc-keyword"]
    grpc_url: str = Field(min_length=1, description="host:port of the gRPC server.")
    service: str = Field(min_length=1, description="Fully qualified service name, e.g. grpc.health.v1.Health.")
    method: str = Field(min_length=1, description="Method name, e.g. Check.")
    protobuf: str = Field(min_length=1, description="The .proto definition, as text.")
    body: str = Field("{}", description="Request message as JSON.")
    metadata: str = Field("", description="Request metadata as JSON; use ${VAR} for credentials.")
    tls: bool = False
    keyword: str = Field(min_length=1, description="Text the response must contain.")
    invert_keyword: bool = False
    kuma_names: ClassVar[dict[str, str]] = {
        "grpc_url": "grpcUrl", "service": "grpcServiceName", "method": "grpcMethod", "protobuf": "grpcProtobuf",
        "body": "grpcBody", "metadata": "grpcMetadata", "tls": "grpcEnableTls", "keyword": "keyword",
        "invert_keyword": "invertKeyword"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"grpcMetadata"})  # where credentials travel


class RealBrowserMonitor(MappedMonitor):
    type: Literal["real-browser"]
    url: str = Field(pattern=r"^https?://\S+$", description="Page loaded in Chromium on the server.")
    remote_browser: str | None = Field(None, min_length=1, description=(
        "The name of a remote browser in the files (`remote_browsers:`) to load the page in; unset leaves "
        "the monitor's choice as it is."))
    kuma_names: ClassVar[dict[str, str]] = {"url": "url"}
    # remote_browser names a remote browser (a reference: the kind says so, model.fields sends it).
    field_min_versions: ClassVar[dict[str, str]] = {"remote_browser": REMOTE_BROWSERS_SINCE}


class HostPortMonitor(MappedMonitor):
    hostname: str = Field(min_length=1)
    kuma_names: ClassVar[dict[str, str]] = {"hostname": "hostname", "port": "port"}


class SteamMonitor(HostPortMonitor):
    type: Literal["steam"]
    port: int = Field(27015, ge=1, le=65535, description="The game server's query port.")


class GamedigMonitor(HostPortMonitor):
    type: Literal["gamedig"]
    game: str = Field(min_length=1, description="GameDig game id, e.g. minecraft.")
    port: int = Field(ge=1, le=65535)
    given_port_only: bool = Field(True, description="Query only the given port.")
    kuma_names: ClassVar[dict[str, str]] = {
        **HostPortMonitor.kuma_names, "game": "game", "given_port_only": "gamedigGivenPortOnly"}


class MqttMonitor(HostPortMonitor):
    type: Literal["mqtt"]
    port: int = Field(1883, ge=1, le=65535)
    topic: str = Field(min_length=1)
    username: str = ""
    password: str = Field("", description="Use ${VAR}.")
    success_message: str = Field("", description="Keyword the message must contain (empty: any message).")
    check_type: Literal["keyword", "json-query"] = "keyword"
    query: str = Field("", description="JSONata on the message when check_type is json-query.")
    expected_value: str = ""
    kuma_names: ClassVar[dict[str, str]] = {
        **HostPortMonitor.kuma_names, "topic": "mqttTopic", "username": "mqttUsername",
        "password": "mqttPassword", "success_message": "mqttSuccessMessage", "check_type": "mqttCheckType",
        "query": "jsonPath", "expected_value": "expectedValue"}
    field_min_versions: ClassVar[dict[str, str]] = {
        "check_type": "2.0.0-beta.0", "query": "2.0.0-beta.0", "expected_value": "2.0.0-beta.0"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"mqttPassword"})

    def mapped_fields(self) -> dict[str, Any]:
        # Before 2.0 the json-query columns do not exist: send them only when used.
        fields = super().mapped_fields()
        if self.check_type == "keyword" and not self.query and not self.expected_value:
            for key in ("mqttCheckType", "jsonPath", "expectedValue"):
                del fields[key]
        return fields


class KafkaSasl(Strict):
    mechanism: Literal["None", "plain", "scram-sha-256", "scram-sha-512", "aws"]
    username: str = ""
    password: str = Field(default="", description="Use ${VAR}.")


class KafkaProducerMonitor(MappedMonitor):
    type: Literal["kafka-producer"]
    brokers: list[str] = Field(min_length=1, description="host:port of each broker.")
    topic: str = Field(min_length=1)
    message: str = Field(min_length=1)
    ssl: bool = False
    allow_auto_topic_creation: bool = False
    sasl: KafkaSasl = Field(default_factory=lambda: KafkaSasl(mechanism="None"))
    kuma_names: ClassVar[dict[str, str]] = {
        "brokers": "kafkaProducerBrokers", "topic": "kafkaProducerTopic", "message": "kafkaProducerMessage",
        "ssl": "kafkaProducerSsl", "allow_auto_topic_creation": "kafkaProducerAllowAutoTopicCreation",
        "sasl": "kafkaProducerSaslOptions"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"kafkaProducerSaslOptions"})


class DatabaseMonitor(MappedMonitor):
    connection_string: str = Field(min_length=1, description="Holds the password: use ${VAR}.")
    kuma_names: ClassVar[dict[str, str]] = {"connection_string": "databaseConnectionString"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"databaseConnectionString"})


class SqlMonitor(DatabaseMonitor):
    query: str = Field("", description="SQL run on each check (empty: connect only).")
    kuma_names: ClassVar[dict[str, str]] = {**DatabaseMonitor.kuma_names, "query": "databaseQuery"}


class SqlServerMonitor(SqlMonitor):
    type: Literal["sqlserver"]


class PostgresMonitor(SqlMonitor):
    type: Literal["postgres"]


class MysqlMonitor(SqlMonitor):
    type: Literal["mysql"]


class OracleDbMonitor(SqlMonitor):
    type: Literal["oracledb"]
    min_version: ClassVar[str] = "2.3.0"
    username: str = ""
    password: str = Field("", description="Use ${VAR}.")
    kuma_names: ClassVar[dict[str, str]] = {
        **SqlMonitor.kuma_names, "username": "basic_auth_user", "password": "basic_auth_pass"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"databaseConnectionString", "basic_auth_pass"})


class MongoDbMonitor(DatabaseMonitor):
    type: Literal["mongodb"]
    command: str = Field("", description="A database command as JSON, e.g. '{\"ping\": 1}'.")
    query: str = Field("", description="JSONata on the command's result.")
    expected_value: str = ""
    kuma_names: ClassVar[dict[str, str]] = {
        **DatabaseMonitor.kuma_names, "command": "databaseQuery", "query": "jsonPath",
        "expected_value": "expectedValue"}
    field_min_versions: ClassVar[dict[str, str]] = {
        "query": "2.0.0-beta.0", "expected_value": "2.0.0-beta.0"}

    def mapped_fields(self) -> dict[str, Any]:
        fields = super().mapped_fields()
        for key in ("jsonPath", "expectedValue"):
            if not fields[key]:
                del fields[key]
        return fields


class RedisMonitor(DatabaseMonitor):
    type: Literal["redis"]


class RadiusMonitor(HostPortMonitor):
    type: Literal["radius"]
    port: int = Field(1812, ge=1, le=65535)
    username: str = Field(min_length=1)
    password: str = Field(min_length=1, description="Use ${VAR}.")
    secret: str = Field(min_length=1, description="The shared secret; use ${VAR}.")
    called_station_id: str = Field(min_length=1)
    calling_station_id: str = Field(min_length=1)
    kuma_names: ClassVar[dict[str, str]] = {
        **HostPortMonitor.kuma_names, "username": "radiusUsername", "password": "radiusPassword",
        "secret": "radiusSecret", "called_station_id": "radiusCalledStationId",
        "calling_station_id": "radiusCallingStationId"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"radiusPassword", "radiusSecret"})


class TailscalePingMonitor(MappedMonitor):
    type: Literal["tailscale-ping"]
    hostname: str = Field(min_length=1)
    kuma_names: ClassVar[dict[str, str]] = {"hostname": "hostname"}


class SnmpMonitor(HostPortMonitor):
    type: Literal["snmp"]
    min_version: ClassVar[str] = "2.0.0-beta.0"
    port: int = Field(161, ge=1, le=65535)
    snmp_version: Literal["1", "2c", "3"] = "2c"
    community: str = Field("public", description="The community string (the server keeps it as radiusPassword).")
    oid: str = Field(pattern=r"^\.?\d+(\.\d+)*$", description="The OID to read, e.g. 1.3.6.1.2.1.1.3.0.")
    query: str = Field("$", description="JSONata on the value read.")
    operator: Literal[JSON_OPERATORS] = "=="  # type: ignore[valid-type]
    expected_value: str
    kuma_names: ClassVar[dict[str, str]] = {
        **HostPortMonitor.kuma_names, "snmp_version": "snmpVersion", "community": "radiusPassword",
        "oid": "snmpOid", "query": "jsonPath", "operator": "jsonPathOperator", "expected_value": "expectedValue"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"radiusPassword"})
    value_min_versions: ClassVar[dict[tuple[str, object], str]] = {("snmp_version", "3"): "2.1.0"}


class RabbitMqMonitor(MappedMonitor):
    type: Literal["rabbitmq"]
    min_version: ClassVar[str] = "2.0.0-beta.0"
    nodes: list[str] = Field(min_length=1, description="Management API URLs, e.g. http://rabbit:15672.")
    username: str = Field(min_length=1)
    password: str = Field(min_length=1, description="Use ${VAR}.")
    kuma_names: ClassVar[dict[str, str]] = {
        "nodes": "rabbitmqNodes", "username": "rabbitmqUsername", "password": "rabbitmqPassword"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"rabbitmqPassword"})


class SmtpMonitor(HostPortMonitor):
    type: Literal["smtp"]
    min_version: ClassVar[str] = "2.0.0-beta.3"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["secure", "nostarttls", "starttls"] = "starttls"
    kuma_names: ClassVar[dict[str, str]] = {**HostPortMonitor.kuma_names, "security": "smtpSecurity"}


class ManualMonitor(MappedMonitor):
    """A status set by hand in the web UI."""

    type: Literal["manual"]
    min_version: ClassVar[str] = "2.0.0-beta.4"


class WebsocketUpgradeMonitor(MappedMonitor):
    type: Literal["websocket-upgrade"]
    min_version: ClassVar[str] = "2.1.0-beta.0"
    url: str = Field(pattern=r"^wss?://\S+$")
    subprotocol: str = ""
    ignore_accept_header: bool = Field(False, description="Accept a missing Sec-WebSocket-Accept header.")
    accepted_status_codes: list[CloseCode] = Field(
        default_factory=lambda: ["1000"], min_length=1, description="WebSocket close codes that mean UP.")
    kuma_names: ClassVar[dict[str, str]] = {
        "url": "url", "subprotocol": "wsSubprotocol", "ignore_accept_header": "wsIgnoreSecWebsocketAcceptHeader",
        "accepted_status_codes": "accepted_statuscodes"}


class GlobalpingMonitor(MappedMonitor):
    """A ping, HTTP or DNS check run from Globalping's probe network."""

    type: Literal["globalping"]
    min_version: ClassVar[str] = "2.1.0"
    subtype: Literal["ping", "http", "dns"]
    target: str = Field(min_length=1, description="The URL for http, the host name for ping and dns.")
    location: str = Field("", description="Where the probes run, e.g. 'Europe' or 'DE'.")
    kuma_names: ClassVar[dict[str, str]] = {"subtype": "subtype", "location": "location"}

    def mapped_fields(self) -> dict[str, Any]:
        return {**super().mapped_fields(), ("url" if self.subtype == "http" else "hostname"): self.target}

    @classmethod
    def readable_fields(cls, listed: Mapping[str, Any]) -> dict[str, Any]:
        target = listed.get("url") if listed.get("subtype") == "http" else listed.get("hostname")
        return {**super().readable_fields(listed), "target": target}


class SipOptionsMonitor(HostPortMonitor):
    type: Literal["sip-options"]
    min_version: ClassVar[str] = "2.1.0"
    port: int = Field(5060, ge=1, le=65535)


class SystemServiceMonitor(MappedMonitor):
    type: Literal["system-service"]
    min_version: ClassVar[str] = "2.1.0"
    service: str = Field(pattern=r"^[a-zA-Z0-9._\-@]+$", description="systemd unit or Windows service name.")
    kuma_names: ClassVar[dict[str, str]] = {"service": "system_service_name"}


class NtpMonitor(HostPortMonitor):
    type: Literal["ntp"]
    min_version: ClassVar[str] = "2.5.0"
    port: int = Field(123, ge=1, le=65535)
    stratum_threshold: int = Field(5, ge=1, le=16)
    time_offset_threshold: int = Field(1000, ge=0, description="Milliseconds.")
    root_dispersion_threshold: int = Field(500, ge=0, description="Milliseconds.")
    kuma_names: ClassVar[dict[str, str]] = {
        **HostPortMonitor.kuma_names, "stratum_threshold": "ntpStratumThreshold",
        "time_offset_threshold": "ntpTimeOffsetThreshold", "root_dispersion_threshold": "ntpRootDispersionThreshold"}


class Pm2Monitor(MappedMonitor):
    type: Literal["pm2"]
    min_version: ClassVar[str] = "2.5.0"
    process: str = Field(min_length=1, description="The PM2 process name.")
    kuma_names: ClassVar[dict[str, str]] = {"process": "system_service_name"}


OTHER_TYPES: dict[str, type[MappedMonitor]] = {
    "grpc-keyword": GrpcKeywordMonitor, "real-browser": RealBrowserMonitor, "steam": SteamMonitor,
    "gamedig": GamedigMonitor, "mqtt": MqttMonitor, "kafka-producer": KafkaProducerMonitor,
    "sqlserver": SqlServerMonitor, "postgres": PostgresMonitor, "mysql": MysqlMonitor, "oracledb": OracleDbMonitor,
    "mongodb": MongoDbMonitor, "redis": RedisMonitor, "radius": RadiusMonitor, "tailscale-ping": TailscalePingMonitor,
    "snmp": SnmpMonitor, "rabbitmq": RabbitMqMonitor, "smtp": SmtpMonitor, "manual": ManualMonitor,
    "websocket-upgrade": WebsocketUpgradeMonitor, "globalping": GlobalpingMonitor, "sip-options": SipOptionsMonitor,
    "system-service": SystemServiceMonitor, "ntp": NtpMonitor, "pm2": Pm2Monitor,
}
