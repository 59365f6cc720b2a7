"""From definitions and a server to changes: plan types, comparison, desired and live state, the
planner, saved plans, apply (the only writes), plan reports, export, and the engine that runs them.

May import: every package except cli/."""
