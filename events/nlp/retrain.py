"""Fine-tuning the installed pipeline's NER on editors' corrections, and the scores that
decide whether the result is installed (events/services/retraining.py).

Pure module: no Django import. Only the `ner` component is updated: it has a tok2vec of its
own (config.cfg), so the tagger, morphologizer and sentence splitter stay exactly as they are.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.training import Example

from events.nlp.gazetteer import DROP_KEY, TRAINING_DROPOUT
from events.nlp.train.evaluate import eval_ner, prf, words_doc

# The held-out GermEval half may lose at most this much micro F1 (PER, LOC, ORG). It holds
# about 1,000 entities: at F1 0.67 the sampling error of the score alone is about 0.015, and
# short fine-tunings on the original data only move it by up to 0.005-0.01 before they settle.
# Refusing on less would refuse for noise; a model that forgets loses more (the bad-batch
# demonstration in bench/retraining_demo.py).
GERMEVAL_TOLERANCE = 0.01
# The held-out corrections must not get worse at all: they are what the run is for.
CORRECTIONS_TOLERANCE = 0.0


# A model trained with `--gazetteer` (events/nlp/gazetteer.py) reads the knowledge base's
# names through these components around its NER; they run wherever the NER runs.
GAZETTEER = ("lagebild_gazetteer", "lagebild_gazetteer_clear")


def ner_pipes(nlp) -> list[str]:
    """The NER and the components it needs (the gazetteer that feeds it, where present)."""
    return [name for name in nlp.pipe_names if name == "ner" or name in GAZETTEER]


def example_doc(nlp, text: str, entities, outside=(), unknown=()) -> Doc:
    """The reference Doc of one sentence, tokenised by the pipeline's own tokenizer: given
    entities, explicit "no entity" spans, unknown spans, every other token "no entity"."""
    doc = nlp.make_doc(text)

    def spans(items, labelled):
        out = []
        for item in items:
            span = doc.char_span(item[0], item[1], label=item[2] if labelled else "", alignment_mode="expand")
            if span is not None:
                out.append(span)
        return out

    no_entity = spans(outside, False)
    doc.set_ents(spans(entities, True), outside=no_entity, missing=spans(unknown, False), default="outside")
    # Every token outside the entities is O, so the "no entity" spans are remembered apart
    # for scoring (how many of them the model still predicts).
    doc.user_data["outside_spans"] = [(span.start, span.end) for span in no_entity]
    return doc


def sample_original(path: Path, vocab, count: int, seed: int) -> list[Doc]:
    """`count` random sentences of the original training data (all of it when smaller).

    Only the sampled Docs are built: building all 50,000+ takes longer than a short run's
    training. The DocBin's per-document arrays are cut down to the sample first.
    """
    if count <= 0:
        return []
    full = DocBin().from_disk(path)
    total = len(full.tokens)
    rng = random.Random(seed)  # noqa: S311 (seeded sampling, not crypto)
    indices = sorted(rng.sample(range(total), min(count, total)))
    part = DocBin(attrs=full.attrs, store_user_data=False)
    part.strings = full.strings
    part.tokens = [full.tokens[i] for i in indices]
    part.spaces = [full.spaces[i] for i in indices]
    part.cats = [full.cats[i] for i in indices]
    part.span_groups = [full.span_groups[i] for i in indices]
    part.flags = [full.flags[i] for i in indices]
    docs = list(part.get_docs(vocab))
    rng.shuffle(docs)
    return docs


def finetune(
    nlp,
    corrections: Sequence[Doc],
    original: Sequence[Doc],
    *,
    steps: int,
    seed: int = 0,
    corrections_per_batch: int = 8,
    original_per_batch: int = 8,
    # Half the committed NER's last stage (config_ft.cfg, 0.0002): a fresh Adam moves every
    # weight by about the learning rate per step; at 0.001 ten steps cost 0.09 held-out F1.
    learn_rate: float = 0.0001,
    progress: Callable[[int, float], None] | None = None,
) -> dict:
    """Update the `ner` component in place for `steps` batches, each mixing corrected
    sentences with original training sentences (so it does not forget what it knew).
    Returns the summed losses."""
    from spacy.util import fix_random_seed
    from thinc.api import Adam

    fix_random_seed(seed)
    rng = random.Random(seed)  # noqa: S311 (seeded batches, not crypto)
    # Averaged weights, as the committed model's training keeps them (use_averages in its
    # config): the last steps' jitter otherwise costs held-out F1 (0.670 -> 0.662 after 200
    # steps in a trial, 0.670 with averages).
    optimizer = nlp.resume_training(sgd=Adam(learn_rate, grad_clip=1.0, use_averages=True))
    fix_examples = [Example(_training_doc(nlp, d), d) for d in corrections]
    old_examples = [Example(_training_doc(nlp, d), d) for d in original]
    order: list[Example] = []
    losses: dict = {}
    with nlp.select_pipes(enable=ner_pipes(nlp)):
        for step in range(steps):
            batch = []
            for _ in range(min(corrections_per_batch, len(fix_examples))):
                if not order:  # epochs over the corrections, each shuffled
                    order = rng.sample(fix_examples, len(fix_examples))
                batch.append(order.pop())
            if old_examples:
                batch += rng.sample(old_examples, min(original_per_batch, len(old_examples)))
            nlp.update(batch, sgd=optimizer, drop=0.1, losses=losses, annotates=GAZETTEER[:1])
            if progress:
                progress(step + 1, float(losses.get("ner", 0.0)))
    _keep_averages(nlp.get_pipe("ner").model, optimizer.averages)
    return {key: float(value) for key, value in losses.items()}


def _training_doc(nlp, gold: Doc) -> Doc:
    """The words of a gold sentence to predict on; a model with the gazetteer sees its marks
    thinned as in `make model` (fine-tuning with every name marked taught it to lean on them:
    held-out GermEval 0.720 -> 0.704 in the demo, refused)."""
    doc = words_doc(nlp.vocab, gold)
    if GAZETTEER[0] in nlp.pipe_names:
        doc.user_data[DROP_KEY] = TRAINING_DROPOUT
    return doc


def _keep_averages(model, averages: dict) -> None:
    """Replace the weights by their running averages for good (thinc's use_params does it
    only for the length of a `with` block)."""
    for node in model.walk():
        for name in node.param_names:
            key = (node.id, name)
            if key in averages:
                node.set_param(name, averages[key].copy())


def corrections_scores(nlp, docs: Sequence[Doc]) -> dict:
    """Span-level P/R/F1 on corrected sentences (exact span and label), and how many spans
    the editors marked "no entity" are still predicted as one (they also count as false
    positives in P). Unknown tokens are scored neither way."""
    tp = fp = fn = wrong_total = wrong_predicted = 0
    with nlp.select_pipes(enable=ner_pipes(nlp)):
        predicted = list(nlp.pipe(words_doc(nlp.vocab, d) for d in docs))
    for gold, pred in zip(docs, predicted, strict=True):
        gold_spans = {(e.start, e.end, e.label_) for e in gold.ents}
        missing = {t.i for t in gold if t.ent_iob_ == ""}
        no_entity = [tuple(span) for span in gold.user_data.get("outside_spans", [])]
        wrong_total += len(no_entity)
        wrong_predicted += sum(
            any(ent.start < end and start < ent.end for ent in pred.ents) for start, end in no_entity
        )
        for ent in pred.ents:
            if (ent.start, ent.end, ent.label_) in gold_spans:
                tp += 1
            elif not any(i in missing for i in range(ent.start, ent.end)):
                fp += 1
        fn += len(gold_spans - {(e.start, e.end, e.label_) for e in pred.ents})
    return {
        **prf(tp, fp, fn),
        "sentences": len(docs),
        "wrong_total": wrong_total,
        "wrong_predicted": wrong_predicted,
    }


def germeval_scores(nlp, path: Path) -> dict:
    """The held-out GermEval half, gold tokens: micro P/R/F1 of PER, LOC, ORG, and per label."""
    result = eval_ner(nlp, path, components=ner_pipes(nlp))["tok"]
    micro = result["micro_PLO"]
    return {
        "p": micro["p"],
        "r": micro["r"],
        "f": micro["f"],
        "gold": micro["tp"] + micro["fn"],
        "per_label": {
            label: {"p": v["p"], "r": v["r"], "f": v["f"]} for label, v in result["per_label"].items()
        },
    }


def decide(base: dict, candidate: dict) -> tuple[bool, list[dict]]:
    """Install only if the candidate is not worse on the held-out GermEval half (F1, within
    GERMEVAL_TOLERANCE) nor on the held-out corrections (F1, and spans marked "no entity"
    still predicted). Returns (install, checks): one {"check", "base", "candidate", "ok"} per
    comparison, which the command and the admin page word in their own ways."""
    checks = [_not_worse("germeval_f", base["germeval"]["f"], candidate["germeval"]["f"], GERMEVAL_TOLERANCE)]
    base_fix, cand_fix = base.get("corrections") or {}, candidate.get("corrections") or {}
    if base_fix.get("sentences"):
        checks.append(_not_worse("corrections_f", base_fix["f"], cand_fix["f"], CORRECTIONS_TOLERANCE))
        checks.append(
            _not_worse(
                "wrong_predicted",
                base_fix["wrong_predicted"],
                cand_fix["wrong_predicted"],
                fewer_is_better=True,
            )
        )
    return all(check["ok"] for check in checks), checks


def _not_worse(
    name: str, base: float, candidate: float, tolerance: float = 0.0, fewer_is_better=False
) -> dict:
    ok = candidate <= base + tolerance if fewer_is_better else candidate >= base - tolerance
    return {"check": name, "base": base, "candidate": candidate, "ok": ok}


CHECK_NAMES = {
    "germeval_f": "held-out GermEval F1 (PER/LOC/ORG)",
    "corrections_f": "held-out corrections F1",
    "wrong_predicted": "spans marked 'no entity' still predicted",
}


def describe(checks: list[dict]) -> str:
    """The checks in one line each (the command's summary, the run's stored reason)."""
    lines = []
    for check in checks:
        fmt = "{:.0f}" if check["check"] == "wrong_predicted" else "{:.3f}"
        verdict = "ok" if check["ok"] else "WORSE"
        lines.append(
            f"{CHECK_NAMES[check['check']]}: {fmt.format(check['base'])} -> {fmt.format(check['candidate'])} ({verdict})"
        )
    return "\n".join(lines)
