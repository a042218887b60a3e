"""The set of flows a kiosk offers: built-in flows plus the office's, last good version kept.

Validated flows are cached as plain JSON keyed by the file's content, so a kiosk start
needs neither YAML nor the validator when nothing changed. A file that turns invalid
never replaces the flow it held: the problems are reported and the old version stays.

A folder of flows from the hub may hold beside them ``pictures.json`` (``{flow id: {picture
name: sha256}}``: the hub pictures each version names, stored once by sha256 in
``paths.hub_pictures_dir()``, see :func:`picture_file`) and ``retired.json`` (the ids of
flows the office retired: none of them is offered, a built-in one of that id neither).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from kiosk.flows.issues import Issue
from kiosk.flows.model import Flow

log = logging.getLogger(__name__)

CACHE_VERSION = "1"
PICTURES = "pictures.json"
RETIRED = "retired.json"
BUILTIN_ORDER = (
    "frank-letter", "send-parcel", "collect-parcel", "buy-stamps", "send-registered",
    "track-shipment", "pickup-return", "use-locker", "digital-skills",
)


def flow_files(folders: Iterable[Path]) -> list[Path]:
    """The ``*.yaml`` / ``*.yml`` files of each folder, folder order kept."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    return files


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_pictures(folder: Path) -> dict[str, dict[str, str]]:
    """``{flow id: {picture name: sha256}}`` of the flows in ``folder`` ({} when none)."""
    data = _read_json(folder / PICTURES)
    if not isinstance(data, dict):
        return {}
    return {str(fid): {str(k): str(v) for k, v in names.items()}
            for fid, names in data.items() if isinstance(names, dict)}


def read_retired(folder: Path) -> set[str]:
    """The ids of the flows retired by the office, as listed in ``folder`` (none when
    there is no list)."""
    data = _read_json(folder / RETIRED)
    return {str(fid) for fid in data} if isinstance(data, list) else set()


def picture_file(folder: Path, name: str, sha256: str) -> Path:
    """Where a hub picture is kept in ``folder``: by its sha256, with its name's extension
    (how it is drawn: ``.svg`` or ``.png``)."""
    return folder / f"{sha256}{Path(name).suffix.lower()}"


def hub_pictures(folder: Path, pictures_dir: Path) -> dict[str, str]:
    """Picture name -> the file it is drawn from, for the flows in ``folder`` (when two
    flows give a name different pictures, the flow first by id wins)."""
    files: dict[str, str] = {}
    for _flow_id, names in sorted(read_pictures(folder).items()):
        for name, sha in names.items():
            files.setdefault(name, str(picture_file(pictures_dir, name, sha)))
    return files


class FlowLibrary:
    """Flows by id, loaded from folders; later folders override earlier ones by id."""

    def __init__(self, folders: Iterable[Path], cache_file: Path | None = None) -> None:
        self.folders = list(folders)
        self.cache_file = cache_file
        self.flows: dict[str, Flow] = {}
        self.problems: list[Issue] = []
        self.sources: dict[str, Path] = {}  # flow id -> the file it was loaded from
        self._entries: dict[str, Any] = {}

    def ordered(self) -> list[Flow]:
        """Flows in home-screen order: built-in order first, then by id."""
        rank = {fid: i for i, fid in enumerate(BUILTIN_ORDER)}
        return sorted(self.flows.values(), key=lambda f: (rank.get(f.id, len(rank)), f.id))

    def get(self, flow_id: str) -> Flow:
        return self.flows[flow_id]

    def load(self) -> list[Issue]:
        """(Re)load every file; returns the problems (errors and warnings) found.

        The cache maps each file to the content hash and flow of its last good version,
        so a file broken while the kiosk was off still yields its last good flow.
        """
        cache = {**self._read_cache(), **self._entries}
        fresh: dict[str, Any] = {}
        problems: list[Issue] = []
        flows: dict[str, Flow] = {}
        sources: dict[str, Path] = {}
        pictures = {folder: read_pictures(folder) for folder in self.folders}
        for path in flow_files(self.folders):
            names = pictures.get(path.parent, {}).get(path.stem, {})
            entry = self._load_one(path, cache.get(str(path)), problems, names)
            if entry is not None:
                fresh[str(path)] = entry
                flow = Flow.from_dict(entry["flow"])
                flows[flow.id] = flow
                sources[flow.id] = path
        for folder in self.folders:
            for flow_id in read_retired(folder):  # retired by the office: not offered
                flows.pop(flow_id, None)
                sources.pop(flow_id, None)
        # swapped at once: readers never see half
        self.flows, self.problems, self.sources = flows, problems, sources
        self._entries = fresh
        if self.cache_file is not None and fresh != cache:
            self._write_cache(fresh)
        return problems

    def _load_one(self, path: Path, cached: dict[str, Any] | None, problems: list[Issue],
                  pictures: Collection[str] = ()) -> dict[str, Any] | None:
        """The cache entry for ``path``: fresh if the file is valid, else the last good.
        ``pictures``: the hub pictures its steps may show beside the built-in ones."""
        try:
            st = path.stat()
            stamp = f"{CACHE_VERSION}:{st.st_mtime_ns}:{st.st_size}"
            if cached is not None and cached.get("stamp") == stamp:
                return cached  # unchanged since last time: no need to even read it
            from kiosk.flows import guard  # only when the file changed

            raw = guard.read_bytes(path)
        except OSError as exc:
            problems.append(Issue(str(path), 1, "error", f"cannot read: {exc}"))
            return cached
        if len(raw) > guard.MAX_TEXT:
            problems.append(Issue(str(path), 1, "error", guard.TOO_LARGE))
            return cached
        import hashlib

        key = hashlib.sha256(CACHE_VERSION.encode() + raw).hexdigest()
        if cached is not None and cached.get("key") == key:
            return {**cached, "stamp": stamp}
        from kiosk.flows.validator import validate_text  # only when the file changed

        report = validate_text(raw.decode("utf-8", errors="replace"), str(path),
                               pictures=pictures)
        problems += report.issues
        if report.flow is None:
            if cached is not None:
                log.warning("%s is invalid; keeping its last good version", path)
            return cached
        return {"key": key, "stamp": stamp, "flow": report.flow.to_dict()}

    def _read_cache(self) -> dict[str, Any]:
        if self.cache_file is None or not self.cache_file.is_file():
            return {}
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_cache(self, data: dict[str, Any]) -> None:
        assert self.cache_file is not None
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.cache_file)
        except OSError as exc:  # a read-only cache only costs speed
            log.warning("cannot write the flow cache %s: %s", self.cache_file, exc)
