"""Training configs for an NER that reads the knowledge base's names (`--gazetteer`).

The committed configs stay as they are; this writes variants into the build directory:
the gazetteer component (events/nlp/gazetteer.py) runs before `ner` in training too
(`annotating_components`), so the model learns how far a dictionary hit can be trusted, and
the NER's embedding gets one more hashed column, `ENT_KB_ID`, where the gazetteer writes.
The names are the knowledge base's data files (augment.kb_names: names and unambiguous
aliases of people, organisations and places); the table is stored with the model.
"""

from __future__ import annotations

from pathlib import Path

from spacy import util

from events.nlp.gazetteer import TRAINING_DROPOUT
from events.nlp.train.augment import kb_names

HERE = Path(__file__).resolve().parent
PIPELINE = ["lagebild_gazetteer", "ner", "lagebild_gazetteer_clear"]
# Few distinct values (B-/I- times label sets): a small table.
ROWS = 500


def write_names(path: Path) -> int:
    """The knowledge base's names as `name<TAB>label` lines; returns how many."""
    lines = [f"{text}\t{label}" for label, texts in kb_names().items() for text in texts if "\t" not in text]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def write_configs(build: Path, dropout: float = TRAINING_DROPOUT) -> tuple[Path, Path]:
    """config.cfg and config_ft.cfg with the gazetteer, under `build`/gazetteer/. `dropout`:
    the share of a training sentence's names left unmarked; without it the model leaned on the
    marks and found fewer unknown people (README: what was tried)."""
    out = build / "gazetteer"
    names = out / "kb_names.tsv"
    write_names(names)
    written = []
    for source, fine_tune in (("config.cfg", False), ("config_ft.cfg", True)):
        cfg = util.load_config(HERE / source, interpolate=False)
        cfg["nlp"]["pipeline"] = PIPELINE
        cfg["training"]["annotating_components"] = PIPELINE[:1]
        cfg["paths"]["gazetteer"] = str(names)
        if fine_tune:  # the table comes with the sourced NER
            cfg["components"]["lagebild_gazetteer"] = {"source": "${paths.ner_source}"}
        else:
            cfg["components"]["lagebild_gazetteer"] = {"factory": "lagebild_gazetteer"}
            cfg["initialize"]["components"]["lagebild_gazetteer"] = {"path": "${paths.gazetteer}"}
            embed = cfg["components"]["ner"]["model"]["tok2vec"]["embed"]
            embed["attrs"] = [*embed["attrs"], "ENT_KB_ID"]
            embed["rows"] = [*embed["rows"], ROWS]
        cfg["components"]["lagebild_gazetteer_clear"] = {"factory": "lagebild_gazetteer_clear"}
        if dropout:
            cfg["corpora"]["train"]["augmenter"] = {
                "@augmenters": "lagebild.gazetteer_dropout.v1",
                "rate": dropout,
            }
        path = out / source
        cfg.to_disk(path, interpolate=False)
        written.append(path)
    return written[0], written[1]
