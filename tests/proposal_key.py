"""The hand-written key for proposals on the five seeds: every actor, figure, quote and
claim that two or more outlets share, as a person reading them side by side would list it.

Each row is what one compare-view row should hold: (seed prefix, the words as that
outlet writes them, which occurrence). Left out on purpose: places (Iraq, Syria,
Kirkuk, Baghdad, Washington), the US (named everywhere, mostly as a modifier), and
phrases under four words ("command and control", "defensive action"); a claim that an
outlet makes only inside a quotation is that outlet's quote, in the quote rows."""

from __future__ import annotations

import re

KEY: dict[str, list[list[tuple[str, str]]]] = {
    "actor": [
        [
            ("000", "Kataib Hezbollah"),
            ("001", "Kataib Hezbollah"),
            ("002", "Kata’ib Hezbollah"),
            ("003", "Kitaeb Hezbollah"),
            ("004", "Kataeb Hezbollah"),
        ],
        [
            ("001", "Jonathan Hoffman"),
            ("002", "Jonathan Hoffman"),
            ("003", "Jonathan Hoffman"),
            ("004", "Jonathan Hoffman"),
        ],
        [("001", "Mark Esper"), ("002", "Mark Esper"), ("003", "Mark T. Esper"), ("004", "Mark Esper")],
        [("000", "Mike Pompeo"), ("001", "Mike Pompeo"), ("002", "Mike Pompeo")],
        [("000", "Donald Trump"), ("001", "Trump"), ("003", "Trump"), ("004", "Donald Trump")],
        [("000", "Pentagon"), ("001", "Pentagon"), ("002", "Pentagon"), ("003", "Pentagon"), ("004", "Pentagon")],
        [("000", "Iran"), ("001", "Iran"), ("002", "Iran"), ("003", "Iran"), ("004", "Iran")],
        [("000", "Tehran"), ("001", "Tehran"), ("002", "Tehran")],
        [("002", "Qods Force"), ("003", "Quds Force"), ("004", "Quds Force")],
        [
            ("000", "Popular Mobilisation Forces"),
            ("002", "Popular Mobilization Forces"),
            ("003", "Popular Mobilization Units"),
        ],
        [("000", "Hezbollah"), ("002", "Hezbollah in Lebanon"), ("004", "Lebanese Hezbollah")],
        [("002", "Adel Abdul Mahdi"), ("004", "Adel Abdul-Mahdi")],
        [("002", "Jaafar Al-Husseini"), ("003", "Jaafar al-Hussaini")],
        [("001", "Operation Inherent Resolve"), ("002", "Operation Inherent Resolve")],
        [("003", "Joint Operations Command"), ("004", "Joint Operations Command")],
        [("002", "Islamic Revolutionary Guard Corps"), ("004", "Islamic Revolutionary Guard Corps")],
        [("001", "Iraqi Security Forces"), ("002", "Iraqi Security Forces")],
        [("000", "ISIS"), ("002", "ISIS"), ("003", "Islamic State")],
    ],
    "figure": [
        [
            ("000", "At least 25 militia fighters"),
            ("001", "at least 25 militia fighters"),
            ("002", "24 “martyrs”"),
            ("003", "four fighters"),
            ("003", "19 fighters"),
            ("004", "four fighters"),
            ("004", "at least 19 of its members"),
        ],
        [("000", "55 wounded"), ("001", "at least 55 wounded"), ("002", "more than 50 wounded"), ("003", "35")],
        [("000", "five locations"), ("002", "five locations"), ("003", "five facilities"), ("004", "five sites")],
        [
            ("001", "three locations"),
            ("002", "three inside Iraq"),
            ("003", "three targets"),
            ("004", "Three of the sites"),
        ],
        [("001", "two in Syria"), ("002", "two in Syria"), ("003", "two in Syria"), ("004", "two in Syria")],
        [
            ("001", "more than 30 rockets"),
            ("002", "more than 30 rockets"),
            ("003", "more than 30 rockets"),
            ("004", "at least 30 rockets"),
        ],
        [
            ("000", "four soldiers"),
            ("001", "four US service members"),
            ("002", "Four U.S."),
            ("003", "several U.S. service members"),
            ("004", "four U.S. service members"),
        ],
        [
            ("001", "two members of the Iraqi Security Forces"),
            ("002", "two Iraqi military personnel"),
            ("004", "two Iraqi soldiers"),
        ],
        [("002", "approximately 5,000 troops"), ("003", "About 5,000 U.S. troops")],
        [("001", "three US airstrikes"), ("004", "three U.S. airstrikes")],
    ],
    "quote": [
        [
            (
                "001",
                "precision defensive strikes ... that will degrade KH’s ability to conduct future attacks "
                "against OIR coalition forces",
            ),
            ("002", "degrade KH’s ability to conduct future attacks against OIR coalition forces."),
            ("003", "degrade KH’s ability to conduct future attacks"),
            ("004", "precision defensive strikes"),
        ],
        [
            ("002", "Iran and their KH proxy forces must cease"),
            ("003", "Iran and their KH proxy forces must cease"),
            ("004", "Iran and their KH proxy forces must cease"),
        ],
        [
            ("002", "The U.S. and its coalition partners fully respect Iraqi sovereignty"),
            ("002", "The U.S., however, will not be deterred"),
            ("004", "The U.S. and its coalition partners fully respect"),
        ],
        [
            ("002", "have shared with each other their commitment"),
            ("004", "have shared with each other their commitment"),
            ("004", "cease once and for all."),
        ],
        [("002", "has a strong linkage with Iran’s Quds Force"), ("004", "has a strong linkage to Iran’s Quds Force")],
        [("001", "answered with a decisive US response."), ("002", "answered with a decisive U.S. response.")],
    ],
    "claim": [
        [
            ("000", "the US struck five locations in Iraq and Syria"),
            ("001", "The US military carried out airstrikes in Iraq and Syria"),
            ("002", "U.S. forces carried out military strikes against five locations"),
            ("003", "The U.S. military has launched strikes on five facilities"),
            ("004", "The U.S. carried out military strikes on five sites"),
        ],
        [
            ("000", "At least 25 militia fighters were killed"),
            ("001", "Iraqi security and militia sources said"),
            ("002", "as saying 24 “martyrs” had been killed"),
            ("003", "said 19 fighters were killed"),
            ("004", "A militia spokesman said the strikes left at least 19"),
        ],
        [
            ("003", "Joint Operations Command said four fighters"),
            ("004", "Joint Operations Command said in a statement"),
        ],
        [
            ("000", "in response to a rocket attack that killed a US civilian contractor"),
            ("001", "The US had accused Kataib Hezbollah of carrying out a strike on Friday"),
            ("002", "Four U.S. and two Iraqi military personnel were injured"),
            ("003", "On Friday, more than 30 rockets were launched"),
            ("004", "including an attack on Friday in which at least 30 rockets"),
            ("004", "That attack left an American contractor dead"),
        ],
        [
            ("001", "The Pentagon said it had targeted three locations"),
            ("003", "U.S. forces struck three targets in Iraq and two in Syria"),
            ("004", "Three of the sites were in Iraq and two in Syria"),
        ],
        [
            ("000", "On specific targets for Monday's strikes"),
            ("001", "The locations included weapons storage facilities"),
            ("002", "Hoffman said in a statement targets included weapon storage facilities"),
            ("003", "They include weapons storage facilities"),
            ("004", "targeted weapons depots and command centers"),
        ],
        [
            ("001", "In response to repeated Kataib Hezbollah attacks on Iraqi bases"),
            ("002", "Jonathan Hoffman said the strikes came in response to repeated KH attacks"),
            ("003", "The strikes came after repeated assaults by the militia"),
        ],
        [
            ("003", "The American operations will “degrade KH’s ability"),
            ("004", "He said the U.S. strikes would limit the militia’s ability"),
        ],
        [
            ("001", "US Secretary of State Mike Pompeo blamed Iranian-backed forces"),
            ("002", "Secretary of State Mike Pompeo warned recently"),
        ],
        [
            ("002", "condemned the attacks as a violation of Iraqi sovereignty"),
            ("004", "Abdul-Mahdi called the U.S. strikes a violation of Iraqi sovereignty"),
        ],
        [
            ("002", "The U.S. has approximately 5,000 troops stationed in Iraq"),
            ("003", "About 5,000 U.S. troops remain in Iraq"),
        ],
        [
            ("002", "Earlier this month Esper told reporters he suspected Iran"),
            ("003", "Defense Secretary Mark T. Esper asked Iraqi officials to respond"),
        ],
        [
            ("002", "Mahdi announced his resignation"),
            ("004", "who is serving in an interim role after resigning in November"),
        ],
        [
            ("002", "KH, an Iraqi militia supported by the Islamic Revolutionary Guard Corps"),
            ("004", "The Quds Force is an elite part of Iran’s Islamic Revolutionary Guard Corps"),
        ],
        [
            ("001", "in response to the killing of a US civilian contractor"),
            ("002", "came two days after an American civilian contractor was killed"),
            ("003", "two days after an American contractor was killed in an attack"),
        ],
    ],
}


def key_rows(texts: dict[str, str], label: str) -> list[list[tuple[str, int, int]]]:
    """The key's rows of ``label`` as (article id, start, end), found in ``texts`` (by seed prefix)."""
    by_prefix = {article_id[:3]: article_id for article_id in texts}
    rows = []
    for row in KEY[label]:
        places = []
        for prefix, words in row:
            article_id = by_prefix[prefix]
            pattern = r"\s+".join(map(re.escape, words.split()))  # the seeds have no-break spaces here and there
            found = re.search(rf"(?<![\w-]){pattern}(?![\w-])", texts[article_id])
            assert found, f"{words!r} is not in {article_id}"
            places.append((article_id, found.start(), found.end()))
        rows.append(places)
    return rows


def evaluate(proposals: list, texts: dict[str, str], label: str) -> tuple[float, float]:
    """(precision, recall) of the proposals of ``label`` against the key's rows.

    A proposal is right when at least half its members overlap the members of one key row,
    in two articles or more, and no proposal before it claimed that row (a row split in
    two counts once). Recall is the share of key rows some proposal got right."""
    rows = key_rows(texts, label)
    claimed: set[int] = set()
    right = 0
    mine = [proposal for proposal in proposals if proposal.label == label]
    for proposal in sorted(mine, key=lambda proposal: -proposal.score):
        hits: dict[int, set[str]] = {}
        counts: dict[int, int] = {}
        for member in proposal.members:
            for index, row in enumerate(rows):
                if any(
                    article_id == member.article_id and start < member.end and member.start < end
                    for article_id, start, end in row
                ):
                    hits.setdefault(index, set()).add(member.article_id)
                    counts[index] = counts.get(index, 0) + 1
        if not hits:
            continue
        best = max(hits, key=lambda index: (len(hits[index]), counts[index]))
        if len(hits[best]) >= 2 and counts[best] * 2 >= len(proposal.members) and best not in claimed:
            claimed.add(best)
            right += 1
    return (right / len(mine) if mine else 0.0), len(claimed) / len(rows)
