"""Scoring named entities against GermEval 2014-style TSV files (exact outer spans).

GermEval labels map onto Lagebild's four: PER, LOC, ORG, and OTH -> MISC. The ``*deriv``
("deutsche") and ``*part`` ("Troia-Ausstellung") tags are not entities of their own and
count as outside. Scores are computed on whole tokens, so a prediction must match the gold
span's first and last token and its label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABEL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
LABELS = ("PER", "LOC", "ORG", "MISC")
MICRO_LABELS = ("PER", "LOC", "ORG")

Span = tuple[int, int, str]  # token start, token end (exclusive), label


@dataclass
class Sentence:
    words: list[str]
    spans: set[Span]


def bio_spans(tags: list[str]) -> set[Span]:
    """Spans of a BIO tag sequence, GermEval labels mapped; I- without B- starts a span."""
    spans: set[Span] = set()
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, raw = tag.partition("-")
        mapped = LABEL_MAP.get(raw) if prefix in ("B", "I") else None
        continues = prefix == "I" and mapped == label and start is not None
        if start is not None and not continues:
            spans.add((start, i, label))
            start, label = None, None
        if mapped and not continues:
            start, label = i, mapped
    return spans


def read_germeval(path: Path) -> Iterator[Sentence]:
    """Sentences of a GermEval TSV: `index  token  outer  inner`, `#` lines, blank separators."""
    words: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if words:
                    yield Sentence(words, bio_spans(tags))
                words, tags = [], []
                continue
            columns = line.split("\t")
            if len(columns) < 3:
                raise ValueError(f"{path}: not a GermEval line: {line!r}")
            words.append(columns[1])
            tags.append(columns[2])
    if words:
        yield Sentence(words, bio_spans(tags))


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def add(self, gold: set[Span], predicted: set[Span]) -> None:
        for span in predicted & gold:
            self.tp[span[2]] += 1
        for span in predicted - gold:
            self.fp[span[2]] += 1
        for span in gold - predicted:
            self.fn[span[2]] += 1

    def prf(self, labels: Iterable[str]) -> dict[str, float]:
        labels = list(labels)
        tp = sum(self.tp[label] for label in labels)
        fp = sum(self.fp[label] for label in labels)
        fn = sum(self.fn[label] for label in labels)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"p": precision, "r": recall, "f1": f1, "support": tp + fn}

    def report(self) -> dict:
        result = {label: self.prf([label]) for label in LABELS}
        result["micro_PER_LOC_ORG"] = self.prf(MICRO_LABELS)
        return result


def evaluate(
    sentences: Iterable[Sentence], predict: Callable[[list[list[str]]], list[set[Span]]], batch: int = 256
) -> Scores:
    """Score `predict` (a batch of word lists -> their spans) on the sentences."""
    scores = Scores()
    pending: list[Sentence] = []

    def flush() -> None:
        for sentence, predicted in zip(pending, predict([s.words for s in pending]), strict=True):
            scores.add(sentence.spans, predicted)
        pending.clear()

    for sentence in sentences:
        pending.append(sentence)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return scores


def format_table(report: dict) -> str:
    lines = [f"{'label':20} {'P':>7} {'R':>7} {'F1':>7} {'gold':>7}"]
    for name, row in report.items():
        lines.append(f"{name:20} {row['p']:7.3f} {row['r']:7.3f} {row['f1']:7.3f} {row['support']:7d}")
    return "\n".join(lines)
