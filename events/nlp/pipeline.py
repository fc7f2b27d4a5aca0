"""Access to the project's German spaCy pipeline: the committed one (events/nlp/model), or a
model retrained from editors' corrections when one is installed (events/nlp/active.py).

Pure module: no Django import. The pipeline is loaded once per process, and loaded again
when another model is installed (a stat of the pointer file per call; no restart needed).

    from events.nlp.pipeline import get_nlp
    doc = get_nlp()("Putin traf Kim Jong Un in Pjöngjang.")
"""

from __future__ import annotations

import threading
from pathlib import Path

from events.nlp.active import COMMITTED_DIR, active_model_dir

MODEL_DIR = COMMITTED_DIR  # the committed model; the active one is active_model_dir()

_lock = threading.Lock()
_loaded: tuple[Path, object] | None = None


def get_nlp():
    """Return the loaded active pipeline (tokenizer, senter, tagger, morphologizer,
    attribute_ruler, lemmatizer, ner). Nothing is downloaded."""
    global _loaded
    directory = active_model_dir()
    loaded = _loaded
    if loaded is not None and loaded[0] == directory:
        return loaded[1]
    with _lock:  # threads of one worker load a new model once
        if _loaded is None or _loaded[0] != directory:
            _loaded = (directory, load_pipeline(directory))
        return _loaded[1]


def load_pipeline(directory: Path):
    """A Lagebild pipeline from disk, with the project's own components registered first
    (a model trained with `--gazetteer` holds the knowledge-base gazetteer)."""
    import spacy

    import events.nlp.gazetteer  # noqa: F401  (registers its factories with spaCy)

    return spacy.load(directory)


def loaded_model_dir() -> Path | None:
    """The directory of the pipeline this process last loaded (None before the first)."""
    loaded = _loaded
    return loaded[0] if loaded is not None else None
