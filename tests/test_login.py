"""Login failures against a real server: each is one clear line and exit 2, never a hang."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kumaprov.cli import main
from kumaprov.dev.localkuma import Installation, LocalKuma, start


@pytest.fixture(scope="module")
def spare_server(kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKuma]:
    """A server of its own: tripping the login rate limit must not lock out other tests."""
    kuma = start(tmp_path_factory.mktemp("kuma-ratelimit"), installation=kuma_build)
    try:
        yield kuma
    finally:
        kuma.stop()


def test_two_factor_login_needs_a_code_and_accepts_the_secret(spare_server: LocalKuma, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    secret = enable_two_factor(spare_server)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "m.yaml").write_text("monitors: []\n")
    env = {"KUMA_URL": spare_server.url, "KUMA_USERNAME": spare_server.username,
           "KUMA_PASSWORD": spare_server.password}

    without = CliRunner().invoke(main, ["diff"], env=env, catch_exceptions=False)
    assert without.exit_code == 2
    assert "two-factor authentication" in without.stderr and "KUMA_TOTP" in without.stderr

    with_secret = CliRunner().invoke(main, ["diff"], env={**env, "KUMA_TOTP_SECRET": secret},
                                     catch_exceptions=False)
    assert with_secret.exit_code == 0, with_secret.output
    assert "No changes. 0 monitor(s) in sync." in with_secret.stdout


def enable_two_factor(kuma: LocalKuma) -> str:
    """Turn on 2FA the way the web UI does; returns the authenticator secret."""
    from urllib.parse import parse_qs, urlparse

    from kumaprov.server.client import open_api  # test set-up only: the product never turns 2FA on

    with open_api(kuma.url) as api:
        api.login(kuma.username, kuma.password)
        uri = api.prepare_2fa(kuma.password)["uri"]
        secret = parse_qs(urlparse(uri).query)["secret"][0]
        api.save_2fa(kuma.password)
    return secret


def test_the_login_rate_limit_is_reported_plainly(spare_server: LocalKuma, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "m.yaml").write_text("monitors: []\n")
    env = {"KUMA_URL": spare_server.url, "KUMA_USERNAME": "admin", "KUMA_PASSWORD": "wrong"}
    messages = []
    for _ in range(30):
        result = CliRunner().invoke(main, ["diff"], env=env, catch_exceptions=False)
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        messages.append(result.stderr.strip())
        if "rate limit" in messages[-1]:
            break
    assert messages[0] == "error: login failed: Incorrect username or password."
    assert "login refused: the server's login rate limit was reached" in messages[-1]
    assert "KUMA_TOKEN" in messages[-1]


def test_token_prints_a_login_token_that_diff_accepts_alone(kuma_server: LocalKuma, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "m.yaml").write_text("monitors: []\n")
    password_env = {"KUMA_URL": kuma_server.url, "KUMA_USERNAME": kuma_server.username,
                    "KUMA_PASSWORD": kuma_server.password, "KUMA_TOKEN": "a stale token, ignored", "CI": ""}

    printed = CliRunner().invoke(main, ["token"], env=password_env, catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    token = printed.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token  # one JWT, nothing else on stdout

    diff = CliRunner().invoke(main, ["diff"], env={"KUMA_URL": kuma_server.url, "KUMA_TOKEN": token},
                              catch_exceptions=False)
    assert diff.exit_code == 0, diff.output

    written = CliRunner().invoke(main, ["token", "--out", "token.txt"], env={**password_env, "CI": "true"},
                                 catch_exceptions=False)
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert (tmp_path / "token.txt").stat().st_mode & 0o777 == 0o600
    again = CliRunner().invoke(main, ["token", "--out", "token.txt"], env=password_env, catch_exceptions=False)
    assert again.exit_code == 2 and "never overwrites" in again.stderr


def test_token_refuses_to_print_into_a_ci_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"KUMA_URL": "http://127.0.0.1:9", "KUMA_USERNAME": "admin", "KUMA_PASSWORD": "x", "CI": "true"}
    result = CliRunner().invoke(main, ["token"], env=env, catch_exceptions=False)
    assert result.exit_code == 2
    assert "job log" in result.stderr and "--out FILE" in result.stderr
    assert result.stdout == ""


def test_token_of_an_environment_logs_in_with_its_own_variables(kuma_server: LocalKuma, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kumaprov.yaml").write_text("environments:\n  staging:\n    credentials: STG\n")
    env = {"STG_KUMA_URL": kuma_server.url, "STG_KUMA_USERNAME": kuma_server.username,
           "STG_KUMA_PASSWORD": kuma_server.password, "STG_KUMA_TOKEN": "a stale token, ignored",
           "KUMA_URL": "http://127.0.0.1:9", "CI": ""}

    unnamed = CliRunner().invoke(main, ["token"], env=env, catch_exceptions=False)
    assert unnamed.exit_code == 2 and "pass --env NAME" in unnamed.stderr

    printed = CliRunner().invoke(main, ["token", "--env", "staging"], env=env, catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    (tmp_path / "monitors").mkdir()
    diff = CliRunner().invoke(main, ["diff", "--env", "staging"],
                              env={"STG_KUMA_URL": kuma_server.url, "STG_KUMA_TOKEN": printed.stdout.strip()},
                              catch_exceptions=False)
    assert diff.exit_code == 0, diff.output
    exported = CliRunner().invoke(main, ["export", "--env", "staging", "--out", "exported.yaml"],
                                  env={"STG_KUMA_URL": kuma_server.url, "STG_KUMA_TOKEN": printed.stdout.strip()},
                                  catch_exceptions=False)
    assert exported.exit_code == 0, exported.output
    assert "monitors:" in (tmp_path / "exported.yaml").read_text()
