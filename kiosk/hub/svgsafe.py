"""Is an uploaded SVG safe to hand to every kiosk and browser? What it may not hold.

The file is parsed by ``defusedxml`` (no DOCTYPE, so no entities: no billion laughs, no
external entity) and walked once. Refused, each with its line: ``<script>`` and the other
elements that run or embed things (``<foreignObject>``, ``<handler>``, ``<iframe>``...),
``on*`` event attributes, any ``href`` / ``xlink:href`` / ``src`` that is not a fragment
(``#id``) or an inline PNG or JPEG (``data:image/png;base64,``), an animation that sets such
an attribute, CSS ``url(...)`` to anything but a fragment, ``@import`` in a ``<style>``, and
the ``<?xml-stylesheet?>`` instruction.

Nothing is stripped or rewritten: a file that passes is stored byte for byte, so its
sha256 is the one the manager's editor computes, and no rewriting can change the drawing.
Comments and ``<metadata>`` (what drawing programs leave) are inert: the hub serves SVG
with ``Content-Security-Policy: default-src 'none'`` and kiosks draw it with QtSvg, which
runs nothing.
"""

from __future__ import annotations

import re
from typing import Any

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

SVG_NS = "http://www.w3.org/2000/svg"
REFUSED_ELEMENTS = frozenset({"script", "foreignobject", "handler", "listener", "iframe",
                              "embed", "object", "audio", "video"})
LINK_ATTRIBUTES = frozenset({"href", "src"})
ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
SAFE_LINK = re.compile(r"^\s*(#|data:image/(png|jpeg);base64,)", re.IGNORECASE)
URL = re.compile(r"url\s*\(\s*(['\"]?)\s*(?P<target>[^'\")\s]*)", re.IGNORECASE)
IMPORT = re.compile(r"@import", re.IGNORECASE)


class Unsafe(ValueError):
    """The SVG cannot be accepted; the message says what and where (``line N: ...``)."""


def check_svg(data: bytes) -> None:
    """Raise :class:`Unsafe` unless ``data`` is a well-formed SVG with nothing that could
    run, load or reference anything outside itself."""
    walker = _Walker()
    parser = safe_xml.DefusedXMLParser(target=walker, forbid_dtd=True, forbid_entities=True,
                                       forbid_external=True)
    walker.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except Unsafe:
        raise
    except DefusedXmlException as exc:
        raise Unsafe(f"line {_line(parser)}: DOCTYPE and entities are not allowed in a "
                     f"picture ({exc.__class__.__name__})") from None
    except (safe_xml.ParseError, ValueError, UnicodeError) as exc:
        raise Unsafe(f"not a well-formed SVG file: {exc}") from None
    if not walker.root_seen:
        raise Unsafe("not an SVG file: it has no <svg> element")


def _line(parser: Any) -> int:
    expat = getattr(parser, "parser", None)
    return int(getattr(expat, "CurrentLineNumber", 0) or 0)


def _bare(name: str) -> str:
    """``{namespace}name`` or ``prefix:name`` as ``name``."""
    return name.rpartition("}")[2].rpartition(":")[2]


def _local(name: str) -> str:
    return _bare(name).lower()


class _Walker:
    """The parser's target: checks each element, attribute and piece of style as it comes."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.depth = 0
        self.root_seen = False
        self.in_style = 0

    def _refuse(self, message: str) -> None:
        raise Unsafe(f"line {_line(self.parser)}: {message}")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if self.depth == 0:
            if tag != f"{{{SVG_NS}}}svg":
                self._refuse(f"not an SVG file: the root element is <{local}>, not an <svg> "
                             f"in the SVG namespace")
            self.root_seen = True
        self.depth += 1
        if local in REFUSED_ELEMENTS:
            self._refuse(f"<{_bare(tag)}> is not allowed in a picture")
        if local == "style":
            self.in_style += 1
        for name, value in attrs.items():
            self._attribute(_bare(tag), _local(name), value)

    def _attribute(self, element: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self._refuse(f"the event attribute {name}= on <{element}> is not allowed")
        if name in LINK_ATTRIBUTES and not SAFE_LINK.match(value):
            self._refuse(f"{name}= on <{element}> may only point inside the picture (#id) or "
                         f"hold an inline PNG or JPEG, not '{value[:60]}'")
        if element.lower() in ANIMATIONS and name == "attributename":
            target = _local(value)
            if target in LINK_ATTRIBUTES or target.startswith("on"):
                self._refuse(f"<{element}> may not change {value}=")
        self._css(value, f"{name}= on <{element}>")

    def _css(self, text: str, where: str) -> None:
        for match in URL.finditer(text):
            if not match.group("target").startswith("#"):
                self._refuse(f"url({match.group('target')[:60]}) in {where}: only url(#id) "
                             f"is allowed")
        if IMPORT.search(text):
            self._refuse(f"@import in {where} is not allowed")

    def end(self, tag: str) -> None:
        self.depth -= 1
        if _local(tag) == "style":
            self.in_style -= 1

    def data(self, text: str) -> None:
        if self.in_style:
            self._css(text, "<style>")

    def pi(self, target: str, _text: str) -> None:
        self._refuse(f"the instruction <?{target}?> is not allowed in a picture")

    def close(self) -> None:
        return None
