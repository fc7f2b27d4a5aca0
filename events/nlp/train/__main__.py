"""Build the Lagebild German spaCy pipeline end to end.

    python -m events.nlp.train [--build DIR] [--skip-convert] [--skip-train]
                               [--pretrain-epochs N] [--gazetteer] [--no-finetune] [--threads 1]

1. convert the shared data to .spacy files    (convert.py)
2. train the NER (config.cfg; with --gazetteer, reading the knowledge base's names:
   gazetteer.py); with --pretrain-epochs, its CNN pretrained first (pretrain.py)
3. fine-tune the NER on GermEval-train-half   (config_ft.cfg)
4. train senter + tagger + morphologizer      (config_ud.cfg)
5. assemble + lookup lemmatizer -> events/nlp/model/   (assemble.py)
6. evaluate on the held-out GermEval half and UD part  (evaluate.py)

Training uses one CPU thread (OMP/BLAS threads = 1) and fixed seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MODEL_DIR = REPO / "events" / "nlp" / "model"
SEED_TEXT = REPO.parent / "shared" / "seed" / "putin-kim-pjoengjang.txt"
# Every German word form spacy-lookups-data has a Brown cluster for (about 1M): names are rare
# words, and a third of the held-out entity tokens missing from the 300,000 most frequent forms
# have a cluster (README: what was tried).
VECTOR_WORDS = 2_000_000


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def spacy_train(cfg: Path, out: Path, threads: int, **overrides):
    env = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[v] = str(threads)
    # spacy_code.py registers what the configs use (pretrained weights, the gazetteer).
    cmd = [
        sys.executable,
        "-m",
        "spacy",
        "train",
        str(cfg),
        "-o",
        str(out),
        "--code",
        str(HERE / "spacy_code.py"),
    ]
    for k, v in overrides.items():
        cmd += [f"--{k}", str(v)]
    log("$ " + " ".join(cmd))
    # The command is built here from sys.executable and fixed arguments, no outside input.
    subprocess.run(cmd, check=True, env=env, cwd=REPO)  # noqa: S603
    return out / "model-best"


def _arguments(argv):
    ap = argparse.ArgumentParser(prog="python -m events.nlp.train")
    ap.add_argument("--build", type=Path, default=REPO / ".data" / "nlp-build")
    ap.add_argument("--skip-convert", action="store_true")
    ap.add_argument("--skip-train", action="store_true", help="reuse trained models in the build dir")
    ap.add_argument("--no-finetune", action="store_true")
    ap.add_argument(
        "--pretrain-epochs",
        type=int,
        default=0,
        metavar="N",
        help="pretrain the NER's CNN on raw text first (2 epochs: same F1 after fine-tuning, README)",
    )
    ap.add_argument(
        "--kb-augment",
        type=int,
        default=0,
        metavar="N",
        help="fine-tune also on N copies of the data with knowledge-base names (lowered F1: README)",
    )
    ap.add_argument(
        "--gazetteer",
        action="store_true",
        help="the NER reads the knowledge base's names as a feature (gazetteer.py; README: what was tried)",
    )
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    if a.pretrain_epochs and a.gazetteer:
        # pretrain.py builds the CNN of config.cfg, which has no gazetteer column
        ap.error("--pretrain-epochs and --gazetteer do not go together (pretraining was tried without it)")
    return a


def _ner_configs(a) -> tuple[Path, Path]:
    """The NER's training and fine-tuning configs: the committed ones, or with --gazetteer
    copies that add it (written once into the build directory)."""
    if a.gazetteer and not a.skip_train:
        from events.nlp.train.gazetteer import write_configs

        return write_configs(a.build)
    return HERE / "config.cfg", HERE / "config_ft.cfg"


def _train_ner(a, corpus: Path, vectors: Path, config: Path) -> Path:
    """Step 2: the NER model on the converted corpus; returns its best checkpoint."""
    ner_best = a.build / "ner" / "model-best"
    if not a.skip_train:
        from events.nlp.train.clusters import build_cluster_vectors

        build_cluster_vectors(vectors, n_words=VECTOR_WORDS, log=log)
        weights = _pretrain(a, corpus) if a.pretrain_epochs else None
        log(f"2/6 training NER ({config.name}{' with the gazetteer' if a.gazetteer else ''}) ...")
        ner_best = spacy_train(
            config,
            a.build / "ner",
            a.threads,
            **{
                "paths.train": corpus / "ner_train.spacy",
                "paths.dev": corpus / "ner_dev.spacy",
                "paths.vectors": vectors,
                "paths.ner_tok2vec": weights or "null",
            },
        )
    return ner_best


def _pretrain(a, corpus: Path) -> Path:
    from events.nlp.train.clusters import CORE_WORDS, build_cluster_vectors
    from events.nlp.train.pretrain import pretrain_tok2vec, write_pretraining_text

    log(f"2/6 pretraining the NER's CNN on raw text ({a.pretrain_epochs} epochs) ...")
    text = write_pretraining_text(corpus, a.build / "pretrain.jsonl", log=log)
    # Pretraining reads the vectors of the 300,000 most frequent forms (the first round's table);
    # the full table gives those forms the same vectors (clusters.py), so the weights fit it.
    core = build_cluster_vectors(a.build / "cluster_vectors_core", n_words=CORE_WORDS, log=log)
    return pretrain_tok2vec(HERE / "config.cfg", text, core, a.build / "pretrain", a.pretrain_epochs, log=log)


def _finetune_ner(a, corpus: Path, vectors: Path, ner_best: Path, config: Path) -> Path:
    """Step 3: fine-tuning on the GermEval training half; returns the NER model to assemble."""
    if a.no_finetune:
        return ner_best
    ft_best = a.build / "ner_ft" / "model-best"
    if not a.skip_train:
        log("3/6 fine-tuning NER on the GermEval training half (config_ft.cfg) ...")
        ft_data = corpus / "ner_ft.spacy"
        if a.kb_augment:
            ft_data = _kb_augmented(ft_data, a.kb_augment)
        ft_best = spacy_train(
            config,
            a.build / "ner_ft",
            a.threads,
            **{
                "paths.train": ft_data,
                "paths.dev": corpus / "ner_dev.spacy",
                "paths.ner_source": ner_best,
                "paths.vectors": vectors,
            },
        )
    return ft_best


def _kb_augmented(ft_data: Path, copies: int) -> Path:
    """The fine-tuning data plus copies whose names are knowledge-base names (augment.py)."""
    import spacy
    from spacy.tokens import DocBin

    from events.nlp.train.augment import augmented

    docs = list(DocBin().from_disk(ft_data).get_docs(spacy.blank("de").vocab))
    extra = augmented(docs, copies)
    out = ft_data.with_name(f"ner_ft_kb{copies}.spacy")
    DocBin(docs=docs + extra, store_user_data=False).to_disk(out)
    log(f"fine-tuning data: {len(docs)} sentences + {len(extra)} with knowledge-base names")
    return out


def _train_ud(a, corpus: Path, vectors: Path) -> Path:
    """Step 4: senter, tagger and morphologizer; returns the model to assemble."""
    # model-last: the UD eval part is the evaluation set, so it is not used to pick a checkpoint
    ud_last = a.build / "ud" / "model-last"
    if not a.skip_train:
        log("4/6 training senter/tagger/morphologizer (config_ud.cfg) ...")
        spacy_train(
            HERE / "config_ud.cfg",
            a.build / "ud",
            a.threads,
            **{
                "paths.train": corpus / "ud_train.spacy",
                "paths.dev": corpus / "ud_eval.spacy",
                "paths.vectors": vectors,
            },
        )
    return ud_last


def _print_summary(nlp, ner: dict, ud: dict, times: dict, t0: float) -> None:
    from events.nlp.train.evaluate import format_ner

    seed_ents = []
    if SEED_TEXT.exists():
        doc = nlp(SEED_TEXT.read_text(encoding="utf-8"))
        seed_ents = sorted({(e.text, e.label_) for e in doc.ents})

    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    total = time.time() - t0
    print("\n" + "=" * 72)
    print(f"Lagebild German pipeline -> {MODEL_DIR.relative_to(REPO)}  ({size / 1e6:.1f} MB)")
    print(f"components: {nlp.pipe_names}")
    print(f"NER on held-out GermEval half ({ner['n_sents']} sentences, exact outer spans, gold tokens):")
    print(format_ner(ner))
    print(f"  with spaCy tokenisation: micro PER/LOC/ORG F1 {ner['raw']['micro_PLO']['f']:.3f}")
    print(
        f"UD held-out ({ud['tokens']} tokens): POS {ud['pos_acc']:.3f}  morph {ud['morph_acc']:.3f}  "
        f"lemma {ud['lemma_acc']:.3f}  Mood {ud['mood_acc']:.3f}  Mood=Sub F1 {ud['mood_sub']['f']:.3f}  "
        f"sentence-start F1 {ud['sents']['f']:.3f}"
    )
    if seed_ents:
        print("seed text entities: " + "; ".join(f"{text}/{label}" for text, label in seed_ents)[:600])
    print(
        "time: "
        + ", ".join(f"{k} {v / 60:.1f} min" for k, v in times.items())
        + f"; total {total / 60:.1f} min"
    )
    print("=" * 72)


def main(argv=None):
    a = _arguments(argv)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[v] = str(a.threads)
    t0 = time.time()
    times = {}
    corpus = a.build / "corpus"
    vectors = a.build / "cluster_vectors"

    t = time.time()
    if not a.skip_convert:
        from events.nlp.train.convert import convert

        log("1/6 converting shared data ...")
        convert(corpus, log=log)
    times["convert"] = time.time() - t

    t = time.time()
    ner_config, ft_config = _ner_configs(a)
    ner_best = _train_ner(a, corpus, vectors, ner_config)
    times["ner"] = time.time() - t

    t = time.time()
    ner_final = _finetune_ner(a, corpus, vectors, ner_best, ft_config)
    times["finetune"] = time.time() - t

    t = time.time()
    ud_last = _train_ud(a, corpus, vectors)
    times["ud"] = time.time() - t

    t = time.time()
    log("5/6 assembling the final pipeline ...")
    from events.nlp.train.assemble import assemble

    nlp = assemble(ud_last, ner_final, MODEL_DIR, log=log)
    times["assemble"] = time.time() - t

    t = time.time()
    log("6/6 evaluating ...")
    from events.nlp.train.evaluate import eval_ner, eval_ud

    ner = eval_ner(nlp, corpus / "ner_eval.spacy")
    ud = eval_ud(nlp, corpus / "ud_eval.spacy")
    (a.build / "eval.json").write_text(json.dumps({"ner": ner, "ud": ud}, indent=2))
    times["eval"] = time.time() - t
    _print_summary(nlp, ner, ud, times, t0)


if __name__ == "__main__":
    main()
