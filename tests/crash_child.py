"""Child for the crash test: tags and deletes through the core API as fast as it can.

After each call returns (the change is durable) it prints '+ID' or '-ID' and flushes,
so the parent knows exactly what was reported as saved when it kills this process.
Before a delete it prints '?ID': a kill during that delete may or may not remove ID.
With --write-behind it reports a change as the app shows it: once it is in the undo
log, before its files are written.
"""

import random
import sys
from pathlib import Path

from annotations.articles import Article
from annotations.store import Store

WORDS = "militia strikes Pentagon Hezbollah contractor rocket Kirkuk Baghdad statement forces".split()


def make_article(number: int, words: list[str]) -> Article:
    """The same id always has the same text, whichever round makes it."""
    text_rng = random.Random(number)
    return Article(f"article-{number}", " ".join(text_rng.choice(words) for _ in range(40 + 400 * (number % 3))) + ".")


def undo_redo_forever(store: Store, articles: list[Article], rng: random.Random) -> None:
    """Tags, undos and redos in random order: the undo log is written and renamed constantly."""
    while True:
        roll = rng.random()
        if roll < 0.3:
            store.undo()
        elif roll < 0.5:
            store.redo()
        else:
            article = rng.choice(articles)
            start = rng.randrange(0, len(article.text) - 20)
            store.add(article, start, start + rng.randrange(1, 20), "claim", "child")
        print(".", flush=True)


def main(db_path: str, seed: int) -> None:
    rng = random.Random(seed)
    # Articles of a few sizes, some new in every round, so first writes of an article get killed too.
    articles = [make_article(number, WORDS) for number in range(seed % 7, seed % 7 + 12)]
    with Store.open(Path(db_path)) as store:
        if "--write-behind" in sys.argv:
            store.write_behind = lambda: None  # flush() below, after the report, as the app's is after the paint
        if "--undo" in sys.argv:
            undo_redo_forever(store, articles, rng)
        mine = []
        while True:
            article = rng.choice(articles)
            if mine and rng.random() < 0.25:
                annotation = mine.pop(rng.randrange(len(mine)))
                print(f"?{annotation.id}", flush=True)
                store.delete(annotation)
                print(f"-{annotation.id}", flush=True)
                store.flush()
                continue
            start = rng.randrange(0, len(article.text) - 20)
            annotation = store.add(
                article, start, start + rng.randrange(1, 20), rng.choice(["actor", "figure"]), "child"
            )
            mine.append(annotation)
            print(f"+{annotation.id}", flush=True)
            store.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
