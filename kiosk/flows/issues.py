"""A problem found in a flow file, pointed at its line (light: no pydantic, no YAML).

An issue made by the validator has a message code and its values beside its English
``message``, so an app can say it in its own language (:meth:`Issue.text`; the words are
in :mod:`kiosk.flows.messages`' catalogs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem found in a flow file."""

    file: str
    line: int
    severity: Severity
    message: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, file: str, line: int, severity: Severity, code: str, **params: Any) -> Issue:
        """An issue from a message code (its English words as ``message``)."""
        from kiosk.flows.messages import render

        return cls(file, line, severity, render(code, params), code, params)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (English when it has no code or no such catalog)."""
        if not self.code:
            return self.message
        from kiosk.flows.messages import render

        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "line": self.line, "severity": self.severity,
                               "message": self.message}
        if self.code:
            out["code"], out["params"] = self.code, dict(self.params)
        return out
