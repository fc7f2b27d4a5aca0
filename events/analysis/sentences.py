"""One sentence segmentation for every record of an article.

Mentions, claims and the article page all number sentences with these ranges, so that
sentence k of a mention, of a claim and of ``ArticleAnalysis.sentences`` is the same words.
The statistical sentence splitter is a start; a line break always ends a sentence (headlines,
datelines, paragraphs have no full stop), and so does end punctuation before a capital,
which a weak splitter misses ("… überwinden. Beide Länder …").
"""

from __future__ import annotations


def token_ranges(doc) -> list[tuple[int, int]]:
    """Sentences as [start, end) token ranges, whitespace trimmed, none empty.

    Worked out once per doc (kept in doc.user_data, as a tuple nobody can change): linking,
    claims, events and the stored sentences all ask for them.
    """
    key = ("sentences.token_ranges", len(doc))
    if key not in doc.user_data:
        doc.user_data[key] = tuple(_token_ranges(doc))
    return list(doc.user_data[key])


def doc_text(doc) -> str:
    """The doc's text, kept in doc.user_data: spaCy joins it from the tokens on every access."""
    key = ("sentences.text", len(doc))
    if key not in doc.user_data:
        doc.user_data[key] = doc.text
    return doc.user_data[key]


def _token_ranges(doc) -> list[tuple[int, int]]:
    starts = {0}
    if doc.has_annotation("SENT_START"):
        starts |= {t.i for t in doc if t.is_sent_start}
    for token in doc[:-1]:
        nxt = doc[token.i + 1]
        if token.text in (".", "!", "?") and (nxt.text[:1].isupper() or nxt.text[:1] in '„»"'):
            starts.add(token.i + 1)
    for token in doc:
        if "\n" in token.text or (token.i > 0 and "\n" in doc[token.i - 1].whitespace_):
            starts.add(token.i + 1 if "\n" in token.text else token.i)
    # A closing quotation mark after the full stop ends the quoted sentence, whatever the
    # statistical splitter said ("… telefoniert.“ Er betonte …": "“" is not the next one's).
    starts = {i + 1 if _closes_quote(doc, i) else i for i in starts}
    bounds = sorted(i for i in starts if i < len(doc))
    ranges = []
    for k, s in enumerate(bounds):
        e = bounds[k + 1] if k + 1 < len(bounds) else len(doc)
        while s < e and doc[s].is_space:
            s += 1
        while e > s and doc[e - 1].is_space:
            e -= 1
        if s < e:
            ranges.append((s, e))
    return ranges


CLOSING_QUOTES = ("“", "«", '"', "‘", "‹")


def _closes_quote(doc, i: int) -> bool:
    return (
        0 < i < len(doc) - 1
        and doc[i].text in CLOSING_QUOTES
        and doc[i - 1].text in (".", "!", "?", "…")
        and not doc[i - 1].whitespace_
        and bool(doc[i].whitespace_)
    )


def char_spans(doc, ranges: list[tuple[int, int]]) -> list[list[int]]:
    """The same sentences as [start, end) character offsets into ``doc.text``."""
    return [[doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)] for s, e in ranges]


def sentence_of_token(doc, ranges: list[tuple[int, int]]) -> list[int]:
    """For each token the number of its sentence (whitespace between sentences counts to the
    one before)."""
    index, k = [], 0
    for token in doc:
        while k + 1 < len(ranges) and token.i >= ranges[k + 1][0]:
            k += 1
        index.append(k)
    return index
