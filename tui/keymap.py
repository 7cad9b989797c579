"""Every key binding, declared once with an id and a description.

These lists feed the footer (through BINDINGS), the help screen, the check that a
label key does not shadow a navigation key, and user remapping (ids in a keymap).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding

from annotations.schema import LabelSchema

# Bindings of the focused article column: cursor and selection.
VIEW_BINDINGS: list[Binding] = [
    Binding("h,left", "move('left')", "Left", show=False, id="cursor.left"),
    Binding("l,right", "move('right')", "Right", show=False, id="cursor.right"),
    Binding("k,up", "move('up')", "Up", show=False, id="cursor.up"),
    Binding("j,down", "move('down')", "Down", show=False, id="cursor.down"),
    Binding("w", "move('word_next')", "Next word", show=False, id="cursor.word-next"),
    Binding("b", "move('word_previous')", "Previous word", show=False, id="cursor.word-previous"),
    Binding("pageup", "move('page_up')", "Page up", show=False, id="cursor.page-up"),
    Binding("pagedown", "move('page_down')", "Page down", show=False, id="cursor.page-down"),
    Binding("g", "move('start')", "Start of article", show=False, id="cursor.start"),
    Binding("G", "move('end')", "End of article", show=False, id="cursor.end"),
    # Not in the footer, to leave room for the label keys at 80 columns; the panel's
    # empty state and the help screen say how to select.
    Binding("v", "start_selection", "Select", show=False, id="select.start"),
    Binding("shift+left", "extend('left')", "Extend left", show=False, id="select.left"),
    Binding("shift+right", "extend('right')", "Extend right", show=False, id="select.right"),
    Binding("shift+up", "extend('up')", "Extend up", show=False, id="select.up"),
    Binding("shift+down", "extend('down')", "Extend down", show=False, id="select.down"),
    Binding(
        "escape",
        "screen.cancel",
        "Cancel selection or link",
        show=False,
        tooltip="Cancel the selection, or else the link being made (m)",
        id="select.cancel",
    ),
]

# Bindings of the main screen: tagging, history, search, columns.
# The article view runs these itself, in order (see widgets/keys.py).
MAIN_BINDINGS: list[Binding] = [
    Binding(
        "x",
        "delete_annotation",
        "Delete",
        tooltip="Delete the innermost tag under the cursor, or reject the suggestion there",
        id="annotation.delete",
    ),
    Binding(
        "ctrl+e",
        "note",
        "Note",
        show=False,
        tooltip="Write a note on the tag under the cursor (shown in review, exported)",
        id="annotation.note",
    ),
    Binding(
        "T",
        "tag_occurrences",
        "Tag all",
        show=False,
        tooltip="Tag every other occurrence of the tag under the cursor (here or everywhere)",
        id="annotation.tag-occurrences",
    ),
    Binding(
        "y",
        "accept_suggestion",
        "Accept",
        show=False,
        tooltip="Accept the suggestion under the cursor",
        id="suggestion.accept",
    ),
    Binding(
        "A",
        "decide_all_suggestions('accepted')",
        "Accept all",
        show=False,
        tooltip="Accept every suggestion in this article",
        id="suggestion.accept-all",
    ),
    Binding(
        "X",
        "decide_all_suggestions('rejected')",
        "Reject all",
        show=False,
        tooltip="Reject every suggestion in this article",
        id="suggestion.reject-all",
    ),
    Binding(
        "S",
        "suggest_everywhere",
        "Suggest",
        show=False,
        tooltip="Run the suggesters over every open article, in the background",
        id="suggestion.run",
    ),
    Binding(
        "right_square_bracket", "jump_annotation(1)", "Next tag", key_display="]", show=False, id="annotation.next"
    ),
    Binding(
        "left_square_bracket",
        "jump_annotation(-1)",
        "Previous tag",
        key_display="[",
        show=False,
        id="annotation.previous",
    ),
    Binding(
        "m",
        "mark_link_source",
        "Link from",
        show=False,
        tooltip="Mark the tag under the cursor as a link's source",
        id="link.mark",
    ),
    Binding(
        "L",
        "link",
        "Link to",
        show=False,
        tooltip="Link the marked tag to the tag under the cursor, then pick the relation",
        id="link.create",
    ),
    Binding(
        "D", "delete_link", "Unlink", show=False, tooltip="Delete a link of the tag under the cursor", id="link.delete"
    ),
    Binding("C", "compare", "Compare", show=False, id="compare.open"),  # footer full at 80 columns; the panel says C
    Binding("u", "undo", "Undo", id="history.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
    Binding("slash", "open_search", "Find", key_display="/", id="search.open"),
    Binding("n", "search_again(1)", "Next match", show=False, id="search.next"),
    Binding("N", "search_again(-1)", "Previous match", show=False, id="search.previous"),
    Binding(
        "ctrl+f",
        "search_everywhere",
        "Find everywhere",
        show=False,
        tooltip="Every match of the search in every open article, to jump to",
        id="search.everywhere",
    ),
    Binding("tab", "focus_column(1)", "Next column", show=False, id="focus.next"),
    Binding("shift+tab", "focus_column(-1)", "Previous column", show=False, id="focus.previous"),
    *(
        Binding(str(number), f"focus_slot({number})", f"Column {number}", show=False, id=f"focus.column-{number}")
        for number in range(1, 10)
    ),
    Binding("o", "pick_article", "Open article", show=False, id="article.pick"),
    Binding(
        "P",
        "toggle_panel",
        "Panel",
        show=False,
        tooltip="Fold the annotation panel away, for one more column; P again brings it back",
        id="panel.toggle",
    ),
    Binding(
        "F",
        "toggle_done",
        "Done",
        show=False,
        tooltip="Mark this article finished: exported even with no tag (a negative example); F again unmarks",
        id="article.done",
    ),
    Binding("r", "review", "Review", id="review.open"),
    Binding("question_mark", "help", "Keys", key_display="?", id="app.help"),
    Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
]

# The review screen: one annotation at a time.
REVIEW_BINDINGS: list[Binding] = [
    Binding("a", "decide('accepted')", "Accept", id="review.accept"),
    Binding("x", "decide('rejected')", "Reject", id="review.reject"),
    Binding("space", "step(1)", "Skip", id="review.skip"),
    Binding("backspace", "undo", "Undo", id="review.undo"),
    Binding("left", "step(-1)", "Previous", show=False, id="review.previous"),
    Binding("right", "step(1)", "Next", show=False, id="review.next"),
    Binding("left_square_bracket", "boundary('start', -1)", "Start ←", key_display="[", id="review.start-earlier"),
    Binding("right_square_bracket", "boundary('start', 1)", "Start →", key_display="]", id="review.start-later"),
    Binding("left_curly_bracket", "boundary('end', -1)", "End ←", key_display="{", id="review.end-earlier"),
    Binding("right_curly_bracket", "boundary('end', 1)", "End →", key_display="}", id="review.end-later"),
    *(
        Binding(str(number), f"relabel({number})", f"Label {number}", show=False, id=f"review.label-{number}")
        for number in range(1, 10)
    ),
    Binding("slash", "open_filter", "Filter", key_display="/", id="review.filter"),
    Binding("s", "suggestions_only", "Suggestions", id="review.suggestions"),
    Binding("d", "disputes", "Disputes", id="review.disputes"),
    Binding(
        "F",
        "toggle_done",
        "Article done",
        show=False,
        tooltip="Mark the card's article finished: exported even with no tag; F again unmarks",
        id="review.done",
    ),
    Binding("escape", "close", "Close", id="review.close"),
    Binding("question_mark", "app.show_help_panel", "Keys", key_display="?", show=False, id="review.help"),
]

# Adjudication: one disputed region at a time (from the review screen).
ADJUDICATION_BINDINGS: list[Binding] = [
    *(
        # One entry in the key bar for the nine.
        Binding(
            str(number),
            f"pick({number})",
            "Pick version" if number == 1 else f"Pick version {number}",
            show=number == 1,
            key_display="1-9" if number == 1 else None,
            id=f"adjudicate.pick-{number}",
        )
        for number in range(1, 10)
    ),
    Binding("x", "reject_all", "Reject all", id="adjudicate.reject-all"),
    Binding("space", "step(1)", "Skip", id="adjudicate.skip"),
    Binding("backspace", "undo", "Undo", id="adjudicate.undo"),
    Binding("left", "step(-1)", "Previous", show=False, id="adjudicate.previous"),
    Binding("right", "step(1)", "Next", show=False, id="adjudicate.next"),
    Binding("escape", "close", "Close", id="adjudicate.close"),
    Binding("question_mark", "app.show_help_panel", "Keys", key_display="?", show=False, id="adjudicate.help"),
]

# The compare view: one row per cluster, one column per article.
COMPARE_BINDINGS: list[Binding] = [
    Binding("enter", "jump", "Go to span", id="compare.jump"),
    Binding("p", "propose", "Propose", id="compare.propose"),
    Binding("y", "accept_suggestion", "Confirm", id="compare.accept"),
    Binding("n", "reject_suggestion", "Not the same", id="compare.reject"),
    Binding("x", "drop_member", "Drop cell", id="compare.drop"),
    Binding("R", "rename", "Rename", id="compare.rename"),
    Binding("escape", "close", "Close", id="compare.close"),
    Binding("question_mark", "app.show_help_panel", "Keys", key_display="?", show=False, id="compare.help"),
]

# Names Textual gives keys that are typed as a single character.
_KEY_CHARACTERS = {
    "question_mark": "?",
    "slash": "/",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
}


def key_character(key: str) -> str:
    """One key of a binding (``question_mark``) as a user would type it (``?``)."""
    return _KEY_CHARACTERS.get(key.strip(), key.strip())


def binding_characters(binding: Binding) -> set[str]:
    """The characters or key names a binding answers to, as a user would type them."""
    return {key_character(key) for key in binding.key.split(",")}


# The bindings active together, one list per screen (the article view runs the main screen's).
SCREEN_BINDINGS: tuple[list[Binding], ...] = (
    VIEW_BINDINGS + MAIN_BINDINGS,
    REVIEW_BINDINGS,
    ADJUDICATION_BINDINGS,
    COMPARE_BINDINGS,
)


def binding_ids() -> set[str]:
    """Every id a user keymap may name."""
    return {binding.id for bindings in SCREEN_BINDINGS for binding in bindings if binding.id}


def _remapped(binding: Binding, keymap: dict[str, str]) -> Binding:
    keys = keymap.get(binding.id or "")
    return binding if keys is None else Binding(keys, binding.action)


def key_clash(keymap: dict[str, str]) -> tuple[str, str, str] | None:
    """(key, first id, second id) when the keymap leaves one key to two bindings of a screen."""
    for bindings in SCREEN_BINDINGS:
        owner: dict[str, str] = {}
        for binding in bindings:
            for key in binding_characters(_remapped(binding, keymap)):
                if key in owner:
                    return key, owner[key], binding.id or ""
                owner[key] = binding.id or ""
    return None


def reserved_keys(keymap: dict[str, str] | None = None) -> dict[str, str]:
    """Keys a label may not take, because a binding of the articles' screen has them: each
    to that binding, in words ("the key of article.pick (Open article)"). The keys the
    keymap gives are left out: a label that has one is the keymap's clash (keymap_clash)."""
    keymap = keymap or {}
    return {
        key: f"the key of {binding.id} ({binding.description})"
        for binding in VIEW_BINDINGS + MAIN_BINDINGS
        if binding.id not in keymap
        for key in binding_characters(binding)
    }


def keymap_label_clash(keymap: dict[str, str], schema: LabelSchema) -> tuple[str, str, str] | None:
    """(key, binding id, label) when the keymap gives a binding of the articles' screen a
    key that a label of the schema has."""
    labels = {label.key: label.name for label in schema.labels}
    for binding in VIEW_BINDINGS + MAIN_BINDINGS:
        if binding.id in keymap:
            for key in binding_characters(_remapped(binding, keymap)):
                if key in labels:
                    return key, binding.id or "", labels[key]
    return None


def label_bindings(schema: LabelSchema) -> list[Binding]:
    """One binding per label of the schema: its key tags the selection or the word under the cursor.

    They belong to the focused article view (ahead of its own keys), and act on the screen."""
    return [
        Binding(
            label.key,
            f"screen.tag({label.name!r})",
            label.name,
            tooltip=f"Tag {label.name}: {label.description}",
            id=f"tag.{label.name}",
        )
        for label in schema.labels
    ]


def listed_bindings(schema: LabelSchema) -> dict[str, list[Binding]]:
    """Every binding as the help screen and the command palette list it, each once, by
    where it acts: review's relabel keys only for the labels the schema has, each named
    by its label, and adjudication's pick keys each by its version (the key bar shows
    them as one, 1-9)."""
    relabel = {f"review.label-{number}": label.name for number, label in enumerate(schema.labels, 1)}
    return {
        "cursor": VIEW_BINDINGS,
        "main": MAIN_BINDINGS,
        "labels": label_bindings(schema),
        "review": [
            replace(binding, description=f"Relabel {relabel[binding.id]}") if binding.id in relabel else binding
            for binding in REVIEW_BINDINGS
            if binding.id in relabel or "relabel(" not in binding.action
        ],
        "adjudication": [
            replace(binding, description=f"Pick version {binding.key}") if "pick(" in binding.action else binding
            for binding in ADJUDICATION_BINDINGS
        ],
        "compare": COMPARE_BINDINGS,
    }
