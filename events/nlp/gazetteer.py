"""The knowledge base as a feature inside the NER (issue 18): a gazetteer component.

`lagebild_gazetteer` runs right before `ner`. It finds the knowledge base's names in the
token sequence (longest match, left to right) and writes for every token of a match what the
knowledge base calls it, "B-ORG", "I-LOC|PER" (ambiguous names carry every label), into the
token's `ent_kb_id`. The NER's embedding reads that column as one more hashed feature
(`ENT_KB_ID` in config.cfg), so the model learns from the training data how far to trust a
dictionary hit, instead of the dictionary overruling it after the fact.

`ent_kb_id` is otherwise empty until entity linking, which Lagebild does outside spaCy
(events.analysis.linking); `lagebild_gazetteer_clear` after `ner` empties it again, so no
gazetteer value outlives the NER.

The names are a snapshot of the knowledge base's data files at training time, stored with
the model (`names.tsv`), so training and use see the same table.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

MAX_NAME_TOKENS = 8
NAMES_FILE = "names.tsv"
# Set on a training sentence by the augmenter below: the share of its names left unmarked.
DROP_KEY = "lagebild_gazetteer_drop"
# The share `make model` trains with; fine-tuning on corrections keeps it (events/nlp/retrain.py).
TRAINING_DROPOUT = 0.5


class Gazetteer:
    def __init__(self, nlp: Language, name: str = "lagebild_gazetteer"):
        self.name = name
        self.tokenizer = nlp.tokenizer
        self.labels: dict[tuple[str, ...], str] = {}
        self.first_words: set[str] = set()

    # -- building the table
    def add_names(self, names: Iterable[tuple[str, str]]) -> None:
        """(name, label) pairs; a name with several labels keeps all of them."""
        found: dict[tuple[str, ...], set[str]] = {}
        for text, label in names:
            words = tuple(t.text for t in self.tokenizer(text))
            if 0 < len(words) <= MAX_NAME_TOKENS and any(c.isupper() for c in text):
                found.setdefault(words, set()).add(label)
        for words, labels in found.items():
            self._set(words, "|".join(sorted(labels | set(self.labels.get(words, "").split("|")) - {""})))

    def _set(self, words: tuple[str, ...], labels: str) -> None:
        self.labels[words] = labels
        self.first_words.add(words[0])

    def initialize(self, get_examples=None, *, nlp=None, path: str | None = None) -> None:
        """`path`: a TSV of name and label (written by the training script from the
        knowledge base's data files); without one the table stays empty."""
        if path:
            with Path(path).open(encoding="utf-8") as handle:
                self.add_names(line.rstrip("\n").split("\t", 1) for line in handle if "\t" in line)

    # -- use
    def __call__(self, doc: Doc) -> Doc:
        words = [t.text for t in doc]
        drop = doc.user_data.get(DROP_KEY, 0.0)
        for token in doc:  # a training sentence passes many times: each time marked afresh
            token.ent_kb_id = 0
        i = 0
        while i < len(words):
            size = self._match(words, i) if words[i] in self.first_words else 0
            if not size or (drop and random.random() < drop):  # noqa: S311 (training noise, seeded by spaCy)
                i += max(size, 1)
                continue
            labels = self.labels[tuple(words[i : i + size])]
            for k in range(i, i + size):
                doc[k].ent_kb_id_ = ("B-" if k == i else "I-") + labels
            i += size
        return doc

    def _match(self, words: list[str], start: int) -> int:
        for size in range(min(MAX_NAME_TOKENS, len(words) - start), 0, -1):
            if tuple(words[start : start + size]) in self.labels:
                return size
        return 0

    # -- serialisation
    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = sorted(" ".join(words) + "\t" + labels for words, labels in self.labels.items())
        (path / NAMES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def from_disk(self, path, *, exclude=tuple()) -> Gazetteer:
        self.labels, self.first_words = {}, set()
        with (Path(path) / NAMES_FILE).open(encoding="utf-8") as handle:
            for line in handle:
                text, _, labels = line.rstrip("\n").partition("\t")
                if text:
                    self._set(tuple(text.split(" ")), labels)
        return self


@Language.factory("lagebild_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    return Gazetteer(nlp, name)


@registry.augmenters("lagebild.gazetteer_dropout.v1")
def gazetteer_dropout(rate: float):
    """Training only: each name of a training sentence goes unmarked with probability `rate`,
    so the NER still learns to find the names the knowledge base does not know (most people
    of the training data) instead of waiting for a mark."""

    def augment(nlp, example):
        example.predicted.user_data[DROP_KEY] = rate
        yield example

    return augment


@Language.component("lagebild_gazetteer_clear")
def clear_gazetteer(doc: Doc) -> Doc:
    """After `ner`: tokens outside an entity keep no gazetteer value (set_ents resets only
    the entities' own tokens)."""
    for token in doc:
        if token.ent_kb_id:
            token.ent_kb_id = 0
    return doc
