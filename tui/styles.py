"""How a span looks: a tag in its label's colour as background, a suggestion underlined in it,
a rejected tag struck through in it; an accepted tag is a tag in bold. The bold and the
strike are the views' component classes (broadsheet.tcss), the colours the schema's."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

from annotations.model import Annotation
from annotations.schema import LabelSchema

UNKNOWN_LABEL = Style(reverse=True)  # a label the schema does not have (an imported one)
# A span's status as the panel marks it, one cell each; a pending tag has none.
STATUS_MARKS = {"accepted": "✓", "rejected": "✗", "suggested": "?"}
# The statuses a view's component class stresses (``<view>--accepted``, ``<view>--rejected``).
STRESSED = ("accepted", "rejected")


def label_style(color: str) -> Style:
    """The label colour as background, with black or white text, whichever reads better."""
    red, green, blue = Color.parse(color).get_truecolor()
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return Style(bgcolor=color, color="black" if luminance > 140 else "white")


class LabelStyles(dict):
    """Label name -> the style of its tags; ``suggested`` -> the style of its suggestions,
    which must read as not yet decided: the colour as text, underlined, no background;
    ``rejected`` -> the style of its rejected tags, which must not read as tags: the colour
    as text, no background."""

    def __init__(self, schema: LabelSchema) -> None:
        super().__init__({label.name: label_style(label.color) for label in schema.labels})
        self.suggested = {label.name: Style(color=label.color, underline=True) for label in schema.labels}
        self.rejected = {label.name: Style(color=label.color) for label in schema.labels}

    def of(self, span: Annotation) -> Style:
        if span.status == "suggested":
            return self.suggested.get(span.label, Style(underline=True))
        if span.status == "rejected":
            return self.rejected.get(span.label, Style())
        return self.get(span.label, UNKNOWN_LABEL)
