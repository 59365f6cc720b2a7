"""Keyword and status-code verdicts: the parts of an HTTP check that are alike on every server line.

A keyword monitor searches the body case-sensitively, in the raw text or in
``JSON.stringify`` of it when axios parsed it; the status code is matched
against entries such as ``"200-299"`` first.  (Not named keyword.py: a
module shadowing the standard library's ``keyword`` is a trap.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Final

from kumaprov.semantics.jsjson import json_stringify
from kumaprov.semantics.jsonquery import Verdict, axios_data
from kumaprov.semantics.jsvalue import JS_WHITESPACE, js_substring, js_utf16_length

__all__ = ["check_keyword", "status_code_accepted"]

# The server's regex /<[^>]*>?|[\n\r]|\s+/gm with JavaScript's \s.
_TAGS_AND_SPACE: Final = re.compile("<[^>]*>?|[\n\r]|[" + re.escape(JS_WHITESPACE) + "]+")


def check_keyword(body: str, keyword: str, invert: bool) -> Verdict:
    """Predict a keyword monitor's verdict for a 2xx response with ``body``. Never raises."""
    try:
        parsed, data = axios_data(body)
        text = data if isinstance(data, str) else (json_stringify(data) or "")
        found = keyword in text
        snippet = _server_snippet(text)
        if found != invert:
            return Verdict(True, f"keyword {'is' if found else 'not'} found", snippet)
        where = "in the JSON.stringify form of the body" if parsed and not isinstance(data, str) else "in the body"
        state = "present" if found else "not"
        return Verdict(False, f"keyword is {state} {where}: [{snippet}]", snippet)
    except Exception as err:  # a linter must report, not crash
        return Verdict(False, f"evaluation error: {type(err).__name__}: {err}", None)


def _server_snippet(text: str) -> str:
    # What the server quotes in its DOWN message: tags and whitespace
    # collapsed, trimmed, cut to 47 UTF-16 units plus "...".
    cleaned = _TAGS_AND_SPACE.sub(" ", text).strip(JS_WHITESPACE)
    if js_utf16_length(cleaned) > 50:
        return js_substring(cleaned, 0, 47) + "..."
    return cleaned


def status_code_accepted(status: int, accepted: Sequence[str]) -> bool:
    """Uptime Kuma's ``checkStatusCode``: entries are ``"404"`` or ranges ``"200-299"``.

    Each side goes through JavaScript ``parseInt``, so ``"2xx"`` means 2 and
    malformed entries never match (the server logs and skips them).
    """
    for entry in accepted:
        if not isinstance(entry, str):
            continue
        bounds = [_js_parse_int(part) for part in entry.split("-")]
        if len(bounds) == 1 and status == bounds[0]:
            return True
        if len(bounds) == 2 and bounds[0] <= status <= bounds[1]:
            return True
    return False


_PARSE_INT_RE: Final = re.compile(r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))")


def _js_parse_int(text: str) -> float:
    """``parseInt(text)`` (radix omitted): leading integer, hex with 0x, else NaN."""
    match = _PARSE_INT_RE.match(text.lstrip(JS_WHITESPACE))
    if match is None:
        return math.nan
    sign = -1 if match[1] == "-" else 1
    number = int(match[2], 16) if match[2] is not None else int(match[3])
    return float(sign * number)
