"""The comparison to share: one row per cluster (and, asked for, per proposal), one column
per outlet, each cell the outlet's words with their offsets and the values its figures
give; and, per outlet, what it alone reports. Written as Markdown, CSV, JSON or one
self-contained HTML page (no script, no network) in which every cell links to its
sentence shown in context and rows whose figures cannot all be true stand out.

Everything shown came from articles: in HTML it is escaped, in Markdown its table
syntax is, and nothing in it becomes markup.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .articles import Article
from .compare import build_clusters, ordered_for_comparison
from .figures import Figure, disagree, parse_figure
from .proposals import Proposal
from .sentences import sentence_spans
from .store import Store
from .text import one_line

FORMATS = ("md", "csv", "json", "html")


@dataclass(frozen=True)
class Part:
    """One span of a cell: the outlet's words, where they are, and the value they give."""

    article_id: str
    start: int
    end: int
    text: str
    figure: Figure | None = None  # figures.py's reading, for a figure

    @property
    def value(self) -> str:
        """The figure as compared: ">=25 militia fighters"; "" for words that are none."""
        return self.figure.describe() if self.figure else ""


@dataclass
class Row:
    status: str  # "confirmed" (a cluster of the analyst's links) or "proposed"
    label: str
    name: str
    reason: str
    cells: dict[str, list[Part]] = field(default_factory=dict)  # by article id

    @property
    def disagrees(self) -> bool:
        return disagree([part.figure for parts in self.cells.values() for part in parts if part.figure is not None])


@dataclass
class Comparison:
    outlets: dict[str, str]  # article id: the outlet's name (its id when the article names none)
    texts: dict[str, str]
    rows: list[Row]
    alone: dict[str, list[Part]]  # by article id: tags no row holds


def stored_articles(store: Store, article_ids: Iterable[str] | None = None) -> list[Article]:
    """The articles the database holds (``article_ids`` of them, or all), as it stored them."""
    found = []
    for article_id in store.article_ids() if article_ids is None else article_ids:
        stored = store.stored_article(article_id)
        if stored is not None:
            found.append(Article(article_id, store.article_text(article_id), stored.source, stored.meta))
    return found


def build_comparison(
    store: Store, articles: list[Article], label_order: list[str], proposals: Iterable[Proposal] = ()
) -> Comparison:
    """The rows for ``articles`` (their tags and links from ``store``): the confirmed
    clusters, then ``proposals`` that no confirmed row of their label takes up already
    (one of their members inside its spans)."""
    outlets = {article.id: article.outlet or article.id for article in articles}
    texts = {article.id: article.text for article in articles}
    rows, held = [], set()
    for cluster in ordered_for_comparison(build_clusters(store, list(outlets)), label_order):
        row = Row("confirmed", cluster.label, cluster.name, "linked by the analyst")
        for span in cluster.spans:
            if span.article_id in outlets:
                part = Part(span.article_id, span.start, span.end, span.text, cluster.figures.get(span.id))
                row.cells.setdefault(span.article_id, []).append(part)
                held.add(span.id)
        if len(row.cells) >= 2:
            rows.append(row)
    confirmed = {
        (row.label, part.article_id, part.start, part.end)
        for row in rows
        for parts in row.cells.values()
        for part in parts
    }
    for proposal in proposals:
        if any(
            label == proposal.label and article_id == member.article_id and start <= member.start and member.end <= end
            for label, article_id, start, end in confirmed
            for member in proposal.members
        ):
            continue
        row = Row("proposed", proposal.label, one_line(proposal.members[0].text), proposal.reason)
        figures = proposal.figures()
        for member in proposal.members:
            part = Part(member.article_id, member.start, member.end, member.text, figures.get(member))
            row.cells.setdefault(member.article_id, []).append(part)
        rows.append(row)
    alone = {
        article_id: [
            Part(article_id, span.start, span.end, span.text, parse_figure(span.text))
            for span in store.annotations(article_id)
            if span.standing and span.id not in held
        ]
        for article_id in outlets
    }
    return Comparison(outlets, texts, rows, alone)


def _cell_text(parts: list[Part]) -> str:
    return " / ".join(one_line(part.text) + (f" ({part.value})" if part.value else "") for part in parts)


def _table(comparison: Comparison) -> list[list[str]]:
    heading = ["status", "label", "row", "why", *comparison.outlets.values(), "disagree"]
    lines = [heading]
    for row in comparison.rows:
        cells = [_cell_text(row.cells.get(article_id, [])) for article_id in comparison.outlets]
        lines.append([row.status, row.label, row.name, row.reason, *cells, "≠" if row.disagrees else ""])
    return lines


def render(comparison: Comparison, form: str) -> str:
    """The comparison as ``form``: one of FORMATS."""
    return {"md": _markdown, "csv": _csv, "json": _json, "html": _html}[form](comparison)


def _markdown_cell(text: str) -> str:
    """Article words in a table cell: a '|' would end the cell, '<' open raw HTML, '`', '*'
    and '_' start code or emphasis."""
    for char in "\\|`*_":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;")


def _markdown(comparison: Comparison) -> str:
    table = _table(comparison)
    lines = ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in table]
    lines.insert(1, "|" + "---|" * len(table[0]))
    for article_id, outlet in comparison.outlets.items():
        parts = comparison.alone[article_id]
        if parts:
            lines.append(
                f"\n**Only {_markdown_cell(outlet)}:** "
                + "; ".join(_markdown_cell(one_line(part.text)) for part in parts)
            )
    return "\n".join(lines) + "\n"


def _csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_table(comparison))
    return buffer.getvalue()


def _part_record(part: Part) -> dict:
    return {
        "article_id": part.article_id,
        "start": part.start,
        "end": part.end,
        "text": part.text,
        **({"value": part.value} if part.value else {}),
    }


def _json(comparison: Comparison) -> str:
    record = {
        "outlets": [{"article_id": article_id, "outlet": outlet} for article_id, outlet in comparison.outlets.items()],
        "rows": [
            {
                "status": row.status,
                "label": row.label,
                "name": row.name,
                "reason": row.reason,
                "disagree": row.disagrees,
                "cells": {
                    article_id: [_part_record(part) for part in parts] for article_id, parts in row.cells.items()
                },
            }
            for row in comparison.rows
        ],
        "alone": {article_id: [_part_record(part) for part in parts] for article_id, parts in comparison.alone.items()},
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


_STYLE = """body{font-family:Georgia,serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}th{background:#f3f1ea}
tr.proposed td{color:#555;font-style:italic}tr.disagree td{background:#fde8e4}.why{font-size:.85em;color:#666}
.value{font-family:monospace;color:#8a3b12}mark{background:#fff2a8}section{margin-top:2em}a{color:#1a4d8f}
p.context{max-width:50em}"""


def _html(comparison: Comparison) -> str:
    escape = html.escape
    contexts: list[str] = []

    def linked(part: Part) -> str:
        anchor = f"c{len(contexts)}"
        contexts.append(_context(comparison, part, anchor))
        value = f' <span class="value">{escape(part.value)}</span>' if part.value else ""
        return f'<a href="#{anchor}">{escape(one_line(part.text))}</a>{value}'

    head = "".join(f"<th>{escape(outlet)}</th>" for outlet in comparison.outlets.values())
    body = []
    for row in comparison.rows:
        classes = " ".join(
            name for name, wanted in (("proposed", row.status == "proposed"), ("disagree", row.disagrees)) if wanted
        )
        cells = "".join(
            "<td>" + "<br>".join(linked(part) for part in row.cells.get(article_id, [])) + "</td>"
            for article_id in comparison.outlets
        )
        mark = " ≠" if row.disagrees else ""
        body.append(
            f'<tr class="{classes}"><td>{escape(row.label)}{mark}</td><td>{escape(row.name)}'
            f'<div class="why">{escape(row.status)}: {escape(row.reason)}</div></td>{cells}</tr>'
        )
    alone = "".join(
        f"<h3>Only {escape(comparison.outlets[article_id])}</h3><ul>"
        + "".join(f"<li>{linked(part)}</li>" for part in parts)
        + "</ul>"
        for article_id, parts in comparison.alone.items()
        if parts
    )
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Broadsheet comparison</title>'
        f"<style>{_STYLE}</style></head><body><h1>Where the outlets agree and differ</h1>"
        f"<table><tr><th>label</th><th>row</th>{head}</tr>{''.join(body)}</table>"
        f"<section>{alone}</section><section><h2>In context</h2>{''.join(contexts)}</section></body></html>\n"
    )


def _context(comparison: Comparison, part: Part, anchor: str) -> str:
    """The sentence holding ``part`` with the part marked, under the outlet's name."""
    text = comparison.texts[part.article_id]
    start, end = next(
        ((start, end) for start, end in sentence_spans(text) if start <= part.start < end), (part.start, part.end)
    )
    start, end = min(start, part.start), max(end, part.end)
    escape = html.escape
    return (
        f'<p class="context" id="{anchor}"><b>{escape(comparison.outlets[part.article_id])}</b> '
        f"({part.start}-{part.end}): {escape(text[start : part.start])}<mark>{escape(part.text)}</mark>"
        f"{escape(text[part.end : end])}</p>"
    )
