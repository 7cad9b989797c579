"""The `broadsheet` command: open articles in the app, or export what was tagged.

Exit status: 0 on success, 1 when some inputs were skipped (each named on stderr),
2 on usage or configuration errors (bad schema, keymap, or database).
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.articles import is_url, load_corpus, open_corpus
from annotations.locations import default_db_path
from annotations.model import annotator_names, default_annotator
from annotations.schema import CLUSTER_RELATION, LabelSchema, PatternError, SchemaError, load_schema
from annotations.storage import failure
from annotations.store import DatabaseLocked, Store, StoreError
from annotations.text import counted, printable, printable_block

if TYPE_CHECKING:
    from annotations.export import ExportedArticle, ExportSelection, OverlapReport, TextSink
    from annotations.importing import ImportReport, Labels

    from .app import BroadsheetApp

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A one-line problem with the command line or a configuration file (exit status 2)."""


def say(message: str) -> None:
    """One line on stderr, 'broadsheet: ' first. Messages name files, labels and lines that
    came from outside: every control character in them shows as its picture, so none can
    retitle the terminal or break the line."""
    print(f"broadsheet: {printable(message)}", file=sys.stderr)


def bundled_seeds() -> Path:
    """The seed articles: shipped inside the installed package, or beside it in a checkout."""
    installed = Path(__file__).resolve().parent / "seeds"  # the tui.seeds package data
    return installed if installed.is_dir() else installed.parent.parent / "seeds"


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the TinyDB database file (default: {default_db_path()})",
    )


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet",
        description="Read articles side by side, tag spans from the keyboard, export a labelled dataset.",
        epilog=_commands_listed(),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the commands a line each
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=_path_or_url,
        metavar="PATH",
        help=".txt/.md/.jsonl/.html files, folders of them (recursively) or globs, quoted: 'news/**/*.md' "
        "(default: the bundled seeds)",
    )
    _db_argument(parser)
    parser.add_argument(
        "--labels", type=Path, metavar="FILE", help="a label schema YAML file (replaces the default labels)"
    )
    parser.add_argument(
        "--annotator", default=None, metavar="NAME", help="the name stored on every tag (default: your user name)"
    )
    parser.add_argument(
        "--keymap", type=Path, metavar="FILE", help="a YAML file mapping binding ids to keys, e.g. 'history.undo: z'"
    )
    parser.add_argument(
        "--patterns",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML or JSONL file of patterns (label and phrases or regex) whose matches are suggested "
        "(repeat for several; the label schema can name more under suggest:)",
    )
    return parser


def _commands_listed() -> str:
    width = max(map(len, COMMANDS))
    return "\n".join(
        [
            "commands (each with --help):",
            *(f"  {name:<{width}}  {summary}" for name, (_, _, summary) in COMMANDS.items()),
            "",
            "In the app, ? lists every key and ctrl+p runs one by what it does.",
        ]
    )


def _path_or_url(value: str) -> Path | str:
    """A PATH argument; a web address stays as typed (a Path would fold its '//'), for
    run_app to say how to bring it in."""
    return value if is_url(value) else Path(value)


def _names(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _export_parser() -> argparse.ArgumentParser:
    from annotations.export import FORMATS  # the app's start-up does without export (and review) code

    parser = argparse.ArgumentParser(
        prog="broadsheet export",
        description="Write the tagged articles as labelled data, in the format --format names (JSONL by default).",
    )
    _db_argument(parser)
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help=f"where to write ('-' for standard output, the default; a folder for {' or '.join(_FOLDER_FORMATS)})",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl (default), prodigy (Prodigy's tasks, with tokens), doccano (sequence labelling), "
        "doccano-re (relation extraction), brat, conll, labelstudio (tasks and their "
        "labelling config, OUT.json and OUT.config.xml), spacy (a DocBin, OUT.spacy) or uima "
        "(a folder of UIMA CAS XMI files and their TypeSystem.xml, for INCEpTION)",
    )
    parser.add_argument(
        "--spans-key",
        default="sc",
        metavar="KEY",
        help="spacy: the doc.spans key every span goes under (default: sc, the span categorizer's)",
    )
    parser.add_argument("--gold", action="store_true", help="only spans a reviewer accepted")
    parser.add_argument(
        "--with-rejected",
        action="store_true",
        help="jsonl only: also the spans a reviewer rejected, with their status (never a label otherwise)",
    )
    parser.add_argument("--labels", type=_names, default=frozenset(), metavar="L1,L2", help="only these labels")
    parser.add_argument("--articles", type=_names, default=frozenset(), metavar="ID1,ID2", help="only these articles")
    parser.add_argument(
        "--annotator", type=_names, default=frozenset(), metavar="NAME", help="only spans by these annotators"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="conll: refuse spans IOB2 cannot hold as they are (overlapping, or across a sentence break) "
        "instead of keeping the outer one or splitting it",
    )
    parser.add_argument(
        "--clusters",
        type=Path,
        metavar="FILE",
        help="also write the clusters of same-as links across articles (and other links between "
        "articles) to FILE, one JSON line each",
    )
    parser.add_argument(
        "--cluster-relation",
        default=CLUSTER_RELATION,
        metavar="NAME",
        help=f"the relation whose links form clusters (default: {CLUSTER_RELATION})",
    )
    return parser


def _import_parser() -> argparse.ArgumentParser:
    from annotations.readers import FORMAT_NAMES, JSONL_FORMATS, READ_FORMATS

    parser = argparse.ArgumentParser(
        prog="broadsheet import",
        description=f"Read annotations into the database: {', '.join(FORMAT_NAMES[name] for name in READ_FORMATS)}, "
        "each file in the format it is in (said on stderr unless JSONL). JSONL is Broadsheet's export, "
        "Prodigy's text+spans or doccano's text+label; a clusters file (export --clusters) goes after "
        "the articles it links.",
    )

    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE|FOLDER",
        help="JSONL, Label Studio JSON, CoNLL, UIMA CAS (XMI or JSON) or WebAnno TSV files, or folders "
        "of brat standoff (.txt and .ann pairs) or of XMI files",
    )
    _db_argument(parser)
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=READ_FORMATS + JSONL_FORMATS,
        metavar="FORMAT",
        help=f"read every file as this format ({', '.join(READ_FORMATS + JSONL_FORMATS)}) instead of detecting it",
    )
    parser.add_argument(
        "--annotator", default=None, help="stored on spans that name no annotator (default: your user name)"
    )
    parser.add_argument(
        "--as-suggestions",
        action="store_true",
        help="a model's predictions: the spans come in as suggestions, to accept or reject",
    )
    parser.add_argument(
        "--label-map",
        type=_renaming,
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="import spans labelled OLD as NEW (repeat for several)",
    )
    parser.add_argument(
        "--labels",
        type=Path,
        metavar="FILE",
        help="a label schema: a span whose label (after --label-map) it does not name is skipped, named",
    )
    return parser


def _renaming(value: str) -> tuple[str, str]:
    old, equals, new = value.partition("=")
    if not (equals and old.strip() and new.strip()):
        raise argparse.ArgumentTypeError(f"{value!r}: expected OLD=NEW")
    return old.strip(), new.strip()


def _validate_parser() -> argparse.ArgumentParser:
    from annotations.readers import FORMAT_NAMES

    parser = argparse.ArgumentParser(
        prog="broadsheet validate",
        description="Check what export writes, or import reads, told by what it holds: "
        f"{', '.join(FORMAT_NAMES.values())}. "
        "JSONL (ours against its JSON Schema, Prodigy's, doccano's) with its offsets against the text and (with spaCy "
        "installed) spaCy's tokens; CoNLL's IOB2 tags; a brat folder's .ann files and annotation.conf; every other "
        "format's spans against its text.",
    )
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE|FOLDER",
        help="a file, or a folder (brat, UIMA), as export wrote it or import reads it",
    )
    return parser


def _compare_parser() -> argparse.ArgumentParser:
    from annotations.comparison import FORMATS

    parser = argparse.ArgumentParser(
        prog="broadsheet compare",
        description="Write the comparison: one row per cluster of same-as links (and with --proposed, per "
        "proposal), one column per outlet, each cell the outlet's words, offsets and values; and what each "
        "outlet alone reports.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="the articles to compare, as for the app (default: every article in the database)",
    )
    _db_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="md", help="md (default), csv, json or html (one page)")
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write ('-': standard output)")
    parser.add_argument(
        "--proposed",
        action="store_true",
        help="also the rows Broadsheet proposes: the same actor, figure, quote or claim across outlets",
    )
    parser.add_argument("--labels", type=Path, metavar="FILE", help="the label schema (its order orders the rows)")
    return parser


def _agree_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet agree",
        description="How far annotators agree, one database each: span precision, recall and F1 (exact and "
        "overlapping spans) and token-level Cohen's kappa and Krippendorff's alpha, per label and overall.",
    )
    parser.add_argument("databases", type=Path, nargs="+", metavar="DB.json", help="two or more")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, for scripts")
    return parser


def _merge_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet merge",
        description="Merge annotators' databases into a new one for adjudication: every span they stand by, "
        "with its annotator, pending; links and cluster names come along.",
    )
    parser.add_argument("databases", type=Path, nargs="+", metavar="DB.json", help="one per annotator")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="ADJUDICATION.json",
        help="the new database (must not exist yet)",
    )
    parser.add_argument(
        "--accept-agreed", action="store_true", help="spans every annotator tagged alike become one accepted span"
    )
    return parser


def _seconds(value: str) -> float:
    seconds = float(value)
    if not 0 <= seconds <= 3600:  # also refuses nan and inf, which a socket's timeout cannot take
        raise argparse.ArgumentTypeError(f"{value!r}: expected a number of seconds from 0 to 3600")
    return seconds


def _add_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet add",
        description="Bring articles in from the web: each page's story (its main text, without navigation, ads or "
        "captions) and metadata become a Markdown file with front matter in the corpus folder, which "
        "`broadsheet FOLDER` opens. The pages are kept beside them, compressed, in FOLDER/.pages.",
    )
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a URL (a page, or an RSS/Atom feed: every entry's page), a saved .html/.htm page or a "
        "folder of them, a feed file, or a web archive (.warc, .warc.gz: every HTML page in it)",
    )
    parser.add_argument(
        "--to",
        type=Path,
        default=Path("articles"),
        metavar="DIR",
        help="the corpus folder (default: ./articles; made if missing)",
    )
    parser.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS", help="per request (default: 20)")
    parser.add_argument(
        "--retries",
        type=int,
        choices=range(10),
        default=2,
        metavar="N",
        help="tries more after a timeout or a busy server (5xx, 429), waiting longer each time (default: 2)",
    )
    parser.add_argument(
        "--backoff",
        type=_seconds,
        default=1.0,
        metavar="SECONDS",
        help="the wait before the first retry, doubled for each one after (default: 1)",
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=1.0,
        metavar="SECONDS",
        help="the least time between two requests to one site (default: 1)",
    )
    parser.add_argument(
        "--re-extract",
        action="store_true",
        help="extract the folder's articles again from their kept pages, without the network",
    )
    return parser


def _review_parser() -> argparse.ArgumentParser:
    from annotations.review import FILTER_FIELDS

    parser = argparse.ArgumentParser(
        prog="broadsheet review",
        description="Go through the annotations one by one: accept, reject, relabel, fix boundaries.",
    )
    _db_argument(parser)
    parser.add_argument("--labels", type=Path, metavar="FILE", help="the label schema (for relabelling with 1-9)")
    parser.add_argument("--reviewer", default=None, help="the name stored on each decision (default: your user name)")
    parser.add_argument("--keymap", type=Path, metavar="FILE", help="a YAML file mapping binding ids to keys")
    parser.add_argument(
        "--disputes",
        action="store_true",
        help="adjudicate: where annotators differ (a database from merge), pick a version or reject all",
    )
    for name in FILTER_FIELDS:
        parser.add_argument(
            f"--{name}",
            action="append",
            default=[],
            metavar="VALUE",
            help=f"only annotations with this {name} (repeat or comma-separate for several)",
        )
    return parser


PROGRESS_DELAY = 0.5  # seconds: work that ends sooner gets no bar (drawing one costs time too)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback (done, total). On a terminal (stderr) a bar appears once the
    work has run for PROGRESS_DELAY; piped, or for quick work, nothing is shown."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    started = time.monotonic()
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if done == total or time.monotonic() - started < PROGRESS_DELAY:
                return
            from rich.console import Console
            from rich.markup import escape
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            bar.add_task(escape(printable(description)), total=total)  # Rich reads it as markup; it names a file
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def load_keymap(path: Path | None) -> dict[str, str]:
    """Read a user keymap (binding id -> keys); unknown ids and bad YAML are usage errors."""
    if path is None:
        return {}
    from annotations.simple_yaml import YamlError, load

    from .keymap import binding_ids, key_clash  # textual is only needed when the app runs

    try:
        data = load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    except YamlError as error:
        raise UsageError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of binding ids to keys")
    unknown = sorted(str(key) for key in data if key not in binding_ids())
    if unknown:
        raise UsageError(f"{path}: unknown binding id {unknown[0]!r} (the help screen lists the ids)")
    wrong = next(
        (key for key, value in data.items() if not isinstance(value, (str, int)) or isinstance(value, bool)), None
    )
    if wrong is not None:
        raise UsageError(f"{path}: {wrong}: expected keys such as 'z' or 'ctrl+z,f2'")
    keymap = {str(key): str(value) for key, value in data.items()}
    clash = key_clash(keymap)
    if clash is not None:
        key, first, second = clash
        raise UsageError(f"{path}: key {key!r} would do two things: {first!r} and {second!r}")
    return keymap


@contextmanager
def starting_up() -> Iterator[None]:
    """Start-up (importing Textual, reading CSS and articles) builds many objects that live as
    long as the app and frees few, so a garbage collection meanwhile only scans them again
    and again: about a sixth of the time to first paint. Collect nothing until it is done,
    then freeze what it built so that later collections skip it."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _keymap_and_schema(args: argparse.Namespace) -> tuple[dict[str, str], LabelSchema]:
    """The user's keymap (--keymap), then the label schema (--labels), whose keys must not
    take one the keymap gives to navigation."""
    from .keymap import keymap_label_clash, reserved_keys

    keymap = load_keymap(args.keymap)
    schema = load_schema(args.labels, reserved_keys(keymap))
    clash = keymap_label_clash(keymap, schema)
    if clash is not None:
        key, binding_id, label = clash
        raise UsageError(
            f"{args.keymap}: {binding_id}: key {key!r} is already the key of label {label!r} in {schema.source}"
        )
    return keymap, schema


def run_to_the_end(app: BroadsheetApp) -> None:
    """Run the app; a database error that ended it is raised once the screen is restored,
    so that main prints its one line. Leaving the caller's ``with`` then closes the store,
    which writes what write-behind still holds."""
    app.run()
    if app.database_error is not None:
        raise app.database_error


def run_app(args: argparse.Namespace) -> int:
    url = next((path for path in args.paths if isinstance(path, str)), None)
    if url is not None:
        raise UsageError(
            f"{url}: a web address; bring it in with `broadsheet add {url}`, then open the folder (./articles)"
        )
    with starting_up():
        from .app import BroadsheetApp
        from .session import Session

        keymap, schema = _keymap_and_schema(args)
        suggesters = []
        if schema.suggesters or schema.pattern_files or args.patterns:  # the suggesters' code only when some are on
            from annotations.suggest import configured_suggesters

            suggesters = configured_suggesters(schema, args.patterns)
        # Listed, and read as far as the first article: the screens read what they show,
        # and the rest is read in the background once the first frame is out.
        corpus = open_corpus(args.paths or [bundled_seeds()])
        any_article = corpus.has(0)
    for problem in corpus.problems:
        say(f"skipped {problem}")
    if not any_article:
        say("no article to open")
        return EXIT_SKIPPED
    named = len(corpus.problems)
    with open_for_the_app(args.db or default_db_path()) as store:
        session = Session(
            store, schema, args.annotator or default_annotator(), corpus, keymap=keymap, suggesters=suggesters
        )
        app = BroadsheetApp(session)
        run_to_the_end(app)
    for problem in corpus.problems[named:]:  # found while the app ran (files and texts read as they were needed)
        say(f"skipped {problem}")
    return EXIT_SKIPPED if corpus.problems else EXIT_OK


def open_for_the_app(path: Path) -> Store:
    """The database to annotate in; while another Broadsheet writes to it, the same
    database read-only, to look at (the app says so, and every change is refused)."""
    try:
        return Store.open(path)
    except DatabaseLocked as error:
        say(f"{error}: opening it read-only")
        return Store.open(path, read_only=True)


def _writes_outputs(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command that writes where the user said: a path it cannot or must not write (an
    OutputError, see annotations.output) is a usage error. (That module is not loaded at start-up.)"""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from annotations.output import OutputError

        try:
            return command(args)
        except OutputError as error:
            raise UsageError(str(error)) from None

    return run


# The formats export cannot write to standard output, and what to give instead.
_NOT_TO_STDOUT = {
    "brat": "brat writes a folder: give it with -o FOLDER",
    "labelstudio": "labelstudio writes two files: give the tasks' with -o FILE.json",
    "spacy": "spacy writes a binary DocBin: give it with -o FILE.spacy",
    "uima": "uima writes a folder: give it with -o FOLDER",
}
_FOLDER_FORMATS = ("brat", "uima")


def _check_export_outputs(args: argparse.Namespace) -> None:
    """Refuse, before the database is read, an output that must not or cannot be written."""
    from annotations.output import check_file_output, check_folder_output, refuse_database_paths, refuse_shared_paths

    if args.output == "-" and args.format in _NOT_TO_STDOUT:
        raise UsageError(_NOT_TO_STDOUT[args.format])
    if args.format == "spacy":  # before the database is read: spaCy is an extra
        from annotations.docbin import MissingExtra, require_spacy

        try:
            require_spacy()
        except MissingExtra as error:
            raise UsageError(str(error)) from None
    export = [] if args.output == "-" else [Path(args.output)]
    if export and args.format == "labelstudio":
        from annotations.labelstudio import config_path

        export.append(config_path(export[0]))
    clusters = [] if args.clusters is None else [args.clusters]
    refuse_database_paths(export + clusters, [args.db or default_db_path()])
    for path in clusters:
        for other in export:
            refuse_shared_paths(other, path, "export")
        check_file_output(path)
    for path in export:
        (check_folder_output if args.format in _FOLDER_FORMATS else check_file_output)(path)


def _write_export(args: argparse.Namespace, articles: Iterator[ExportedArticle], overlaps: OverlapReport) -> int | None:
    """Write ``articles`` as --format says to --output; the number written, or None when
    --strict refused what CoNLL cannot hold (nothing is written then)."""
    from annotations.export import write_brat, write_conll, write_lines

    if args.format == "brat":
        return write_brat(articles, Path(args.output))
    if args.format == "labelstudio":
        from annotations.labelstudio import write_labelstudio

        return write_labelstudio(articles, Path(args.output))
    if args.format == "uima":
        from annotations.uima import write_uima

        return write_uima(articles, Path(args.output))
    if args.format == "spacy":
        from annotations.docbin import write_docbin

        count, notes = write_docbin(articles, Path(args.output), args.spans_key)
        for note in notes:
            say(note)
        return count
    # --strict refuses before writing anything what CoNLL cannot hold: so it is found first.
    buffer = io.StringIO() if args.format == "conll" and args.strict else None
    with nullcontext(buffer) if buffer is not None else _export_output(args.output) as out:
        if args.format == "conll":
            count = write_conll(articles, out, overlaps)
        else:
            count = write_lines(articles, out, args.format, overlaps)
    for line in overlaps.lines():
        say(line)
    if overlaps.iob_changes and args.strict:
        say(f"{overlaps.iob_changes} span(s) cannot be IOB2-encoded as they are; nothing written (--strict)")
        return None
    if buffer is None:
        return count
    if args.output == "-":
        sys.stdout.write(printable_block(buffer.getvalue()))  # stdout may be a terminal
        sys.stdout.flush()
    else:
        from annotations.output import write_file

        write_file(Path(args.output), buffer.getvalue().encode("utf-8"))
    return count


class _PrintableStdout:
    """Standard output, which may be a terminal: text from outside goes out made printable."""

    def write(self, text: str) -> int:
        return sys.stdout.write(printable_block(text))


@contextmanager
def _export_output(output: str) -> Iterator[TextSink]:
    """Where export writes its lines as they are made: standard output, or the file ``output``
    (written as annotations.output says; a replaced file is whole when the block ends)."""
    if output == "-":
        yield _PrintableStdout()
        sys.stdout.flush()
        return
    from annotations.output import output_file

    with output_file(Path(output)) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        try:
            yield text
        finally:
            text.detach()  # flushed; the file itself is output_file's to close


@_writes_outputs
def run_export(args: argparse.Namespace) -> int:
    from annotations.export import STATUS_FORMATS, ExportSelection, OverlapReport, cluster_records, exported_articles
    from annotations.output import write_file

    if args.with_rejected and args.gold:
        raise UsageError("--with-rejected with --gold: gold holds accepted spans only")
    if args.with_rejected and args.format not in STATUS_FORMATS:
        raise UsageError(
            f"--with-rejected: {args.format} writes no status, so a rejected span would read as a label; "
            f"use --format {' or '.join(STATUS_FORMATS)}"
        )
    selection = ExportSelection(args.gold, args.labels, args.articles, args.annotator, args.with_rejected)
    overlaps = OverlapReport()
    _check_export_outputs(args)
    orphans: list = []
    seen = MatchedFilters(selection)
    with Store.open(args.db or default_db_path(), read_only=True) as store, progress_bar("Exporting") as progress:
        count = _write_export(args, seen.noting(exported_articles(store, selection, orphans, progress)), overlaps)
        if count is None:
            return EXIT_SKIPPED
        unmatched = seen.unmatched(store)
        if args.clusters is not None:
            clusters = cluster_records(store, selection, args.cluster_relation)
            lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in clusters)
            write_file(args.clusters, lines.encode("utf-8"))
            say(f"wrote {len(clusters)} cluster(s) and link(s) across articles to {args.clusters}")
    for orphan in orphans:
        say(
            f"not exported: orphaned {orphan.label} {orphan.text!r} in {orphan.article_id} "
            "(the article's text changed and this text is gone)"
        )
    for line in unmatched:
        say(line)
    say(f"exported {count} article(s) from {store.path}")
    return EXIT_SKIPPED if unmatched and not count else EXIT_OK


class MatchedFilters:
    """What the exported spans held, to name the --labels, --articles and --annotator
    values that matched nothing (a typo exported an empty dataset without a word)."""

    def __init__(self, selection: ExportSelection) -> None:
        self.selection = selection
        self.labels: set[str] = set()
        self.articles: set[str] = set()
        self.annotators: set[str] = set()

    def noting(self, articles: Iterator[ExportedArticle]) -> Iterator[ExportedArticle]:
        """``articles`` as they are, noting what the filters given could have matched (looking
        at every span's annotators was a twentieth of exporting a million spans unfiltered)."""
        labels, annotators = bool(self.selection.labels), bool(self.selection.annotators)
        for article in articles:
            self.articles.add(article.id)
            if labels:
                self.labels.update(span.label for span in article.spans)
            if annotators:
                self.annotators.update(name for span in article.spans for name in annotator_names(span.annotator))
            yield article

    def unmatched(self, store: Store) -> list[str]:
        selection = self.selection
        lines = [
            f"--articles: no article {article_id!r} in {store.path}"
            for article_id in sorted(selection.articles)
            if article_id not in self.articles and store.stored_article(article_id) is None
        ]
        lines += [f"--labels: no {label!r} span was exported" for label in sorted(selection.labels - self.labels)]
        lines += [
            f"--annotator: no span by {name!r} was exported" for name in sorted(selection.annotators - self.annotators)
        ]
        return lines


def run_import(args: argparse.Namespace) -> int:
    from annotations.importing import Labels  # only this command needs it

    schema = load_schema(args.labels) if args.labels else None  # a bad schema stops us before the database opens
    labels = Labels(dict(args.label_map), frozenset(schema.names) if schema else None, str(args.labels))
    missing = [path for path in args.files if not path.exists()]
    for path in missing:  # named before the database opens: a typo makes no database
        say(f"skipped {path}: cannot read: No such file or directory")
    skipped = bool(missing)
    if len(missing) == len(args.files):
        return EXIT_SKIPPED
    with Store.open(args.db or default_db_path()) as store:
        for path in (path for path in args.files if path not in missing):
            try:
                report = _import_path(store, path, args, labels)
            except OSError as error:  # a database file could not be written: a full disk, a read-only folder
                raise StoreError(
                    f"{failure(error, doing='cannot write')}; what was imported before it is saved, "
                    f"and importing {path} again adds only the rest"
                ) from None
            for problem in report.problems:
                say(f"skipped {problem}")
            skipped |= bool(report.problems)
            say(
                f"{path}: {report.spans} {'suggestion' if args.as_suggestions else 'span'}(s) imported "
                f"into {report.articles} new article(s)"
                + (f", {report.links} link(s)" if report.links else "")
                + (f", {report.duplicates} already there" if report.duplicates else "")
                + (f", {report.ignored} example(s) answered 'ignore' left out" if report.ignored else "")
                + "".join(
                    f", {count} {kind}(s) left out (Broadsheet keeps none)"
                    for kind, count in sorted(report.left_out.items())
                )
            )
    return EXIT_SKIPPED if skipped else EXIT_OK


def _import_path(store: Store, path: Path, args: argparse.Namespace, labels: Labels) -> ImportReport:
    """Import one file or folder in the format --from names, or the one it is in (said
    on stderr when it is not JSONL, the format import has always read)."""
    from annotations.importing import import_documents, import_jsonl
    from annotations.readers import FORMAT_NAMES, JSONL_FORMATS, detect_format, read_documents

    fmt = "jsonl" if args.source_format in JSONL_FORMATS else args.source_format or detect_format(path)
    annotator = args.annotator or default_annotator()
    if fmt == "jsonl":
        with progress_bar(f"Importing {path.name}") as progress:
            return import_jsonl(store, path, annotator, progress, args.as_suggestions, labels)
    say(f"{path}: read as {FORMAT_NAMES[fmt]}")
    return import_documents(store, read_documents(path, fmt), annotator, labels, args.as_suggestions)


def run_validate(args: argparse.Namespace) -> int:
    from annotations.validate import validate_path  # only this command needs it

    report = validate_path(args.file)
    for line in report.errors + report.warnings:
        print(printable(line))
    for note in report.notes:
        say(note)
    verdict = "invalid" if report.errors else "valid"
    say(
        f"{args.file}: {verdict}: {report.lines} line(s), {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s)"
    )
    return EXIT_SKIPPED if report.errors else EXIT_OK


def report_texts_differ(article_ids: list[str]) -> None:
    for article_id in article_ids:
        say(f"{article_id}: the databases hold different texts of it; left out")


def run_agree(args: argparse.Namespace) -> int:
    from annotations.agreement import measure_stores  # only this command needs it

    if len(args.databases) < 2:
        raise UsageError("agree needs two databases or more (one per annotator)")
    with ExitStack() as opened:  # read-only: a missing one is a StoreError, named
        stores = [opened.enter_context(Store.open(path, read_only=True)) for path in args.databases]
        result = measure_stores(stores, [path.stem for path in args.databases])
    report_texts_differ(result.skipped)
    for name, count in result.untagged.items():
        if count:
            say(f"{name}: {count} of the {len(result.articles)} article(s) untagged (not in the database)")
    if args.json:
        print(printable_block(json.dumps(result.as_dict(), indent=2, ensure_ascii=False)))
    else:
        from .agreement_table import print_agreement

        print_agreement(result)
    return EXIT_OK


@_writes_outputs
def run_merge(args: argparse.Namespace) -> int:
    from annotations.merging import merge_into_new  # only this command needs it
    from annotations.output import refuse_database_paths

    refuse_database_paths([args.output], args.databases)
    if args.output.exists():
        raise UsageError(f"{args.output}: already exists; merge writes a new database")
    with ExitStack() as stack:
        # The sources open first, read-only: a missing one stops us before the output exists.
        sources = [stack.enter_context(Store.open(path, read_only=True)) for path in args.databases]
        try:
            report = merge_into_new(sources, args.output, args.accept_agreed)
        except OSError as error:
            raise StoreError(
                f"{failure(error, doing='cannot write')}; nothing was merged, and no part of {args.output} was left"
            ) from None
    report_texts_differ(report.skipped)
    agreed = f"{report.agreed} agreed by all" + (" (accepted)" if args.accept_agreed else "")
    say(f"{args.output}: {report.spans} span(s) in {report.articles} article(s), {agreed}, {report.links} link(s)")
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def run_review(args: argparse.Namespace) -> int:
    from annotations.review import FILTER_FIELDS, FilterError, ReviewFilter

    with starting_up():
        from .app import BroadsheetApp
        from .session import Session

        keymap, schema = _keymap_and_schema(args)
    try:
        selection = ReviewFilter(*(frozenset().union(*map(_names, getattr(args, name))) for name in FILTER_FIELDS))
    except FilterError as error:
        raise UsageError(str(error)) from None
    path = args.db or default_db_path()
    if not Path(path).exists():
        raise UsageError(f"{path}: no such database")
    with Store.open(path) as store:
        session = Session(store, schema, args.reviewer or default_annotator(), keymap=keymap)
        app = BroadsheetApp(session, review=selection, disputes=args.disputes)
        run_to_the_end(app)
    return EXIT_OK


@_writes_outputs
def run_compare(args: argparse.Namespace) -> int:
    from annotations.comparison import build_comparison, render, stored_articles
    from annotations.output import check_file_output, refuse_database_paths, write_file

    database = args.db or default_db_path()
    if args.output != "-":
        refuse_database_paths([Path(args.output)], [database])
        check_file_output(Path(args.output))
    schema = load_schema(args.labels)
    with Store.open(database, read_only=True) as store:
        if args.paths:
            corpus = load_corpus(args.paths)
            for problem in corpus.problems:
                say(f"skipped {problem}")
            articles = corpus.articles
        else:
            articles = stored_articles(store)
        proposals = []
        if args.proposed:
            from annotations.proposals import propose
            from annotations.proposals.confirm import open_proposals

            kinds = schema.proposers
            proposals = open_proposals(
                store,
                propose(((article.id, article.text) for article in articles), kinds, kinds),
                schema.cluster_relation,
            )  # not those the analyst turned down
        comparison = build_comparison(store, articles, schema.names, proposals)
    page = render(comparison, args.format)
    if args.output == "-":
        sys.stdout.write(printable_block(page))  # stdout may be a terminal
        sys.stdout.flush()
    else:
        write_file(Path(args.output), page.encode("utf-8"))
    proposed = sum(row.status == "proposed" for row in comparison.rows)
    say(
        f"compared {len(articles)} article(s): {len(comparison.rows) - proposed} confirmed row(s)"
        + (f", {proposed} proposed" if args.proposed else "")
    )
    return EXIT_SKIPPED if args.paths and corpus.problems else EXIT_OK


@_writes_outputs
def run_add(args: argparse.Namespace) -> int:
    from annotations.ingest.corpus import FolderBusy  # trafilatura and the rest load only here

    try:
        return _re_extract(args) if args.re_extract else _add_sources(args)
    except FolderBusy as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # the corpus folder cannot be made
        raise UsageError(failure(error, args.to, doing="cannot write")) from None


def _add_sources(args: argparse.Namespace) -> int:
    from annotations.ingest.adding import add_sources
    from annotations.ingest.fetch import Fetcher

    if not args.sources:
        raise UsageError("add needs a SOURCE: a URL, a saved page, a feed or a web archive (see add --help)")
    fetcher = Fetcher(timeout=args.timeout, retries=args.retries, backoff=args.backoff, delay=args.delay)
    with progress_bar("Adding articles") as progress:
        report = add_sources(args.sources, args.to, fetcher, say, progress)
    say(
        f"added {counted(report.added, 'article')} to {args.to}"
        + (f"; {report.already} already there" if report.already else "")
        + (f"; {len(report.failures)} failed" if report.failures else "")
    )
    return EXIT_SKIPPED if report.failures else EXIT_OK


def _re_extract(args: argparse.Namespace) -> int:
    from annotations.ingest.adding import re_extract

    if args.sources:
        raise UsageError("--re-extract reads the folder's kept pages: give it no SOURCE")
    if not args.to.is_dir():
        raise UsageError(f"{args.to}: no such folder")
    redone, failed = re_extract(args.to, say)
    say(f"re-extracted {counted(redone, 'article')} in {args.to}" + (f"; {failed} failed" if failed else ""))
    return EXIT_SKIPPED if failed else EXIT_OK


COMMANDS = {  # each command: its parser, what runs it, and what it does, for `broadsheet --help`
    "add": (_add_parser, run_add, "bring web pages, feeds and web archives in as articles (Markdown)"),
    "import": (_import_parser, run_import, "read annotations (ours or another tool's) into the database"),
    "export": (_export_parser, run_export, "write the tagged articles as labelled data"),
    "validate": (_validate_parser, run_validate, "check a file that export wrote or import reads"),
    "review": (_review_parser, run_review, "accept, reject, relabel and fix the annotations one by one, or adjudicate"),
    "agree": (_agree_parser, run_agree, "how far annotators agree, one database each"),
    "merge": (_merge_parser, run_merge, "merge annotators' databases into one for adjudication"),
    "compare": (_compare_parser, run_compare, "write the comparison of the outlets, to share"),
}


# The commands that go through the whole database, allocating as they go.
WHOLE_DATABASE = frozenset({"import", "export", "validate", "agree", "merge", "compare"})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        make_parser, command, _ = COMMANDS[argv[0]]
        args = make_parser().parse_args(argv[1:])
        if argv[0] in WHOLE_DATABASE:
            # What exists now (modules, the parser) lives to the end: the collector need not
            # look at it again at every full collection. Importing a million spans, it did,
            # for 2 of the import's 15 s (measured).
            gc.freeze()
    else:
        command, args = run_app, _app_parser().parse_args(argv)
    try:
        return command(args)
    except (UsageError, SchemaError, StoreError, PatternError) as error:
        say(str(error))
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
