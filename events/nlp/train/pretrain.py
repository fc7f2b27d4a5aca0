"""Pretraining the NER's token-to-vector layer on raw German text.

Pretraining teaches the CNN to predict each word's first and last characters from its
context (spaCy's "characters" objective), on text that needs no annotation. `spacy pretrain`
itself cannot reach a tok2vec that sits inside the NER model (its "tok2vec" reference there
includes the NER's own projection layer), so the loop is run here with spaCy's objective,
and `ner_tok2vec_weights` (a callback of config.cfg) loads the result before training. Only text whose licence allows a derived model
is used: the sentences of the converted training corpora (never the held-out GermEval half
or the UD evaluation part), the Bundestag speeches of SpkAtt-GePaDe (CC BY-SA 4.0) and the
MobIE traffic reports (CC BY 4.0). ../shared/corpus/text (10kGNAD, non-commercial) is not
used. Output: JSON Lines, one {"text": ...} per sentence (spaCy's JSONL reader re-tokenises it),
each sentence once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

from spacy.util import registry

from events.nlp.train.convert import DATA, SEED, VOCAB, read_conll

N_CHARACTERS = 4

# The DocBins written by convert.py that may be read (the evaluation files are not).
TRAINING_BINS = ("ner_train.spacy", "ner_ft.spacy", "ner_dev.spacy", "ud_train.spacy")


def _docbin_sentences(corpus: Path) -> Iterator[list[str]]:
    from spacy.tokens import DocBin

    for name in TRAINING_BINS:
        for doc in DocBin().from_disk(corpus / name).get_docs(VOCAB):
            yield [t.text for t in doc]


def _spkatt_sentences() -> Iterator[list[str]]:
    for split in ("train", "dev"):
        for path in sorted((DATA / "spkatt-gepade" / split).glob("*.json")):
            for sentence in json.loads(path.read_text(encoding="utf-8")).get("Sentences", []):
                yield sentence["Tokens"]


def _is_docstart(line: str) -> bool:
    return line.startswith("-DOCSTART-")


def _mobie_sentences() -> Iterator[list[str]]:
    for split in ("train", "dev", "test"):
        path = DATA / "mobie" / f"{split}.conll2003"
        for words, _tags in read_conll(path, 0, 3, sep="\t", skip=_is_docstart):
            yield words


_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?)“%])")
_NO_SPACE_AFTER = re.compile(r"([(„]) ")


def detokenize(tokens: list[str]) -> str:
    """Close the gaps before punctuation that whitespace joining leaves."""
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens)))


def write_pretraining_text(corpus: Path, out: Path, log=print) -> Path:
    seen: set[str] = set()
    sentences = words = 0
    with out.open("w", encoding="utf-8") as f:
        for source in (_docbin_sentences(corpus), _spkatt_sentences(), _mobie_sentences()):
            for tokens in source:
                key = " ".join(tokens)
                if len(tokens) < 3 or key in seen:
                    continue
                seen.add(key)
                f.write(json.dumps({"text": detokenize(tokens)}, ensure_ascii=False) + "\n")
                sentences += 1
                words += len(tokens)
    log(f"pretraining text: {sentences:,} sentences, {words:,} tokens -> {out}")
    return out


def _batches(path: Path, nlp, words_per_batch: int) -> Iterator[list]:
    batch, size = [], 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            doc = nlp.make_doc(json.loads(line)["text"])
            batch.append(doc)
            size += len(doc)
            if size >= words_per_batch:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def pretrain_tok2vec(
    config: Path, raw_text: Path, vectors: Path, out: Path, epochs: int = 3, log=print
) -> Path:
    """Train the tok2vec of config.cfg's NER on raw text; returns the weights of the last epoch."""
    import spacy
    from spacy.ml.models.multi_task import build_cloze_characters_multi_task_model, get_characters_loss
    from spacy.training.initialize import load_vectors_into_model
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(SEED)
    nlp = spacy.util.load_model_from_config(spacy.util.load_config(config), auto_fill=True)
    load_vectors_into_model(nlp, str(vectors))
    tok2vec = ner_tok2vec(nlp)
    sample = [nlp.make_doc("Wladimir Putin reiste nach Pjöngjang.")]
    tok2vec.initialize(X=sample)
    model = build_cloze_characters_multi_task_model(
        nlp.vocab, tok2vec, maxout_pieces=3, hidden_size=300, nr_char=N_CHARACTERS
    )
    model.initialize(X=sample)
    optimizer = Adam(0.001, L2=0.01, grad_clip=1.0)
    total = sum(1 for _ in raw_text.open(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    weights = out / "tok2vec.bin"
    for epoch in range(epochs):
        done = loss_sum = words = 0
        for docs in _batches(raw_text, nlp, 3000):
            predicted, backprop = model.begin_update(docs)
            loss, gradient = get_characters_loss(model.ops, docs, predicted, N_CHARACTERS)
            backprop(gradient)
            model.finish_update(optimizer)
            done += len(docs)
            words += sum(len(d) for d in docs)
            loss_sum += float(loss)
            if done % 5000 < len(docs):
                log(
                    f"pretraining epoch {epoch + 1}/{epochs}: {done:,}/{total:,} sentences, loss/word {loss_sum / words:.3f}"
                )
        with model.use_params(optimizer.averages) if optimizer.averages else nullcontext():
            weights.write_bytes(tok2vec.to_bytes())
        log(f"pretraining epoch {epoch + 1}/{epochs} done: loss/word {loss_sum / words:.3f} -> {weights}")
    return weights


def ner_tok2vec(nlp):
    """The CNN inside the NER (the first layer of what the NER model calls "tok2vec")."""
    return nlp.get_pipe("ner").model.get_ref("tok2vec").layers[0]


@registry.callbacks("lagebild.ner_tok2vec_weights.v1")
def ner_tok2vec_weights(path: str | None = None):
    """[initialize.after_init] of config.cfg: seed the NER's CNN with pretrained weights."""

    def load(nlp):
        if path:
            ner_tok2vec(nlp).from_bytes(Path(path).read_bytes())
        return nlp

    return load
