"""Assemble the final pipeline from the trained UD pipeline (tok2vec, senter,
tagger, morphologizer) and the trained NER pipeline, add a TAG->POS
attribute ruler and a lookup lemmatizer whose tables (spacy-lookups-data,
German lemma_lookup, extended with the UD training-part lemmas) are stored
inside the pipeline, and write it to events/nlp/model/.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.lookups import Lookups, load_lookups

from events.nlp.pipeline import load_pipeline
from events.nlp.tokenizer import split_glued_dashes

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
    "version": "0.2.0",
    "description": (
        "German pipeline for the Lagebild portal: tokenizer, senter, tagger (UPOS in tag_ and pos_), "
        "morphologizer (UD features incl. Mood), lookup lemmatizer, NER (PER, LOC, ORG, MISC). "
        "CNN models trained from scratch with spaCy 3.8; static vectors derived from the German Brown clusters "
        "of spacy-lookups-data; no pretrained embeddings."
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


GAZETTEER_SOURCE = {
    "name": "Lagebild knowledge base data files (events/kb/data): names for the gazetteer",
    "license": "CC0 1.0",
    "author": "Lagebild project",
}


# Unambiguous subjunctive forms (Konjunktiv I of sein and the modals, Konjunktiv II
# of the auxiliaries/modals and a few strong verbs). The morphologizer learns Mood
# from only ~65 examples and misses e.g. "sei"; these attribute-ruler rules make
# the frequent forms of reported speech reliable. Forms that are also indicative
# (habe, werde, sollte, wollte, ...) are left to the model.
_SUB = "Mood=Sub|Number={n}|Person=3|Tense={t}|VerbForm=Fin"
KONJ_FORMS = {
    **{
        f: _SUB.format(n="Sing", t="Pres")
        for f in ["sei", "könne", "müsse", "dürfe", "solle", "wolle", "möge", "wisse"]
    },
    "seien": _SUB.format(n="Plur", t="Pres"),
    **{
        f: _SUB.format(n="Sing", t="Past")
        for f in [
            "wäre",
            "hätte",
            "würde",
            "könnte",
            "müsste",
            "dürfte",
            "möchte",
            "gäbe",
            "käme",
            "ginge",
            "bliebe",
            "stünde",
            "stände",
            "läge",
            "wüsste",
        ]
    },
    **{
        f: _SUB.format(n="Plur", t="Past")
        for f in ["wären", "hätten", "würden", "könnten", "müssten", "dürften", "möchten", "gäben", "kämen"]
    },
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

    from events.nlp.train.convert import ud_dev_split

    train, _held = ud_dev_split()
    c = defaultdict(Counter)
    for s in train:
        for t in s:
            if t.get("lemma") and t["lemma"] != "_":
                c[t["form"]][t["lemma"]] += 1
    return [(f, lc.most_common(1)[0][0]) for f, lc in c.items()]


def _prune_strings(out_dir: Path, nlp, log=print):
    """Drop from vocab/strings.json the strings of the 300k cluster-vector keys
    (except component labels): nothing maps a hash
    back to them at run time (vectors are keyed by hash; lemma strings live in
    the lemmatizer table; labels, tags and features are re-added by the
    components), and they are ~5 MB."""
    import json

    path = out_dir / "vocab" / "strings.json"
    strings = json.loads(path.read_text(encoding="utf-8"))
    key2row = nlp.vocab.vectors.key2row
    keep = set(UPOS) | {s for s in strings if not s.strip() or len(s) == 1}
    for name in ("ner", "tagger", "morphologizer", "senter"):
        if name in nlp.pipe_names:
            keep |= set(nlp.get_pipe(name).labels)
    keep |= {x for label in nlp.get_pipe("morphologizer").labels for x in label.split("|")}
    kept = [s for s in strings if s in keep or nlp.vocab.strings[s] not in key2row]
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    log(f"vocab strings: {len(strings)} -> {len(kept)}")


def assemble(ud_dir: Path, ner_dir: Path, out_dir: Path, log=print):
    nlp = spacy.load(ud_dir)
    ner_nlp = load_pipeline(ner_dir)
    split_glued_dashes(nlp)
    ruler = nlp.add_pipe("attribute_ruler", after="morphologizer")
    ruler.add_patterns([{"patterns": [[{"TAG": t}]], "attrs": {"POS": t}} for t in UPOS])
    ruler.add_patterns(
        [
            {"patterns": [[{"LOWER": f, "TAG": {"IN": ["AUX", "VERB"]}}]], "attrs": {"MORPH": m}}
            for f, m in KONJ_FORMS.items()
        ]
    )
    lem = nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True}, after="attribute_ruler")
    lookups, added = lemma_lookups(ud_lemma_pairs())
    lem.initialize(lookups=lookups)
    # the NER uses static (Brown-cluster) vectors: the final vocab carries them
    nlp.vocab.vectors = ner_nlp.vocab.vectors
    # The NER and what it reads from (the knowledge-base gazetteer of a `--gazetteer` build).
    for name in ner_nlp.pipe_names:
        nlp.add_pipe(name, source=ner_nlp)
    nlp.meta.update(META)
    if "lagebild_gazetteer" in ner_nlp.pipe_names:  # a `--gazetteer` build: its names' source
        nlp.meta["sources"] = [*META["sources"], GAZETTEER_SOURCE]
    # trained with spaCy 3.8.x; any 3.8 patch release loads it (requirements pin 3.8.x)
    nlp.meta["spacy_version"] = ">=3.8.0,<3.9.0"
    nlp.meta["labels"] = {k: list(v) for k, v in nlp.meta.get("labels", {}).items()}
    # The portal's model page shows when the model was trained and the NER's scores, which
    # the NER's own pipeline measured (the assembled meta would otherwise lose them).
    nlp.meta["trained_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    ner_scores = {k: v for k, v in ner_nlp.meta.get("performance", {}).items() if k.startswith("ents_")}
    nlp.meta["performance"] = {**nlp.meta.get("performance", {}), **ner_scores}
    if out_dir.exists():
        for p in out_dir.iterdir():
            if p.name == "README.md":
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    nlp.to_disk(out_dir)
    _prune_strings(out_dir, nlp, log)
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    log(f"assembled {nlp.pipe_names} -> {out_dir} ({size / 1e6:.1f} MB; +{added} UD lemma entries)")
    return nlp
