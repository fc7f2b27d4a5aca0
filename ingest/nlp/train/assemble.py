"""Assemble the final pipeline from the trained UD pipeline (tok2vec, senter,
tagger, morphologizer) and the trained NER pipeline, add a TAG->POS
attribute ruler and a lookup lemmatizer whose tables (spacy-lookups-data,
German lemma_lookup, extended with the UD training-part lemmas) are stored
inside the pipeline, and write it to ingest/nlp/model/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import spacy
from spacy.lookups import Lookups, load_lookups

UPOS = [
    "ADJ",
    "ADP",
    "ADV",
    "AUX",
    "CCONJ",
    "DET",
    "INTJ",
    "NOUN",
    "NUM",
    "PART",
    "PRON",
    "PROPN",
    "PUNCT",
    "SCONJ",
    "SYM",
    "VERB",
    "X",
]

META = {
    "name": "lagebild_de",
    "version": "0.1.0",
    "description": (
        "German pipeline for the Lagebild portal: tokenizer, senter, tagger (UPOS in tag_ and pos_), "
        "morphologizer (UD features incl. Mood), lookup lemmatizer, NER (PER, LOC, ORG, MISC). "
        "CNN models trained from scratch with spaCy 3.8; no pretrained vectors."
    ),
    "license": "CC BY-SA 4.0",
    "author": "Lagebild project",
    "sources": [
        {
            "name": "GermEval 2014 NER (dev split, 50% used)",
            "license": "CC BY 4.0",
            "author": "Benikova, Biemann, Reznicek (LREC 2014)",
        },
        {
            "name": "StAZH NER (Staatsarchiv Kanton Zürich)",
            "license": "CC BY-SA 4.0",
            "author": "Staatsarchiv / Statistisches Amt des Kantons Zürich, 2024",
        },
        {"name": "APIS/ÖBL NER gold", "license": "MIT", "author": "ÖAW ACDH-CH, APIS project"},
        {
            "name": "MultiCoNER v1 + v2 German (true-cased)",
            "license": "CC BY 4.0",
            "author": "Malmasi et al. 2022; Fetahu et al. 2023; text from Wikipedia (CC BY-SA)",
        },
        {
            "name": "Europeana Newspapers NER (German)",
            "license": "CC0 1.0",
            "author": "Europeana Newspapers Project, 2012-2015; Neudecker (LREC 2016)",
        },
        {"name": "NEISS Sturm edition NER", "license": "CC BY 4.0", "author": "Zöllner et al. 2021"},
        {"name": "BIOfid NER (dev split)", "license": "CC BY 4.0", "author": "Ahmed et al. (CoNLL 2019)"},
        {
            "name": "UD German GSD (dev split; train split UPOS-only via LINSPECTOR)",
            "license": "CC BY-SA 4.0",
            "author": "Universal Dependencies, McDonald et al. 2013; Sahin et al. 2020",
        },
        {"name": "spacy-lookups-data German lemma_lookup", "license": "MIT", "author": "Explosion"},
    ],
}


def lemma_lookups(extra_pairs=()):
    table = load_lookups("de", ["lemma_lookup"]).get_table("lemma_lookup")
    lookups = Lookups()
    new = lookups.add_table("lemma_lookup")
    for k, v in table.items():
        new[k] = v
    added = 0
    for form, lemma in extra_pairs:
        if form not in new and form != lemma:
            new[form] = lemma
            added += 1
    return lookups, added


def ud_lemma_pairs():
    from collections import Counter, defaultdict

    from ingest.nlp.train.convert import ud_dev_split

    train, _held = ud_dev_split()
    c = defaultdict(Counter)
    for s in train:
        for t in s:
            if t.get("lemma") and t["lemma"] != "_":
                c[t["form"]][t["lemma"]] += 1
    return [(f, lc.most_common(1)[0][0]) for f, lc in c.items()]


def assemble(ud_dir: Path, ner_dir: Path, out_dir: Path, log=print):
    nlp = spacy.load(ud_dir)
    ner_nlp = spacy.load(ner_dir)
    ruler = nlp.add_pipe("attribute_ruler", after="morphologizer")
    ruler.add_patterns([{"patterns": [[{"TAG": t}]], "attrs": {"POS": t}} for t in UPOS])
    lem = nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True}, after="attribute_ruler")
    lookups, added = lemma_lookups(ud_lemma_pairs())
    lem.initialize(lookups=lookups)
    nlp.add_pipe("ner", source=ner_nlp)
    nlp.meta.update(META)
    # trained with spaCy 3.8.x; any 3.8 patch release loads it (requirements pin 3.8.x)
    nlp.meta["spacy_version"] = ">=3.8.0,<3.9.0"
    nlp.meta["labels"] = {k: list(v) for k, v in nlp.meta.get("labels", {}).items()}
    if out_dir.exists():
        for p in out_dir.iterdir():
            if p.name == "README.md":
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    nlp.to_disk(out_dir)
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    log(f"assembled {nlp.pipe_names} -> {out_dir} ({size / 1e6:.1f} MB; +{added} UD lemma entries)")
    return nlp
