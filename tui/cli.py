"""The `broadsheet` command: open articles in the app, or export what was tagged.

Exit status: 0 on success, 1 when some inputs were skipped (each named on stderr),
2 on usage or configuration errors (bad schema, keymap, or database).
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

import yaml

from annotations.articles import load_corpus
from annotations.export import write_jsonl
from annotations.locations import default_db_path
from annotations.model import default_annotator
from annotations.schema import SchemaError, load_schema
from annotations.storage import atomic_write
from annotations.store import Store, StoreError

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A one-line problem with the command line or a configuration file (exit status 2)."""


def bundled_seeds() -> Path:
    """The seed articles: shipped inside the installed package, or beside it in a checkout."""
    installed = resources.files("tui").joinpath("seeds")
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "seeds"


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
        epilog="Other commands: 'broadsheet export --help'. Press ? in the app for every key.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help=".txt/.md files or directories of them (default: the bundled seeds)"
    )
    _db_argument(parser)
    parser.add_argument("--labels", type=Path, metavar="FILE", help="a label schema YAML file (replaces the default labels)")
    parser.add_argument("--annotator", default=None, help="the name stored on every tag (default: your user name)")
    parser.add_argument("--keymap", type=Path, metavar="FILE", help="a YAML file mapping binding ids to keys, e.g. 'history.undo: z'")
    return parser


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet export",
        description="Write the tagged articles as JSONL: one line per article with its text, meta and spans.",
    )
    _db_argument(parser)
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write ('-' for standard output, the default)")
    return parser


def load_keymap(path: Path | None) -> dict[str, str]:
    """Read a user keymap (binding id -> keys); unknown ids and bad YAML are usage errors."""
    if path is None:
        return {}
    from .keymap import binding_ids  # textual is only needed when the app runs

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise UsageError(f"{path}: {where}invalid YAML") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of binding ids to keys")
    unknown = sorted(str(key) for key in data if key not in binding_ids())
    if unknown:
        raise UsageError(f"{path}: unknown binding id {unknown[0]!r} (the help screen lists the ids)")
    return {str(key): str(value) for key, value in data.items()}


def run_app(args: argparse.Namespace) -> int:
    from .app import BroadsheetApp
    from .keymap import reserved_keys

    keymap = load_keymap(args.keymap)
    schema = load_schema(args.labels, reserved_keys(keymap))
    corpus = load_corpus(args.paths or [bundled_seeds()])
    for problem in corpus.problems:
        print(f"broadsheet: skipped {problem}", file=sys.stderr)
    if not corpus.articles:
        print("broadsheet: no article to open", file=sys.stderr)
        return EXIT_SKIPPED
    with Store.open(args.db or default_db_path()) as store:
        app = BroadsheetApp(
            corpus.articles, store, schema, args.annotator or default_annotator(), corpus.problems, keymap
        )
        app.run()
    return EXIT_SKIPPED if corpus.problems else EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    with Store.open(args.db or default_db_path(), read_only=True) as store:
        if args.output == "-":
            count = write_jsonl(store, sys.stdout)
            sys.stdout.flush()
        else:
            import io

            buffer = io.StringIO()
            count = write_jsonl(store, buffer)
            atomic_write(Path(args.output), buffer.getvalue().encode("utf-8"), keep_backup=False)
    print(f"broadsheet: exported {count} article(s) from {store.path}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"export": (_export_parser, run_export)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        make_parser, command = COMMANDS[argv[0]]
        args = make_parser().parse_args(argv[1:])
    else:
        command, args = run_app, _app_parser().parse_args(argv)
    try:
        return command(args)
    except (UsageError, SchemaError, StoreError) as error:
        print(f"broadsheet: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
