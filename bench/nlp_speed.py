"""Throughput benchmark for the Lagebild German spaCy pipeline.

    python bench/nlp_speed.py [--model DIR] [--limit N] [--threads N] [--batch-size N]

Runs, in one process, over ../shared/corpus/text/10kGNAD_test.jsonl
(1,028 DER STANDARD articles, test split of 10kGNAD):
  * spacy.blank("de") tokenizer only (baseline)
  * the whole committed pipeline (events/nlp/model)
and reports words/s (whitespace words, as counted in the corpus manifest),
tokens/s, pipeline load time and peak RSS. Skips with a message if the
corpus is missing. Targets: >= 5,000 words/s, < 1 GB RSS, load < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "text" / "10kGNAD_test.jsonl"
DEFAULT_MODEL = REPO / "events" / "nlp" / "model"


def rss_mb():
    """Current RSS (MB) from /proc (Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(nlp, texts, batch_size):
    t = time.perf_counter()
    ntok = 0
    nents = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        ntok += len(doc)
        nents += len(doc.ents)
    return time.perf_counter() - t, ntok, nents


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=0, help="number of articles (0 = all)")
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OMP threads (default 1)")
    ap.add_argument("--batch-size", type=int, default=32)
    a = ap.parse_args(argv)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[v] = str(a.threads)

    if not a.corpus.exists():
        print(f"SKIP: benchmark corpus {a.corpus} not found (shared/corpus/text missing)")
        return 0
    if not (a.model / "meta.json").exists():
        print(f"SKIP: no trained pipeline at {a.model} (run `python -m events.nlp.train`)")
        return 0

    with open(a.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    if a.limit:
        texts = texts[: a.limit]
    words = sum(len(t.split()) for t in texts)

    import spacy

    sys.path.insert(0, str(REPO))  # the project's own spaCy components (events.nlp.gazetteer)
    from events.nlp.pipeline import load_pipeline

    rss_base = rss_mb()
    blank = spacy.blank("de")
    run(blank, texts[:20], a.batch_size)  # warm-up
    tb, ntok_b, _ = run(blank, texts, a.batch_size)
    del blank

    t = time.perf_counter()
    nlp = load_pipeline(a.model)
    load_s = time.perf_counter() - t
    rss_loaded = rss_mb()
    run(nlp, texts[:5], a.batch_size)  # warm-up
    tp, ntok_p, nents = run(nlp, texts, a.batch_size)
    peak = peak_rss_mb()

    wps_b, wps_p = words / tb, words / tp
    print(
        f"corpus: {len(texts)} articles, {words:,} whitespace words; threads={a.threads}, "
        f"batch_size={a.batch_size}, cpus={os.cpu_count()}"
    )
    print(f"pipeline: {a.model} {nlp.pipe_names}")
    print()
    print(f"{'':28s} {'words/s':>10s} {'tokens/s':>10s} {'seconds':>8s}")
    print(f"{'spacy.blank(de) tokenizer':28s} {wps_b:10,.0f} {ntok_b / tb:10,.0f} {tb:8.1f}")
    print(f"{'full pipeline':28s} {wps_p:10,.0f} {ntok_p / tp:10,.0f} {tp:8.1f}")
    print()

    def ok(c):
        return "ok" if c else "MISSED"

    print(f"{'metric':28s} {'value':>12s} {'target':>10s}")
    print(f"{'pipeline words/s':28s} {wps_p:12,.0f} {'>= 5,000':>10s}  {ok(wps_p >= 5000)}")
    print(f"{'load time (s)':28s} {load_s:12.2f} {'< 10':>10s}  {ok(load_s < 10)}")
    print(f"{'RSS after load (MB)':28s} {rss_loaded:12.0f} {'':>10s}  (before load {rss_base:.0f})")
    print(f"{'peak RSS (MB)':28s} {peak:12.0f} {'< 1024':>10s}  {ok(peak < 1024)}")
    print(f"{'entities found':28s} {nents:12,d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
