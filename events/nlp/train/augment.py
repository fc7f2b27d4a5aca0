"""Knowledge-base names as NER training data (mention replacement).

The GermEval-style training half has 880 sentences; the names in it are those of 2009
Wikipedia and news. The knowledge base (events/kb/data, hand-curated, CC0) knows thousands of
today's people, organisations and places. Copies of the training sentences with each PER,
LOC and ORG span replaced by a knowledge-base name of the same label teach the NER those
names and, more usefully, what organisation names look like in general (ministries,
parties, agencies, companies with their typical words), in real German sentence contexts.

Deterministic (seeded); the held-out GermEval half is never an input.
"""

from __future__ import annotations

import random
import re
import tomllib
from pathlib import Path

from spacy.tokens import Doc, Span

KB_DATA = Path(__file__).resolve().parents[2] / "kb" / "data"
KIND_LABEL = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}
# "Volksstimme (Sissach)": the qualifier tells same-named entities apart, a text never has it.
QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
SEED = 2014


def kb_names(data_dir: Path = KB_DATA) -> dict[str, list[str]]:
    """Names and unambiguous aliases by NER label, each once, in file order."""
    names: dict[str, dict[str, None]] = {"PER": {}, "LOC": {}, "ORG": {}}
    for path in sorted(data_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for table, rows in data.items():
            if not isinstance(rows, list):
                continue
            for row in rows:
                if not isinstance(row, dict):
                    continue
                label = _label(table, row)
                if label is None:
                    continue
                ambiguous = set(row.get("ambiguous_aliases") or [])
                for text in [row.get("name") or row.get("name_de"), *(row.get("aliases") or [])]:
                    if isinstance(text, str) and text not in ambiguous:
                        text = QUALIFIER.sub("", text).strip()
                        if text and len(text) <= 60:
                            names[label][text] = None
    return {label: list(found) for label, found in names.items()}


def _label(table: str, row: dict) -> str | None:
    if table == "actor":
        return KIND_LABEL.get(row.get("kind", ""))
    if table in ("city", "country", "place", "subdivision"):
        return "LOC"
    return None


def replaced(doc: Doc, names: dict[str, list[str]], make_doc, rng: random.Random) -> Doc | None:
    """A copy of `doc` whose PER/LOC/ORG spans carry other names; None if it has none."""
    if not any(e.label_ in names for e in doc.ents):
        return None
    words, spaces, ents = [], [], []
    position = 0
    for ent in doc.ents:
        for token in doc[position : ent.start]:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        start = len(words)
        if ent.label_ in names:
            name_tokens = make_doc(rng.choice(names[ent.label_]))
            words.extend(t.text for t in name_tokens)
            spaces.extend(bool(t.whitespace_) for t in name_tokens)
            if name_tokens:
                spaces[-1] = bool(ent[-1].whitespace_)
        else:
            words.extend(t.text for t in ent)
            spaces.extend(bool(t.whitespace_) for t in ent)
        ents.append((start, len(words), ent.label_))
        position = ent.end
    for token in doc[position:]:
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
    new = Doc(doc.vocab, words=words, spaces=spaces)
    new.ents = [Span(new, start, end, label=label) for start, end, label in ents if end > start]
    return new


def augmented(docs: list[Doc], copies: int, names: dict[str, list[str]] | None = None) -> list[Doc]:
    """`copies` replaced copies of every document that has a PER, LOC or ORG span."""
    import spacy

    names = names or kb_names()
    make_doc = spacy.blank("de").make_doc
    rng = random.Random(SEED)  # noqa: S311 - a seeded sample, not a secret
    out = []
    for _ in range(copies):
        for doc in docs:
            new = replaced(doc, names, make_doc, rng)
            if new is not None:
                out.append(new)
    return out
