"""Pictures on the hub: upload (SVG and PNG) by managers, list and download by every role
with an ETag, refusals (role, size, name, content, hostile SVG, built-in names), and flows
that name them: a missing picture is 422 at the draft and at publish, a version keeps the
picture it was published with."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib

import httpx
import pytest

from kiosk import paths
from kiosk.hub.db import connect
from tests.hub.conftest import Hub

SVG = {"Content-Type": "image/svg+xml"}
PNG = {"Content-Type": "image/png"}
YAML = {"Content-Type": "application/yaml"}


def svg(colour: str = "#ff00ff") -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 30">'
            f'<rect width="40" height="30" fill="{colour}"/></svg>').encode()


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (255, 0, 255)) -> bytes:
    """A real PNG (8-bit RGB), made without Qt."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def with_picture(flow_id: str, name: str) -> tuple[str, int]:
    """The built-in flow's YAML with its first step picture replaced by ``name``, and the
    line of that picture."""
    text = (paths.builtin_flows_dir() / f"{flow_id}.yaml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    line = next(i for i, t in enumerate(lines) if t.lstrip().startswith("image:"))
    lines[line] = lines[line].split("image:")[0] + f"image: {name}\n"
    return "".join(lines), line + 1


def test_upload_list_and_download_with_an_etag(hub: Hub) -> None:
    with hub.client("manon") as m, hub.client("k1") as k, hub.client("aicha") as a:
        first = m.put("/pictures/magenta.svg", content=svg(), headers=SVG)
        assert first.status_code == 201, first.text
        body = first.json()
        assert set(body) == {"name", "media_type", "size", "sha256", "uploaded_by", "uploaded_at"}
        assert body["sha256"] == hashlib.sha256(svg()).hexdigest()
        assert (body["media_type"], body["size"], body["uploaded_by"]) == (
            "image/svg+xml", len(svg()), "manon")
        assert m.put("/pictures/dot.png", content=png(), headers=PNG).status_code == 201
        again = m.put("/pictures/magenta.svg", content=svg("#00ff00"), headers=SVG)
        assert again.status_code == 200  # replaced

        items = a.get("/pictures").json()["items"]
        assert [i["name"] for i in items] == ["dot.png", "magenta.svg"]
        assert items[1]["sha256"] == hashlib.sha256(svg("#00ff00")).hexdigest()

        got = k.get("/pictures/magenta.svg")
        assert got.status_code == 200
        assert got.content == svg("#00ff00")
        assert got.headers["content-type"] == "image/svg+xml"
        assert got.headers["etag"] == f'"{items[1]["sha256"]}"'
        assert got.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "cache-control" in got.headers
        cached = k.get("/pictures/magenta.svg", headers={"If-None-Match": got.headers["etag"]})
        assert cached.status_code == 304
        assert cached.content == b""
        assert k.get("/pictures/dot.png").content == png()
        assert k.get("/pictures/dot.png").headers["content-type"] == "image/png"
        # the bytes it replaced stay reachable by their sha256 (a version may name them)
        old = k.get(f"/pictures/magenta.svg?sha256={body['sha256']}")
        assert old.status_code == 200
        assert old.content == svg()
        assert k.get(f"/pictures/magenta.svg?sha256={'0' * 64}").status_code == 404
        assert k.get("/pictures/magenta.svg?sha256=nothex").status_code == 422
        assert k.get("/pictures/unknown.svg").status_code == 404


def test_who_may_upload_and_the_order_of_checks(hub: Hub) -> None:
    with httpx.Client(base_url=f"{hub.url}/api/v1", timeout=10) as anonymous:
        assert anonymous.put("/pictures/a.svg", content=svg(), headers=SVG).status_code == 401
        assert anonymous.get("/pictures").status_code == 401
    with hub.client("k1") as k, hub.client("aicha") as a:
        assert k.put("/pictures/a.svg", content=svg(), headers=SVG).status_code == 403
        assert a.put("/pictures/a.svg", content=svg(), headers=SVG).status_code == 403
        assert k.put("/pictures/a.svg", content=b"x" * (3 << 20), headers=SVG).status_code == 403
    with hub.client("manon") as m:
        big = m.put("/pictures/big.png", content=png() + b"\0" * (2 << 20), headers=PNG)
        assert big.status_code == 413
        assert "2 MiB" in big.json()["detail"]
        builtin = sorted((paths.assets_dir() / "pictures").iterdir())[0].name
        taken = m.put(f"/pictures/{builtin}", content=svg(), headers=SVG)
        assert taken.status_code == 409
        assert "built-in" in taken.json()["detail"]
        assert m.get("/pictures").json()["items"] == []


@pytest.mark.parametrize(("name", "data", "kind", "words"), [
    ("Upper.svg", svg(), "image/svg+xml", "not a picture name"),
    ("-dash.svg", svg(), "image/svg+xml", "not a picture name"),
    ("a" * 64 + ".svg", svg(), "image/svg+xml", "not a picture name"),
    ("photo.jpg", svg(), "image/svg+xml", "not a picture name"),
    ("x.svg", svg(), "image/png", "sent as image/svg+xml"),
    ("x.svg", svg(), "text/plain", "Content-Type"),
    ("x.png", svg(), "image/png", "not a PNG"),
    ("x.svg", png(), "image/svg+xml", "not a well-formed SVG"),
    ("x.svg", b"", "image/svg+xml", "empty"),
    ("x.png", png(9000, 1), "image/png", "at most 8192"),
    ("x.svg", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "image/svg+xml", "not an SVG"),
])
def test_bad_uploads_are_422_with_a_reason(shared_hub: Hub, name: str, data: bytes, kind: str,
                                           words: str) -> None:
    with shared_hub.client("manon") as m:
        answer = m.put(f"/pictures/{name}", content=data, headers={"Content-Type": kind})
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"][0]["msg"]


HOSTILE = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "href-http": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
                  b'xlink"><image xlink:href="http://example.org/x.png"/></svg>'),
    "href-file": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    "entity": (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol">]>\n'
               b'<svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>'),
    "external-entity": (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'),
    "foreign-object": (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns='
                       b'"http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>'),
    "css-url": (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(http://x.org/'
                b'a.svg#p) }</style><rect width="1" height="1"/></svg>'),
    "style-url": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(\'https://x\')"/></svg>',
    "stylesheet": b'<?xml-stylesheet href="http://x/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_svgs_are_refused_one_by_one(shared_hub: Hub, case: str) -> None:
    with shared_hub.client("manon") as m:
        answer = m.put(f"/pictures/{case}.svg", content=HOSTILE[case], headers=SVG)
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["msg"]
        assert m.get(f"/pictures/{case}.svg").status_code == 404


def test_a_draft_naming_a_missing_picture_is_422_with_its_line(hub: Hub) -> None:
    text, line = with_picture("buy-stamps", "magenta.svg")
    with hub.client("manon") as m:
        missing = m.put("/flows/buy-stamps", content=text.encode(), headers=YAML)
        assert missing.status_code == 422, missing.text
        assert [(d["line"], "magenta.svg" in d["msg"]) for d in missing.json()["detail"]] == [
            (line, True)]
        assert m.put("/pictures/magenta.svg", content=svg(), headers=SVG).status_code == 201
        saved = m.put("/flows/buy-stamps", content=text.encode(), headers=YAML)
        assert saved.status_code == 200, saved.text
        digest = hashlib.sha256(svg()).hexdigest()
        assert saved.json()["pictures"] == {"magenta.svg": digest}
        as_yaml = m.get("/flows/buy-stamps?draft=1", headers={"Accept": "application/yaml"})
        assert json.loads(as_yaml.headers["x-flow-pictures"]) == {"magenta.svg": digest}


def test_a_publish_after_the_picture_vanished_is_422(hub: Hub) -> None:
    text, line = with_picture("buy-stamps", "magenta.svg")
    with hub.client("manon") as m:
        assert m.put("/pictures/magenta.svg", content=svg(), headers=SVG).status_code == 201
        assert m.put("/flows/buy-stamps", content=text.encode(), headers=YAML).status_code == 200
        db = connect(hub.db)
        db.execute("DELETE FROM pictures WHERE name = 'magenta.svg'")
        db.conn.commit()
        db.close()
        refused = m.post("/flows/buy-stamps/publish", json={"note": "new picture"})
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["line"] == line
        assert m.get("/flows/buy-stamps").json()["version"] == 1  # nothing published


def test_a_version_keeps_the_picture_it_was_published_with(hub: Hub) -> None:
    text, _line = with_picture("buy-stamps", "magenta.svg")
    first, second = hashlib.sha256(svg()).hexdigest(), hashlib.sha256(svg("#00ff00")).hexdigest()
    with hub.client("manon") as m, hub.client("k1") as k:
        m.put("/pictures/magenta.svg", content=svg(), headers=SVG)
        m.put("/flows/buy-stamps", content=text.encode(), headers=YAML)
        assert m.post("/flows/buy-stamps/publish").json()["version"] == 2
        assert m.put("/pictures/magenta.svg", content=svg("#00ff00"), headers=SVG).status_code == 200
        version = k.get("/flows/buy-stamps/versions/2")
        assert version.json()["pictures"] == {"magenta.svg": first}
        current = k.get("/flows/buy-stamps", headers={"Accept": "application/yaml"})
        assert json.loads(current.headers["x-flow-pictures"]) == {"magenta.svg": first}
        assert k.get(f"/pictures/magenta.svg?sha256={first}").content == svg()
        # a new version names the picture as it is now
        m.put("/flows/buy-stamps", content=text.encode(), headers=YAML)
        assert m.post("/flows/buy-stamps/publish").json()["version"] == 3
        assert k.get("/flows/buy-stamps").json()["pictures"] == {"magenta.svg": second}
        assert k.get("/flows/buy-stamps/versions/1").json()["pictures"] == {}
