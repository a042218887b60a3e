"""Request bodies of the hub API (pydantic) and the parsing that keeps DESIGN.md's order
of checks: 401 (token) -> 403 (role) -> 413/422 (body) -> 404 -> 409.

Bodies are read by hand after authentication, because FastAPI would otherwise reject a
malformed body with 422 before it looks at the token.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import HTTPException, Request
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from kiosk.flows.model import ID_MAX, ID_PATTERN
from kiosk.hub.store import EventRow
from kiosk.hub.times import utc_iso

MAX_BODY = 1024 * 1024
BODY_SECONDS = 10.0  # to receive a whole body, once the head has come
M = TypeVar("M")

Slug = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _flow_part(what: str) -> Any:
    """A flow or step id: the validator's own rule, so that no flow that validates has
    its help calls or events refused."""
    return Field(default=None, max_length=ID_MAX, pattern=ID_PATTERN,
                 description=f"{what} id: lowercase letters and digits joined by single '-', "
                             f"at most {ID_MAX} characters")


def _text(what: str) -> Any:
    return Field(default=None, max_length=2000, description=what)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _uuid(value: str) -> str:
    uuid.UUID(value)
    return value


class HelpCreate(_Body):
    id: str = Field(description="UUID made by the kiosk; posting it again changes nothing")
    kiosk_id: str = Slug
    flow_id: str | None = _flow_part("Flow")
    step_id: str | None = _flow_part("Step")
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    kind: Literal["help", "workshop"] = "help"
    level: Literal["initiation", "perfectionnement", "outils-budgetaires"] | None = None
    seconds_on_step: float | None = Field(default=None, ge=0, le=86_400)
    at: AwareDatetime | None = Field(
        default=None, description="When the customer asked (the kiosk's clock); a call that "
        "waited in an offline kiosk's outbox keeps its real waiting time. Ignored when more "
        "than a day old or in the future.")
    # the call carries its own text, so that consoles never show their own (older) copy
    flow_version: int | None = Field(default=None, ge=1, le=2**31,
                                     description="The version of the flow the kiosk runs")
    flow_title_fr: str | None = _text("The flow's title in French")
    step_title_fr: str | None = _text("The step, shortened, in French")
    step_text_fr: str | None = _text("The step's text in French")
    flow_title: str | None = _text("The flow's title in the customer's language")
    step_title: str | None = _text("The step, shortened, in the customer's language")
    step_text: str | None = _text("The step's text in the customer's language")

    _check_id = field_validator("id")(_uuid)


class Resolve(_Body):
    outcome: Literal["helped", "sent-to-counter", "workshop", "left", "other"]
    note: str | None = Field(default=None, max_length=2000)


class EventIn(_Body):
    id: uuid.UUID = Field(description="UUID made by the kiosk; an event posted again is "
                                      "stored once")
    kiosk_id: str = Slug
    session_id: str | None = Field(default=None, max_length=64)
    type: str = Field(min_length=1, max_length=64)
    flow_id: str | None = _flow_part("Flow")
    step_id: str | None = _flow_part("Step")
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)


EventBatch = TypeAdapter(list[EventIn])
SMALL_BATCH = 16 * 1024  # bytes: a batch this small is checked on the event loop


def event_rows(raw: bytes) -> list[EventRow]:
    """A batch of events (JSON) validated, as the rows :meth:`Store.add_events` stores:
    ids in their canonical form, instants in UTC, ``data`` as JSON. 422 on any problem.
    (Milliseconds for 500 events: big batches are checked in a worker thread.)"""
    return [(str(e.id), e.kiosk_id, e.session_id, e.type, e.flow_id, e.step_id, utc_iso(e.at),
             json.dumps(e.data) if e.data else "{}")
            for e in validate(raw, EventBatch)]


class Login(_Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Publish(_Body):
    note: str | None = Field(default=None, max_length=2000,
                             description="What changed, shown in the list of versions")


Level = Literal["initiation", "perfectionnement", "outils-budgetaires"]


def _aware(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("start must be an ISO 8601 date and time, e.g. "
                         "2026-11-23T14:00:00+01:00") from None
    if moment.tzinfo is None:
        raise ValueError("start needs a UTC offset, e.g. 2026-11-23T14:00:00+01:00")
    if not 2000 <= moment.year <= 2999:
        raise ValueError("start must be between the years 2000 and 2999")
    return moment


class WorkshopCreate(_Body):
    title: str = Field(min_length=1, max_length=200)
    level: Level
    start: str = Field(max_length=40, description="ISO 8601 with a UTC offset, e.g. "
                                                  "2026-11-23T14:00:00+01:00")
    duration_minutes: int = Field(default=120, ge=15, le=720)
    capacity: int = Field(default=8, ge=1, le=200)
    place: str | None = Field(default=None, max_length=200)

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        _aware(value)
        return value

    def row(self) -> dict[str, Any]:
        """The columns to store, ``start`` as an aware datetime."""
        return {**self.model_dump(), "start": _aware(self.start)}


class Registration(_Body):
    first_name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=32, pattern=r"^[0-9+() .-]*$")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    consent: bool = Field(description="The person agreed that these details are kept until "
                                      "the workshop (must be true)")
    help_request_id: str | None = Field(default=None, description="The call it came from")

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("the person must agree to their details being kept (consent: true)")
        return value

    @field_validator("help_request_id")
    @classmethod
    def _request_id(cls, value: str | None) -> str | None:
        return None if value is None else _uuid(value)


class Note(_Body):
    note: str = Field(max_length=2000, description="The call's note (replaces the last one)")


class Handover(_Body):
    to: str = Field(min_length=1, max_length=64, description="The colleague's user name")


class PresenceSet(_Body):
    state: Literal["available", "break"] = Field(
        description="available, or on a break (busy is set by the hub while a call is held)")


class Attendance(_Body):
    registration_id: int = Field(ge=1, le=2**53)
    attended: bool


class UserCreate(_Body):
    name: str = Slug
    role: Literal["mediator", "manager"]
    password: str = Field(min_length=8, max_length=256)


class Password(_Body):
    password: str = Field(min_length=8, max_length=256)


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
    return _json(await read_raw(request))


def _json(raw: bytes) -> Any:
    if not raw:
        raise unprocessable("a JSON body is required")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise unprocessable(f"malformed JSON: {exc}") from None
    except RecursionError:
        raise unprocessable("malformed JSON: nested too deeply") from None


async def read_raw(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body as bytes, or 413 when over ``limit`` (1 MiB), or 408 when it takes over
    :data:`BODY_SECONDS` to arrive."""
    too_large = f"the body is larger than {limit // (1024 * 1024)} MiB"
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        # the body is not read: the client sends its next request on a new connection
        raise HTTPException(413, too_large, headers={"Connection": "close"})
    raw = bytearray()
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > limit:
                    raise HTTPException(413, too_large, headers={"Connection": "close"})
    except TimeoutError:
        raise HTTPException(408, f"the body took longer than {BODY_SECONDS:.0f} s to arrive",
                            headers={"Connection": "close"}) from None
    return bytes(raw)


async def parse(request: Request, model: type[M] | TypeAdapter[M], empty_ok: bool = False) -> M:
    """The body validated against ``model``, or 413/422 with every problem listed. With
    ``empty_ok``, no body at all reads as ``{}``."""
    raw = await read_raw(request)
    if empty_ok and not raw:
        return validate(b"{}", model)
    return validate(raw, model)


def validate(raw: bytes, model: type[M] | TypeAdapter[M]) -> M:
    """``raw`` (JSON) validated against ``model``, or 422 with every problem listed.

    The bytes are parsed and validated in one pass (pydantic's ``validate_json``); only
    a body that its parser refuses is read again by :func:`json.loads`, so that malformed
    JSON is told in the same words as ever (and what ``json.loads`` accepts still is)."""
    if not raw:
        raise unprocessable("a JSON body is required")
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_json(raw)
        result: M = model.model_validate_json(raw)  # type: ignore[attr-defined]
        return result
    except ValidationError as exc:
        if not any(e["type"] == "json_invalid" for e in exc.errors()):
            raise HTTPException(422, _messages(exc)) from None
    data = _json(raw)  # raises "malformed JSON: ..." (json.loads' own words)
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data)
        result = model.model_validate(data)  # type: ignore[attr-defined]
        return result
    except ValidationError as exc:
        raise HTTPException(422, _messages(exc)) from None


def reason(exc: HTTPException) -> str:
    """A refusal's words on one line (the problems of a 422 joined)."""
    detail = exc.detail
    if isinstance(detail, list):
        return "; ".join(f"{'.'.join(str(p) for p in d.get('loc', [])[1:]) or 'body'}: "
                         f"{d.get('msg', '')}" for d in detail if isinstance(d, dict))
    return str(detail)


def body_schema(model: type[BaseModel] | TypeAdapter[Any], required: bool = True,
                ) -> dict[str, Any]:
    """``openapi_extra`` describing a JSON body parsed by hand."""
    schema = model.json_schema() if isinstance(model, TypeAdapter) else model.model_json_schema()
    return {"requestBody": {"required": required,
                            "content": {"application/json": {"schema": schema}}}}


# -- workshops edited and cancelled, registrations moved (kiosk.hub.routes_workshops) --------
_EDITABLE = ("title", "level", "start", "duration_minutes", "capacity")


class WorkshopEdit(_Body):
    """Some of a workshop's fields (at least one); ``place`` may be null (no place)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    level: Level | None = None
    start: str | None = Field(default=None, max_length=40, description="ISO 8601 with a UTC "
                              "offset, e.g. 2026-11-23T14:00:00+01:00")
    duration_minutes: int | None = Field(default=None, ge=15, le=720)
    capacity: int | None = Field(default=None, ge=1, le=200)
    place: str | None = Field(default=None, max_length=200)

    @field_validator(*_EDITABLE, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null (leave it out to keep it)")
        return value

    @field_validator("start")
    @classmethod
    def _start(cls, value: str | None) -> str | None:
        if value is not None:
            _aware(value)
        return value

    def changes(self) -> dict[str, Any]:
        """The fields sent, ``start`` as an aware datetime; 422 when none was."""
        if not self.model_fields_set:
            raise unprocessable("give at least one of title, level, start, duration_minutes, "
                                "capacity, place")
        out = {name: getattr(self, name) for name in self.model_fields_set}
        if self.start is not None:
            out["start"] = _aware(self.start)
        return out


class WorkshopCancel(_Body):
    reason: str = Field(min_length=1, max_length=500,
                        description="Why (kept with the workshop, shown to staff)")


class RegistrationMove(_Body):
    workshop_id: int = Field(ge=1, le=2**53, description="The workshop to move the person to")
