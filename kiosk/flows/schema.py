"""The structure of a schema-1 flow file as pydantic models (types and allowed keys).

Graph rules, languages, pictures and FALC checks are in ``validator``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LangText = dict[str, str]
MACHINES = ("postage", "locker", "pickup", "counter", "scale", "none")


class _Strict(BaseModel):
    # strict: no quiet conversion ("no" to False, "1" to 1, bytes to text), because the
    # validator's rules read the file's own values and the kiosk the converted ones
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class ChoiceSchema(_Strict):
    label: LangText
    next: str
    icon: str | None = None


class StepSchema(_Strict):
    id: str
    text: LangText
    say: LangText | None = None
    image: str | None = None
    next: str | None = None
    choices: list[ChoiceSchema] | None = None
    end: bool = False


class FlowSchema(_Strict):
    schema_version: int = Field(alias="schema")
    id: str
    title: LangText
    summary: LangText | None = None
    icon: str | None = None
    machine: Literal["postage", "locker", "pickup", "counter", "scale", "none"] = "none"
    start: str
    steps: list[StepSchema] = Field(min_length=1)


ALLOWED_KEYS: dict[str, tuple[str, ...]] = {
    "flow": ("schema", "id", "title", "summary", "icon", "machine", "start", "steps"),
    "step": ("id", "text", "say", "image", "next", "choices", "end"),
    "choice": ("label", "icon", "next"),
}
