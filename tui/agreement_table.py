"""`broadsheet agree` on a terminal: the figures as a Rich table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.agreement import ALL, Agreement

from .shown import plain


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}".replace("-0.000", "0.000")  # a kappa of -0.0001 reads as none


def agreement_table(result: Agreement) -> Table:
    # Annotator names and labels are data: Text, never markup, and no escape reaches the terminal.
    table = Table(
        title=plain(f"Agreement of {' / '.join(result.annotators)}"),
        caption=Text(f"{len(result.articles)} article(s), {result.tokens:,} tokens"),
    )
    table.add_column("label")
    for heading in (
        "exact P",
        "exact R",
        "exact F1",
        "overlap P",
        "overlap R",
        "overlap F1",
        "kappa",
        "alpha",
        "spans ref / pred",
    ):
        table.add_column(heading, justify="right")
    for label in [*result.labels(), ALL]:
        exact, overlap = result.exact[label], result.overlap[label]
        table.add_row(
            plain(label, style="bold" if label == ALL else ""),
            *(
                _figure(value)
                for value in (
                    exact.precision,
                    exact.recall,
                    exact.f1,
                    overlap.precision,
                    overlap.recall,
                    overlap.f1,
                    result.kappa[label],
                    result.alpha[label],
                )
            ),
            f"{exact.references} / {exact.predictions}",
            end_section=label == result.labels()[-1] if result.labels() else False,
        )
    return table


def print_agreement(result: Agreement) -> None:
    console = Console()
    if not console.is_terminal:  # into a file or a pipe: wide enough for every column, not Rich's 80
        console = Console(width=120)
    console.print(agreement_table(result))
