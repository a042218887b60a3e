"""The words of the validator's and the easy-to-read lint's messages, in any language.

A problem is a message code and its values (``("unknown_key", {"key": "tilte", "hint":
...})``); its words live in the ``flows`` catalogs (``kiosk/i18n/flows/<lang>.yaml``),
English being the language of ``kiosk flows validate`` and of the hub's ``msg`` field, and
the manager's editor showing the same problem in its own language from the code and
values the hub sends beside ``msg``. A value may itself be a message (``{"code",
"params"}``: a "did you mean" hint, a reason), rendered in the same language first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT = "en"  # the command line's and the API's ``msg`` language
DOMAIN = "flows"

Params = Mapping[str, Any]


def msg(code: str, **params: Any) -> dict[str, Any]:
    """A message as a value of another message (and as JSON): ``{"code", "params"}``."""
    return {"code": code, "params": params}


def languages() -> set[str]:
    """The languages the messages can be said in (those with a flows catalog)."""
    from kiosk.i18n import HERE

    return {p.stem for p in (HERE / DOMAIN).glob("*.yaml")}


def render(code: str, params: Params | None = None, lang: str = DEFAULT) -> str:
    """The message ``code`` with ``params`` in ``lang`` (English for a language that has
    no flows catalog). An unknown code raises KeyError: every message is in the catalog."""
    from kiosk.i18n import catalog

    lang = lang if lang in _available() else DEFAULT
    values = {k: _value(v, lang) for k, v in (params or {}).items()}
    return catalog(lang, DOMAIN).t(code, **values)


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping) and "code" in value:
        return render(str(value["code"]), value.get("params") or {}, lang)
    return value


_AVAILABLE: set[str] = set()


def _available() -> set[str]:
    if not _AVAILABLE:
        _AVAILABLE.update(languages())
    return _AVAILABLE


def render_item(item: Mapping[str, Any], lang: str) -> str:
    """An API error or warning item (``{"line", "msg", "code", "params"}``) as
    ``line: message`` in ``lang``; its English ``msg`` when it has no code."""
    code = item.get("code")
    if not isinstance(code, str) or not code:
        return str(item.get("msg", ""))
    try:
        text = render(code, item.get("params") or {}, lang)
    except (KeyError, IndexError, ValueError):
        return str(item.get("msg", ""))
    line = item.get("line")
    return f"{line}: {text}" if isinstance(line, int) else text
