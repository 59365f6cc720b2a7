"""Bounds on templates that instantiate templates: no cycle, limited depth and count.

A template that instantiates itself once recursed until Python gave up, printing every
level as "(used at ...)"; twice, it doubled at every level and never ended. Each is now
one clear problem at the instance that closes the cycle or goes too deep.
"""

from __future__ import annotations

MAX_DEPTH = 8  # instances inside instances; the shipped templates use one level
MAX_INSTANCES = 10_000  # per run; the largest project measured (2,000 monitors) had 700


class Nesting:
    """The chain of templates being expanded, and how many instances this run expanded."""

    def __init__(self) -> None:
        self.chain: list[str] = []
        self.instances = 0

    def enter(self, name: str) -> str | None:
        """Why this instance must not be expanded (None: go ahead; then call leave()).

        Past MAX_INSTANCES the reason is given once, then "" (skip, nothing more to say)."""
        if name in self.chain:
            cycle = " -> ".join([*self.chain[self.chain.index(name):], name])
            return f"template '{name}' instantiates itself ({cycle})"
        if len(self.chain) >= MAX_DEPTH:
            return f"templates nested more than {MAX_DEPTH} deep ({' -> '.join([*self.chain, name])})"
        self.instances += 1
        if self.instances > MAX_INSTANCES:
            first = self.instances == MAX_INSTANCES + 1
            return f"more than {MAX_INSTANCES:,} template instances in one run; the rest are not expanded" \
                if first else ""
        self.chain.append(name)
        return None

    def leave(self) -> None:
        self.chain.pop()
