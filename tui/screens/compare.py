"""The compare view: one row per cluster of same-as spans, one column per article.

An empty cell says the article does not carry it; a row whose figures cannot all be
true is flagged. Below the clusters, quotes that read almost alike in two articles are
offered as same-as links, and (after p) the rows Broadsheet proposes from the texts
(annotations.proposals), those whose figures disagree first: y confirms one (its
members tagged and linked, one undo step), n turns it down for good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from annotations.articles import Article
from annotations.compare import Cluster, QuoteSuggestion, build_clusters, ordered_for_comparison, quote_suggestions
from annotations.figures import disagree
from annotations.model import Annotation
from annotations.proposals.model import Mention, Proposal
from annotations.store import StoreError
from annotations.text import counted, one_line, printable

from ..keymap import COMPARE_BINDINGS
from ..notices import saving
from ..session import Session
from ..shown import plain
from ..styles import UNKNOWN_LABEL
from ..widgets.bars import KeyBar

if TYPE_CHECKING:
    from annotations.proposals.apart import ProposingChild

FIXED_COLUMNS = ("label", "cluster", "values")
COLUMNS = 12  # outlets at the most: a row must stay readable
FIXED_WIDTHS = (8, 22, 24)
# Under WIDE_FROM columns the three give up room, so that two outlets show beside them at
# 80 (at their usual widths, 60 of the 80 cells went to them and one outlet showed).
NARROW_FIXED_WIDTHS = (8, 13, 13)
WIDE_FROM = 120
# An outlet's column: as wide as fits five beside the fixed three at 160 columns (cells
# wrap), never narrower than a short phrase nor wider than a long one.
CELL_WIDTHS = (16, 28)


class CompareScreen(Screen):
    CSS_PATH = "compare.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*COMPARE_BINDINGS]

    def __init__(
        self, session: Session, articles: list[Article], on_jump: Callable[[Annotation | Mention], None]
    ) -> None:
        """``articles`` are the columns, in order; ``on_jump`` shows a span in the main view;
        p proposes over the session's open articles, and an article a proposal reaches gets
        a column."""
        super().__init__()
        self.session = session
        self.articles = articles
        self._on_jump = on_jump
        self.clusters: list[Cluster] = []
        self.suggestions: list[QuoteSuggestion] = []
        self.proposals: list[Proposal] = []
        self.proposing = ""  # what the proposing worker is at, while it runs
        self._child: ProposingChild | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-body"):
            yield Static(id="compare-summary")
            yield DataTable(id="compare-table", cursor_type="cell", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.fixed_columns = len(FIXED_COLUMNS)  # the row's label and name stay when scrolling right
        for name, width in zip(FIXED_COLUMNS, self._fixed_widths, strict=True):
            table.add_column(Text(name), key=name, width=width)
        for article in self.articles:
            self._add_article_column(article)
        self.fill()
        table.focus()

    @property
    def _fixed_widths(self) -> tuple[int, ...]:
        return FIXED_WIDTHS if self.app.size.width >= WIDE_FROM else NARROW_FIXED_WIDTHS

    @property
    def _cell_width(self) -> int:
        # Each column takes its width plus two cells of padding.
        room = self.app.size.width - sum(width + 2 for width in self._fixed_widths) - 2
        columns = max(len(self.articles), min(len(self.session.articles), 5))  # those p may add too
        return max(CELL_WIDTHS[0], min(CELL_WIDTHS[1], room // columns - 2))

    def _add_article_column(self, article: Article) -> None:
        heading = _heading(article)
        if len(heading) > self._cell_width:  # the whole name shows above the table when the cursor is on it
            heading = heading[: self._cell_width - 1] + "…"
        self.query_one(DataTable).add_column(plain(heading, style="bold"), key=article.id, width=self._cell_width)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._summarise()

    def fill(self) -> None:
        """(Re)build the rows from the store, keeping the cursor where it was."""
        relation = self.session.schema.cluster_relation
        article_ids = [article.id for article in self.articles]
        self.clusters = ordered_for_comparison(
            build_clusters(self.session.store, article_ids, relation), self.session.schema.names
        )
        self.suggestions = (
            quote_suggestions(self.session.store, article_ids, self.clusters, relation=relation) if relation else []
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear()
        for index, cluster in enumerate(self.clusters):
            table.add_row(*self._cluster_cells(cluster), key=f"cluster:{index}", height=None)
        for index, suggestion in enumerate(self.suggestions):
            table.add_row(*self._suggestion_cells(suggestion), key=f"suggestion:{index}", height=None)
        for index, proposal in enumerate(self.proposals):
            table.add_row(*self._proposal_cells(proposal), key=f"proposal:{index}", height=None)
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        self._summarise()

    def _summarise(self) -> None:
        flagged = sum(cluster.disagrees for cluster in self.clusters)
        clusters, articles = counted(len(self.clusters), "cluster"), counted(len(self.articles), "article")
        summary = Text(f"{clusters} across {articles}", style="bold")
        if flagged:
            summary.append(f" · {flagged} disagree", style="bold red")
        if self.suggestions:
            summary.append(f" · {counted(len(self.suggestions), 'quote pair')} look alike (y: link, n: not the same)")
        if self.proposing:
            summary.append(f" · proposing: {self.proposing}…", style="italic")
        elif self.proposals:
            summary.append(f" · {len(self.proposals)} proposed (y: confirm, n: not the same)")
        if not self.clusters and not self.suggestions and not self.proposals and not self.proposing:
            summary.append(" · none yet: p proposes rows, or mark a span with m, go to its twin, press L then s")
        article = self._article_under_cursor()
        if article is not None:
            summary.append("  │  ", style="dim").append(plain(_heading(article), style="bold"))
        self.query_one("#compare-summary", Static).update(summary)

    def _article_under_cursor(self) -> Article | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        _, column_key = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((article for article in self.articles if article.id == column_key.value), None)

    def _label_cell(self, label: str, suffix: str = "") -> Text:
        return plain(f" {label}{suffix} ", style=self.session.label_styles.get(label, UNKNOWN_LABEL))

    def _cluster_cells(self, cluster: Cluster) -> list[Text]:
        values = Text(
            " · ".join(cluster.figures[span.id].describe() for span in cluster.spans if span.id in cluster.figures)
        )
        if cluster.disagrees:
            values = Text("≠ ", style="bold red") + values
        cells = [self._label_cell(cluster.label), plain(one_line(cluster.name), style="bold"), values]
        for article in self.articles:
            spans = cluster.in_article(article.id)
            cells.append(plain(" | ".join(one_line(span.text) for span in spans)) if spans else Text("—", style="dim"))
        return cells

    def _suggestion_cells(self, suggestion: QuoteSuggestion) -> list[Text]:
        pair = {suggestion.head.article_id: suggestion.head, suggestion.child.article_id: suggestion.child}
        cells = [
            self._label_cell(suggestion.head.label, "?"),
            Text(f"alike {suggestion.similarity:.0%}", style="italic"),
            Text("y: same-as · n: not", style="dim"),
        ]
        for article in self.articles:
            span = pair.get(article.id)
            cells.append(plain(one_line(span.text), style="italic") if span else Text(""))
        return cells

    def _proposal_cells(self, proposal: Proposal) -> list[Text]:
        figures = list(proposal.figures().values())
        values = Text(" · ".join(figure.describe() for figure in figures))
        if disagree(figures):
            values = Text("≠ ", style="bold red") + values
        cells = [self._label_cell(proposal.label, "+"), plain(proposal.reason, style="italic"), values]
        for article in self.articles:
            members = proposal.in_article(article.id)
            cells.append(
                plain(" | ".join(one_line(member.text) for member in members), style="italic")
                if members
                else Text("—", style="dim")
            )
        return cells

    # -- what the cursor is on ----------------------------------------------------------------

    def _row(self) -> tuple[str, int] | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        kind, _, index = str(row_key.value).partition(":")
        return kind, int(index)

    def _span_under_cursor(self) -> Annotation | Mention | None:
        table = self.query_one(DataTable)
        row = self._row()
        if row is None:
            return None
        _, column_key = table.coordinate_to_cell_key(table.cursor_coordinate)
        kind, index = row
        if kind == "suggestion":
            suggestion = self.suggestions[index]
            spans: list[Annotation] | list[Mention] = [
                span for span in (suggestion.head, suggestion.child) if span.article_id == column_key.value
            ]
        elif kind == "proposal":
            proposal = self.proposals[index]
            spans = (
                proposal.in_article(str(column_key.value))
                if column_key.value not in FIXED_COLUMNS
                else proposal.members
            )
        else:
            cluster = self.clusters[index]
            spans = (
                cluster.in_article(str(column_key.value)) if column_key.value not in FIXED_COLUMNS else cluster.spans
            )
        return spans[0] if spans else None

    # -- actions ---------------------------------------------------------------------------------

    def action_jump(self) -> None:
        span = self._span_under_cursor()
        if span is None:
            self.notify("This article does not carry it", severity="warning")
            return
        self.dismiss()
        self._on_jump(span)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_jump()

    def _save_link(self, suggestion: QuoteSuggestion, status: str) -> None:
        with saving(self) as saved:
            self.session.store.link(
                suggestion.head, suggestion.child, self.session.schema.cluster_relation, self.session.annotator, status
            )
        if not saved:
            return
        self.fill()

    def _decide(self, accept: bool) -> None:
        """y or n on a suggested quote pair or a proposed row."""
        row = self._row()
        if row is not None and row[0] == "suggestion":
            self._save_link(self.suggestions[row[1]], "accepted" if accept else "rejected")
        elif row is not None and row[0] == "proposal":
            self._settle_proposal(self.proposals[row[1]], accept)
        else:
            self.notify(
                "Put the cursor on a proposed row (label+) or a suggested quote pair (quote?)", severity="warning"
            )

    def action_accept_suggestion(self) -> None:
        self._decide(accept=True)

    def action_drop_member(self) -> None:
        """Take the cell under the cursor out of the proposed row before confirming it."""
        row, article = self._row(), self._article_under_cursor()
        if row is None or row[0] != "proposal" or article is None:
            self.notify("Put the cursor on a cell of a proposed row (label+)", severity="warning")
            return
        proposal = self.proposals[row[1]]
        proposal.members = [member for member in proposal.members if member.article_id != article.id]
        if len(proposal.article_ids) < 2:
            self.proposals.remove(proposal)
            self.notify("Nothing left to compare in that row: it is gone (p proposes it again)")
        self.fill()

    def action_reject_suggestion(self) -> None:
        self._decide(accept=False)

    def _settle_proposal(self, proposal: Proposal, accept: bool) -> None:
        from annotations.proposals.confirm import confirm, dismiss

        with saving(self) as saved:
            if accept:
                confirm(
                    self.session.store,
                    {article.id: article for article in self.session.articles},
                    proposal,
                    self.session.annotator,
                    self.session.schema.cluster_relation,
                    self.session.schema.proposals_as,
                )
            else:
                dismiss(self.session.store, proposal, self.session.annotator)
        if not saved:
            return
        self.proposals.remove(proposal)
        self.fill()
        self.notify(f"{'Confirmed' if accept else 'Turned down'}: {proposal.reason} (u in the articles undoes)")

    # -- proposing, in a child process: the keys are answered meanwhile ---------------------------

    def action_propose(self) -> None:
        if self.proposing:
            self.notify(f"Still proposing: {self.proposing}", severity="warning")
            return
        kinds = self.session.schema.proposers
        if not kinds:
            self.notify("No label of this schema gets proposed rows (propose: in the label schema)", severity="warning")
            return
        self.proposing = "starting"
        self._summarise()
        self.run_worker(lambda: self._propose(kinds), thread=True, exit_on_error=False, group="propose")

    def _propose(self, kinds: dict[str, str]) -> None:
        """In a worker thread, which reads the texts (the app reads them lazily) and waits
        on the child process that proposes."""
        from annotations.proposals.apart import ProposingChild, ProposingFailed

        self._child = ProposingChild([(article.id, article.text) for article in self.session.articles], kinds)
        try:
            found = self._child.run(lambda label: self.app.call_from_thread(self._proposing, label))
        except (ProposingFailed, OSError) as error:
            self.app.call_from_thread(self._not_proposed, str(error))
            return
        if not self._child.stopped:  # stopped: the view is closing, or the app
            self.app.call_from_thread(self._proposed, found)

    def on_unmount(self) -> None:
        if self._child is not None:
            self._child.stop()

    def _columns_for_proposals(self) -> None:
        """Give a column to the open articles the proposals reach most, up to COLUMNS in
        all; a proposal keeps its members in columns, and goes if fewer than two are left."""
        reach = Counter(article_id for proposal in self.proposals for article_id in proposal.article_ids)
        shown = {article.id for article in self.articles}
        by_id = {article.id: article for article in self.session.articles}
        for article_id, _ in reach.most_common():
            if len(self.articles) >= COLUMNS:
                break
            if article_id not in shown and article_id in by_id:
                self.articles.append(by_id[article_id])
                self._add_article_column(by_id[article_id])
                shown.add(article_id)
        for proposal in self.proposals:
            proposal.members = [member for member in proposal.members if member.article_id in shown]
        self.proposals = [proposal for proposal in self.proposals if len(proposal.article_ids) >= 2]

    def _proposing(self, label: str) -> None:
        if self.is_attached:  # the view may have been closed while the worker ran
            self.proposing = f"{label}s"
            self._summarise()

    def _not_proposed(self, problem: str) -> None:
        if self.is_attached:
            self.proposing = ""
            self._summarise()
            self.notify(f"Cannot propose: {printable(problem)}", severity="error", timeout=10)

    def _proposed(self, found: list[Proposal]) -> None:
        from annotations.proposals.confirm import open_proposals

        if not self.is_attached:
            return
        self.proposing = ""
        rank = {label: index for index, label in enumerate(self.session.schema.names)}
        try:
            found = open_proposals(self.session.store, found, self.session.schema.cluster_relation)
        except StoreError as error:
            self.notify(f"Cannot propose: {error}", severity="error", timeout=10)
            return
        # Rows whose figures cannot all be true first: where the outlets differ is the point.
        self.proposals = sorted(
            found,
            key=lambda proposal: (
                not disagree(list(proposal.figures().values())),
                rank.get(proposal.label, len(rank)),
                -proposal.score,
            ),
        )
        self._columns_for_proposals()
        self.fill()
        table = self.query_one(DataTable)
        if self.proposals:
            table.move_cursor(row=len(self.clusters) + len(self.suggestions), column=1)
        self.notify(f"Proposed {counted(len(self.proposals), 'row')}")

    def action_rename(self) -> None:
        row = self._row()
        if row is None or row[0] != "cluster":
            self.notify("Put the cursor on a cluster to rename it", severity="warning")
            return
        cluster = self.clusters[row[1]]
        from .prompt import LinePrompt

        self.app.push_screen(
            LinePrompt(
                "Name this cluster (enter: save, escape: cancel)",
                cluster.name,
                lambda name: self._rename(cluster, name),
            )
        )

    def _rename(self, cluster: Cluster, name: str) -> None:
        name = one_line(name)
        if not name or name == cluster.name:
            return
        with saving(self) as saved:
            self.session.store.name_cluster(cluster.id, name, self.session.annotator)
        if not saved:
            return
        self.fill()

    def action_close(self) -> None:
        self.dismiss()


def _heading(article: Article) -> str:
    return " · ".join(part for part in (article.outlet, article.date) if part) or article.id
