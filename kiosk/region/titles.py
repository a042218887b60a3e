"""Words beside the ids a region's report shows: each built-in flow's title and each of
its steps' text, shortened, in the reader's language (as the hub's CSV puts them beside
ids). The exports carry ids only; a flow an office made itself has no title here and
shows its id alone."""

from __future__ import annotations

import functools
from typing import Any

from kiosk.flows.model import pick, shorten


@functools.lru_cache(maxsize=1)
def _library() -> dict[str, Any]:
    from kiosk import paths
    from kiosk.flows.library import FlowLibrary

    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    return {flow.id: flow for flow in library.ordered()}


def flow_title(flow_id: str, lang: str) -> str:
    flow = _library().get(flow_id)
    return pick(flow.title, lang) if flow is not None else ""


def step_title(flow_id: str, step_id: str, lang: str) -> str:
    flow = _library().get(flow_id)
    for step in flow.steps if flow is not None else ():
        if step.id == step_id:
            return shorten(pick(step.text, lang))
    return ""


def titled(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """``report`` with ``flow_title`` (and ``step_title``) beside each step's and flow's
    ids, in ``lang``; empty for an id no built-in flow has."""
    steps = [{**s, "flow_title": flow_title(s["flow_id"], lang),
              "step_title": step_title(s["flow_id"], s["step_id"], lang)}
             for s in report.get("steps") or []]
    flows = [{**f, "flow_title": flow_title(f["flow_id"], lang)} for f in report.get("flows") or []]
    return {**report, "steps": steps, "flows": flows}
