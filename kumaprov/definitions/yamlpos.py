"""YAML that remembers where every key and value came from.

Mappings and sequences load as dict and list subclasses carrying positions, so
a schema error found long after parsing can still name the file, line and
column of the offending key. The libyaml composer does the parsing (it is
several times faster than the pure-Python one); we only walk its node tree.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import yaml

from kumaprov.problems import Position

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Scalar -> tag, as the resolver decided it: a large project repeats the same keys and values
# (every rendered template instance does), and the resolver tries its regular expressions in
# Python for each one, about a sixth of parsing. The answer depends only on the text and its
# style (plain or quoted), the resolvers being fixed; bounded so a long-lived process stays small.
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}
_RESOLVED_MAX = 100_000


_ScalarNode = yaml.ScalarNode


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is _ScalarNode:
            try:
                return _RESOLVED[value, implicit]
            except KeyError:
                if len(_RESOLVED) >= _RESOLVED_MAX:
                    _RESOLVED.clear()
                tag = _RESOLVED[value, implicit] = super().resolve(kind, value, implicit)
                return tag
        return super().resolve(kind, value, implicit)
_scalars = yaml.constructor.SafeConstructor()
_MERGE_TAG = "tag:yaml.org,2002:merge"
_new_tuple = tuple.__new__
_STR_TAG = "tag:yaml.org,2002:str"


class YamlError(Exception):
    """A syntax or structure error, with the position the parser stopped at."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class LocatedMap(dict[Any, Any]):
    """A YAML mapping; `key_pos`/`value_pos` hold where each key and value start."""

    pos: Position
    key_pos: dict[Any, Position]
    value_pos: dict[Any, Position]

    def position_of_key(self, key: Any) -> Position:
        return self.key_pos.get(key, self.pos)

    def position_of_value(self, key: Any) -> Position:
        return self.value_pos.get(key, self.pos)

    # Pickled (lint/parallel.py sends a forked reader's monitors back) with the positions as
    # plain tuples: a named tuple pickles and unpickles through a Python call each, and a large
    # project has tens of thousands. The state comes after the items, so aliases still work.
    def __reduce__(self) -> tuple[Any, ...]:
        return (LocatedMap, (), _packed(self, ("pos", "key_pos", "value_pos")), None, iter(self.items()))

    def __setstate__(self, state: Any) -> None:
        _unpack(self, state)


class LocatedList(list[Any]):
    pos: Position
    item_pos: list[Position]

    def __reduce__(self) -> tuple[Any, ...]:
        return (LocatedList, (), _packed(self, ("pos", "item_pos")), iter(self))

    def __setstate__(self, state: Any) -> None:
        _unpack(self, state)


_as_position = functools.partial(tuple.__new__, Position)


def _packed(value: Any, names: tuple[str, ...]) -> Any:
    attributes = value.__dict__
    if tuple(attributes) != names:
        return attributes  # not as the builder made it: as any object's
    packed: list[Any] = [tuple(value.pos)]
    for name in names[1:]:
        positions = attributes[name]
        packed.append((list(positions), list(map(tuple, positions.values())))
                      if isinstance(positions, dict) else list(map(tuple, positions)))
    return tuple(packed)


def _unpack(value: Any, state: Any) -> None:
    if isinstance(state, dict):
        value.__dict__.update(state)
        return
    value.pos = _as_position(state[0])
    if isinstance(value, LocatedMap):
        (keys, positions), (value_keys, value_positions) = state[1], state[2]
        value.key_pos = dict(zip(keys, map(_as_position, positions)))
        value.value_pos = dict(zip(value_keys, map(_as_position, value_positions)))
    else:
        value.item_pos = list(map(_as_position, state[1]))


def load(text: str, filename: str) -> Any:
    """Parse one YAML document into located plain values; raise YamlError on bad input."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_explain(exc, text, filename)) from None
    except yaml.reader.ReaderError as exc:  # a NUL or other control character: it has no mark, only an offset
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YamlError(f"character #x{character:04x} is not allowed in YAML ({exc.reason})",
                        _offset_position(text, exc.position, filename)) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), Position(filename)) from None
    if node is None:
        return None
    return _Builder(filename).build(node)


def _explain(exc: yaml.MarkedYAMLError, text: str, filename: str) -> tuple[str, Position]:
    """The parser's message and position, adjusted to where a person should look."""
    mark = exc.problem_mark or exc.context_mark
    message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
    if "could not find expected ':'" in message and exc.context_mark is not None:
        # libyaml notices the missing colon on the next line; the key without it is here.
        return "a key is not followed by ':'", _position(filename, exc.context_mark)
    if mark is not None and _char_at(text, mark) == "\t":
        return "a tab character: YAML indentation must use spaces", _position(filename, mark)
    return message, _position(filename, mark)


def _offset_position(text: str, offset: int, filename: str) -> Position:
    # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
    before = text.encode("utf-8")[:offset].decode("utf-8", "ignore") if _BaseLoader is not yaml.SafeLoader \
        else text[:offset]
    line = before.count("\n") + 1
    return Position(filename, line, len(before) - (before.rfind("\n") + 1) + 1)


def _char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    line: int = mark.line
    column: int = mark.column
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def locate(root: Any, path: Sequence[Any]) -> Position | None:
    """The position of the value at `path` (or of its deepest ancestor that exists)."""
    here: Any = root
    best: Position | None = getattr(root, "pos", None)
    for step in path:
        if isinstance(here, LocatedMap) and step in here:
            best = here.position_of_value(step)
            here = here[step]
        elif isinstance(here, LocatedList) and isinstance(step, int) and 0 <= step < len(here):
            best = here.item_pos[step]
            here = here[step]
        else:
            break
    return best


def locate_key(root: Any, path: Sequence[Any]) -> Position | None:
    """Like `locate`, but for the last step point at the key rather than its value."""
    if not path:
        return locate(root, path)
    parent = _walk(root, path[:-1])
    if isinstance(parent, LocatedMap) and path[-1] in parent:
        return parent.position_of_key(path[-1])
    return locate(root, path)


def _walk(root: Any, path: Sequence[Any]) -> Any:
    here = root
    for step in path:
        try:
            here = here[step]
        except (KeyError, IndexError, TypeError):
            return None
    return here


def _position(filename: str, mark: Any) -> Position:
    if mark is None:
        return Position(filename)
    return Position(filename, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        # Aliases share one node; build it once so an alias bomb cannot blow up memory.
        self.built: dict[int, Any] = {}

    def pos(self, node: yaml.Node) -> Position:
        return _position(self.filename, node.start_mark)

    def build(self, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # most scalars: skip the constructor's bookkeeping
        key = id(node)
        if key in self.built:
            return self.built[key]
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node)
        try:
            return _scalars.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            raise YamlError(str(exc.problem), self.pos(node)) from None

    def sequence(self, node: yaml.SequenceNode) -> LocatedList:
        result = LocatedList()
        self.built[id(node)] = result
        result.pos = self.pos(node)
        result.item_pos = []
        for item in node.value:
            result.append(self.build(item))
            result.item_pos.append(self.pos(item))
        return result

    def mapping(self, node: yaml.MappingNode) -> LocatedMap:
        result = LocatedMap()
        self.built[id(node)] = result
        result.pos = self.pos(node)
        result.key_pos = key_pos = {}
        result.value_pos = value_pos = {}
        merged: list[LocatedMap] = []
        filename = self.filename
        # The hot loop of a large project: strings and positions are built inline, not via
        # self.build and self.pos, and each Position without the named tuple's Python __new__.
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _MERGE_TAG:
                merged.extend(self.merge_sources(value_node))
                continue
            key = key_node.value if tag == _STR_TAG else self.build(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise YamlError("a mapping key must be a plain scalar", self.pos(key_node))
            if key in result:
                first = key_pos[key]
                raise YamlError(
                    f"duplicate key {key!r} (first defined at line {first.line})", self.pos(key_node)
                )
            result[key] = value_node.value if value_node.tag == _STR_TAG else self.build(value_node)
            mark = key_node.start_mark
            key_pos[key] = _new_tuple(Position, (filename, mark.line + 1, mark.column + 1))
            mark = value_node.start_mark
            value_pos[key] = _new_tuple(Position, (filename, mark.line + 1, mark.column + 1))
        # YAML merge keys: explicit keys win over merged ones, earlier sources over later.
        for source in merged:
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_pos[key] = source.key_pos[key]
                    result.value_pos[key] = source.value_pos[key]
        return result

    def merge_sources(self, node: yaml.Node) -> list[LocatedMap]:
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sources = [self.build(n) for n in nodes]
        if not all(isinstance(s, LocatedMap) for s in sources):
            raise YamlError("'<<' merges only mappings", self.pos(node))
        return sources
