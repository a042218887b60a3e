"""Flows on the hub: built-in flows as version 1, drafts (YAML and JSON) checked by the
kiosk's validator, publish, rollback, versions, roles, and the stream announcing it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pydantic
import pytest
import websockets.sync.client as ws_client
import yaml

from kiosk import paths
from kiosk.flows.validator import validate_text
from kiosk.hub import api
from tests.hub.conftest import Hub

YAML = {"Content-Type": "application/yaml"}


def builtin(flow_id: str) -> str:
    return (paths.builtin_flows_dir() / f"{flow_id}.yaml").read_text(encoding="utf-8")


def retitled(flow_id: str, title: str) -> str:
    """The built-in flow's YAML with another French title."""
    text = builtin(flow_id)
    data = yaml.safe_load(text)
    return text.replace(f'fr: "{data["title"]["fr"]}"', f'fr: "{title}"', 1)


def put_yaml(m: httpx.Client, flow_id: str, text: str) -> httpx.Response:
    return m.put(f"/flows/{flow_id}", content=text.encode(), headers=YAML)


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith(start))


def test_built_in_flows_are_version_1(shared_hub: Hub) -> None:
    with shared_hub.client("k1") as k:
        items = k.get("/flows").json()["items"]
        one = k.get("/flows/frank-letter").json()
        versions = k.get("/flows/frank-letter/versions").json()["items"]
    assert len(items) == 9
    assert {i["id"] for i in items} >= {"send-parcel", "digital-skills", "frank-letter"}
    assert set(items[0]) == {"id", "title", "version", "published_at", "has_draft"}
    assert all(i["version"] >= 1 for i in items)
    assert one["version"] == 1
    assert one["published_by"] == "built-in"
    assert one["current"] is True
    assert one["flow"]["id"] == "frank-letter"
    assert one["flow"]["steps"]
    assert one["source"] == builtin("frank-letter")
    assert [(v["version"], v["current"], v["published_by"]) for v in versions] == [
        (1, True, "built-in")]


def test_yaml_draft_then_json_draft(shared_hub: Hub) -> None:
    text = retitled("buy-stamps", "Acheter des timbres (brouillon)")
    with shared_hub.client("manon") as m:
        saved = put_yaml(m, "buy-stamps", text)
        assert saved.status_code == 200, saved.text
        assert saved.json()["warnings"] == []
        draft = m.get("/flows/buy-stamps?draft=1").json()
        assert draft["draft"] is True
        assert draft["based_on"] == 1
        assert draft["saved_by"] == "manon"
        assert draft["source"] == text
        assert draft["flow"]["title"]["fr"] == "Acheter des timbres (brouillon)"
        as_json = {**draft["flow"], "title": {"fr": "Timbres (JSON)"}}
        assert m.put("/flows/buy-stamps", json=as_json).status_code == 200
        again = m.get("/flows/buy-stamps?draft=1").json()
        assert again["flow"]["title"] == {"fr": "Timbres (JSON)"}
        assert again["source"] is None
        # the published version has not moved
        assert m.get("/flows/buy-stamps").json()["flow"]["title"]["fr"] == "Acheter des timbres"
        listed = {i["id"]: i for i in m.get("/flows").json()["items"]}
        assert listed["buy-stamps"]["has_draft"] is True


def test_an_invalid_draft_is_422_with_lines_and_keeps_the_stored_one(shared_hub: Hub) -> None:
    good = retitled("send-parcel", "Envoyer un colis (bon)")
    bad = good.replace("start: ", "start: nowhere-", 1)
    with shared_hub.client("manon") as m:
        assert put_yaml(m, "send-parcel", good).status_code == 200
        refused = put_yaml(m, "send-parcel", bad)
        assert refused.status_code == 422
        (problem,) = refused.json()["detail"]
        line = line_of(bad, "start:")
        assert problem["line"] == line
        assert problem["msg"].startswith(f"{line}: start step 'nowhere-")
        flow = m.get("/flows/send-parcel?draft=1").json()["flow"]
        flow["steps"][0]["colour"] = "red"  # an unknown key, in a JSON body
        refused = m.put("/flows/send-parcel", json=flow)
        assert refused.status_code == 422
        pretty = json.dumps(flow, indent=2, ensure_ascii=False)
        (problem,) = refused.json()["detail"]
        assert problem["line"] == line_of(pretty, '"colour"')
        assert "unknown key 'colour'" in problem["msg"]
        assert put_yaml(m, "send-parcel", "schema: 1\nid: [oops\n").status_code == 422
        assert m.put("/flows/send-parcel", json=[1, 2]).status_code == 422
        assert m.put("/flows/send-parcel", content=b"{nope").status_code == 422
        kept = m.get("/flows/send-parcel?draft=1").json()
        assert kept["source"] == good


def test_the_id_in_the_flow_must_be_the_id_in_the_address(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m:
        r = put_yaml(m, "track-shipment", builtin("use-locker"))
    assert r.status_code == 422
    (problem,) = r.json()["detail"]
    assert problem["line"] == 2
    assert "'use-locker'" in problem["msg"]


def test_easy_to_read_warnings_do_not_block(shared_hub: Hub) -> None:
    text = builtin("pickup-return")
    first = yaml.safe_load(text)["steps"][0]["text"]["fr"]
    long = ("Vous pouvez maintenant poser votre colis dans le grand bac gris qui se trouve "
            "juste en dessous de l'écran.")
    with shared_hub.client("manon") as m:
        r = put_yaml(m, "pickup-return", text.replace(first, long, 1))
    assert r.status_code == 200, r.text
    (warning,) = r.json()["warnings"]
    assert "sentence of 19 words" in warning["msg"]
    assert warning["msg"].startswith(f"{warning['line']}: ")


def test_yaml_aliases_are_refused(shared_hub: Hub) -> None:
    text = builtin("collect-parcel").replace("title:", "title: &t", 1) + "summary: *t\n"
    with shared_hub.client("manon") as m:
        r = put_yaml(m, "collect-parcel", text)
    assert r.status_code == 422
    assert "aliases" in r.json()["detail"][0]["msg"]


BOMB = ("schema: 1\nid: track-shipment\n"
        + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
                  for a, b in zip("abcdefgh", "bcdefghi", strict=True)))


def _after_line_1(extra: str) -> str:
    text = builtin("track-shipment")
    first, rest = text.split("\n", 1)
    return f"{first}\n{extra}\n{rest}"


@pytest.mark.parametrize(("text", "line", "words"), [
    (_after_line_1("summary: {fr: " + "9" * 5000 + "}"), 2, "a number of 5,000 characters is too long"),
    (_after_line_1("summary: {fr: 0x" + "f" * 5000 + "}"), 2, "a number of 5,002 characters"),
    (BOMB, 3, "YAML anchors and aliases"),
    ("schema: 1\nid: track-shipment\nsummary: {fr: " + "a" * 10_001 + "}\n", 3,
     "a key or value of 10,001 characters is too long (at most 10,000)"),
    (_after_line_1("summary: {fr: 2024-02-30}"), 2, "'2024-02-30' cannot be read as a date"),
    (_after_line_1("summary: {fr: !!float abc}"), 2, "'abc' cannot be read as a number"),
    (_after_line_1("summary: " + "[" * 500_000), 2, "nested too deeply (over 64 levels)"),
    (_after_line_1("summary: [" + "1, " * 12_000 + "1]"), 2, "over 10,000 keys and values"),
], ids=["integer", "hexadecimal", "alias-bomb", "huge-text", "no-such-date", "bad-float",
        "deep", "too-many-values"])
def test_crafted_yaml_is_422_with_its_line_and_keeps_the_stored_draft(
        shared_hub: Hub, text: str, line: int, words: str) -> None:
    with shared_hub.client("manon") as m:
        before = m.get("/flows/track-shipment?draft=1")
        r = put_yaml(m, "track-shipment", text)
        assert r.status_code == 422, r.text
        problem = r.json()["detail"][0]
        assert problem["line"] == line
        assert problem["msg"].startswith(f"{line}: ")
        assert words in problem["msg"]
        after = m.get("/flows/track-shipment?draft=1")
        assert (after.status_code, after.text) == (before.status_code, before.text)


def test_a_json_flow_with_a_lone_surrogate_is_422_with_its_line(shared_hub: Hub) -> None:
    with shared_hub.client("k1") as k:
        flow = k.get("/flows/track-shipment").json()["flow"]
    flow["title"]["fr"] = "Suivre\ud800"
    body = json.dumps(flow, indent=2).encode()  # "\\ud800" in the JSON text
    with shared_hub.client("manon") as m:
        r = m.put("/flows/track-shipment", content=body,
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    pretty = json.dumps(flow, indent=2, ensure_ascii=False)
    assert problem["line"] == line_of(pretty, '"fr": "Suivre')
    assert "U+D800 is not a character" in problem["msg"]


def test_a_json_flow_with_a_huge_integer_is_422(shared_hub: Hub) -> None:
    body = b'{"schema": ' + b"9" * 5000 + b', "id": "track-shipment"}'
    with shared_hub.client("manon") as m:
        r = m.put("/flows/track-shipment", content=body,
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "malformed JSON" in r.json()["detail"][0]["msg"]


def test_publish_versions_rollback(shared_hub: Hub) -> None:
    fid = "send-registered"
    with shared_hub.client("manon") as m, shared_hub.client("k1") as k:
        assert m.post(f"/flows/{fid}/publish", json={"note": "nothing"}).status_code == 409
        assert m.post(f"/flows/{fid}/rollback").status_code == 409  # version 1 is the first
        put_yaml(m, fid, retitled(fid, "Deuxième"))
        v2 = m.post(f"/flows/{fid}/publish", json={"note": "clearer title"}).json()
        assert v2["version"] == 2
        assert v2["note"] == "clearer title"
        assert v2["current"] is True
        assert v2["published_by"] == "manon"
        assert m.get(f"/flows/{fid}?draft=1").status_code == 404  # the draft became v2
        current = k.get(f"/flows/{fid}").json()
        assert current["version"] == 2
        assert current["flow"]["title"]["fr"] == "Deuxième"
        put_yaml(m, fid, retitled(fid, "Troisième"))
        assert m.post(f"/flows/{fid}/publish").json()["version"] == 3  # no body: no note
        back = m.post(f"/flows/{fid}/rollback").json()
        assert (back["version"], back["current"]) == (2, True)
        assert k.get(f"/flows/{fid}").json()["flow"]["title"]["fr"] == "Deuxième"
        versions = m.get(f"/flows/{fid}/versions").json()["items"]
        assert [(v["version"], v["current"], v["note"]) for v in versions] == [
            (3, False, None), (2, True, "clearer title"), (1, False, "built-in flow")]
        third = m.get(f"/flows/{fid}/versions/3").json()
        assert third["flow"]["title"]["fr"] == "Troisième"
        assert third["current"] is False
        assert m.post(f"/flows/{fid}/rollback").json()["version"] == 1
        assert m.post(f"/flows/{fid}/rollback").status_code == 409
        put_yaml(m, fid, retitled(fid, "Quatrième"))
        assert m.post(f"/flows/{fid}/publish").json()["version"] == 4  # never reuses a number
        listed = {i["id"]: i for i in k.get("/flows").json()["items"]}
        assert listed[fid]["version"] == 4
        assert listed[fid]["has_draft"] is False
        assert m.get(f"/flows/{fid}/versions/9").status_code == 404
        assert m.get("/flows/nothing-here").status_code == 404
        assert m.post("/flows/nothing-here/publish").status_code == 404


def test_a_new_flow_is_a_draft_until_published(shared_hub: Hub) -> None:
    text = builtin("use-locker").replace("id: use-locker", "id: my-locker", 1)
    with shared_hub.client("manon") as m, shared_hub.client("k1") as k:
        assert put_yaml(m, "my-locker", text).status_code == 200
        mine = {i["id"]: i for i in m.get("/flows").json()["items"]}["my-locker"]
        assert (mine["version"], mine["published_at"], mine["has_draft"]) == (None, None, True)
        assert "my-locker" not in {i["id"] for i in k.get("/flows").json()["items"]}
        assert k.get("/flows/my-locker").status_code == 404
        assert m.post("/flows/my-locker/publish").json()["version"] == 1
        assert k.get("/flows/my-locker").json()["version"] == 1


def test_yaml_on_request(shared_hub: Hub) -> None:
    with shared_hub.client("k1") as k, shared_hub.client("manon") as m:
        r = k.get("/flows/digital-skills", headers={"Accept": "application/yaml"})
        assert r.headers["content-type"].startswith("application/yaml")
        assert r.headers["x-flow-version"] == "1"
        assert r.text == builtin("digital-skills")
        flow = k.get("/flows/pickup-return").json()["flow"]  # sent as JSON: no YAML text
        assert m.put("/flows/pickup-return", json=flow).status_code == 200
        version = m.post("/flows/pickup-return/publish").json()["version"]
        r = k.get("/flows/pickup-return", headers={"Accept": "application/yaml"})
    assert r.headers["x-flow-version"] == str(version)
    report = validate_text(r.text, "pickup-return.yaml")  # what a kiosk does with it
    assert report.ok
    assert report.flow is not None
    assert report.flow.to_dict() == flow


@pytest.mark.parametrize("who", ["k1", "aicha"])
def test_kiosks_and_mediators_read_but_do_not_write(shared_hub: Hub, who: str) -> None:
    with shared_hub.client(who) as c:
        assert c.get("/flows").status_code == 200
        assert c.get("/flows/send-parcel").status_code == 200
        assert c.get("/flows/send-parcel?draft=1").status_code == 403
        assert put_yaml(c, "send-parcel", builtin("send-parcel")).status_code == 403
        assert c.post("/flows/send-parcel/publish").status_code == 403
        assert c.post("/flows/send-parcel/rollback").status_code == 403


def test_publish_and_rollback_are_announced_to_kiosks(hub: Hub) -> None:
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['k1']}"
    with hub.client("manon") as m, ws_client.connect(url, open_timeout=5) as ws:
        put_yaml(m, "frank-letter", retitled("frank-letter", "Affranchir (v2)"))
        m.post("/flows/frank-letter/publish")
        m.post("/flows/frank-letter/rollback")
        messages: list[dict[str, Any]] = [json.loads(ws.recv(timeout=5)) for _ in range(2)]
    assert [(msg["type"], msg["flow"]) for msg in messages] == [
        ("flow.published", {"id": "frank-letter", "version": 2}),
        ("flow.published", {"id": "frank-letter", "version": 1})]
    assert set(messages[0]) == {"seq", "type", "flow"}
    assert messages[1]["seq"] == messages[0]["seq"] + 1


IDS = ["send-parcel", "a", "7", "step-2", "a" * 64, "a" * 65, "x" * 5000, "Send-Parcel",
       "send_parcel", "send.parcel", "-send", "send-", "send--parcel", "send parcel",
       "send-parcel\n", "", "=HYPERLINK(\"http://x\")", "é"]


@pytest.mark.parametrize("value", IDS, ids=[repr(v[:20]) for v in IDS])
def test_the_validator_and_the_api_agree_on_ids(value: str) -> None:
    text = builtin("buy-stamps")
    start = yaml.safe_load(text)["start"]
    quoted = json.dumps(value)
    flow = validate_text(text.replace("id: buy-stamps", f"id: {quoted}", 1), "f.yaml")
    step = validate_text(text.replace(f"  - id: {start}\n", f"  - id: {quoted}\n", 1), "f.yaml")
    flow_ok = not any(i.message.startswith("flow id") for i in flow.errors)
    step_ok = not any(i.message.startswith("step id") for i in step.errors)
    call = {"id": str(uuid.uuid4()), "kiosk_id": "k1", "language": "fr"}
    event = {"id": str(uuid.uuid4()), "kiosk_id": "k1", "type": "step",
             "at": "2026-11-23T10:00:00+00:00"}
    assert [_valid(api.HelpCreate, {**call, "flow_id": value}),
            _valid(api.HelpCreate, {**call, "step_id": value}),
            _valid(api.EventIn, {**event, "flow_id": value}),
            _valid(api.EventIn, {**event, "step_id": value})] == [flow_ok, step_ok] * 2
    assert flow_ok == step_ok


def _valid(model: type[pydantic.BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except pydantic.ValidationError:
        return False
    return True


def test_help_calls_carry_any_id_a_valid_flow_has(shared_hub: Hub) -> None:
    longest = "a" * 64
    call = {"kiosk_id": "k1", "language": "fr", "flow_id": longest, "step_id": longest}
    with shared_hub.client("k1") as k:
        taken = k.post("/help-requests", json={"id": str(uuid.uuid4()), **call})
        refused = k.post("/help-requests", json={"id": str(uuid.uuid4()), **call,
                                                 "step_id": longest + "a"})
        formula = k.post("/help-requests", json={"id": str(uuid.uuid4()), **call,
                                                 "flow_id": "=HYPERLINK(\"http://x\")"})
        k.post(f"/help-requests/{taken.json()['id']}/cancel")
    assert taken.status_code == 201, taken.text
    assert (refused.status_code, refused.json()["detail"][0]["loc"]) == (422, ["body", "step_id"])
    assert (formula.status_code, formula.json()["detail"][0]["loc"]) == (422, ["body", "flow_id"])
