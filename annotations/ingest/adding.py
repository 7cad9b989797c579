"""`broadsheet add`, without its command line: every page of every source extracted and
put in the corpus folder, one after another, each article written before the next page
is fetched (so a failure later loses nothing); and the folder's articles extracted again
from their kept pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..articles import ArticleError, load_article
from .corpus import CorpusFolder
from .extract import ExtractError, extract_page
from .fetch import Fetcher
from .sources import Expected, Failure, Page, pages


@dataclass
class AddReport:
    added: int = 0
    already: int = 0  # duplicates, and pages fetched again
    failures: list[str] = field(default_factory=list)


def add_sources(
    sources: list[str],
    folder: Path,
    fetcher: Fetcher,
    tell: Callable[[str], None],
    progress: Callable[[int, int], None],
) -> AddReport:
    """Add what ``sources`` hold to ``folder``. ``tell`` gets one line per failure,
    duplicate or update as it happens; ``progress(done, total)`` counts pages, a feed's
    entries counting once the feed is read. An OutputError (a full disk) stops it all."""
    with CorpusFolder.opened(folder) as (corpus, problems):
        report = AddReport(failures=[f"{problem}; not compared for duplicates" for problem in problems])
        for problem in report.failures:
            tell(problem)
        done, total = 0, len(sources)
        for source in sources:
            for item in pages(source, fetcher):
                if isinstance(item, Expected):
                    total += item.count - 1
                    continue
                done += 1
                progress(done, max(total, done))
                line = _add_page(item, corpus, report)
                if line is not None:
                    tell(line)
    return report


def _add_page(item: Page | Failure, corpus: CorpusFolder, report: AddReport) -> str | None:
    if isinstance(item, Failure):
        report.failures.append(f"{item.location}: {item.reason}")
        return report.failures[-1]
    try:
        extracted = extract_page(item.html, item.url).filled_from(item.hints)
    except ExtractError as error:
        report.failures.append(f"{item.location}: {error}")
        return report.failures[-1]
    outcome = corpus.add(item, extracted)
    if outcome is None:
        report.added += 1
    else:
        report.already += 1
    return outcome


def re_extract(folder: Path, tell: Callable[[str], None]) -> tuple[int, int]:
    """Extract each article of ``folder`` again from its kept page (after a better
    trafilatura, say), keeping its id, address and provenance: (articles redone, failures)."""
    with CorpusFolder.opened(folder) as (corpus, _):
        return _re_extract_all(corpus, tell)


def _re_extract_all(corpus: CorpusFolder, tell: Callable[[str], None]) -> tuple[int, int]:
    redone = failed = 0
    for path in corpus.article_files():
        try:
            article = load_article(path)
            html = corpus.cached_page(article.id)
            if html is None:
                continue
            page = Page(
                article.meta.get("source", ""),
                str(path),
                article.meta.get("url"),
                html,
                article.meta.get("fetched", ""),
            )
            extracted = extract_page(html, page.url)
        except (ArticleError, ExtractError) as error:
            failed += 1
            tell(str(error) if isinstance(error, ArticleError) else f"{path}: {error}")
            continue
        corpus.write_article(article.id, extracted, page)
        redone += 1
    return redone, failed
