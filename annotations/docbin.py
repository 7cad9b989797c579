"""spaCy's training format out: a DocBin (``.spacy``, what ``spacy train`` reads), a Doc an
article, every span in ``doc.spans[KEY]`` and the spans that overlap no other in
``doc.ents``; the article's id and meta in ``doc.user_data``. spaCy is an extra
(``pip install 'broadsheet[spacy]'``), loaded only when this format is asked for.

Each Doc is tokenised by spaCy's multi-language tokenizer, and a token that a span starts
or ends inside is cut there, so every span keeps its exact offsets (``doc.char_span`` finds
it) and ``doc.text`` is the article's text. A DocBin holds no relations: they are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

from .export import ExportedArticle, overlapping_pairs

INSTALL = "pip install 'broadsheet[spacy]'"
SPANS_KEY = "sc"  # spaCy's span categorizer reads this key by default


class MissingExtra(Exception):
    """A format whose library is not installed; ``str()`` is the one-line message."""


def require_spacy():
    """The spacy module; a MissingExtra saying how to install it when it is not there."""
    try:
        import spacy
    except ImportError:
        raise MissingExtra(f"--format spacy needs spaCy, which is not installed: {INSTALL}") from None
    return spacy


def _words(nlp, article: ExportedArticle) -> tuple[list[str], list[bool]]:
    """spaCy's tokens of the text, each cut where a span starts or ends inside it."""
    edges = {span.start for span in article.spans} | {span.end for span in article.spans}
    words: list[str] = []
    spaces: list[bool] = []
    for token in nlp.make_doc(article.text):
        end = token.idx + len(token.text)
        cuts = [token.idx, *sorted(edge for edge in edges if token.idx < edge < end), end]
        words.extend(article.text[start:stop] for start, stop in pairwise(cuts))
        spaces.extend([False] * (len(cuts) - 2) + [bool(token.whitespace_)])
    return words, spaces


def article_doc(nlp, article: ExportedArticle, key: str):
    """The article as a Doc, and how many of its spans overlap another (kept out of doc.ents)."""
    from spacy.tokens import Doc, Span

    doc = Doc(nlp.vocab, *_words(nlp, article))
    spans: dict[str, Span] = {}
    for span in article.spans:
        # "expand" widens a span to whole tokens: only offsets outside the text have none.
        found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if found is None:
            raise ValueError(f"span {span.id}: offsets {span.start}-{span.end} lie outside its article's text")
        spans[span.id] = found
    overlapping = {span.id for pair in overlapping_pairs(article.spans) for span in pair}
    doc.spans[key] = list(spans.values())
    doc.ents = [spans[span.id] for span in article.spans if span.id not in overlapping]
    doc.user_data.update({"id": article.id, "meta": article.meta})
    return doc, len(overlapping)


def write_docbin(articles: Iterable[ExportedArticle], path: Path, key: str = SPANS_KEY) -> tuple[int, list[str]]:
    """Write the DocBin to ``path`` (through output.write_file); the number of articles, and
    lines for stderr on what it could not hold as it is."""
    from spacy.tokens import DocBin

    from .output import write_file

    nlp = require_spacy().blank("xx")  # the multi-language tokenizer
    docs, overlapping, relations = DocBin(store_user_data=True), 0, 0
    for article in articles:
        doc, overlaps = article_doc(nlp, article, key)
        docs.add(doc)
        overlapping += overlaps
        relations += len(article.relations)
    write_file(path, docs.to_bytes())
    notes = (
        [f"{overlapping} span(s) overlap another: in doc.spans[{key!r}] only, not in doc.ents"] if overlapping else []
    )
    if relations:
        notes.append(f"{relations} link(s) not written: a DocBin holds no relations")
    return len(docs), notes
