"""Limits a flow's YAML text must respect before it is built into data: the one guard
every reader goes through (``source.parse``: ``kiosk flows validate``, the kiosk's
library, the manager's editor, the hub's ``PUT /flows``).

A crafted text must end in a clear ``line: message``, never in a hang, a huge memory
use or a traceback: YAML anchors and aliases (a 512-byte "billion laughs" expands to
gigabytes), nesting deeper than :data:`MAX_NESTING`, a key or value longer than
:data:`MAX_SCALAR` characters, a number longer than :data:`MAX_NUMBER` characters
(Python refuses to read integers of over 4,300 digits), more than :data:`MAX_NODES`
keys and values, a text over :data:`MAX_TEXT` bytes, or one that cannot be written in
UTF-8 (a lone surrogate, which a JSON body can carry as ``"\\ud800"``).

Malformed YAML is left to the parser, which reports it with its line.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml

# the C parser (when PyYAML has libyaml) is much faster and keeps marks too
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_TEXT = 1024 * 1024  # bytes of UTF-8, as the hub's request bodies
MAX_NESTING = 64  # a flow needs about 6 levels
MAX_SCALAR = 10_000  # characters in one key or value
MAX_NUMBER = 100  # characters in one number (int or float)
MAX_NODES = 10_000  # keys and values; a built-in flow has under 800

NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
TOO_LARGE = f"the flow is larger than {MAX_TEXT // 1024} KiB: split it into smaller flows"
DEEP = f"nested too deeply (over {MAX_NESTING} levels)"
ALIASES = "YAML anchors and aliases (&name, *name) are not allowed in a flow: write the text out"

_CHAIN = re.compile(r"^\s*((?:[-?][ \t]+)+)")
_OPENERS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSERS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

Problem = tuple[int, str]


def read_bytes(path: Path) -> bytes:
    """At most :data:`MAX_TEXT` + 1 bytes of ``path``: a file larger than a flow can be is
    never read whole. Anything but a regular file (a pipe would block, ``/dev/zero``
    never ends) is an :class:`OSError`."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(f"{path} is not a regular file")
    with path.open("rb") as fh:
        return fh.read(MAX_TEXT + 1)


def too_deep(text: str, limit: int = MAX_NESTING) -> int | None:
    """The first line where ``[`` / ``{`` collections, or ``- - -`` / ``? ? ?`` opened on
    one line, may nest deeper than ``limit`` (an upper bound: brackets in quoted text count
    too), else None. Linear, so it runs before the YAML parser, whose time grows with the
    square of the depth."""
    depth = 0
    for number, row in enumerate(text.split("\n"), start=1):
        chain = _CHAIN.match(row)
        if chain and len(chain.group(1).split()) > limit:
            return number
        for char in row:
            if char in "[{":
                depth += 1
                if depth > limit:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
    return None


def check(text: str) -> Problem | None:
    """The first limit ``text`` breaks, as (1-based line, message), or None."""
    if len(text) > MAX_TEXT:
        return 1, TOO_LARGE
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # a lone surrogate, from a JSON "\ud800" for one
        where = text.count("\n", 0, exc.start) + 1
        return where, f"U+{ord(text[exc.start]):04X} is not a character: retype this text"
    if size > MAX_TEXT:
        return 1, TOO_LARGE
    line = too_deep(text)
    if line is not None:
        return line, DEEP
    return _events(text)


def _events(text: str) -> Problem | None:
    """Walk the parser's events (aliases are not expanded there) for the other limits."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return line, ALIASES
            if isinstance(event, _CLOSERS):
                depth -= 1
                continue
            if isinstance(event, _OPENERS):
                depth += 1
                if depth > MAX_NESTING:
                    return line, DEEP
            elif isinstance(event, yaml.ScalarEvent):
                if len(event.value) > MAX_SCALAR:
                    return line, (f"a key or value of {len(event.value):,} characters is too "
                                  f"long (at most {MAX_SCALAR:,})")
            else:
                continue
            nodes += 1
            if nodes > MAX_NODES:
                return line, (f"the flow has over {MAX_NODES:,} keys and values: split it into "
                              "smaller flows")
    except yaml.YAMLError:
        return None  # the parser reports it with its line
    return None


def number_problem(node: yaml.ScalarNode) -> str | None:
    """Why a scalar the resolver reads as a number is refused (too long), or None."""
    if node.tag in NUMBER_TAGS and len(node.value) > MAX_NUMBER:
        return (f"a number of {len(node.value):,} characters is too long (at most "
                f"{MAX_NUMBER}); put it in quotes if it is text")
    return None
