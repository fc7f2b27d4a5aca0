"""Build the two word lists the linker uses to tell names from ordinary words.

    python -m events.nlp.train.word_lists        (make word-lists)

Reads the annotated corpora of ../shared/data (see their SOURCE.md files) and writes

- ``events/analysis/data/common_nouns.txt``: capitalised words that German text uses as
  common nouns: tagged NOUN (never or rarely PROPN) in UD German GSD, or written with a
  capital inside a sentence but never inside a name in the NER corpora. A provisional
  entity is not made from such words alone ("Premier", "Karenz", "Regierung und Landtag").
- ``events/analysis/data/first_names.txt``: words that open a person's name of two or more
  words in the NER corpora, at least twice. "Heinz Fischer" is a name although "Fischer" is
  a noun.

Both files are lists of facts about word use derived from those corpora; their headers
state the sources and licences. Deterministic: the same data gives the same files.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / "shared" / "data"
OUT = REPO / "events" / "analysis" / "data"
WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+(-[A-ZÄÖÜa-zäöüß][a-zäöüß]+)*$")

# (name, tokens with BIO tags) readers; each yields sentences as [(token, tag)] where tag is
# "O" or "B-PER"/"I-LOC"/... (other label sets are mapped to PER/LOC/ORG or dropped).
LABELS = {"PER": "PER", "PERS": "PER", "PERSON": "PER", "LOC": "LOC", "PLACE": "LOC", "ORG": "ORG"}


def _label(tag: str) -> str:
    if tag in ("O", "") or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    label = label.upper().split("-")[0].removesuffix("DERIV").removesuffix("PART")
    return f"{prefix}-{LABELS[label]}" if label in LABELS else "O"


def _conll(path: Path, token_col: int, tag_col: int, comment: str = "#") -> Iterator[list]:
    sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(comment) or line.startswith("-DOCSTART-"):
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or len(parts) <= max(token_col, tag_col):
            if sentence:
                yield sentence
            sentence = []
            continue
        sentence.append((parts[token_col], _label(parts[tag_col])))
    if sentence:
        yield sentence


def _apis(path: Path) -> Iterator[list]:
    for row in json.loads(path.read_text(encoding="utf-8")):
        text, tags = row["text_raw"], []
        for match in re.finditer(r"\S+", text):
            tag = "O"
            for start, end, label in row["entities"]:
                if start <= match.start() < end and label in LABELS:
                    tag = ("B-" if match.start() == start else "I-") + LABELS[label]
            tags.append((match.group().strip(".,;:()„“\"'"), tag))
        yield tags


def ner_sentences() -> Iterator[list]:
    yield from _conll(DATA / "germeval2014" / "NER-de-dev.tsv", 1, 2)
    for name in ("train.conll2003", "dev.conll2003", "test.conll2003"):
        yield from _conll(DATA / "mobie" / name, 0, 3)
    for path in sorted((DATA / "stazh-ner").glob("*.conll")):
        yield from _conll(path, 0, 1)
    for name in ("train_sturm.conll", "dev_sturm.conll", "test_sturm.conll"):
        yield from _conll(DATA / "sturm-ner" / name, 0, 1)
    yield from _apis(DATA / "apis-oebl-ner" / "cleaned_simplified.json")


def ud_tokens() -> Iterator[tuple[str, str]]:
    path = DATA / "ud-german-gsd-upos" / "de_gsd-ud-train.filtered.pos"
    for line in path.read_text(encoding="utf-8").splitlines():
        for item in line.split():
            word, _, pos = item.rpartition("##")
            yield word, pos


def ud_genders() -> Iterator[tuple[str, str]]:
    """(lemma, gender) of the singular nouns of UD German GSD dev, the treebank part that
    carries morphological features."""
    path = DATA / "ud-german" / "de_gsd-ud-dev.conllu"
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) != 10 or cols[3] != "NOUN" or not WORD.match(cols[2]):
            continue
        feats = dict(f.split("=", 1) for f in cols[5].split("|") if "=" in f)
        if feats.get("Number") == "Sing" and feats.get("Gender") in ("Masc", "Fem", "Neut"):
            yield cols[2], feats["Gender"]


def noun_genders() -> list[str]:
    """ "Museum\tNeut": the gender of each noun lemma the treebank gives one gender to (nine
    in ten of its uses at least), for writing an adjective before it as a name stands alone."""
    seen: dict[str, Counter] = {}
    for lemma, gender in ud_genders():
        seen.setdefault(lemma, Counter())[gender] += 1
    rows = []
    for lemma, counts in seen.items():
        gender, n = counts.most_common(1)[0]
        if n * 10 >= sum(counts.values()) * 9:
            rows.append(f"{lemma}\t{gender}")
    return sorted(rows)


def build() -> tuple[list[str], list[str], dict]:
    noun, propn = Counter(), Counter()
    for word, pos in ud_tokens():
        if WORD.match(word):
            (noun if pos == "NOUN" else propn if pos == "PROPN" else Counter())[word] += 1
    outside, inside, openers = Counter(), Counter(), Counter()
    sentences = 0
    for sentence in ner_sentences():
        sentences += 1
        for i, (token, tag) in enumerate(sentence):
            if not WORD.match(token):
                continue
            if tag == "O":
                if i > 0 and sentence[i - 1][0] not in (".", "!", "?", ":", "„", '"'):
                    outside[token] += 1  # a capital inside a sentence: a noun (or a missed name)
            elif tag.endswith("PER"):
                inside[token] += 1  # part of a person's name: "Koch", "Fischer" are surnames too
        for i, (token, tag) in enumerate(sentence):
            following = sentence[i + 1][1] if i + 1 < len(sentence) else "O"
            if tag == "B-PER" and following == "I-PER" and WORD.match(token) and "-" not in token:
                openers[token] += 1
    # Organisations and places are named with nouns ("Regierung von Oberbayern"); only a
    # word that is part of people's names as often as it is a noun is no common noun here.
    common = {w for w, n in noun.items() if propn[w] * 4 <= n and inside[w] <= n + outside[w]}
    common |= {w for w, n in outside.items() if n >= 3 and inside[w] == 0 and propn[w] == 0}
    # Three letters at least: the biographical lexicon abbreviates ("Th.", "Frh.").
    first = {w for w, n in openers.items() if n >= 2 and len(w) > 2 and w not in common}
    stats = {
        "ud noun forms": len(noun),
        "ner sentences": sentences,
        "common nouns": len(common),
        "first names": len(first),
    }
    return sorted(common), sorted(first), stats


HEADER = """# {what}
# Built by `python -m events.nlp.train.word_lists` (make word-lists) from the annotated corpora
# of ../shared/data; one word a line, sorted. A list of facts about word use, derived from:
#   UD German GSD train (UPOS), CC BY-SA 4.0, Universal Dependencies contributors
#   GermEval 2014 NER dev, CC BY 4.0, Benikova, Biemann, Reznicek (NoSta-D)
#   DFKI MobIE, CC BY 4.0, Hennig et al.
#   Staatsarchiv des Kantons Zürich NER (StAZH), CC BY-SA 4.0, Kanton Zürich
#   NEISS Sturm edition NER, CC BY 4.0, NEISS project
#   APIS / ÖBL NER, MIT, Austrian Academy of Sciences (ACDH-CH, APIS), ÖBL 1815-1950
# Because of the share-alike sources this file is distributed under CC BY-SA 4.0.
"""


GENDER_HEADER = """# The gender of German nouns: a singular lemma and Masc, Fem or Neut, tab-separated, sorted.
# Built by `python -m events.nlp.train.word_lists` (make word-lists) from the morphological
# features of UD German GSD dev (../shared/data/ud-german), CC BY-SA 4.0, Universal
# Dependencies contributors; a list of facts about word use, distributed under CC BY-SA 4.0.
"""


def main() -> int:
    if not DATA.is_dir():
        print(f"{DATA} not found: the shared corpora are needed to build the word lists", file=sys.stderr)
        return 1
    started = time.monotonic()
    print("reading UD German GSD and six NER corpora ...", flush=True)
    common, first, stats = build()
    (OUT / "common_nouns.txt").write_text(
        HEADER.format(what="Capitalised German words used as common nouns, not names.")
        + "\n".join(common)
        + "\n",
        encoding="utf-8",
    )
    (OUT / "first_names.txt").write_text(
        HEADER.format(what="Words that open a person's name of two or more words (first names).")
        + "\n".join(first)
        + "\n",
        encoding="utf-8",
    )
    genders = noun_genders()
    (OUT / "noun_genders.txt").write_text(GENDER_HEADER + "\n".join(genders) + "\n", encoding="utf-8")
    stats["noun genders"] = len(genders)
    print("Word lists")
    for key, value in stats.items():
        print(f"  {key:<16} {value:>8,}")
    print(f"  written to       {OUT.relative_to(REPO)}/common_nouns.txt, first_names.txt, noun_genders.txt")
    print(f"  time             {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
