"""The glossary: the flows' hard words (étiquette, automate, consigne, avis de passage...)
explained in plain words with a picture, in every customer language; and the known hard
postal words the easy-to-read check looks for (``JARGON_TERMS``, :func:`uncovered`).

Data, no code per language: ``glossary/terms.yaml`` holds each term's id and picture (in
assets/pictures), ``glossary/<code>.yaml`` one language's words and explanations and its
known hard words (``jargon``). A language without a file has an empty glossary.

Matching (:meth:`Glossary.find`): whole words, case aside, accents as written (``étiquette``
is not ``etiquette``), ``'`` and ``’`` alike, the longest word first and no two matches
overlapping. Nothing is read at import: a language's file is read, and its words
compiled, when it is first asked for; what a text matches is cached per text (a step
drawn again costs a dictionary look-up).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

FOLDER = Path(__file__).resolve().parent / "glossary"
TERMS_FILE = "terms.yaml"
# combining marks (Arabic short vowels and tanwin, accents typed apart) belong to the
# word they follow: "ملصق" is not a whole word inside "ملصقًا"
_MARKS = frozenset({"Mn", "Mc", "Me"})


class Term(NamedTuple):
    """One hard word in one language: its id (the same in every language), the forms the
    flows write it in, its plain explanation and its picture's file name."""

    id: str
    words: tuple[str, ...]
    explanation: str
    picture: str


class Match(NamedTuple):
    """Where a term's word is in a text: ``text[start:end]``."""

    start: int
    end: int
    term: Term


def _load(path: Path) -> dict[str, Any]:
    """A glossary file as data; parsed once, then read as JSON from the cache (a kiosk's
    first step need not import the YAML parser: ~10 ms)."""
    from kiosk import paths
    from kiosk.i18n import cached_yaml

    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    cached = paths.cache_dir() / "glossary" / f"{path.stem}-{st.st_mtime_ns}-{st.st_size}.json"
    return cached_yaml(path, cached)


@cache
def pictures() -> dict[str, str]:
    """Every term's id and its picture, in the glossary's order."""
    return {str(k): str(v) for k, v in _load(FOLDER / TERMS_FILE).items()}


def languages() -> tuple[str, ...]:
    """The languages that have a glossary file (French first, then by code)."""
    codes = [p.stem for p in FOLDER.glob("*.yaml") if p.name != TERMS_FILE]
    return tuple(sorted(codes, key=lambda c: (c != "fr", c)))


def word_pattern(word: str) -> str:
    """The regular expression of one word or phrase: spaces as any run of spaces (a
    no-break one too), ``'`` as either apostrophe, ``-`` as either hyphen."""
    parts: list[str] = []
    for ch in word.strip():
        if ch.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif ch in "'’":
            parts.append("['’]")
        elif ch in "-\u2011":
            parts.append("[-\u2011]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


class Words:
    """Words compiled into one pattern (a language's glossary or jargon: ~1 ms, where one
    pattern a word took ~15): each place a word starts, and the longest word there."""

    def __init__(self, words: list[str]) -> None:
        self.words = sorted(dict.fromkeys(w for w in words if w.strip()),
                            key=lambda w: (-len(w), w))
        alternatives = "|".join(f"(?P<w{i}>{word_pattern(w)})(?!\\w)"
                                for i, w in enumerate(self.words))
        self.pattern = re.compile(rf"(?<!\w)(?=(?:{alternatives}))", re.IGNORECASE) \
            if self.words else None

    def hits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word as listed) for each place a word starts in ``text``."""
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            group = m.lastgroup or ""
            start, end = m.span(group)
            if end < len(text) and unicodedata.category(text[end]) in _MARKS:
                continue  # the word goes on: a mark belongs to the letter before it
            out.append((start, end, self.words[int(group[1:])]))
        return out


def longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The matches kept: longest first, then leftmost; none overlapping one kept before;
    in the text's order."""
    kept: list[tuple[int, int, str]] = []
    for start, end, what in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, what))
    return sorted(kept, key=lambda m: m[0])


class Glossary:
    """The terms of one language and how to find them in a text."""

    def __init__(self, language: str, terms: tuple[Term, ...]) -> None:
        self.language = language
        self.terms = terms
        self._by_id = {term.id: term for term in terms}
        self._owners = {w: term for term in terms for w in term.words}
        self._words = Words(list(self._owners))
        self._found: dict[str, tuple[Match, ...]] = {}

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, term_id: str) -> Term | None:
        return self._by_id.get(term_id)

    def find(self, text: str) -> list[Match]:
        """The glossary's words in ``text``, in its order (see the module's rules)."""
        found = self._found.get(text)
        if found is None:
            found = tuple(Match(s, e, self._owners[w])
                          for s, e, w in longest_first(self._words.hits(text)))
            if len(self._found) >= 2048:  # a kiosk sees a few hundred texts: never reached
                self._found.clear()
            self._found[text] = found
        return list(found)


@cache
def glossary(lang: str) -> Glossary:
    """The glossary of ``lang`` (empty for a language without one), read once."""
    data = _load(FOLDER / f"{lang}.yaml") if lang in languages() else {}
    entries = data.get("terms") or {}
    terms = []
    for term_id, picture in pictures().items():
        entry = entries.get(term_id)
        if not isinstance(entry, dict):
            continue
        words = tuple(str(w) for w in entry.get("words") or [] if str(w).strip())
        terms.append(Term(term_id, words, str(entry.get("explanation") or "").strip(), picture))
    return Glossary(lang, tuple(terms))


@cache
def jargon_terms() -> dict[str, tuple[str, ...]]:
    """The known hard postal words of each language with a glossary file (``jargon``)."""
    out = {}
    for lang in languages():
        words = _load(FOLDER / f"{lang}.yaml").get("jargon") or []
        out[lang] = tuple(dict.fromkeys(str(w) for w in words if str(w).strip()))
    return out


@cache
def _jargon_words(lang: str) -> Words:
    return Words(list(jargon_terms().get(lang, ())))


def uncovered(text: str, lang: str) -> list[str]:
    """The known hard words of ``lang`` that ``text`` uses and that its glossary does not
    explain there (no glossary word covers them), as the jargon list writes them, in the
    text's order, once each. For the easy-to-read check: write them plainly, or add them
    to the glossary."""
    explained = [(m.start, m.end) for m in glossary(lang).find(text)]
    out: list[str] = []
    for start, end, word in longest_first(_jargon_words(lang).hits(text)):
        if not any(s <= start and end <= e for s, e in explained) and word not in out:
            out.append(word)
    return out


def __getattr__(name: str) -> Any:
    """``JARGON_TERMS``: the known hard postal words per language, read when first used."""
    if name == "JARGON_TERMS":
        return jargon_terms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
