"""From definitions and a server to changes: the snapshot (the only reads), state (live and
desired, pure), collisions with other projects' objects (pure), the planner (pure), saved plans, apply (the only writes), plan reports, export,
and the engine that runs them for diff and sync.

May import: every package except cli/."""
