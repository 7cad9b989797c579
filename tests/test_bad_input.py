"""Strange and broken inputs: each gets one line naming the file, and nothing else is lost."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from annotations.articles import load_corpus
from annotations.store import Store
from tui.widgets.article_view import HEADING_ROWS

from .conftest import ROOT, make_app, saved_annotations

GOOD = "The Pentagon said the strikes were defensive."

# name -> (file name, bytes, expected normalised text or None when refused, the problem's words)
CASES = {
    "empty file": ("empty.txt", b"", None, "empty file"),
    "binary file": (
        "image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        None,
        "binary file (NUL byte at byte 8)",
    ),
    "invalid UTF-8": ("latin1.txt", "café noir".encode("latin-1"), None, "invalid UTF-8 at byte 3"),
    "UTF-8 with BOM": ("bom8.txt", b"\xef\xbb\xbfHello world", "Hello world", None),
    "UTF-16 with BOM": ("bom16.txt", "\ufeffHéllo wörld".encode("utf-16"), "Héllo wörld", None),
    "CRLF and lone CR": ("endings.txt", b"one\r\ntwo\rthree", "one\ntwo\nthree", None),
    "tabs": ("tabs.txt", b"col\tumn\ttext", "col\tumn\ttext", None),
    "NUL and controls": ("controls.txt", b"a\x00b\x07c\x08d", "a\u2400b\u2407c\u2408d", None),
    "ANSI and OSC": (
        "escapes.txt",
        b"\x1b]0;pwned\x07Title \x1b[1;31mred\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
        "Title red link",
        None,
    ),
    "bidi override": ("bidi.txt", "invoice \u202egnp.exe".encode(), "invoice \ufffdgnp.exe", None),
    "Rich markup": (
        "markup.txt",
        b"[bold]x[/] [/] [link=http://evil]y[/link] [@click=app.quit]z[/]",
        "[bold]x[/] [/] [link=http://evil]y[/link] [@click=app.quit]z[/]",
        None,
    ),
    "emoji, CJK, combining": (
        "wide.txt",
        "👩‍🔬 報道機関 café e\u0301t\u00e9".encode(),
        "👩‍🔬 報道機関 café e\u0301t\u00e9",
        None,
    ),
    "broken front matter": (
        "front.md",
        b"---\ntitle: [unclosed\n---\nBody.\n",
        None,
        "front matter is not valid YAML at line 3",
    ),
    "unclosed front matter": ("open.md", b"---\ntitle: x\nBody without end.\n", None, "has no closing '---' line"),
}


def digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir() if path.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_input_is_named_or_made_safe_and_the_rest_opens(tmp_path, case):
    name, data, expected_text, problem = CASES[case]
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / name).write_bytes(data)
    before = digest(tmp_path)
    corpus = load_corpus([tmp_path])
    assert GOOD in [article.text for article in corpus.articles]
    if expected_text is None:
        [message] = corpus.problems
        assert message.startswith(f"{tmp_path / name}: ") and problem in message and "\n" not in message
        assert len(corpus.articles) == 1
    else:
        assert corpus.problems == []
        [article] = [article for article in corpus.articles if article.text != GOOD]
        assert article.text == expected_text
    assert digest(tmp_path) == before  # inputs are never modified


def test_a_jsonl_corpus_with_a_malformed_line(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(
        json.dumps({"text": "First article.", "meta": {"id": "a-1", "source": "AP"}})
        + "\n"
        + '{"text": "broken\n'
        + json.dumps({"text": "Prodigy line.", "spans": [{"start": 0, "end": 7, "label": "actor"}]})
        + "\n"
        + json.dumps({"text": "doccano line", "label": [[0, 7, "actor"]], "id": 7})
        + "\n"
        + json.dumps({"meta": {}})
        + "\n"
    )
    corpus = load_corpus([path])
    assert [(article.id, article.text, article.outlet) for article in corpus.articles] == [
        ("a-1", "First article.", "AP"),
        ("dump:3", "Prodigy line.", ""),
        ("7", "doccano line", ""),
    ]
    assert corpus.problems == [
        f"{path}:2: not valid JSON (Unterminated string starting at at column 10); line skipped",
        f"{path}:5: no 'text' string; line skipped",
    ]
    assert [article.id for article in load_corpus([path]).articles] == ["a-1", "dump:3", "7"]  # stable ids


def test_pipes_broken_links_and_globs(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    corpus = load_corpus([tmp_path])
    assert [article.text for article in corpus.articles] == [GOOD]
    assert corpus.problems == [
        f"{tmp_path / 'gone.md'}: a broken link; skipped",
        f"{tmp_path / 'pipe.txt'}: not a regular file (a pipe, socket or device); skipped",
    ]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.txt").write_text("Deep.")
    assert [article.id for article in load_corpus([tmp_path / "**" / "deep.txt"]).articles] == ["deep"]
    assert load_corpus([tmp_path / "*.nothing"]).problems == [f"{tmp_path / '*.nothing'}: no files match this pattern"]


def test_a_five_megabyte_article_opens_and_exports_exact_offsets(tmp_path, db_path):
    paragraph = "Militia spokesman said 25 fighters were killed in the strikes. " * 40
    big = "\n\n".join([paragraph] * 2000)
    assert len(big.encode()) > 5_000_000
    (tmp_path / "big.txt").write_text(big)
    [article] = load_corpus([tmp_path]).articles
    with Store.open(db_path) as store:
        start = len(big) - 200 + big[len(big) - 200 :].index("25 fighters")
        store.add(article, start, start + len("25 fighters"), "figure", "me")
    [saved] = saved_annotations(db_path)
    assert big[saved["start"] : saved["end"]] == "25 fighters"


async def test_wide_and_combining_characters_keep_cursor_and_offsets_aligned(tmp_path, db_path):
    text = "報道 said e\u0301te\u0301 and 👩‍🔬 spoke."
    (tmp_path / "wide.txt").write_text(text)
    corpus = load_corpus([tmp_path])
    app, store = make_app(corpus.articles, db_path)
    with store:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("a")  # the word under the cursor: 報道
            await pilot.press("w", "w", "l")  # on "été": from e, one step passes the combining mark to t
            view = app.screen.focused
            assert text[view.cursor] == "t"
            await pilot.press("c")
            line = view.render_line(HEADING_ROWS).text
            assert line.startswith(" 報道 said e\u0301te\u0301")
    records = saved_annotations(db_path)
    assert [(record["text"], text[record["start"] : record["end"]]) for record in records] == [
        ("報道", "報道"),
        ("e\u0301te\u0301", "e\u0301te\u0301"),
    ]


def test_the_app_names_skipped_inputs_and_exits_1(tmp_path, db_path):
    from .tmux import Terminal, broadsheet_command

    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    terminal = Terminal(broadsheet_command(str(tmp_path), "--db", str(db_path)), 120, 30, cwd=ROOT)
    try:
        terminal.wait_for("The Pentagon said", "empty file")
        terminal.send("C-q")
        assert terminal.wait_for_exit() == 1
    finally:
        terminal.close()


def big_article(tmp_path: Path, name: str, tail: bytes = b"") -> Path:
    path = tmp_path / name
    body = ("Kirkuk base was hit by more than 30 rockets on Friday. " * 200).encode()
    path.write_bytes(b"---\noutlet: Wire\ntitle: Rockets\n---\n" + body + tail)
    return path


def test_large_articles_are_read_only_up_to_their_head_at_open(tmp_path):
    from annotations.articles import HEAD_BYTES

    path = big_article(tmp_path, "big.md")
    assert path.stat().st_size > HEAD_BYTES
    [article] = load_corpus([tmp_path]).articles
    assert (article.id, article.outlet, article.title) == ("big", "Wire", "Rockets")
    assert article._text is None  # the body is not read yet
    assert article.text.startswith("Kirkuk base was hit") and article._text is not None


def test_a_bad_byte_deep_in_a_large_article_is_named_when_it_is_first_read(tmp_path):
    from annotations.articles import ArticleError

    path = big_article(tmp_path, "late.md", tail=b"caf\xe9")
    [article] = load_corpus([tmp_path]).articles  # the head is fine
    with pytest.raises(ArticleError, match=rf"^{path}: invalid UTF-8 at byte {path.stat().st_size - 1}$"):
        article.text  # noqa: B018 - reading it is what raises


async def test_the_app_skips_an_article_that_fails_when_first_shown(tmp_path, db_path):
    big_article(tmp_path, "a-late.md", tail=b"\xff")
    (tmp_path / "b-good.txt").write_text(GOOD)
    corpus = load_corpus([tmp_path])
    assert corpus.problems == []
    app, store = make_app(corpus.articles, db_path, problems=corpus.problems)
    with store:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            views = list(app.screen.query("ArticleView"))
            assert [view.article.id for view in views] == ["b-good"]
            await pilot.press("w", "a")
    assert corpus.problems == [
        f"{tmp_path / 'a-late.md'}: invalid UTF-8 at byte {(tmp_path / 'a-late.md').stat().st_size - 1}"
    ]
    assert [record["text"] for record in saved_annotations(db_path)] == ["Pentagon"]


def test_when_every_article_fails_on_first_read_the_app_exits_1_naming_it(tmp_path, db_path):
    import shlex

    from .tmux import Terminal, broadsheet_command

    late = big_article(tmp_path, "late.md", tail=b"\xff")
    # A shell keeps the pane alive after the app exits, so what it printed stays on screen.
    command = shlex.join(broadsheet_command(str(late), "--db", str(db_path)))
    terminal = Terminal(["sh", "-c", f"{command}; echo EXIT=$?; sleep 30"], 200, 20, cwd=ROOT)
    try:
        screen = terminal.wait_for("EXIT=", timeout=20)
    finally:
        terminal.close()
    assert "EXIT=1" in screen
    assert f"broadsheet: skipped {late}: invalid UTF-8 at byte {late.stat().st_size - 1}" in screen
    assert "Traceback" not in screen


def test_unreadable_files_in_a_folder_are_named(tmp_path, monkeypatch):
    # Tests run as root here, where chmod cannot make a file unreadable: refuse the open instead.
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "secret.txt").write_text("Classified.")
    (tmp_path / "locked").mkdir()
    real_open = Path.open

    def refusing_open(self, *args, **kwargs):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    real_walk = os.walk

    def walk_with_a_locked_folder(top, onerror=None, **kwargs):
        for entry in real_walk(top, onerror=onerror, **kwargs):
            if entry[0].endswith("locked") and onerror is not None:
                onerror(PermissionError(13, "Permission denied", entry[0]))
                continue
            yield entry

    monkeypatch.setattr(Path, "open", refusing_open)
    monkeypatch.setattr(os, "walk", walk_with_a_locked_folder)
    corpus = load_corpus([tmp_path])
    assert [article.text for article in corpus.articles] == [GOOD]
    assert corpus.problems == [
        f"{tmp_path / 'locked'}: cannot read this folder: Permission denied",
        f"{tmp_path / 'secret.txt'}: cannot read: Permission denied",
    ]


async def test_every_input_skipped_at_start_is_named_in_one_notice(seeds, db_path, tmp_path):
    problems = [f"{tmp_path / f'missing-{number}.txt'}: no such file or directory" for number in range(4)]
    app, store = make_app(seeds, db_path, problems=list(problems))
    with store:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            [notice] = [notice for notice in app._notifications if notice.title.startswith("Skipped")]
    assert notice.title == "Skipped 4 inputs"
    assert all(problem in notice.message for problem in problems)  # four notices showed three
