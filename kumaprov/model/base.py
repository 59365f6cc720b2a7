"""The strict pydantic base every definition model shares (monitors, their auth blocks, kinds)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    # defer_build: a class is compiled on first use, so a project that uses three monitor
    # types does not pay at start-up for the other six.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
