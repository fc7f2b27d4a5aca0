"""The knowledge base as a feature of the NER (events/nlp/gazetteer.py, `make model` with
`--gazetteer`): what the component writes, that it travels with the model, that nothing of it
outlives the NER, and that a pipeline built from the training config learns with it."""

import random

import numpy
import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import Adam

from events.nlp import retrain
from events.nlp.pipeline import load_pipeline
from events.nlp.train.gazetteer import PIPELINE, write_configs

NAMES = [
    ("Kim Jong Un", "PER"),
    ("Pjöngjang", "LOC"),
    ("Deutsche Bahn", "ORG"),
    ("Washington", "LOC"),
    ("Washington", "PER"),
    ("bahn", "ORG"),  # no capital letter: no name the gazetteer looks for
]


def gazetteer_nlp():
    import events.nlp.gazetteer  # noqa: F401  (registers the factories)

    nlp = spacy.blank("de")
    nlp.add_pipe("lagebild_gazetteer").add_names(NAMES)
    return nlp


def marks(doc) -> list[tuple[str, str]]:
    return [(t.text, t.ent_kb_id_) for t in doc if t.ent_kb_id_]


def test_names_are_marked_longest_first_with_every_label():
    doc = gazetteer_nlp()("Kim Jong Un fuhr mit der Deutsche Bahn nach Washington und Pjöngjang, nicht bahn.")
    assert marks(doc) == [
        ("Kim", "B-PER"),
        ("Jong", "I-PER"),
        ("Un", "I-PER"),
        ("Deutsche", "B-ORG"),
        ("Bahn", "I-ORG"),
        ("Washington", "B-LOC|PER"),
        ("Pjöngjang", "B-LOC"),
    ]


def test_the_table_travels_with_the_model(tmp_path):
    nlp = gazetteer_nlp()
    nlp.to_disk(tmp_path / "model")
    loaded = load_pipeline(tmp_path / "model")
    assert loaded.get_pipe("lagebild_gazetteer").labels == nlp.get_pipe("lagebild_gazetteer").labels
    assert marks(loaded("Treffen in Pjöngjang.")) == [("Pjöngjang", "B-LOC")]


def test_no_gazetteer_value_outlives_the_ner():
    nlp = gazetteer_nlp()
    nlp.add_pipe("lagebild_gazetteer_clear")
    assert marks(nlp("Treffen in Pjöngjang mit Kim Jong Un.")) == []


def test_the_training_config_builds_an_ner_that_reads_the_gazetteer(tmp_path):
    config_path, fine_tune_path = write_configs(tmp_path)
    assert (tmp_path / "gazetteer" / "kb_names.tsv").stat().st_size > 100_000
    overrides = {
        "paths.vectors": None,
        "paths.ner_tok2vec": None,
        # no cluster-vector table in a test: the gazetteer column is what is tested
        "components.ner.model.tok2vec.embed.include_static_vectors": False,
    }
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=True)
    assert config["components"]["ner"]["model"]["tok2vec"]["embed"]["attrs"][-1] == "ENT_KB_ID"
    assert spacy.util.load_config(fine_tune_path)["nlp"]["pipeline"] == PIPELINE

    import events.nlp.train.spacy_code  # noqa: F401  (what `spacy train --code` registers)

    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    assert nlp.pipe_names == PIPELINE
    words = ["Kim", "Jong", "Un", "besuchte", "Pjöngjang", "."]
    gold = Doc(nlp.vocab, words=words)
    gold.ents = [Span(gold, 0, 3, "PER"), Span(gold, 4, 5, "LOC")]
    examples = [Example(Doc(nlp.vocab, words=words), gold)]
    nlp.initialize(lambda: examples)
    assert nlp.get_pipe("lagebild_gazetteer").labels[("Pjöngjang",)] == "LOC"
    random.seed(0)
    spacy.util.fix_random_seed(0)
    optimizer = Adam(0.01)
    losses = []
    for _ in range(40):
        step = {}
        nlp.update(examples, sgd=optimizer, annotates=PIPELINE[:1], losses=step)
        losses.append(step["ner"])
    # It learns (one sentence, 40 steps: which spans it ends with is not stable across seeds).
    assert losses[-1] < losses[0] / 2
    doc = nlp(Doc(nlp.vocab, words=words))
    assert marks(doc) == []  # cleared after the NER
    assert retrain.ner_pipes(nlp) == PIPELINE
    # The NER's embedding does read the column: the same words without the marks embed otherwise.
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    marked = nlp.get_pipe("lagebild_gazetteer")(Doc(nlp.vocab, words=words))
    plain = Doc(nlp.vocab, words=words)
    with_marks, without = (tok2vec.predict([d])[0] for d in (marked, plain))
    assert not numpy.allclose(with_marks[4], without[4])  # "Pjöngjang"


def test_dropout_leaves_a_share_of_a_training_sentence_names_unmarked():
    from events.nlp.gazetteer import DROP_KEY, gazetteer_dropout

    nlp = gazetteer_nlp()
    words = ["Pjöngjang"] * 400
    example = Example(Doc(nlp.vocab, words=words), Doc(nlp.vocab, words=words))
    (augmented,) = gazetteer_dropout(0.5)(nlp, example)
    assert augmented.predicted.user_data[DROP_KEY] == 0.5
    random.seed(1)
    marked = sum(1 for t in nlp.get_pipe("lagebild_gazetteer")(augmented.predicted) if t.ent_kb_id_)
    assert 150 < marked < 250
    # Text that did not come through the training augmenter keeps every mark.
    assert len(marks(nlp(" ".join(words)))) == 400
