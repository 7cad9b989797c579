"""The main screen (screen.py) and its parts, one job each, in the modules beside it:
which article each column shows (slots.py), the column widgets (columns.py), the spans
shown and the first showing of an article (shown.py), tagging (tagging.py), undo and redo
(history.py), spans found in bulk (suggesting.py), links (linking.py) and search
(search.py). A package, not tui/parts/: the parts serve this screen alone, and a reader
finds them under the screen they make up."""

from .screen import MainScreen

__all__ = ["MainScreen"]
