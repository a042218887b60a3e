"""Where the customer of a call is, in the console's language: the flow's title and the
step's title and text that the call itself carries (the words the customer saw), so that
a console never shows its own, maybe older, copy of the flows. Only a call that carries
no text (from an older kiosk) is described from the console's flow library.

A French console shows the French texts; a console in another language shows the texts
in the customer's language when the customer reads that language, else the French ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import pick
from kiosk.i18n import Catalog


@dataclass(frozen=True)
class Where:
    flow: str  # the flow's title ("" unknown)
    step: str  # the step, short ("" none: the flow's start, or the kiosk's home)
    text: str  # the step's whole text when the short one cut it ("" otherwise)


def carried(request: dict[str, Any], lang: str) -> Where | None:
    """The texts the call carries, in ``lang`` as said above (None: it carries none)."""
    own = lang != "fr" and request.get("language") == lang

    def field(name: str) -> str:
        value = request.get(name) if own else None
        return " ".join(str(value or request.get(f"{name}_fr") or "").split())

    flow, step, text = field("flow_title"), field("step_title"), field("step_text")
    if not (flow or step or text):
        return None
    step = step or text
    return Where(flow, step, "" if text == step else text)


def from_library(request: dict[str, Any], lang: str, library: FlowLibrary) -> Where | None:
    """The console's own copy of the call's flow (older kiosks' calls); None: unknown."""
    flow_id, step_id = request.get("flow_id"), request.get("step_id")
    if not flow_id or flow_id not in library.flows:
        return None
    flow = library.flows[flow_id]
    own = lang != "fr" and request.get("language") == lang
    try:
        step = pick(flow.step(step_id).text, lang if own else "fr") if step_id else ""
    except KeyError:
        step = step_id or ""
    return Where(pick(flow.title, lang), step, "")


def where(request: dict[str, Any], strings: Catalog, library: FlowLibrary) -> Where | None:
    return carried(request, strings.lang) or from_library(request, strings.lang, library)


def line(found: Where | None, strings: Catalog) -> str:
    """``Envoyer un colis — Posez le colis…`` (or where the call came from, when unknown)."""
    if found is None:
        return strings.t("queue.nowhere")
    if found.flow and found.step:
        return strings.t("queue.where", flow=found.flow, step=found.step)
    return found.flow or found.step
