"""How Uptime Kuma evaluates checks, without a server: JavaScript values, JSON.parse and
JSON.stringify as V8 and axios do them, the JSONata engine and its fixes, JSON-query and keyword
verdicts, the names a query reads, and `probe` (run monitors once from this machine).

May import: the root modules and model/ (probe: definitions/ too, for its input)."""
