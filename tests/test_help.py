"""The help screen, the command palette, `broadsheet --help` and the README, each generated
from (or checked against) the one binding list in tui/keymap.py (issue 24)."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console
from textual.command import CommandList

from annotations.readers import FORMAT_NAMES, READ_FORMATS
from annotations.schema import load_schema
from annotations.store import Store
from tui.app import BroadsheetApp
from tui.cli import COMMANDS, main
from tui.keymap import (
    ADJUDICATION_BINDINGS,
    COMPARE_BINDINGS,
    MAIN_BINDINGS,
    REVIEW_BINDINGS,
    VIEW_BINDINGS,
    binding_characters,
    binding_ids,
    label_bindings,
    listed_bindings,
    reserved_keys,
)
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen
from tui.session import Session

from .conftest import ROOT, make_app, saved_annotations
from .test_app import NARROW, WIDE
from .test_outside_text import CLOSE_BOLD, RETITLE, hostile_schema
from .test_review_screen import seed_tags

HELP_WIDTH = 92  # inside the help box (#help-body: 96 wide, a border and padding each side)


async def shown_help(app, pilot, width: int = HELP_WIDTH) -> list[str]:
    """The help screen's lines as a person reads them (opened with ?)."""
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    return help_lines(app, width)


def help_lines(app, width: int) -> list[str]:
    """The open help screen's lines, ``width`` wide (wider than the box: a row a line)."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    for static in app.screen.query("#help-body Static"):
        console.print(static.content)
    return console.file.getvalue().splitlines()


def section(lines: list[str], title: str) -> list[str]:
    """The rows under the heading that starts with ``title``, up to the next blank line
    (without the lines a long description wraps onto)."""
    start = next(index for index, line in enumerate(lines) if line.startswith(title)) + 1
    end = next((index for index in range(start, len(lines)) if not lines[index].strip()), len(lines))
    return [line for line in lines[start:end] if not line.startswith(" ")]


def row_with(lines: list[str], binding_id: str) -> str:
    [row] = [line for line in lines if re.search(rf"(?<![\w.-]){re.escape(binding_id)}(?![\w.-])", line)]
    return row


def keys_of(rows: list[str]) -> list[str]:
    return [row.split()[0] for row in rows]


# -- 1: the help screen is right -----------------------------------------------------------


async def test_help_lists_relabel_keys_for_the_schemas_labels_by_name_and_each_pick_key_once(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            lines = await shown_help(app, pilot)
    relabel = [row.split()[:3] for row in section(lines, "Review") if "review.label-" in row]
    assert relabel == [
        ["1", "Relabel", "actor"],
        ["2", "Relabel", "claim"],
        ["3", "Relabel", "figure"],
        ["4", "Relabel", "quote"],
    ]  # four labels: no "Label 5" to "Label 9"
    assert not any("Label 5" in line for line in lines)
    adjudication = section(lines, "Adjudication")
    assert keys_of(adjudication) == [*"123456789", "x", "space", "backspace", "left", "right", "escape", "?"]
    assert [row.split()[1:4] for row in adjudication[:2]] == [["Pick", "version", "1"], ["Pick", "version", "2"]]


async def test_help_lists_the_relations_the_key_after_L_picks_with_what_each_joins(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            lines = await shown_help(app, pilot)
    relations = section(lines, "Relations")
    assert [row.split()[:2] for row in relations] == [["s", "same-as"], ["b", "said-by"]]
    assert "same label" in relations[0] and "quote -> actor" in relations[1]


async def test_help_shows_a_relation_named_with_markup_and_described_with_an_escape_literally(tmp_path, seeds):
    path = tmp_path / "labels.yaml"
    path.write_text(
        json.dumps(
            {
                "labels": [{"name": "actor", "key": "a", "color": "red", "description": "Someone."}],
                "relations": [
                    {
                        "name": "[b]knows",
                        "key": "k",
                        "description": f"[@click=app.quit]Who{RETITLE}",
                        "joins": "actor -> any",
                    }
                ],
            }
        )
    )
    schema = load_schema(path, reserved_keys())
    with Store.open(tmp_path / "db" / "broadsheet.json") as store:
        app = BroadsheetApp(Session(store, schema, "tester", seeds))
        async with app.run_test(size=WIDE) as pilot:
            folded = await shown_help(app, pilot)
            lines = help_lines(app, 200)
    assert not any("…" in line for line in folded)  # the box folds a long word, never cuts it
    [relation] = section(lines, "Relations")
    assert relation.split() == ["k", "[b]knows", "actor", "->", "any", "[@click=app.quit]Who␛]2;PWNED␇"]


async def test_help_names_the_schemas_source_once_and_aligns_every_column(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            lines = await shown_help(app, pilot)
    text = "\n".join(lines)
    assert "Labels (default labels.yaml)" in text and "((" not in text
    left = row_with(lines, "cursor.left")
    # The description, the id and the detail columns start at one place in every section.
    for word, binding_id in (
        ("Delete", "annotation.delete"),
        ("actor", "tag.actor"),
        ("Accept", "review.accept"),
        ("Propose", "compare.propose"),
        ("Reject all", "adjudicate.reject-all"),
    ):
        row = row_with(lines, binding_id)
        assert (row.index(word), row.index(binding_id)) == (left.index("Left"), left.index("cursor.left")), row
    details = [
        row_with(lines, binding_id).index(detail)
        for binding_id, detail in (
            ("tag.actor", "Tag actor: A person"),
            ("tag.figure", "Tag figure: A number"),
            ("annotation.delete", "Delete the innermost"),
        )
    ]
    assert len(set(details)) == 1, details


# -- 2: the command palette holds Broadsheet's own commands ---------------------------------


async def palette(app, pilot, words: str = "") -> list[str]:
    """The commands the palette (ctrl+p) offers for ``words`` typed into it, as text."""
    await pilot.press("ctrl+p", *[{" ": "space"}.get(char, char) for char in words])
    await pilot.pause(0.3)
    return [str(option.prompt) for option in app.screen.query_one(CommandList).options]


async def run_from_palette(app, pilot, words: str) -> None:
    """ctrl+p, part of a command's description, enter."""
    await palette(app, pilot, words)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_palette_finds_a_label_by_name_and_tags_the_word_under_the_cursor(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("w")  # the cursor on the article's second word
            await run_from_palette(app, pilot, "figur")
            assert isinstance(app.screen, MainScreen)
    [saved] = saved_annotations(db_path)
    assert (saved["article_id"], saved["label"], saved["text"]) == (seeds[0].id, "figure", seeds[0].text.split()[1])


async def test_the_palette_runs_a_review_key_on_the_review_screen(seeds, db_path):
    hook, *_ = seed_tags(seeds, db_path)
    app, store = make_app(seeds, db_path, annotator="lead")
    with store:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("r")
            await run_from_palette(app, pilot, "relabel claim")
            assert isinstance(app.screen, ReviewScreen)
            assert not any("Open article" in command for command in await palette(app, pilot, "open art"))
    records = {record["id"]: record for record in saved_annotations(db_path)}
    assert records[hook.id]["label"] == "claim"


async def test_the_palette_shows_a_label_named_with_markup_and_a_description_with_an_escape_literally(tmp_path, seeds):
    with Store.open(tmp_path / "db" / "broadsheet.json") as store:
        app = BroadsheetApp(Session(store, hostile_schema(tmp_path), "tester", seeds))
        async with app.run_test(size=WIDE) as pilot:
            [command] = [command for command in await palette(app, pilot) if "tag." in command]
    assert command == f"{CLOSE_BOLD}  a\ntag.{CLOSE_BOLD} · Tag {CLOSE_BOLD}: Bold␛]2;PWNED␇ [b]not bold"


# -- 3: broadsheet --help lists every command; each command's --help is right ---------------


def cli_help(capsys, monkeypatch, *argv: str) -> str:
    """What `broadsheet ARGV --help` prints, on one wide line per entry (no wrapping)."""
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_the_top_level_help_lists_every_command_and_what_paths_open(capsys, monkeypatch):
    shown = cli_help(capsys, monkeypatch)
    block = shown[shown.index("\ncommands") :].split("\n\n")[0]
    listed = re.findall(r"^  (\w+) {2,}\S", block, re.MULTILINE)  # a command and what it does, a line each
    assert listed == ["add", "import", "export", "validate", "review", "agree", "merge", "compare"]
    assert set(listed) == set(COMMANDS)
    [paths] = [line for line in shown.splitlines() if line.lstrip().startswith("PATH ")]
    for kind in (".txt", ".md", ".jsonl", ".html", "folders", "globs"):
        assert kind in paths, kind


def test_each_commands_help_names_what_it_reads_and_writes(capsys, monkeypatch):
    imported = cli_help(capsys, monkeypatch, "import")
    for name in READ_FORMATS:
        assert FORMAT_NAMES[name] in imported, name
    validated = cli_help(capsys, monkeypatch, "validate")
    for name in FORMAT_NAMES.values():  # export's formats, spaCy's DocBin too
        assert name in validated, name
    exported = cli_help(capsys, monkeypatch, "export")
    start = exported.index("--output")
    output = exported[start : exported.index("--format {", start)]
    for folder_format in ("brat", "uima"):
        assert folder_format in output, folder_format
    assert "JSONL (spaCy, Prodigy), doccano, brat or CoNLL" not in exported  # it writes nine formats


# -- 4: every key and command is listed once, and the README agrees --------------------------

ARROWS = ("left", "right", "up", "down")


def listed_ids(schema, *groups: str) -> list[str]:
    listed = listed_bindings(schema)
    return [binding.id or "" for group in groups or listed for binding in listed[group]]


def times_named(text: str, binding_id: str) -> int:
    return len(re.findall(rf"(?<![\w.-]){re.escape(binding_id)}(?![\w.-])", text))


async def test_every_binding_is_in_the_help_screen_once_and_nothing_else_is(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            lines = await shown_help(app, pilot)
            schema = app.session.schema
    text = "\n".join(lines)
    ids = listed_ids(schema)
    for binding_id in binding_ids() | {f"tag.{name}" for name in schema.names}:
        assert times_named(text, binding_id) == (binding_id in ids), binding_id  # review.label-5 to -9: none
    assert len(ids) == len(set(ids)) == len(binding_ids()) - 5 + len(schema.names)
    for title in ("Move", "Tags", "Labels", "Relations", "Review", "Adjudication", "Compare"):
        keys = keys_of(section(lines, title))
        assert len(keys) == len(set(keys)), title


async def test_every_binding_of_a_screen_is_in_its_palette_once(seeds, db_path):
    seed_tags(seeds, db_path)
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            schema = app.session.schema
            for keys, groups in (
                ([], ("cursor", "main", "labels")),
                (["r"], ("review",)),
                (["escape", "C"], ("compare",)),
            ):
                await pilot.press(*keys)
                commands = "\n".join(await palette(app, pilot))
                await pilot.press("escape")
                for binding_id in listed_ids(schema):
                    assert times_named(commands, binding_id) == (binding_id in listed_ids(schema, *groups)), binding_id


def readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    return text[start : text.index("\n#", start + 1)]


def readme_keys(heading: str) -> tuple[set[str], set[str]]:
    """The keys the first table under ``heading`` names: those in backquotes (a range `1`-`9`
    and `shift`+arrows spelt out), and those with the word "arrows" added."""
    rows = [line for line in readme_section(heading).splitlines() if line.startswith("| ")][1:]
    cells = " ".join(row.split(" | ")[0] for row in rows)
    cells = cells.replace("`shift`+arrows", " ".join(f"`shift+{arrow}`" for arrow in ARROWS))
    cells = re.sub(
        r"`(\d)`-`(\d)`", lambda span: " ".join(f"`{n}`" for n in range(int(span[1]), int(span[2]) + 1)), cells
    )
    quoted = set(re.findall(r"`([^`]+)`", cells))
    return quoted, quoted | (set(ARROWS) if "arrows" in re.sub(r"`[^`]*`", "", cells) else set())


def test_the_readmes_key_tables_give_each_binding_its_key_in_keymap():
    labels = label_bindings(load_schema(None, reserved_keys()))
    for heading, bindings in (
        ("### Keys", VIEW_BINDINGS + MAIN_BINDINGS + labels),
        ("### Review", REVIEW_BINDINGS),
        ("### Teams: agreement and merging", ADJUDICATION_BINDINGS),
        ("### Links and the compare view", COMPARE_BINDINGS),
    ):
        quoted, documented = readme_keys(heading)
        for binding in bindings:
            assert binding_characters(binding) <= documented, (heading, binding.id, binding.key)
        bound = {key for binding in bindings for key in binding_characters(binding)}
        assert quoted - bound <= {BroadsheetApp.COMMAND_PALETTE_BINDING}, heading  # no key that does not exist
    assert "`ctrl+p`" in readme_section("### Keys")


def test_the_readmes_using_it_names_every_command_and_the_apps_options():
    using_it = readme_section("## Using it")
    for name in COMMANDS:
        assert re.search(rf"^broadsheet {name}\b", using_it, re.MULTILINE), name
    for option in ("--db", "--labels", "--annotator", "--keymap", "--patterns"):
        assert re.search(rf"^broadsheet {option}\b", using_it, re.MULTILINE), option


async def test_question_mark_opens_the_keys_from_the_review_and_compare_screens(seeds, db_path):
    from tui.screens.help import HelpScreen

    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=WIDE) as pilot:
            for opener in ("r", "C"):
                await pilot.press(opener, "question_mark")
                await pilot.pause()
                assert isinstance(app.screen, HelpScreen), opener
                await pilot.press("escape", "escape")


async def test_at_80_columns_a_keys_detail_goes_under_what_it_does_in_whole_words(seeds, db_path):
    app, store = make_app(seeds, db_path)
    with store:
        async with app.run_test(size=NARROW) as pilot:
            lines = await shown_help(app, pilot, width=76)  # the box's inside at 80 columns
    cancel = lines.index(row_with(lines, "select.cancel"))
    under = " ".join(line.strip() for line in lines[cancel : cancel + 3])
    assert "Cancel selection or link" in under and "Cancel the selection, or else the link" in under, lines[cancel:]
    assert all(len(line) <= 76 for line in lines)
