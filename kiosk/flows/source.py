"""Read a YAML flow file into plain data while remembering the line of every key and value.

Every text first passes the limits of ``guard`` (aliases, depth, sizes), and a value
YAML cannot build (a date that does not exist, ``!!float abc``) is a
:class:`SourceError` with its line like any other problem, never an exception of its own.

Paths are tuples of keys and indexes, e.g. ``("steps", 2, "choices", 0, "next")``, the same
shape pydantic uses for error locations, so any error can be pointed at its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kiosk.flows import guard
from kiosk.flows.issues import Issue

_Loader: Any = guard.Loader

Path = tuple[str | int, ...]
# the YAML tags whose kind of value the flows catalogs name (``yaml.kind.<tag>``)
_KINDS = ("int", "float", "bool", "timestamp", "binary")


class SourceError(Exception):
    """The file cannot be read as one YAML mapping; ``line`` is 1-based."""

    def __init__(self, line: int, message: str, code: str = "",
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        guarded = _GUARD_CODES.get(message, ("", {}))
        self.code = code or guarded[0]
        self.params = params or (guarded[1] if not code else {})

    @classmethod
    def of(cls, line: int, code: str, **params: Any) -> SourceError:
        """An error from a message code (:mod:`kiosk.flows.messages`)."""
        from kiosk.flows.messages import render

        return cls(line, render(code, params), code, params)

    def issue(self, file: str) -> Issue:
        """This error as a validator issue of ``file``."""
        return Issue(file, self.line, "error", self.message, self.code, self.params)


# the guard's fixed messages, by their code in the flows catalogs
_GUARD_CODES: dict[str, tuple[str, dict[str, Any]]] = {
    guard.TOO_LARGE: ("too_large", {"kib": guard.MAX_TEXT // 1024}),
    guard.DEEP: ("yaml.deep", {"most": guard.MAX_NESTING}),
    guard.ALIASES: ("yaml.aliases", {})}


@dataclass
class Located:
    """Plain data plus the lines of its parts."""

    data: Any
    value_lines: dict[Path, int] = field(default_factory=dict)
    key_lines: dict[Path, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path, int]] = field(default_factory=list)

    def line(self, path: Path) -> int:
        """Line of the key at ``path`` if it is a mapping key, else of its value.

        Falls back to the nearest enclosing part, then to line 1.
        """
        p = tuple(path)
        while p:
            if p in self.key_lines:
                return self.key_lines[p]
            if p in self.value_lines:
                return self.value_lines[p]
            p = p[:-1]
        return 1

    def value_line(self, path: Path) -> int:
        """Line of the value at ``path`` (falls back like :meth:`line`)."""
        p = tuple(path)
        return self.value_lines.get(p) or self.line(p)


class _Builder:
    def __init__(self) -> None:
        self.located = Located(None)
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.located.value_lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """The value of a scalar node, or :class:`SourceError` at its line."""
        line = node.start_mark.line + 1
        problem = guard.number_problem(node)
        if problem:
            raise SourceError(line, problem)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise anything on bad input
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            tag = node.tag.rsplit(":", 1)[-1]
            kind = {"code": f"yaml.kind.{tag if tag in _KINDS else 'value'}", "params": {}}
            raise SourceError.of(line, "yaml.cannot_read_as", value=shown, kind=kind) from None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError.of(key_node.start_mark.line + 1, "yaml.plain_key")
            key = str(self.scalar(key_node))
            child = (*path, key)
            if key in out:
                self.located.duplicate_keys.append((child, key_node.start_mark.line + 1))
            self.located.key_lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child)
        return out


def _yaml_error(exc: yaml.YAMLError, text: str = "") -> SourceError:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, max(0, exc.position)) + 1
        return SourceError(line, f"malformed YAML: character #x{exc.character:04x} is not "
                                 f"allowed ({exc.reason})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    return SourceError.of(line, "yaml.malformed",
                          problem=str(problem) + (f" ({context})" if context else ""))


def parse(text: str) -> Located:
    """Parse one YAML document that must be a mapping. Raises :class:`SourceError`."""
    problem = guard.check(text)
    if problem is not None:
        raise SourceError(*problem)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text) from None
    if not nodes or nodes[0] is None:
        raise SourceError.of(1, "yaml.empty")
    if len(nodes) > 1:
        raise SourceError.of(nodes[1].start_mark.line + 1, "yaml.second_document")
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        raise SourceError.of(root.start_mark.line + 1, "yaml.not_mapping_list"
                             if isinstance(root, yaml.SequenceNode) else "yaml.not_mapping_value")
    builder = _Builder()
    try:
        builder.located.data = builder.build(root, ())
    except yaml.constructor.ConstructorError as exc:
        raise _yaml_error(exc) from None
    return builder.located
