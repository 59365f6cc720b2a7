"""What a login sends and what its answer means: the parts of the adapter (`client`) that need
nothing from uptime_kuma_api."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kumaprov.errors import ConnectionFailed

_RATE_LIMITED = "Too frequently"
# 2.x answers a refused login with a key of its web UI's translations, not the text;
# these are the English texts (src/lang/en.json), as 1.23 sends them.
_LOGIN_MESSAGES = {
    "authIncorrectCreds": "Incorrect username or password.",
    "authInvalidToken": "Invalid Token.",
    "authUserInactiveOrDeleted": "The user is inactive or deleted.",
}


@dataclass(frozen=True)
class Credentials:
    username: str | None = None
    password: str | None = None
    token: str | None = None  # a JWT from an earlier login: loginByToken is not rate limited
    totp: str | None = None  # a current 2FA code


class Pending:
    """A socket call sent, and its answer once the socket thread has it.

    `take`, if given, runs on the socket thread as the answer is handled, after every message
    that came before it and before any that came after; what it returns is `taken`.
    """

    def __init__(self, take: Callable[[], Any] | None = None) -> None:
        self.answered = threading.Event()
        self._args: tuple[Any, ...] = ()
        self._take = take
        self.taken: Any = None

    def on_answer(self, *args: Any) -> None:
        if self._take is not None:
            self.taken = self._take()
        self._args = args
        self.answered.set()

    def answer(self) -> Any:
        return self._args[0] if len(self._args) == 1 else (self._args or None)


def check_login_answer(answer: Any, with_token: bool) -> None:
    """Raise ConnectionFailed, in words a user can act on, if the server refused the login."""
    if isinstance(answer, dict) and answer.get("ok") is False:
        raise ConnectionFailed(login_failure(str(answer.get("msg")), with_token))
    if isinstance(answer, dict) and answer.get("tokenRequired"):
        raise ConnectionFailed("this account uses two-factor authentication: set KUMA_TOTP to a current "
                               "code or KUMA_TOTP_SECRET to the authenticator secret")


def login_failure(message: str, with_token: bool) -> str:
    message = _LOGIN_MESSAGES.get(message, message)
    if _RATE_LIMITED in message:
        return ("login refused: the server's login rate limit was reached (about 20 attempts a minute); "
                "wait a minute, or log in once and reuse KUMA_TOKEN")
    if with_token:
        return f"login with KUMA_TOKEN failed ({message}); the token ends when the password changes"
    return f"login failed: {message}"
