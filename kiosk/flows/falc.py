"""FALC (easy-to-read) checks: sentence length, sentences per screen, jargon, and hard
postal words the glossary does not explain (:mod:`kiosk.flows.glossary`).

The numbers follow the European easy-to-read guidelines as DESIGN.md sets them:
at most 15 words a sentence, at most 2 sentences a screen, 5 words a choice label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kiosk.flows.messages import msg

MAX_WORDS = 15
MAX_SENTENCES = 2
MAX_LABEL_WORDS = 5

Problem = dict[str, Any]  # a message: {"code", "params"}

# word or phrase -> plainer wording to suggest ("" when the fix is to rephrase)
JARGON: dict[str, dict[str, str]] = {
    "fr": {
        "effectuer": "faire", "procéder": "faire", "ultérieurement": "plus tard",
        "préalablement": "avant", "afin de": "pour", "muni de": "avec", "munie de": "avec",
        "veuillez": "", "réceptionner": "recevoir", "acheminement": "envoi",
        "s'acquitter": "payer", "modalités": "", "dématérialisé": "", "ci-dessous": "",
        "ci-dessus": "", "justificatif": "papier, pièce d'identité", "nonobstant": "",
        "susmentionné": "",
    },
    "en": {
        "utilize": "use", "commence": "start", "prior to": "before",
        "subsequently": "then", "in order to": "to", "please be advised": "",
        "herewith": "", "aforementioned": "",
    },
    "es": {"efectuar": "hacer", "proceder": "hacer", "posteriormente": "después",
           "a fin de": "para"},
    "pt": {"efetuar": "fazer", "proceder": "fazer", "posteriormente": "depois",
           "a fim de": "para"},
    "ar": {},
}

_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_WORD = re.compile(r"\w", re.UNICODE)


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (split after . ! ? ؟ …), empty pieces dropped."""
    return [s for s in _SENTENCE_END.split(text.strip()) if _WORD.search(s)]


def word_count(sentence: str) -> int:
    """Words in a sentence; lone punctuation (French ' ?') is not a word."""
    return sum(1 for token in sentence.split() if _WORD.search(token))


def _jargon_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE | re.UNICODE)


_PATTERNS = {lang: [(w, s, _jargon_pattern(w)) for w, s in words.items()]
             for lang, words in JARGON.items()}


def text_problems(text: str, lang: str) -> Iterator[Problem]:
    """FALC problems of a screen text, as messages (:func:`kiosk.flows.messages.msg`)."""
    parts = sentences(text)
    if len(parts) > MAX_SENTENCES:
        yield msg("falc.sentences", n=len(parts), lang=lang, most=MAX_SENTENCES)
    for sentence in parts:
        n = word_count(sentence)
        if n > MAX_WORDS:
            yield msg("falc.long_sentence", n=n, lang=lang, most=MAX_WORDS, start=sentence[:60])
    yield from jargon_problems(text, lang)
    yield from unexplained_problems(text, lang)


def label_problems(label: str, lang: str) -> Iterator[Problem]:
    """FALC problems of a choice label."""
    n = word_count(label)
    if n > MAX_LABEL_WORDS:
        yield msg("falc.long_label", n=n, lang=lang, most=MAX_LABEL_WORDS)
    yield from jargon_problems(label, lang)
    yield from unexplained_problems(label, lang)


def jargon_problems(text: str, lang: str) -> Iterator[Problem]:
    for word, suggestion, pattern in _PATTERNS.get(lang, []):
        if pattern.search(text):
            if suggestion:
                yield msg("falc.jargon_say", word=word, lang=lang, suggestion=suggestion)
            else:
                yield msg("falc.jargon_rephrase", word=word, lang=lang)


def unexplained_problems(text: str, lang: str) -> Iterator[Problem]:
    """Known hard postal words (``étiquette``, ``consigne``...) that the glossary does not
    explain in this language: the kiosk cannot mark them for a customer to touch."""
    from kiosk.flows.glossary import uncovered

    for word in uncovered(text, lang):
        yield msg("falc.unexplained", word=word, lang=lang)
