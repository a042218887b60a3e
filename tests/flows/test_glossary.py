"""The glossary's data (every term in every language, pictures, easy-to-read explanations,
the words as the built-in flows write them) and its matching: ``find`` and ``uncovered``."""

from __future__ import annotations

import time

import pytest

from kiosk import languages, paths
from kiosk.flows import glossary as g
from kiosk.flows.falc import MAX_SENTENCES, MAX_WORDS, sentences, word_count
from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import pick

LANGS = languages.ordered()
#: the words of the issue, and the words that name them in each built-in flow's French
ISSUE = {"étiquette": "etiquette", "automate": "automate", "consigne": "consigne",
         "QR": "code-qr", "suivi": "suivi", "pièce d'identité": "piece-identite",
         "procuration": "procuration", "avis de passage": "avis-de-passage",
         "Lettre verte": "lettre-verte", "Pickup": "pickup"}


@pytest.fixture(scope="module")
def library() -> FlowLibrary:
    lib = FlowLibrary([paths.builtin_flows_dir()])
    lib.load()
    return lib


def texts(library: FlowLibrary, lang: str) -> list[str]:
    """Every text of the built-in flows in ``lang``: titles, summaries, steps, choices."""
    out = []
    for flow in library.ordered():
        out += [pick(flow.title, lang), pick(flow.summary, lang)]
        for step in flow.steps:
            out.append(pick(step.text, lang))
            out += [pick(c.label, lang) for c in getattr(step, "choices", ())]
    return out


def test_every_customer_language_has_a_glossary_with_every_term() -> None:
    assert set(g.languages()) == set(LANGS)  # the languages' table, no list in the code
    ids = list(g.pictures())
    assert len(ids) >= 20
    for lang in LANGS:
        terms = g.glossary(lang).terms
        assert [t.id for t in terms] == ids, lang
        for term in terms:
            assert term.words, (lang, term.id)
            assert all(w.strip() for w in term.words), (lang, term.id)
            assert term.explanation, (lang, term.id)


@pytest.mark.parametrize("lang", LANGS)
def test_explanations_are_easy_to_read(lang: str) -> None:
    for term in g.glossary(lang).terms:
        parts = sentences(term.explanation)
        assert 1 <= len(parts) <= MAX_SENTENCES, (lang, term.id)
        assert all(word_count(s) <= MAX_WORDS for s in parts), (lang, term.id)


def test_every_picture_exists() -> None:
    for term_id, picture in g.pictures().items():
        assert paths.asset("pictures", picture).is_file(), (term_id, picture)
        svg = paths.asset("pictures", picture).read_text(encoding="utf-8")
        assert 'viewBox="0 0 400 300"' in svg  # the pictures' one frame


def test_the_issues_words_are_explained_where_the_flows_use_them(library: FlowLibrary) -> None:
    found = {m.term.id for text in texts(library, "fr") for m in g.glossary("fr").find(text)}
    assert set(ISSUE.values()) <= found
    label = g.glossary("fr").find("Collez l'étiquette, puis les étiquettes. Une étiquette.")
    assert [m.term.id for m in label] == ["etiquette"] * 3


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_finds_its_words_in_its_flow_texts(library: FlowLibrary, lang: str) -> None:
    """The words are listed as each language's texts write them: the terms the French
    texts use are found in the same steps of every language."""
    glossary = g.glossary(lang)
    for flow in library.ordered():
        for step in flow.steps:
            french = {m.term.id for m in g.glossary("fr").find(pick(step.text, "fr"))}
            here = {m.term.id for m in glossary.find(pick(step.text, lang))}
            missing = french - here - {"automate", "avis-de-passage", "piece-identite"}
            assert not missing, (lang, flow.id, step.id, missing)
    assert glossary.find(pick(library.get("send-parcel").step("label").text, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_no_known_hard_word_of_the_builtin_flows_is_left_unexplained(
        library: FlowLibrary, lang: str) -> None:
    assert g.JARGON_TERMS[lang]
    assert [(t, g.uncovered(t, lang)) for t in texts(library, lang) if g.uncovered(t, lang)] == []


def test_find_longest_first_whole_words_case_aside_no_overlaps() -> None:
    fr = g.glossary("fr")
    text = ("Un AVIS DE RÉCEPTION, l’avis de passage, l’avis et un code QR; pas de QRcode"
            " ni d'avisé.")
    found = [(text[m.start:m.end], m.term.id) for m in fr.find(text)]
    assert found == [("AVIS DE RÉCEPTION", "avis-de-reception"),
                     ("avis de passage", "avis-de-passage"),  # longer than "l’avis"
                     ("l’avis", "avis-de-passage"),  # (’ as ')
                     ("code QR", "code-qr")]
    assert fr.find("etiquette") == []  # accents as written
    assert [m.term.id for m in fr.find("la lettre recommandée")] == ["recommande"]
    ar = g.glossary("ar")
    arabic = "أحضر وثيقة هويته ووثيقة هويتك. الصق ملصقًا."
    assert [arabic[m.start:m.end] for m in ar.find(arabic)] == [
        "وثيقة هويته", "ووثيقة هويتك", "ملصقًا"]
    assert ar.find("ملصقًاتٌ") == []  # inside a longer word: not a whole word


def test_find_is_cached_per_text_and_fast() -> None:
    fr = g.glossary("fr")
    text = "Prenez l'étiquette qui sort de l'automate. Avez-vous l'étiquette ?"
    first = fr.find(text)
    start = time.perf_counter()
    for _ in range(1000):
        assert fr.find(text) == first
    assert (time.perf_counter() - start) / 1000 < 0.0005


def test_a_language_without_a_glossary_has_none() -> None:
    assert len(g.glossary("xx")) == 0
    assert g.glossary("xx").find("étiquette") == []
    assert g.uncovered("étiquette", "xx") == []


def test_uncovered_names_the_hard_words_no_term_explains() -> None:
    text = "Le tarif du code de retrait est sur l'étiquette, près du guichet."
    assert g.uncovered(text, "fr") == ["tarif", "code de retrait"]
    assert g.uncovered("Gardez le bordereau et le récépissé. Le bordereau.", "fr") == [
        "bordereau", "récépissé"]  # once each, in the text's order
    assert g.uncovered("Show the collection code at the counter.", "en") == ["collection code"]
    assert g.uncovered("Prenez l'étiquette au guichet.", "fr") == []
    assert "étiquette" in g.JARGON_TERMS["fr"]
    with pytest.raises(AttributeError):
        _ = g.NOT_A_THING  # type: ignore[attr-defined]
