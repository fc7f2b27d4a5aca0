"""Evaluate a trained pipeline on the held-out GermEval half (NER) and the
held-out quarter of UD German GSD dev (POS / morph / lemma / sentences).

    python -m events.nlp.train.evaluate [MODEL_DIR] [CORPUS_DIR]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from spacy.tokens import Doc, DocBin

REPO = Path(__file__).resolve().parents[3]
DEFAULT_MODEL = REPO / "events" / "nlp" / "model"
DEFAULT_CORPUS = REPO / ".data" / "nlp-build" / "corpus"
LABELS = ("PER", "LOC", "ORG", "MISC")


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def words_doc(vocab, doc):
    """The words of `doc` without its annotation: what a model is given to predict."""
    return Doc(vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])


def eval_ner(nlp, path: Path, components=None):
    """Exact outer-span P/R/F1. Gold tokenisation (pre-tokenised Docs) is the
    primary measure; `raw` re-tokenises the sentence text with spaCy and
    compares character offsets."""
    gold_docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    disable = [n for n in nlp.pipe_names if components and n not in components]
    cnt = {k: Counter() for k in ("tok", "raw")}
    with nlp.select_pipes(disable=disable):
        preds = list(nlp.pipe((words_doc(nlp.vocab, d) for d in gold_docs), batch_size=128))
        raws = list(nlp.pipe((d.text for d in gold_docs), batch_size=128))
    for g, p, r in zip(gold_docs, preds, raws, strict=True):
        gs = {(e.start, e.end, e.label_) for e in g.ents}
        ps = {(e.start, e.end, e.label_) for e in p.ents}
        gc = {(e.start_char, e.end_char, e.label_) for e in g.ents}
        rc = {(e.start_char, e.end_char, e.label_) for e in r.ents}
        for key, G, P in (("tok", gs, ps), ("raw", gc, rc)):
            for lab in LABELS:
                c = cnt[key]
                c[lab, "tp"] += len({x for x in G & P if x[2] == lab})
                c[lab, "fp"] += len({x for x in P - G if x[2] == lab})
                c[lab, "fn"] += len({x for x in G - P if x[2] == lab})
    res = {}
    for key, c in cnt.items():
        per = {lab: prf(c[lab, "tp"], c[lab, "fp"], c[lab, "fn"]) for lab in LABELS}
        plo = prf(*(sum(c[lab, k] for lab in ("PER", "LOC", "ORG")) for k in ("tp", "fp", "fn")))
        all4 = prf(*(sum(c[lab, k] for lab in LABELS) for k in ("tp", "fp", "fn")))
        res[key] = {"micro_PLO": plo, "micro_all": all4, "per_label": per}
    res["n_sents"] = len(gold_docs)
    return res


def eval_ud(nlp, path: Path):
    gold_docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    disable = [n for n in nlp.pipe_names if n == "ner"]
    c = Counter()
    with nlp.select_pipes(disable=disable):
        preds = list(nlp.pipe((words_doc(nlp.vocab, d) for d in gold_docs), batch_size=64))
    for g, p in zip(gold_docs, preds, strict=True):
        for gt, pt in zip(g, p, strict=True):
            c["n"] += 1
            c["pos"] += gt.pos_ == pt.pos_
            c["morph"] += str(gt.morph) == str(pt.morph)
            c["lemma"] += gt.lemma_ == pt.lemma_
            gm, pm = gt.morph.get("Mood"), pt.morph.get("Mood")
            c["sub_tp"] += "Sub" in gm and "Sub" in pm
            c["sub_fp"] += "Sub" not in gm and "Sub" in pm
            c["sub_fn"] += "Sub" in gm and "Sub" not in pm
            c["mood_n"] += bool(gm)
            c["mood_ok"] += bool(gm) and gm == pm
            if gt.i > 0:
                gs, ps = bool(gt.is_sent_start), bool(pt.is_sent_start)
                c["ss_tp"] += gs and ps
                c["ss_fp"] += ps and not gs
                c["ss_fn"] += gs and not ps
    return {
        "tokens": c["n"],
        "pos_acc": c["pos"] / c["n"],
        "morph_acc": c["morph"] / c["n"],
        "lemma_acc": c["lemma"] / c["n"],
        "mood_acc": c["mood_ok"] / max(1, c["mood_n"]),
        "mood_sub": prf(c["sub_tp"], c["sub_fp"], c["sub_fn"]),
        "sents": prf(c["ss_tp"], c["ss_fp"], c["ss_fn"]),
    }


def format_ner(res, key="tok"):
    r = res[key]
    lines = [f"{'label':6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>5s}"]
    for lab in LABELS:
        x = r["per_label"][lab]
        lines.append(f"{lab:6s} {x['p']:6.3f} {x['r']:6.3f} {x['f']:6.3f} {x['tp'] + x['fn']:5d}")
    for name in ("micro_PLO", "micro_all"):
        x = r[name]
        lines.append(f"{name:6s} {x['p']:6.3f} {x['r']:6.3f} {x['f']:6.3f} {x['tp'] + x['fn']:5d}")
    return "\n".join(lines)


def main(argv=None):
    from events.nlp.pipeline import load_pipeline

    argv = argv if argv is not None else sys.argv[1:]
    model = Path(argv[0]) if argv else DEFAULT_MODEL
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    nlp = load_pipeline(model)
    out = {}
    if "ner" in nlp.pipe_names:
        out["ner"] = eval_ner(nlp, corpus / "ner_eval.spacy")
        print(f"NER, held-out GermEval half ({out['ner']['n_sents']} sentences), gold tokens:")
        print(format_ner(out["ner"]))
        print(f"  (spaCy tokenisation, char offsets: micro PLO F1 {out['ner']['raw']['micro_PLO']['f']:.3f})")
    if "morphologizer" in nlp.pipe_names or "tagger" in nlp.pipe_names:
        out["ud"] = eval_ud(nlp, corpus / "ud_eval.spacy")
        u = out["ud"]
        print(
            f"UD held-out ({u['tokens']} tokens): POS {u['pos_acc']:.3f} morph {u['morph_acc']:.3f} "
            f"lemma {u['lemma_acc']:.3f} Mood {u['mood_acc']:.3f} Mood=Sub F1 {u['mood_sub']['f']:.3f} "
            f"sent F1 {u['sents']['f']:.3f}"
        )
    if len(argv) > 2:
        Path(argv[2]).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
