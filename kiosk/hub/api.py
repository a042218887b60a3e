"""Request bodies of the hub API (pydantic) and the parsing that keeps DESIGN.md's order
of checks: 401 (token) -> 403 (role) -> 413/422 (body) -> 404 -> 409.

Bodies are read by hand after authentication, because FastAPI would otherwise reject a
malformed body with 422 before it looks at the token.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

MAX_BODY = 1024 * 1024
M = TypeVar("M")

Slug = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _uuid(value: str) -> str:
    uuid.UUID(value)
    return value


class HelpCreate(_Body):
    id: str = Field(description="UUID made by the kiosk; posting it again changes nothing")
    kiosk_id: str = Slug
    flow_id: str | None = Field(default=None, max_length=64)
    step_id: str | None = Field(default=None, max_length=64)
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    kind: Literal["help", "workshop"] = "help"
    level: Literal["initiation", "perfectionnement", "outils-budgetaires"] | None = None
    seconds_on_step: float | None = Field(default=None, ge=0, le=86_400)

    _check_id = field_validator("id")(_uuid)


class Resolve(_Body):
    outcome: Literal["helped", "sent-to-counter", "workshop", "left", "other"]
    note: str | None = Field(default=None, max_length=2000)


class EventIn(_Body):
    id: str
    kiosk_id: str = Slug
    session_id: str | None = Field(default=None, max_length=64)
    type: str = Field(min_length=1, max_length=64)
    flow_id: str | None = Field(default=None, max_length=64)
    step_id: str | None = Field(default=None, max_length=64)
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)

    _check_id = field_validator("id")(_uuid)


EventBatch = TypeAdapter(list[EventIn])


class Login(_Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Heartbeat(_Body):
    flows: dict[str, int] = Field(default_factory=dict, description="flow id -> version")
    voice: str | None = Field(default=None, max_length=64)
    outbox: int = Field(default=0, ge=0)
    version: str | None = Field(default=None, max_length=32)


def _messages(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()]


def unprocessable(message: str, *loc: str | int) -> HTTPException:
    """A 422 shaped like FastAPI's own (``detail`` is a list of problems)."""
    return HTTPException(422, [{"loc": list(loc) or ["body"], "msg": message,
                                "type": "value_error"}])


async def read_json(request: Request) -> Any:
    """The JSON body, or 413 (over 1 MiB) / 422 (not JSON) with a message."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, "the body is larger than 1 MiB")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, "the body is larger than 1 MiB")
    if not raw:
        raise unprocessable("a JSON body is required")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise unprocessable(f"malformed JSON: {exc}") from None


async def parse(request: Request, model: type[M] | TypeAdapter[M]) -> M:
    """The body validated against ``model``, or 413/422 with every problem listed."""
    data = await read_json(request)
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data)
        result: M = model.model_validate(data)  # type: ignore[attr-defined]
        return result
    except ValidationError as exc:
        raise HTTPException(422, _messages(exc)) from None


def body_schema(model: type[BaseModel] | TypeAdapter[Any]) -> dict[str, Any]:
    """``openapi_extra`` describing a JSON body parsed by hand."""
    schema = model.json_schema() if isinstance(model, TypeAdapter) else model.model_json_schema()
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}
