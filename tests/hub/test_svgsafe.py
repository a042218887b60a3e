"""What an uploaded SVG may hold: drawings as drawing programs make them pass untouched;
whatever could run, load or reference something outside the picture is refused with what
and where."""

from __future__ import annotations

import pytest

from kiosk import paths
from kiosk.hub.svgsafe import Unsafe, check_svg

HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'


def test_every_built_in_picture_passes() -> None:
    files = sorted((paths.assets_dir() / "pictures").glob("*.svg"))
    assert files
    for file in files:
        check_svg(file.read_bytes())


def test_what_drawing_programs_leave_passes() -> None:
    check_svg(b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n' + HEAD
              + b'<metadata><title>x</title></metadata><defs><linearGradient id="g"/>'
              + b'<style>rect { fill: url(#g) } /* url( #g ) */</style></defs>'
              + b'<rect width="4" height="4" fill="url(#g)" style="stroke:url( \'#g\' )"/>'
              + b'<use xlink:href="#g"/><a href="#top"><circle r="1"/></a>'
              + b'<image href="data:image/png;base64,iVBORw0KGgo="/></svg>')


@pytest.mark.parametrize(("body", "words"), [
    (b'<script>alert(1)</script>', "line 2: <script> is not allowed"),
    (b'<g><SCRIPT/></g>', "<SCRIPT> is not allowed"),
    (b'<foreignObject/>', "<foreignObject> is not allowed"),
    (b'<handler/>', "<handler> is not allowed"),
    (b'<rect onclick="x()"/>', "event attribute onclick="),
    (b'<rect ONLOAD="x()"/>', "event attribute onload="),
    (b'<image xlink:href="http://x.org/a.png"/>', "href= on <image>"),
    (b'<image href="file:///etc/passwd"/>', "href= on <image>"),
    (b'<a href="javascript:alert(1)"/>', "href= on <a>"),
    (b'<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "href= on <image>"),
    (b'<use href="other.svg#a"/>', "href= on <use>"),
    (b'<image src="//x.org/a.png"/>', "src= on <image>"),
    (b'<set attributeName="xlink:href" to="javascript:x"/>', "may not change xlink:href="),
    (b'<animate attributeName="onbegin" values="x"/>', "may not change onbegin="),
    (b'<rect fill="url(http://x.org/p.svg#a)"/>', "url(http://x.org/p.svg#a)"),
    (b'<style>rect { fill: url("https://x") }</style>', "in <style>"),
    (b'<style><![CDATA[@import "http://x.org/a.css";]]></style>', "@import in <style>"),
    (b'<rect style="background: URL(data:x)"/>', "style= on <rect>"),
])
def test_hostile_parts_are_refused_with_what_and_where(body: bytes, words: str) -> None:
    with pytest.raises(Unsafe) as refused:
        check_svg(HEAD + body + b"</svg>")
    assert words in str(refused.value)


@pytest.mark.parametrize(("data", "words"), [
    (b'<!DOCTYPE svg [<!ENTITY a "b">]>' + HEAD + b"&a;</svg>", "DOCTYPE and entities"),
    (b'<!DOCTYPE svg SYSTEM "http://x.org/svg.dtd">' + HEAD + b"</svg>", "DOCTYPE"),
    (HEAD + b"&a;</svg>", "not a well-formed SVG"),
    (b'<?xml-stylesheet href="a.css"?>' + HEAD + b"</svg>", "<?xml-stylesheet?>"),
    (b'<svg/>', "the root element is <svg>, not an <svg> in the SVG namespace"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "the root element is <html>"),
    (HEAD, "not a well-formed SVG"),
    (b"\x89PNG\r\n\x1a\n", "not a well-formed SVG"),
    (b"", "not a well-formed SVG"),
])
def test_documents_that_are_not_plain_svg_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(Unsafe) as refused:
        check_svg(data)
    assert words in str(refused.value)
