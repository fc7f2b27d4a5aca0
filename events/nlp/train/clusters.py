"""Static 'cluster vectors' for the NER from the German Brown clusters shipped
in spacy-lookups-data (de_lexeme_cluster, MIT).

No pretrained word embeddings exist for German here, but spacy-lookups-data
ships Brown-cluster ids for 1M German word forms (plus unigram log-probs).
We turn each cluster id into a fixed, seeded random vector that is the sum of
embeddings of its bit-path prefixes, so words in nearby clusters get similar
vectors (e.g. Putin and Merkel share a cluster; Nordkorea and Pjöngjang too).
Only the most frequent N forms are kept (keys share the ~750 rows, so the
table is small). The result is a blank German pipeline dir whose vocab holds
the vectors; it is passed to `spacy train` as --paths.vectors.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy

DIM = 48
PREFIX_BITS = (2, 4, 6, 8, 10, 12, 14)
SEED = 7
CORE_WORDS = 300_000


def build_cluster_vectors(out_dir: Path, n_words: int = 300_000, log=print, n_core: int = CORE_WORDS) -> Path:
    import spacy
    import spacy_lookups_data
    from spacy.vectors import Vectors

    data = Path(spacy_lookups_data.__file__).parent / "data"
    with gzip.open(data / "de_lexeme_cluster.json.gz", "rt", encoding="utf-8") as f:
        clusters = json.load(f)
    with gzip.open(data / "de_lexeme_prob.json.gz", "rt", encoding="utf-8") as f:
        prob = json.load(f)
    words = sorted((w for w in clusters if w in prob), key=lambda w: -prob[w])[:n_words]
    # The clusters of the most frequent words get their vectors first, in a fixed order, so a
    # table over more words gives those clusters the same vectors as the smaller table did:
    # weights learnt on one (pretraining) still fit the other.
    core = sorted({clusters[w] for w in words[:n_core]})
    ids = core + sorted({clusters[w] for w in words} - set(core))
    rng = numpy.random.default_rng(SEED)
    tables = {k: {} for k in PREFIX_BITS + ("full",)}

    def emb(kind, key):
        t = tables[kind]
        if key not in t:
            t[key] = rng.standard_normal(DIM).astype("float32")
        return t[key]

    rows = numpy.zeros((len(ids), DIM), dtype="float32")
    for i, cid in enumerate(ids):
        v = emb("full", cid).copy()
        for k in PREFIX_BITS:
            if cid.bit_length() > k:
                v += emb(k, cid & ((1 << k) - 1))
        rows[i] = v / numpy.linalg.norm(v)
    row_of = {cid: i for i, cid in enumerate(ids)}
    nlp = spacy.blank("de")
    vectors = Vectors(strings=nlp.vocab.strings, data=rows, keys=[])
    for w in words:
        vectors.add(nlp.vocab.strings.add(w), row=row_of[clusters[w]])
    nlp.vocab.vectors = vectors
    nlp.vocab.vectors.name = "de_brown_clusters"
    nlp.to_disk(out_dir)
    log(f"cluster vectors: {len(words)} words -> {len(ids)} rows x {DIM} ({out_dir})")
    return out_dir


if __name__ == "__main__":
    import sys

    build_cluster_vectors(Path(sys.argv[1]))
