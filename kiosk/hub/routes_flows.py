"""Routes for flows: read (every role); drafts, publish, making a version current
(rollback), retiring and restoring, and the log of those changes (managers).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from kiosk.flows.schema import FlowSchema
from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.flows import Invalid, as_yaml, check_json, check_yaml

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
FLOW_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": FlowSchema.model_json_schema(by_alias=True)},
    "application/yaml": {"schema": {"type": "string"}}}}}
YAML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/yaml": {"schema": {"type": "string"}}},
          "description": "JSON, or the flow's YAML text when asked with "
                         "`Accept: application/yaml`"}}
Version = Annotated[int, Path(ge=1, le=2**53)]


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["flows"])
    flows = ctx.flows
    Anyone = Annotated[Principal, Depends(ctx.guard.require("kiosk", "mediator", "manager"))]
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]

    def answer(request: Request, envelope: dict[str, Any]) -> Any:
        if "yaml" in request.headers.get("accept", "").lower():
            pictures = json.dumps(envelope.get("pictures") or {}, separators=(",", ":"))
            return Response(as_yaml(envelope), media_type="application/yaml",
                            headers={"X-Flow-Version": str(envelope.get("version") or "draft"),
                                     "X-Flow-Pictures": pictures})
        return envelope

    @r.get("/flows")
    async def list_flows(who: Anyone) -> dict[str, Any]:
        """Every published flow, by id: ``{"items": [{"id", "title": {lang: text},
        "version", "published_at", "has_draft"}]}``, with ``"retired": true`` on a flow
        retired from the kiosks (they hide it, a built-in one of that id too). A manager
        also sees flows that only have a draft (``version`` and ``published_at`` null), and
        ``retired`` on every item."""
        return {"items": flows.listing(with_unpublished=who.role == "manager")}

    @r.get("/flows/{flow_id}", responses=YAML_RESPONSE, response_model=None)
    async def get_flow(flow_id: str, request: Request, who: Anyone, draft: bool = False) -> Any:
        """The current version: ``{"id", "version", "published_by", "published_at",
        "note", "current": true, "flow": {...}, "source", "pictures": {name: sha256}}``
        (``pictures``: the hub pictures it names, as pinned when it was published). With
        ``?draft=1`` (managers only) the draft: ``{"id", "draft": true, "based_on",
        "saved_by", "saved_at", "flow", "source", "warnings", "pictures"}``. ``Accept:
        application/yaml`` gives the YAML text, with ``X-Flow-Version`` and
        ``X-Flow-Pictures`` (the pictures as compact JSON) headers."""
        if draft and who.role != "manager":
            raise HTTPException(403, "only managers read drafts")
        return answer(request, flows.draft(flow_id) if draft else flows.current(flow_id))

    @r.put("/flows/{flow_id}", openapi_extra=FLOW_BODY)
    async def put_draft(flow_id: str, request: Request, who: Manager) -> dict[str, Any]:
        """Save the draft of a flow (new or not): the flow as JSON, or its YAML text with
        ``Content-Type: application/yaml``. Checked by the kiosk's validator: errors
        answer 422 (``detail``: ``[{"loc", "line", "msg": "line: message", "type"}]``)
        and keep the stored draft; warnings (easy-to-read rules) come back in
        ``warnings``. A step's picture must be a built-in one or on the hub
        (``GET /pictures``). Answers the draft as ``GET /flows/{id}?draft=1`` does."""
        raw = await api.read_raw(request)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        names = flows.pictures.names()
        try:
            if kind in YAML_TYPES:
                checked = await asyncio.to_thread(check_yaml, _text(raw), flow_id, _text(raw),
                                                  names)
            else:
                checked = await asyncio.to_thread(check_json, _json(raw), flow_id, names)
        except Invalid as exc:
            raise HTTPException(422, exc.items) from None
        return await asyncio.wrap_future(flows.save_draft(flow_id, checked, who.name))

    @r.post("/flows/{flow_id}/publish", openapi_extra=api.body_schema(api.Publish, required=False))
    async def publish(flow_id: str, request: Request, who: Manager) -> dict[str, Any]:
        """Make the draft the next version (``{"note"}`` optional). Answers the version:
        ``{"version", "published_by", "published_at", "note", "current": true}``; 409
        when there is no draft; 422 (with the lines, as for a draft) when the draft no
        longer passes, e.g. a picture it names is gone. Kiosks hear ``flow.published``."""
        body = await api.parse(request, api.Publish, empty_ok=True)
        try:
            await asyncio.to_thread(flows.check_draft, flow_id)
        except Invalid as exc:
            raise HTTPException(422, exc.items) from None
        return await asyncio.wrap_future(flows.publish(flow_id, body.note, who.name))

    @r.post("/flows/{flow_id}/rollback")
    async def rollback(flow_id: str, who: Manager) -> dict[str, Any]:
        """Make the version before the current one current again (409 at the first), noted
        ``rollback`` in the changes. Answers that version as ``publish`` does; kiosks hear
        ``flow.published``."""
        return await asyncio.wrap_future(flows.rollback(flow_id, who.name))

    @r.post("/flows/{flow_id}/versions/{number}/current",
            openapi_extra=api.body_schema(api.Publish, required=False))
    async def make_current(flow_id: str, number: Version, request: Request,
                           who: Manager) -> dict[str, Any]:
        """Make any version current (``{"note"}`` optional: why), 409 when it is already;
        answers it as ``publish`` does; kiosks hear ``flow.published``."""
        body = await api.parse(request, api.Publish, empty_ok=True)
        return await asyncio.wrap_future(flows.make_current(flow_id, number, body.note, who.name))

    @r.post("/flows/{flow_id}/retire", openapi_extra=api.body_schema(api.Publish, required=False))
    async def retire(flow_id: str, request: Request, who: Manager) -> dict[str, Any]:
        """Hide the flow from the kiosks (``{"note"}`` optional); its versions stay. Answers
        ``{"id", "retired": true, "retired_at", "retired_by"}``, 409 when it is retired
        already; kiosks hear ``flow.retired`` ``{"id"}``."""
        body = await api.parse(request, api.Publish, empty_ok=True)
        return await asyncio.wrap_future(flows.retire(flow_id, body.note, who.name))

    @r.post("/flows/{flow_id}/restore", openapi_extra=api.body_schema(api.Publish, required=False))
    async def restore(flow_id: str, request: Request, who: Manager) -> dict[str, Any]:
        """Show a retired flow on the kiosks again (``{"note"}`` optional); 409 when it is
        not retired; kiosks hear ``flow.restored`` ``{"id"}``."""
        body = await api.parse(request, api.Publish, empty_ok=True)
        return await asyncio.wrap_future(flows.retire(flow_id, body.note, who.name,
                                                      retired=False))

    @r.delete("/flows/{flow_id}/draft")
    async def discard(flow_id: str, who: Manager) -> dict[str, Any]:
        """Throw the draft away: ``{"id", "discarded": true}``, 404 when there is none. A
        flow never published goes with its draft."""
        return await asyncio.wrap_future(flows.discard(flow_id, who.name))

    @r.get("/flows/{flow_id}/changes")
    async def changes(flow_id: str, _who: Manager) -> dict[str, Any]:
        """The flow's log, newest first: ``{"items": [{"action": "published|current|
        rollback|retired|restored|discarded", "version", "note", "by", "at"}]}``."""
        return {"items": flows.changes(flow_id)}

    @r.get("/flows/{flow_id}/versions")
    async def versions(flow_id: str, _who: Anyone) -> dict[str, Any]:
        """Every version, newest first: ``{"items": [{"version", "published_by",
        "published_at", "note", "current"}]}``."""
        return {"items": flows.versions(flow_id)}

    @r.get("/flows/{flow_id}/versions/{number}", responses=YAML_RESPONSE, response_model=None)
    async def version(flow_id: str, number: Version, request: Request, _who: Anyone) -> Any:
        """One version, shaped like ``GET /flows/{id}`` (``current`` says whether it is)."""
        return answer(request, flows.version(flow_id, number))

    return r


def _text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise api.unprocessable("the YAML text is not UTF-8") from None
    if not text.strip():
        raise api.unprocessable("a flow is required")
    return text


def _json(raw: bytes) -> Any:
    if not raw:
        raise api.unprocessable("a flow is required (JSON, or YAML with Content-Type: "
                                "application/yaml)")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise api.unprocessable(f"malformed JSON: {exc}") from None
    except RecursionError:
        raise api.unprocessable("malformed JSON: nested too deeply") from None
