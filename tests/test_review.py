"""Review in the core: the queue, decisions, relabelling and boundary fixes."""

import pytest

from annotations.review import FilterError, ReviewFilter, decide, first_pending, move_boundary, relabel, review_queue
from annotations.store import Store

from .test_store import tag


@pytest.fixture
def tagged(seeds, store):
    spans = [
        tag(store, seeds[1], "Jonathan Hoffman", "actor"),
        tag(store, seeds[1], "at least 25 militia fighters", "figure"),
        tag(store, seeds[0], "Brian Hook", "actor"),
        tag(store, seeds[3], "19 fighters", "figure"),
    ]
    return store, spans


def test_queue_is_in_article_order_then_reading_order(tagged):
    store, _spans = tagged
    assert [span.text for span in review_queue(store)] == [
        "Brian Hook",
        "at least 25 militia fighters",
        "Jonathan Hoffman",
        "19 fighters",
    ]


def test_filters_combine(tagged, seeds):
    store, _spans = tagged
    assert [span.text for span in review_queue(store, ReviewFilter.parse("label:figure"))] == [
        "at least 25 militia fighters",
        "19 fighters",
    ]
    assert [span.text for span in review_queue(store, ReviewFilter.parse(f"label:actor article:{seeds[1].id}"))] == [
        "Jonathan Hoffman"
    ]
    assert review_queue(store, ReviewFilter.parse("annotator:nobody")) == []
    with pytest.raises(FilterError, match="unknown status 'done'"):
        ReviewFilter.parse("status:done")
    with pytest.raises(FilterError, match="write field:value"):
        ReviewFilter.parse("colour:red")


def test_decisions_are_saved_with_reviewer_and_resume_at_the_first_pending(tagged, db_path):
    store, _spans = tagged
    queue = review_queue(store)
    accepted = decide(store, queue[0], "accepted", "lead")
    decide(store, queue[1], "rejected", "lead")
    assert (accepted.status, accepted.reviewer) == ("accepted", "lead") and accepted.reviewed
    store.close()
    with Store.open(db_path) as reopened:
        queue = review_queue(reopened)
        assert [span.status for span in queue] == ["accepted", "rejected", "pending", "pending"]
        assert first_pending(queue) == 2
        assert reopened.undo().changes[0].after.status == "rejected"  # the last decision is undoable
        assert first_pending(review_queue(reopened)) == 1


def test_relabel_and_boundaries(tagged, seeds):
    store, spans = tagged
    hoffman = spans[0]
    text = seeds[1].text
    relabelled = relabel(store, hoffman, "quote", "lead")
    assert relabelled.label == "quote"
    grown = move_boundary(store, relabelled, text, "start", -1, "lead")
    assert grown.text == "spokesman Jonathan Hoffman"
    longer = move_boundary(store, grown, text, "end", 1, "lead")
    assert longer.text == "spokesman Jonathan Hoffman said"
    shorter = move_boundary(store, longer, text, "end", -1, "lead")
    shrunk = move_boundary(store, shorter, text, "start", 1, "lead")
    assert shrunk.text == "Jonathan Hoffman" and text[shrunk.start : shrunk.end] == shrunk.text
    at_limit = move_boundary(store, move_boundary(store, shrunk, text, "start", 1, "lead"), text, "start", 1, "lead")
    assert at_limit.text == "Hoffman"  # a span keeps at least one word
    assert store.annotations(seeds[1].id)[-1].text == "Hoffman"


def test_the_queue_reads_an_article_at_a_time_and_holds_only_what_it_shows(tmp_path):
    import tracemalloc

    from annotations.review import ReviewQueue

    from .test_agreement import database_of

    db_path = database_of(tmp_path / "many.json", 1_500, 1)  # 15,000 spans
    with Store.open(db_path) as store:
        read = store.read_article
        reads = []
        store.read_article = lambda key: reads.append(key) or read(key)
        queue = ReviewQueue(store)
        assert queue[0].article_id == "article-00000" and len(reads) == 1  # the first card: one article read
        queue[0] = decide(store, queue[0], "rejected", "lead")
        tracemalloc.start()
        assert first_pending(queue) == 15_000 and sum(1 for _ in queue) == len(queue) == 15_000  # all decided
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 8_000_000, f"{peak:,} bytes to walk the queue"  # it held every span: 29 MB
        assert queue.complete and queue.status_counts()["rejected"] == 1 and queue[0].status == "rejected"
        assert queue.status_counts()["accepted"] == 14_999
