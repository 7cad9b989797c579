"""Agreement figures: hand-computed examples, NLTK as the reference, and two annotators on the seeds."""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from nltk.metrics.agreement import AnnotationTask

from annotations.agreement import (
    Annotator,
    cohen_kappa,
    krippendorff_alpha,
    load_annotator,
    measure,
    pair_counts,
    stands_by,
    token_labels,
    tokens,
)
from annotations.articles import Article
from annotations.model import Annotation
from annotations.store import Store

from .conftest import ROOT

TEXT = "Ana Ruiz said the strike killed 25 fighters and wounded 55 others."


def span(start: int, end: int, label: str, annotator: str = "ana", status: str = "accepted") -> Annotation:
    return Annotation.create("a1", TEXT, start, end, label, annotator, status=status)


def at(phrase: str, label: str, annotator: str = "ana") -> Annotation:
    start = TEXT.index(phrase)
    return span(start, start + len(phrase), label, annotator)


def test_exact_and_overlap_precision_recall_f1_by_hand():
    reference = [at("Ana Ruiz", "actor"), at("the strike killed", "claim"), at("55 others", "figure")]
    prediction = [at("Ana Ruiz", "actor"), at("strike killed", "claim"), at("25 fighters", "figure")]
    exact = pair_counts(reference, prediction, overlap=False)
    assert (exact.precision, exact.recall, exact.f1) == (1 / 3, 1 / 3, pytest.approx(1 / 3))
    overlap = pair_counts(reference, prediction, overlap=True)  # the claims overlap; the figures do not
    assert (overlap.precision, overlap.recall) == (2 / 3, 2 / 3)


def test_an_overlap_match_is_one_to_one():
    reference = [at("25 fighters and wounded 55 others", "figure")]
    prediction = [at("25 fighters", "figure"), at("55 others", "figure")]
    counts = pair_counts(reference, prediction, overlap=True)
    assert (counts.precision, counts.recall, counts.f1) == (1 / 2, 1.0, pytest.approx(2 / 3))
    assert pair_counts(reference, [at("25 fighters", "claim")], overlap=True).recall == 0.0  # labels must agree


def test_tokens_take_the_innermost_label():
    spans = [at("Ana Ruiz said the strike killed", "claim"), at("Ana Ruiz", "actor")]
    labels = token_labels(TEXT, spans)
    assert labels[:7] == ["actor", "actor", "claim", "claim", "claim", "claim", "O"]
    assert labels[-1] == "O" and len(labels) == len(TEXT.split()) + 1  # the final full stop is a token


def test_cohen_kappa_by_hand_and_against_nltk():
    first, second = list("aabbOO"), list("abbbOa")
    # observed 4/6; chance (2*2 + 2*3 + 2*1) / 36 = 1/3; kappa = (2/3 - 1/3) / (2/3)
    assert cohen_kappa(first, second) == pytest.approx(0.5)
    task = AnnotationTask([("A", i, v) for i, v in enumerate(first)] + [("B", i, v) for i, v in enumerate(second)])
    assert cohen_kappa(first, second) == pytest.approx(task.kappa())
    assert cohen_kappa(list("OOO"), list("OOO")) is None  # chance agreement is total: kappa is undefined


def test_krippendorff_alpha_on_krippendorffs_own_example():
    """The nominal example of Krippendorff's 'Computing Krippendorff's alpha-reliability' (2011):
    four coders, twelve units, values missing; alpha = 0.743."""
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=0.0005)


def test_alpha_and_kappa_match_nltk_for_three_coders():
    assert len(tokens(TEXT)) == 13
    coders = [list("aabbOOcabOOOc"), list("abbbOacabOOOc"), list("aabbOOcbbOOcO")]
    task = AnnotationTask([(f"c{n}", i, v) for n, values in enumerate(coders) for i, v in enumerate(values)])
    assert krippendorff_alpha(list(zip(*coders, strict=True))) == pytest.approx(task.alpha())
    texts = {"a1": TEXT}
    annotators = []
    for n, values in enumerate(coders):
        word_spans = [
            Annotation.create("a1", TEXT, start, end, value, f"c{n}")
            for (start, end), value in zip(tokens(TEXT), values, strict=True)
            if value != "O"
        ]
        annotators.append(Annotator(f"c{n}", texts, {"a1": word_spans}))
    result = measure(annotators)
    assert result.kappa["all"] == pytest.approx(task.kappa())
    assert result.alpha["all"] == pytest.approx(task.alpha())


def test_only_spans_an_annotator_stands_by_count():
    kept = at("Ana Ruiz", "actor")
    suggested = span(0, 3, "actor", status="suggested")
    rejected = span(18, 24, "claim", status="rejected")
    one = Annotator("one", {"a1": TEXT}, {"a1": [kept]})
    other = Annotator("other", {"a1": TEXT}, {"a1": [kept]})
    assert measure([one, other]).exact["all"].f1 == 1.0
    assert [s for s in (kept, suggested, rejected) if stands_by(s)] == [kept]


@pytest.mark.parametrize("status", ["suggested", "pending", "accepted", "rejected"])
@pytest.mark.parametrize("source", ["", "patterns.yaml"])
@pytest.mark.parametrize("orphaned", [False, True])
def test_a_span_stands_when_settled_not_rejected_and_not_orphaned(status, source, orphaned):
    tagged = replace(span(0, 3, "actor", status=status), source=source, orphaned=orphaned)
    assert stands_by(tagged) == (tagged.settled and status != "rejected" and not orphaned)


# -- two annotators on the seeds ------------------------------------------------------

# (phrase, label) per annotator on the Reuters seed; they differ in known ways:
# the same actor twice, a figure with other boundaries, a claim one of them calls a
# quote, and one span each that the other lacks.
ANA = [
    ("Kataib Hezbollah (KH)", "actor"),
    ("at least 25 militia fighters", "figure"),
    ("US officials said on Sunday", "claim"),
    ("Jonathan Hoffman", "actor"),
]
BEN = [
    ("Kataib Hezbollah (KH)", "actor"),
    ("25 militia fighters", "figure"),
    ("US officials said on Sunday", "quote"),
    ("Qaim district", "actor"),
]


def tag(db_path, article, annotator: str, spans: list[tuple[str, str]]) -> None:
    with Store.open(db_path) as store:
        for phrase, label in spans:
            start = article.text.index(phrase)
            store.add(article, start, start + len(phrase), label, annotator)


@pytest.fixture
def two_databases(seeds, tmp_path):
    reuters = next(article for article in seeds if article.outlet == "Reuters")
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    tag(ana, reuters, "ana", ANA)
    tag(ben, reuters, "ben", BEN)
    tag(ben, seeds[0], "ben", [("Kataib Hezbollah", "actor")])  # an article ana did not tag at all
    return ana, ben


def test_two_annotators_on_the_seeds(two_databases):
    with Store.open(two_databases[0], read_only=True) as first, Store.open(two_databases[1], read_only=True) as second:
        result = measure([load_annotator(first, "x"), load_annotator(second, "y")])
    assert result.annotators == ["ana", "ben"]
    assert len(result.articles) == 2 and result.untagged == {"ana": 1, "ben": 0}
    everything = result.exact["all"]
    # ana: 4 spans, ben: 5 (one in the other article); exact matches: the actor only.
    assert (everything.references, everything.predictions, everything.matched_references) == (4, 5, 1)
    assert result.overlap["all"].matched_references == 2  # and the figure's other boundaries
    assert result.exact["actor"].precision == 1 / 3 and result.exact["actor"].recall == 1 / 2
    assert result.overlap["figure"].f1 == 1.0 and result.exact["figure"].f1 == 0.0
    claim = result.exact["claim"]  # ben has no claim: no precision to speak of, and nothing matched
    assert (claim.recall, claim.precision, claim.f1) == (0.0, None, 0.0)
    assert 0 < result.kappa["all"] < 1 and 0 < result.alpha["all"] < 1
    assert result.kappa["figure"] > result.kappa["claim"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_agree_command_prints_a_table_and_json(two_databases):
    ana, ben = map(str, two_databases)
    table = run_cli("agree", ana, ben)
    assert table.returncode == 0, table.stderr
    assert "Agreement of ana / ben" in table.stdout
    assert "ben: " not in table.stderr and "ana: 1 of the 2 article(s) untagged" in table.stderr
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if line.count("│") > 5}
    assert set(rows) >= {"actor", "figure", "claim", "quote", "all"}
    assert "0.333" in rows["actor"]  # exact precision
    figures = json.loads(run_cli("agree", ana, ben, "--json").stdout)
    assert figures["annotators"] == ["ana", "ben"]
    assert figures["labels"]["figure"]["overlap"]["f1"] == 1.0
    assert figures["labels"]["all"]["exact"]["precision"] == pytest.approx(1 / 5)


def test_agree_needs_two_databases_that_exist(two_databases, tmp_path):
    one = run_cli("agree", str(two_databases[0]))
    assert (
        one.returncode == 2
        and one.stderr.strip() == "broadsheet: agree needs two databases or more (one per annotator)"
    )
    missing = run_cli("agree", str(two_databases[0]), str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json: no such database" in missing.stderr
    assert "Traceback" not in one.stderr + missing.stderr


def test_the_figures_do_not_depend_on_the_order_the_spans_are_read_in():
    """Two spans of one place with different labels (a tie for the token's label), and
    overlap matches that a greedy pass could pair either way."""
    first = [
        at("25 fighters", "figure"),
        at("25 fighters", "actor"),
        at("killed 25", "figure"),
        at("Ana Ruiz", "actor"),
    ]
    second = [
        at("fighters and wounded 55", "figure", "ben"),
        at("25 fighters", "actor", "ben"),
        at("Ana", "actor", "ben"),
        at("Ruiz", "actor", "ben"),
    ]

    def figures(order) -> dict:
        annotators = [
            Annotator(name, {"a1": TEXT}, {"a1": order(spans)}) for name, spans in (("ana", first), ("ben", second))
        ]
        return measure(annotators).as_dict()

    forward = figures(list)
    assert figures(lambda spans: list(reversed(spans))) == forward
    assert figures(lambda spans: spans[1:] + spans[:1]) == forward


def test_agree_reading_an_article_at_a_time_gives_the_figures_of_reading_everything(two_databases):
    from annotations.agreement import measure_stores

    with Store.open(two_databases[0], read_only=True) as first, Store.open(two_databases[1], read_only=True) as second:
        everything = measure([load_annotator(first, "x"), load_annotator(second, "y")]).as_dict()
        assert measure_stores([first, second], ["x", "y"]).as_dict() == everything


# The CLI, then its own peak (VmHWM: a child's ru_maxrss starts at its parent's, this test's).
PEAK_OF_CLI = """
import re, sys
from pathlib import Path
from tui.cli import main
try:
    main(sys.argv[2:])
finally:
    Path(sys.argv[1]).write_text(re.search(r"VmHWM:\\s*(\\d+)", Path("/proc/self/status").read_text())[1])
"""


def peak_memory_of_agree(first: Path, second: Path) -> float:
    """MiB at the peak of ``broadsheet agree first second``, in a process of its own."""
    peak = first.with_name("peak.txt")
    done = subprocess.run(
        [sys.executable, "-c", PEAK_OF_CLI, str(peak), "agree", str(first), str(second), "--json"],
        cwd=ROOT,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    return int(peak.read_text()) / 1024


def database_of(path: Path, articles: int, seed: int, status: str = "accepted") -> Path:
    """``articles`` articles of ten tags each in ``status``, labelled by ``seed``'s choice."""
    rng = random.Random(seed)
    words = TEXT.split(" ") * 4
    with Store.open(path) as store:
        for number in range(articles):
            article = Article(f"article-{number:05d}", " ".join(words[number % 7 :]) + f" {number}")
            starts = [match.start() for match in re.finditer(r"\w+", article.text)][:20:2]
            store.import_spans(
                article,
                [
                    Annotation.create(
                        article.id,
                        article.text,
                        start,
                        article.text.index(" ", start),
                        rng.choice(["actor", "claim"]),
                        "ana",
                        status=status,
                    )
                    for start in starts
                ],
            )
    return path


def test_agree_holds_an_article_of_each_database_at_a_time_not_every_article(tmp_path):
    small = [database_of(tmp_path / f"small-{n}.json", 200, n) for n in (1, 2)]
    large = [database_of(tmp_path / f"large-{n}.json", 1_800, n) for n in (1, 2)]
    grown = peak_memory_of_agree(*large) - peak_memory_of_agree(*small)
    assert grown < 8, f"{grown:.1f} MiB more for 1,600 more articles a database"  # it held them all: 48 MiB more


# -- against a reference: the definitions, written the plain way ------------------------------


def reference_figures(coders: list[dict[str, tuple[str, list[Annotation]]]]) -> dict:
    """measure()'s figures as the module docstring defines them, token by token and pair by pair."""
    ids = sorted(set().union(*coders))
    texts = {a: {coder[a][0] for coder in coders if a in coder} for a in ids}
    compared = [a for a in ids if len(texts[a]) == 1]
    held = [[coder[a][1] if a in coder else [] for a in compared] for coder in coders]
    labels = sorted({span.label for spans in held for article in spans for span in article})
    units = []  # per token, every coder's label
    for number, article_id in enumerate(compared):
        for match in re.finditer(r"\w+|[^\w\s]", next(iter(texts[article_id]))):
            units.append(tuple(innermost(spans[number], *match.span()) for spans in held))
    pairs = list(itertools.combinations(range(len(coders)), 2))
    figures = {}
    for label in [*labels, "all"]:
        wanted = set(labels) if label == "all" else {label}
        coded = units if label == "all" else [tuple(value == label for value in unit) for unit in units]
        kappas = [reference_kappa([u[i] for u in coded], [u[j] for u in coded]) for i, j in pairs]
        known = [kappa for kappa in kappas if kappa is not None]
        figures[label] = {
            "exact": span_figures(held, pairs, wanted, exact_matches),
            "overlap": span_figures(held, pairs, wanted, greedy_overlap_matches),
            "cohen_kappa": sum(known) / len(known) if known else None,
            "krippendorff_alpha": reference_alpha(coded),
        }
    return {
        "annotators": [f"c{n}" for n in range(len(coders))],
        "articles": len(compared),
        "skipped_articles": [a for a in ids if a not in compared],
        "articles_untagged": {f"c{n}": sum(a not in coder for a in compared) for n, coder in enumerate(coders)},
        "tokens": len(units),
        "labels": figures,
    }


def flat(figures: dict, prefix: str = "") -> dict:
    """``{"actor": {"exact": {"f1": x}}}`` as ``{"actor exact f1": x}`` (pytest.approx takes no nesting)."""
    found = {}
    for key, value in figures.items():
        found.update(flat(value, f"{prefix}{key} ") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return found


def innermost(spans: list[Annotation], start: int, end: int) -> str:
    """The label of the shortest span sharing a character with [start, end) (then the earliest, then by label)."""
    over = [(s.end - s.start, s.start, s.label) for s in spans if s.start < end and s.end > start and s.end > s.start]
    return min(over)[2] if over else "O"


def exact_matches(reference: list[Annotation], prediction: list[Annotation]) -> int:
    left = [(s.start, s.end, s.label) for s in reference]
    matched = 0
    for span in prediction:
        if (span.start, span.end, span.label) in left:
            left.remove((span.start, span.end, span.label))
            matched += 1
    return matched


def greedy_overlap_matches(reference: list[Annotation], prediction: list[Annotation]) -> int:
    """Pairs of one label sharing a character, taken largest overlap first, a tie to the
    earlier reference (by start, end), then the earlier prediction; each span once."""
    candidates = sorted(
        (-(min(r.end, p.end) - max(r.start, p.start)), r.start, r.end, p.start, p.end, i, j)
        for i, r in enumerate(reference)
        for j, p in enumerate(prediction)
        if r.label == p.label and min(r.end, p.end) > max(r.start, p.start)
    )
    used_references, used_predictions = set(), set()
    for *_, i, j in candidates:
        if i not in used_references and j not in used_predictions:
            used_references.add(i)
            used_predictions.add(j)
    return len(used_references)


def span_figures(held: list[list[list[Annotation]]], pairs: list[tuple[int, int]], labels: set[str], matches) -> dict:
    """Precision, recall and F1 of ``matches`` over every pair of coders, article and label, pooled."""
    matched = predictions = references = 0
    for i, j in pairs:
        for reference, prediction in zip(held[i], held[j], strict=True):
            for label in labels:
                ref = [s for s in reference if s.label == label]
                pred = [s for s in prediction if s.label == label]
                matched, predictions, references = (
                    matched + matches(ref, pred),
                    predictions + len(pred),
                    references + len(ref),
                )
    precision = matched / predictions if predictions else None
    recall = matched / references if references else None
    if precision is None and recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predictions": predictions, "references": references}


def reference_kappa(first: list, second: list) -> float | None:
    if not first:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    expected = sum(first.count(value) * second.count(value) for value in set(first)) / len(first) ** 2
    return None if expected == 1 else (observed - expected) / (1 - expected)


def reference_alpha(units: list[tuple]) -> float | None:
    """Nominal alpha, every coder coding every unit: 1 - observed / expected disagreement."""
    values = [value for unit in units for value in unit]
    if len(values) <= 1:
        return None
    disagreeing = sum(a != b for unit in units for a, b in itertools.permutations(unit, 2)) / (len(units[0]) - 1)
    expected = sum(a != b for a, b in itertools.permutations(values, 2)) / (len(values) - 1)
    return None if expected == 0 else 1 - disagreeing / expected


WORDS = ["Ana", "Ruiz", "said", ",", "25", "fighters", "—", "élan", "don't", "(KH)", "__init__", ".", "\n"]


def random_coders(rng: random.Random) -> list[dict[str, tuple[str, list[Annotation]]]]:
    """Two to four coders over a dozen articles: nested, overlapping, shared and one-coder spans,
    spans ending inside words, empty articles, articles a coder lacks or holds with another text."""
    texts = {
        f"a{n}": "".join(rng.choice(WORDS) + rng.choice(["", " ", "  "]) for _ in range(rng.randrange(12)))
        for n in range(12)
    }
    shared = {a: [random_span(rng, a, text) for _ in range(rng.randrange(6))] for a, text in texts.items() if text}
    coders = []
    for number in range(rng.randrange(2, 5)):
        coder = {}
        for article_id, shared_text in texts.items():
            if rng.random() < 0.15:
                continue  # this coder lacks the article
            text = shared_text + " another version" if rng.random() < 0.05 else shared_text
            own = [random_span(rng, article_id, text) for _ in range(rng.randrange(5))] if text else []
            kept = [span for span in shared.get(article_id, []) if span.end <= len(text) and rng.random() < 0.7]
            coder[article_id] = (text, [replace(span, annotator=f"c{number}") for span in kept + own])
        coders.append(coder)
    return coders


def random_span(rng: random.Random, article_id: str, text: str) -> Annotation:
    start = rng.randrange(len(text))
    end = start if rng.random() < 0.05 else rng.randrange(start + 1, min(len(text), start + 12) + 1)
    return replace(
        Annotation.create(article_id, text, 0, 1, rng.choice(["actor", "claim", "figure"]), "x"), start=start, end=end
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_figures_are_the_definitions_and_do_not_depend_on_reading_order(seed):
    rng = random.Random(seed)
    coders = random_coders(rng)
    annotators = [
        Annotator(f"c{n}", {a: text for a, (text, _) in coder.items()}, {a: spans for a, (_, spans) in coder.items()})
        for n, coder in enumerate(coders)
    ]
    found, expected = measure(annotators).as_dict(), reference_figures(coders)
    for names in ("annotators", "skipped_articles"):
        assert found.pop(names) == expected.pop(names)
    assert flat(found) == pytest.approx(flat(expected), rel=1e-12)
    shuffled = [
        Annotator(a.name, dict(reversed(a.texts.items())), {k: rng.sample(v, len(v)) for k, v in a.spans.items()})
        for a in annotators
    ]
    assert measure(shuffled).as_dict() == measure(annotators).as_dict()


@pytest.mark.parametrize("seed", range(5))
def test_matches_among_hundreds_of_spans_follow_the_definition_whatever_order_they_are_given_in(seed):
    """An article of hundreds of spans a side, in no order, some long enough to hold dozens of
    others (pair_counts broke ties of overlap by the order it was given the spans in)."""
    rng = random.Random(seed)
    text = "x" * 5_000

    def spans() -> list[Annotation]:
        found = []
        for _ in range(300):
            start = rng.randrange(4_990)
            length = rng.choice([1, 3, 10, 40]) if rng.random() < 0.95 else rng.randrange(100, 2_000)
            found.append(
                Annotation.create("a1", text, start, min(start + length, 5_000), rng.choice(["actor", "claim"]), "x")
            )
        return found

    reference, prediction = spans(), spans()
    prediction += rng.sample(reference, 100)  # twins, which a longer span may still take first
    assert pair_counts(reference, prediction, overlap=True).matched_references == greedy_overlap_matches(
        reference, prediction
    )
    assert pair_counts(reference, prediction, overlap=False).matched_references == exact_matches(reference, prediction)
