"""Access to the project's committed German spaCy pipeline (events/nlp/model).

Pure module: no Django import. The pipeline is loaded once per process.

    from events.nlp.pipeline import get_nlp
    doc = get_nlp()("Putin traf Kim Jong Un in Pjöngjang.")
"""

from __future__ import annotations

import functools
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"


@functools.cache
def get_nlp():
    """Return the loaded pipeline (tokenizer, senter, tagger, morphologizer,
    attribute_ruler, lemmatizer, ner). Nothing is downloaded."""
    import spacy

    return spacy.load(MODEL_DIR)
