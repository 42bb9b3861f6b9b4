"""YAML that remembers where things are, so a pack's problems can say `file:line`. Pure."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.resolver import BaseResolver, Resolver

from lms.textcheck import first_unstorable


class Located(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of a key, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    """A YAML sequence with the 1-based line where it starts and where each item starts."""

    line: int
    item_lines: list[int]


MAX_BYTES = 256 * 1024  # course.yaml and quiz.yaml of the shipped courses are under 40 KB
MAX_NODES = 20_000  # every scalar, list and mapping; the larger shipped quiz.yaml has 1,021

try:  # libyaml reads some 30 times faster; PyYAML without it still works, slowly
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - libyaml comes with the PyYAML wheels
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class YamlProblem(ValueError):
    """The text is not valid YAML, or too much of it; `line` says where."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _LineLoader(_Parser, Composer, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
    """One pass over the text: the parser's events are composed here, in Python, so each node
    is counted and each alias refused as it arrives; mappings and sequences keep their lines.
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.nodes = 0

    # The C parser has a composer of its own, which could neither count nor refuse.
    get_single_node = Composer.get_single_node

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise YamlProblem(
                event.start_mark.line + 1,
                "aliases (*name) are not allowed here; write the value out in full",
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(
                event.start_mark.line + 1,
                f"the file holds more than {MAX_NODES:,} values; split it or shorten it",
            )
        return Composer.compose_node(self, parent, index)


def _construct_mapping(loader: _LineLoader, node: MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def size_problem(size: int, max_bytes: int = MAX_BYTES) -> str | None:
    """Why a YAML file of this many bytes is refused, or None."""
    if size <= max_bytes:
        return None
    return (
        f"the file is {_size(size)}; a YAML file may be at most {_size(max_bytes)}, "
        "so split it or shorten it"
    )


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


def load(text: str, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse YAML safely (no Python objects), keeping lines; raise YamlProblem if it is broken.

    Refused before any parsing: a file over `max_bytes`, a character no database can store.
    Refused while parsing: aliases (a few lines of `&a [*b, *b, …]` expand to billions of
    items, and nothing Postwise reads needs them) and more than MAX_NODES values.
    """
    if problem := size_problem(len(text.encode("utf-8", "surrogatepass")), max_bytes):
        raise YamlProblem(1, problem)
    if (bad := first_unstorable(text)) is not None:
        raise YamlProblem(
            bad.line, f"column {bad.column} holds {bad.name}, which cannot be stored; remove it"
        )
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return_message = error.problem or str(error)
        raise YamlProblem(line, f"this is not valid YAML ({return_message})") from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"this is not valid YAML ({error})") from None
    finally:
        loader.dispose()


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, so exported packs read like hand-written ones."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Canonical YAML for a pack file: keys in the given order, Unicode kept, blocks for text."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=88)
