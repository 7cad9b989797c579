"""How a span looks: a tag in its label's colour as background, a suggestion underlined in it."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

from annotations.model import Annotation
from annotations.schema import LabelSchema

UNKNOWN_LABEL = Style(reverse=True)  # a label the schema does not have (an imported one)


def label_style(color: str) -> Style:
    """The label colour as background, with black or white text, whichever reads better."""
    red, green, blue = Color.parse(color).get_truecolor()
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return Style(bgcolor=color, color="black" if luminance > 140 else "white")


class LabelStyles(dict):
    """Label name -> the style of its tags; ``suggested`` -> the style of its suggestions,
    which must read as not yet decided: the colour as text, underlined, no background."""

    def __init__(self, schema: LabelSchema) -> None:
        super().__init__({label.name: label_style(label.color) for label in schema.labels})
        self.suggested = {label.name: Style(color=label.color, underline=True) for label in schema.labels}

    def of(self, span: Annotation) -> Style:
        if span.status == "suggested":
            return self.suggested.get(span.label, Style(underline=True))
        return self.get(span.label, UNKNOWN_LABEL)
