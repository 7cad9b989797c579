"""Suggestions in the core: the built-in suggesters on the seeds' own sentences (and where
they must not fire), pattern files and their errors, storing, deciding and exporting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.export import ExportSelection, exported_articles
from annotations.review import decide, decide_all
from annotations.schema import SchemaError, load_schema, parse_schema
from annotations.store import Store
from annotations.suggest import (
    BUILTINS,
    PatternError,
    candidates,
    configured_suggesters,
    load_patterns,
    occurrences,
    phrase_suggester,
    store_suggestions,
)

from .conftest import broadsheet


def found(name: str, text: str) -> list[str]:
    return [text[start:end] for start, end in BUILTINS[name](text)]


def by_id(seeds, prefix: str):
    return next(article for article in seeds if article.id.startswith(prefix))


# -- figures -----------------------------------------------------------------------------


def test_figures_on_the_seeds_take_the_qualifier_and_what_is_counted(seeds):
    assert found("figures", by_id(seeds, "001").text) == [
        "at least 25 militia fighters",
        "at least 55 wounded",
        "three US airstrikes",
        "At least four local Kataib Hezbollah commanders",
        "three locations",
        "more than 30 rockets",
        "four US service members",
        "two members",
    ]
    assert found("figures", by_id(seeds, "002").text) == [
        "five locations",
        "two Iraqi military personnel",
        "more than 30 rockets",
        "24 “martyrs”",
        "more than 50 wounded",
        "hundreds of U.S. troops",
        "approximately 5,000 troops",
        "some 500 U.S. military personnel",
    ]
    assert "About 5,000 U.S. troops" in found("figures", by_id(seeds, "003").text)
    assert "at least 19 of its members" in found("figures", by_id(seeds, "004").text)


@pytest.mark.parametrize(
    "sentence",
    [
        "the nuclear deal Barack Obama reached with Iran in 2015",  # a year
        "an attack on a joint facility in Baghdad on December 9.",  # the day of a date
        " date 2019-12-31 Reuters, WASHINGTON and BAGHDAD",  # an ISO date
        "the strikes were carried out by F-15 jets",  # a model name
        "rockets were fired at the K1 military base",  # a base's name
        "is one of Tehran's most powerful allies in Iraq",  # "one of": no count
        "he sought a new one that would further curb Iran's programme",  # a pronoun
        "came two days after an American civilian contractor was killed",  # a duration
        "Esper called him just 30 minutes ahead of time",  # a duration
        "three inside Iraq and two in Syria",  # no noun: the count is elided
    ],
)
def test_figures_do_not_fire_on_dates_names_durations_or_bare_numbers(sentence):
    assert found("figures", sentence) == []


def test_a_figure_after_words_that_were_no_figure_is_still_found():
    assert found("figures", "Four U.S. and two Iraqi military personnel were injured") == [
        "two Iraqi military personnel"
    ]


# -- quotes ------------------------------------------------------------------------------


def test_quotes_straight_curly_and_mixed_marks_hold_the_words_without_a_closing_comma(seeds):
    quotes = found("quotes", by_id(seeds, "000").text)
    assert quotes[:2] == ["defensive action", "defensive action"]  # once straight, once curly
    assert "This was not a mistake" in quotes
    # An opening curly mark closed by a straight one, then a straight pair:
    assert "Iranians continuously pushed the envelope" in quotes
    assert "until they finally and inevitably killed an American" in quotes
    assert found("quotes", by_id(seeds, "003").text)[0] == "degrade KH’s ability to conduct future attacks"


def test_quotes_skip_single_words_and_quoted_names(seeds):
    text = by_id(seeds, "002").text
    quotes = found("quotes", text)
    assert "“martyrs”" in text and not any(quote == "martyrs" for quote in quotes)
    assert "Popular Mobilization Forces" in text and "Popular Mobilization Forces" not in quotes
    assert not any("League of the Righteous" in quote for quote in quotes)
    assert found("quotes", 'he called it "significant" and left') == []


# -- titled names --------------------------------------------------------------------------


def test_titled_names_on_the_seeds(seeds):
    assert found("titles", by_id(seeds, "001").text) == [
        "Pentagon spokesman Jonathan Hoffman",
        "US Secretary of State Mike Pompeo",
    ]
    assert found("titles", by_id(seeds, "004").text) == [
        "Defense Department spokesman Jonathan Hoffman",
        "Defense Secretary Mark Esper",
        "Iraqi Prime Minister Adel Abdul-Mahdi",
        "President Donald Trump",
    ]
    assert found("titles", by_id(seeds, "003").text) == [
        "President Trump",
        "Lt. Col. Hassan Kadhim",
        "Defense Secretary Mark T. Esper",
        "President Trump",
    ]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Both Iraqi President Barham Salih and", ["Iraqi President Barham Salih"]),  # not "Both"
        ("Under President Trump, the", ["President Trump"]),
        ("against the Islamic State. President Trump said", ["President Trump"]),  # not across a sentence
        ("and forces in the ISF.\n\nSen. Tom Cotton said", ["Sen. Tom Cotton"]),  # nor across a paragraph
        ("the role of US President Donald Trump's administration", ["US President Donald Trump"]),
        ("a senior official described it", []),  # a title with no name
        ("the chief Pentagon spokesman, said in a statement", []),
        ("the Iran-backed Kataib Hezbollah militia and Operation Inherent Resolve", []),  # names with no title
    ],
)
def test_titled_names_start_at_the_title_words_and_need_a_name(sentence, expected):
    assert found("titles", sentence) == expected


# -- patterns --------------------------------------------------------------------------------


SCHEMA = load_schema()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_patterns_phrases_whole_words_and_case_and_regexes(tmp_path):
    path = write(
        tmp_path / "p.yaml",
        """
- label: actor
  phrases: [esper, Jonathan Hoffman]
  case_sensitive: false
- label: figure
  regex: '\\d+ rockets'
- label: claim
  phrases: [KH]
""",
    )
    patterns = load_patterns(path, SCHEMA.names)
    assert [pattern.source for pattern in patterns] == [f"{path}:2", f"{path}:5", f"{path}:7"]
    text = "Esper and the Espers met Jonathan Hoffman; 30 rockets. KH's base, not KHAN or kh."
    assert [(text[c.start : c.end], c.label) for c in candidates(text, patterns)] == [
        ("Esper", "actor"),
        ("Jonathan Hoffman", "actor"),
        ("30 rockets", "figure"),
        ("KH", "claim"),
    ]


def test_jsonl_patterns_read_prodigy_phrase_lines(tmp_path):
    path = write(
        tmp_path / "p.jsonl",
        '{"label": "actor", "pattern": "Mark Esper"}\n\n{"label": "figure", "regex": "\\\\d+ troops"}\n',
    )
    patterns = load_patterns(path, SCHEMA.names)
    text = "Mark Esper said 5000 troops"
    assert [(text[c.start : c.end], c.source) for c in candidates(text, patterns)] == [
        ("Mark Esper", f"{path}:1"),
        ("5000 troops", f"{path}:3"),
    ]


@pytest.mark.parametrize(
    "name, text, problem",
    [
        (
            "bad.yaml",
            "- label: actor\n  regex: '(unclosed'\n",
            "bad.yaml:1: invalid regular expression '(unclosed': missing ) at position 9",
        ),
        (
            "bad.yaml",
            "- label: actor\n  phrases: [a]\n- label: acter\n  phrases: [b]\n",
            "bad.yaml:3: unknown label 'acter' (the schema has actor, claim, figure, quote)",
        ),
        ("bad.yaml", "- label: actor\n  phrases: [a\n", "bad.yaml: line 3: invalid YAML"),
        ("bad.yaml", "label: actor\n", "bad.yaml: expected a list of patterns"),
        ("bad.yaml", "- label: actor\n", "bad.yaml:1: needs 'phrases'"),
        ("bad.yaml", "- label: actor\n  phrases: ['']\n", "bad.yaml:1: needs 'phrases'"),
        (
            "bad.jsonl",
            '{"label": "actor", "pattern": "a"}\n{"label": "actor", "pattern": [{"lower": "a"}]}\n',
            "bad.jsonl:2: token patterns",
        ),
        ("bad.jsonl", '{"label": "actor", "pattern": "a"}\n{"label": \n', "bad.jsonl:2: not valid JSON"),
        ("bad.jsonl", '{"label": "figure", "regex": "[0-9"}\n', "bad.jsonl:1: invalid regular expression"),
    ],
)
def test_bad_patterns_are_named_by_file_and_line(tmp_path, name, text, problem):
    path = write(tmp_path / name, text)
    with pytest.raises(PatternError) as error:
        load_patterns(path, SCHEMA.names)
    message = str(error.value)
    assert message.startswith(str(tmp_path)) and "\n" not in message
    assert problem in message


def test_the_schema_switches_suggesters_on_and_names_pattern_files_relative_to_itself(tmp_path):
    write(tmp_path / "names.yaml", "- label: actor\n  phrases: [Kataib Hezbollah]\n")
    schema_path = write(
        tmp_path / "labels.yaml",
        (Path(__file__).parent.parent / "annotations" / "labels.yaml").read_text()
        + "suggest:\n  figures: figure\n  quotes: quote\n  patterns: names.yaml\n",
    )
    schema = load_schema(schema_path)
    assert schema.suggesters == (("figures", "figure"), ("quotes", "quote"))
    assert [suggester.source for suggester in configured_suggesters(schema)] == [
        "figures",
        "quotes",
        f"{tmp_path / 'names.yaml'}:1",
    ]
    for suggest, problem in [
        ("  figures: figgure\n", "suggest: figures: unknown label 'figgure'"),
        ("  numbers: figure\n", "suggest: unknown suggester 'numbers'"),
    ]:
        with pytest.raises(SchemaError, match=problem):
            parse_schema(schema_path.read_text().rsplit("\nsuggest:", 1)[0] + "\nsuggest:\n" + suggest, "s.yaml")


# -- storing, deciding, exporting ---------------------------------------------------------------


def exported(store: Store, gold: bool = False) -> dict[str, list[tuple[str, str]]]:
    return {
        article.id: [(span.text, span.status) for span in article.spans]
        for article in exported_articles(store, ExportSelection(gold=gold))
    }


def test_suggestions_are_stored_once_kept_out_of_exports_and_a_rejected_one_stays_rejected(seeds, store):
    article = by_id(seeds, "003")
    suggesters = configured_suggesters(
        parse_schema("labels: [{name: figure, key: f, color: red}]\nsuggest: {figures: figure}", "s")
    )
    made = store_suggestions(store, article, candidates(article.text, suggesters), "ana")
    assert [span.text for span in made][:3] == ["five facilities", "three targets", "four fighters"]
    assert {(span.status, span.source, span.annotator) for span in made} == {("suggested", "figures", "ana")}
    assert store_suggestions(store, article, candidates(article.text, suggesters), "ana") == []  # no duplicates
    assert exported(store) == {}  # not until accepted
    decide(store, made[0], "accepted", "ana")
    decide(store, made[1], "rejected", "ana")
    assert store_suggestions(store, article, candidates(article.text, suggesters), "ana") == []  # rejected stays so
    assert exported(store, gold=True) == {article.id: [("five facilities", "accepted")]}
    assert exported(store) == {article.id: [("five facilities", "accepted")]}  # the rejected suggestion is not there
    rest = [span for span in store.annotations(article.id) if span.status == "suggested"]
    decide_all(store, rest, "accepted", "ana")
    assert len(exported(store, gold=True)[article.id]) == len(made) - 1
    assert store.undo().describe() == f"accept {len(rest)} suggestion(s)"  # one step for all
    assert len(exported(store, gold=True)[article.id]) == 1


def test_a_suggestion_never_covers_a_tag_of_its_label(seeds, store):
    article = by_id(seeds, "001")
    start = article.text.index("25 militia fighters")
    store.add(article, start, start + len("25 militia fighters"), "figure", "ana")  # the analyst's, shorter
    suggesters = [
        phrase_suggester("figure", ["at least 25 militia fighters"], "p:1", case_sensitive=False),
        phrase_suggester("actor", ["militia"], "p:2"),
    ]
    made = store_suggestions(store, article, candidates(article.text, suggesters), "ana")
    assert {span.label for span in made} == {"actor"}  # the other label may overlap


def test_occurrences_are_whole_words_as_written():
    text = "Trump, Trumpism and Trump's plan; trump"
    assert [text[start:end] for start, end in occurrences(text, "Trump")] == ["Trump", "Trump"]


def test_import_as_suggestions_takes_prodigy_and_doccano_predictions(seeds, tmp_path, db_path):
    article = by_id(seeds, "004")
    start = article.text.index("Mark Esper")
    predictions = write(
        tmp_path / "model.jsonl",
        "\n".join(
            json.dumps(line)
            for line in [
                {
                    "text": article.text,
                    "meta": {"id": article.id},
                    "spans": [{"start": start, "end": start + 10, "label": "actor"}],
                },
                {"id": "other", "text": "Jonathan Hoffman said so.", "label": [[0, 16, "actor"]]},
            ]
        )
        + "\n",
    )
    with Store.open(db_path) as store:
        store.add(article, start + 5, start + 10, "actor", "ana")  # "Esper", tagged already
    result = broadsheet("import", "--db", str(db_path), "--as-suggestions", str(predictions))
    assert result.returncode == 0, result.stderr
    assert "1 suggestion(s) imported into 1 new article(s), 1 already there" in result.stderr
    with Store.open(db_path) as store:
        [suggestion] = store.annotations("other")
        assert (suggestion.text, suggestion.status, suggestion.source) == (
            "Jonathan Hoffman",
            "suggested",
            "model.jsonl (imported)",
        )
        assert [span.status for span in store.annotations(article.id)] == ["pending"]
        assert "other" not in exported(store)
