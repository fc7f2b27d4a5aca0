"""The pieces `make model` adds to the NER's training: the cluster-vector table over every
word form, pretraining of the NER's CNN and the knowledge-base name copies (issue 18)."""

import json
import random
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.tokens import Doc, Span

from events.nlp.train.augment import kb_names, replaced
from events.nlp.train.pretrain import detokenize, ner_tok2vec, ner_tok2vec_weights, pretrain_tok2vec

CONFIG = Path(__file__).resolve().parents[2] / "events" / "nlp" / "train" / "config.cfg"


def test_detokenize_closes_gaps_before_punctuation():
    tokens = ["Putin", "sagte", "(", "laut", "TASS", ")", ":", "„", "Wir", "siegen", "“", "."]
    assert detokenize(tokens) == "Putin sagte (laut TASS): „Wir siegen“."


def test_knowledge_base_names_by_label():
    names = kb_names()
    assert "Frank-Walter Steinmeier" in names["PER"]
    assert "Afghanistan" in names["LOC"]
    assert "Vereinte Nationen" in names["ORG"]
    # A qualifier that only tells namesakes apart is not part of the name.
    assert not any(name.endswith(")") for label in names.values() for name in label)


def test_a_sentence_copy_carries_other_names_with_their_labels():
    nlp = spacy.blank("de")
    doc = Doc(nlp.vocab, words=["Merkel", "besuchte", "Paris", "mit", "Airbus", "-", "Chefs", "."])
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 2, 3, "LOC")]
    names = {"PER": ["Kim Jong Un"], "LOC": ["Pjöngjang"], "ORG": ["Vereinte Nationen"]}

    new = replaced(doc, names, nlp.make_doc, random.Random(1))
    assert new.text.startswith("Kim Jong Un besuchte Pjöngjang mit")
    assert [(e.text, e.label_) for e in new.ents] == [("Kim Jong Un", "PER"), ("Pjöngjang", "LOC")]
    empty = Doc(nlp.vocab, words=["Nichts", "."])
    assert replaced(empty, names, nlp.make_doc, random.Random(1)) is None


@pytest.fixture(scope="module")
def tiny_vectors(tmp_path_factory):
    pytest.importorskip(
        "spacy_lookups_data", reason="spacy-lookups-data (requirements-dev) builds the vectors"
    )
    from events.nlp.train.clusters import build_cluster_vectors

    root = tmp_path_factory.mktemp("vectors")
    small = build_cluster_vectors(root / "small", n_words=2_000, n_core=2_000, log=lambda _m: None)
    large = build_cluster_vectors(root / "large", n_words=8_000, n_core=2_000, log=lambda _m: None)
    return small, large


def test_a_larger_vector_table_keeps_the_vectors_of_the_frequent_words(tiny_vectors):
    small, large = (spacy.load(path).vocab for path in tiny_vectors)
    assert large.vectors.n_keys > small.vectors.n_keys
    shared = [key for key in small.vectors.key2row if key in large.vectors.key2row]
    assert len(shared) == small.vectors.n_keys
    for key in shared[:500]:
        assert numpy.allclose(small.vectors[key], large.vectors[key])


def test_pretrained_weights_reach_the_ner_before_training(tiny_vectors, tmp_path):
    text = tmp_path / "raw.jsonl"
    sentences = ["Wladimir Putin reiste nach Pjöngjang.", "Kim Jong Un empfing ihn am Flughafen."] * 5
    text.write_text("".join(json.dumps({"text": s}) + "\n" for s in sentences), encoding="utf-8")
    small, _large = tiny_vectors
    weights = pretrain_tok2vec(CONFIG, text, small, tmp_path / "out", epochs=1, log=lambda _m: None)
    assert weights.exists()

    config = spacy.util.load_config(CONFIG, overrides={"paths.vectors": str(small)}, interpolate=True)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.get_pipe("ner").add_label("PER")
    nlp.initialize()
    before = ner_tok2vec(nlp).to_bytes()
    ner_tok2vec_weights(str(weights))(nlp)
    assert ner_tok2vec(nlp).to_bytes() == weights.read_bytes() != before
    # Without pretrained weights the callback leaves the random ones.
    assert ner_tok2vec_weights(None)(nlp) is nlp
