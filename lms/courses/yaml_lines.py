"""YAML that remembers where things are, so a pack's problems can say `file:line`. Pure."""

from __future__ import annotations

from typing import Any

import yaml


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


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry their lines."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlProblem(ValueError):
    """The text is not valid YAML; `line` says where the parser gave up."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def load(text: str) -> Any:
    """Parse YAML safely (no Python objects), keeping lines; raise YamlProblem if it is broken.

    Aliases are refused: a few lines of `&a [*b, *b, …]` expand to billions of items, and
    nothing Postwise reads needs them.
    """
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem(
                    event.start_mark.line + 1,
                    "aliases (*name) are not allowed here; write the value out in full",
                )
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return_message = error.problem or str(error)
        raise YamlProblem(line, f"this is not valid YAML ({return_message})") from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, f"this is not valid YAML ({error})") from None


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, so exported packs read like hand-written ones."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Canonical YAML for a pack file: keys in the given order, Unicode kept, blocks for text."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=88)
