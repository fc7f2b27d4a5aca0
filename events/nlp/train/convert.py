"""Convert the shared German NER / UD data into spaCy DocBin (.spacy) files.

Reads ../shared/data (read-only) and writes into the build dir
(default: <repo>/.data/nlp-build/corpus, git-ignored). Nothing here is
imported at run time by the app.

Label mapping to PER / LOC / ORG / MISC:
  GermEval 2014 & StAZH: PER LOC ORG, OTH -> MISC; *deriv / *part -> O
  APIS/OEBL: PER LOC ORG (overlaps: longest span wins)
  MultiCoNER v1: PER, LOC, GRP+CORP -> ORG, PROD+CW -> MISC (true-cased, see truecase())
  MultiCoNER v2: coarse groups as v1, MED -> O
  Europeana: PER LOC ORG (OCR noise; malformed tags -> O)
  Sturm: pers -> PER, place -> LOC, date -> O
  BIOfid: PER LOC ORG, TAX TME OTHER -> O
  SmartData / MobIE: not used by default (traffic domain, nominal mentions
  such as "Gruppe" annotated as organization-company).
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

# ../shared beside the checkout (DESIGN.md); read-only.
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SEED = 2014

VOCAB = spacy.blank("de").vocab


# ----------------------------------------------------------------- helpers
def bio_to_doc(words, tags, mapping):
    """words + BIO tags (raw labels) -> Doc with ents mapped via `mapping`
    (raw label -> target label or None = drop)."""
    doc = Doc(VOCAB, words=words)
    ents = []
    start, label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        tag = tag or "O"
        if tag.startswith("I-") and label is not None and tag[2:] == label:
            continue
        if start is not None:
            tgt = mapping.get(label)
            if tgt:
                ents.append(Span(doc, start, i, label=tgt))
            start, label = None, None
        if tag.startswith("B-") or tag.startswith("I-"):
            start, label = i, tag[2:]
    doc.ents = ents  # all other tokens are O (not missing)
    return doc


def _no_skip(line):
    return False


def read_conll(path, word_col, tag_col, sep=None, skip=_no_skip):
    """Yield (words, tags) per blank-line-separated sentence."""
    words, tags = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            if skip(line):
                continue
            parts = line.split(sep)
            if len(parts) <= max(word_col, tag_col):
                continue
            words.append(parts[word_col])
            tags.append(parts[tag_col])
    if words:
        yield words, tags


GE_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
PLO = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}


# ----------------------------------------------------------------- GermEval
def germeval_docs():
    """Return list of documents; each document = list of sentence Docs.
    Consecutive sentences with the same source URL form one document."""
    docs, cur_url, cur = [], None, []
    words, tags, url = [], [], None
    path = DATA / "germeval2014" / "NER-de-dev.tsv"
    sents = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#\t"):
                url = line.split("\t")[1]
                continue
            if not line.strip():
                if words:
                    sents.append((url, words, tags))
                words, tags = [], []
                continue
            p = line.split("\t")
            words.append(p[1])
            tags.append(p[2])
    if words:
        sents.append((url, words, tags))
    for url, w, t in sents:
        if url != cur_url and cur:
            docs.append(cur)
            cur = []
        cur_url = url
        cur.append(bio_to_doc(w, t, GE_MAP))
    if cur:
        docs.append(cur)
    return docs


def write_heldout_tsv(path: Path) -> int:
    """The held-out GermEval half as GermEval TSV, for `manage.py evaluate_ner`."""
    _, held = split_germeval()
    back = {"MISC": "OTH"}
    with open(path, "w", encoding="utf-8") as out:
        for doc in held:
            tags = ["O"] * len(doc)
            for ent in doc.ents:
                label = back.get(ent.label_, ent.label_)
                tags[ent.start] = f"B-{label}"
                for i in range(ent.start + 1, ent.end):
                    tags[i] = f"I-{label}"
            for i, (token, tag) in enumerate(zip(doc, tags, strict=True), 1):
                out.write(f"{i}\t{token.text}\t{tag}\tO\n")
            out.write("\n")
    return len(held)


def split_germeval():
    """Fixed, seeded 50/50 split by document. Returns (train_docs, heldout_docs)
    as flat lists of sentence Docs; held-out is NEVER used for training."""
    docs = germeval_docs()
    idx = list(range(len(docs)))
    random.Random(SEED).shuffle(idx)  # noqa: S311 (a seeded split for reproducibility, not crypto)
    half = len(idx) // 2
    held = sorted(idx[:half])
    train = sorted(idx[half:])

    def flat(ids):
        return [s for i in ids for s in docs[i]]

    return flat(train), flat(held)


# ----------------------------------------------------------------- others
def stazh_docs():
    out = []
    for p in sorted((DATA / "stazh-ner").glob("*.conll")):
        for w, t in read_conll(p, 0, 1, sep="\t"):
            out.append(bio_to_doc(w, t, PLO))
    return out


def apis_docs():
    import json

    with open(DATA / "apis-oebl-ner" / "cleaned_simplified.json", encoding="utf-8") as f:
        data = json.load(f)
    nlp = spacy.blank("de")
    out = []
    for item in data:
        doc = nlp.make_doc(item["text_raw"])
        spans = []
        for s, e, lab in item["entities"]:
            sp = doc.char_span(s, e, label=lab, alignment_mode="expand")
            if sp is not None and lab in PLO:
                spans.append(sp)
        doc.ents = spacy.util.filter_spans(spans)  # longest wins
        out.append(doc)
    return out


def sturm_docs():
    m = {"pers": "PER", "place": "LOC"}
    out = []
    for name in ("train_sturm.conll", "dev_sturm.conll", "test_sturm.conll"):
        for w, t in read_conll(DATA / "sturm-ner" / name, 0, 1, sep=" "):
            out.append(bio_to_doc(w, t, m))
    return out


def biofid_docs():
    return [bio_to_doc(w, t, PLO) for w, t in read_conll(DATA / "biofid" / "dev.conll", 0, 3, sep=" ")]


def europeana_docs(max_len=60):
    """One token stream per file: cut into pseudo-sentences at ./!/? (not inside
    an entity) or at max_len tokens."""
    out = []
    for p in sorted((DATA / "europeana-ner").glob("*.bio")):
        words, tags = [], []
        for line in p.read_text(encoding="utf-8").splitlines(keepends=True):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("# "):
                continue
            parts = line.split(" ")
            if len(parts) != 2 or not parts[0]:
                continue
            w, t = parts
            t = t.strip()
            if t.upper() in ("B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"):
                t = t[:2] + t[2:].upper()
            else:
                t = "O"
            words.append(w)
            tags.append(t)
            if ((w in (".", "!", "?") and len(words) >= 5) or len(words) >= max_len) and t == "O":
                out.append(bio_to_doc(words, tags, PLO))
                words, tags = [], []
        if words:
            out.append(bio_to_doc(words, tags, PLO))
    return out


# ---------------------------------------------------------- MultiCoNER + case
MC1 = {"PER": "PER", "LOC": "LOC", "GRP": "ORG", "CORP": "ORG", "PROD": "MISC", "CW": "MISC"}
MC2_GROUPS = {
    "PER": "Scientist Artist Athlete Politician Cleric SportsManager OtherPER",
    "LOC": "Facility OtherLOC HumanSettlement Station",
    "ORG": "MusicalGRP PublicCorp PrivateCorp AerospaceManufacturer SportsGRP CarManufacturer ORG",
    "MISC": "VisualWork MusicalWork WrittenWork ArtWork Software Clothing Vehicle Food Drink OtherPROD",
}
MC2 = {fine: coarse for coarse, s in MC2_GROUPS.items() for fine in s.split()}
LOWER_PARTICLES = {
    "von",
    "van",
    "der",
    "de",
    "den",
    "des",
    "du",
    "la",
    "le",
    "di",
    "da",
    "del",
    "und",
    "of",
    "the",
    "and",
    "am",
    "im",
    "zu",
    "zum",
    "zur",
    "auf",
    "an",
    "in",
    "y",
    "e",
    "dos",
    "das",
}


def build_case_dict(docs_iter):
    c = defaultdict(Counter)
    for doc in docs_iter:
        for i, tok in enumerate(doc):
            if i == 0:
                continue  # sentence-initial capitalisation is not informative
            c[tok.text.lower()][tok.text] += 1
    case = {k: v.most_common(1)[0][0] for k, v in c.items()}
    # back-off: the cased word forms (keys and lemmas) of spacy-lookups-data's
    # German lemma table; a capitalised form wins over a lower-case one, as
    # German nouns are far more frequent than homographs.
    import gzip
    import json

    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        table = json.load(f)
    extra = {}
    for form in list(table.keys()) + list(table.values()):
        low = form.lower()
        if low in case:
            continue
        if low not in extra or (form[:1].isupper() and not extra[low][:1].isupper()):
            extra[low] = form
    case.update(extra)
    return case


NOUN_SUFFIX = re.compile(
    r"(ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tät|täten|ion|ionen|ismus|nis|nisse|ment|mente|chen|ling|linge)$"
)
_TRAIL = re.compile(r"^(.*?)([.,;:!?)\"']*)$")


def _lookup(w, case):
    m = _TRAIL.match(w)
    core, trail = m.group(1), m.group(2)
    form = case.get(core)
    if form is None and core and "-" in core:  # hyphenated compound: case of the last part
        last = _lookup(core.rsplit("-", 1)[1], case)
        if last and last[:1].isupper():
            form = core[:1].upper() + core[1:]
    if form is None and core.isalpha() and len(core) >= 7:  # compound: case of its longest known head
        for i in range(1, len(core) - 3):
            head = case.get(core[i:])
            if head is not None:
                if head[:1].isupper():
                    form = core[:1].upper() + core[1:]
                break
    if form is None and core and len(core) > 4 and NOUN_SUFFIX.search(core) and core.isalpha():
        form = core[:1].upper() + core[1:]
    return None if form is None else form + trail


def truecase(words, tags, case):
    out = []
    for i, (w, t) in enumerate(zip(words, tags, strict=True)):
        form = _lookup(w, case)
        in_ent = t != "O"
        if in_ent:
            ent_start = t.startswith("B-")
            if form is not None and form[:1].isupper():
                w2 = form
            elif not ent_start and w in LOWER_PARTICLES:
                w2 = w
            else:
                w2 = w[:1].upper() + w[1:]
        else:
            w2 = form if form is not None else w
        if i == 0:
            w2 = w2[:1].upper() + w2[1:]
        out.append(w2)
    return out


def multiconer_docs(case):
    out, seen = [], set()

    def skip(line):
        return line.startswith("# id ")

    for ver, files, m in (
        ("v1", ("de_train.conll", "de_dev.conll"), MC1),
        ("v2", ("de-train.conll", "de-dev.conll"), MC2),
    ):
        for name in files:
            for w, t in read_conll(DATA / "multiconer-de" / ver / name, 0, 3, sep=" ", skip=skip):
                key = " ".join(w)
                if key in seen:
                    continue
                seen.add(key)
                out.append(bio_to_doc(truecase(w, t, case), t, m))
    return out


# ----------------------------------------------------------------- UD
def _read_conllu(path):
    # collapse multiword tokens into one surface token (spaCy keeps "im" whole)
    return [[_merged_token(t) if "mwt" in t else t for t in s] for s in _conllu_sentences(path)]


def _conllu_token(p: list[str]) -> dict:
    return {
        "id": int(p[0]),
        "form": p[1],
        "lemma": p[2],
        "upos": p[3],
        "xpos": p[4],
        "feats": p[5] if p[5] != "_" else "",
        "space": "SpaceAfter=No" not in p[9],
    }


def _conllu_sentences(path):
    """Sentences as token dicts; a multiword token ("im") holds its parts ("in", "dem")."""
    sents, toks = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines(keepends=True):
        line = line.rstrip("\n")
        if not line:
            if toks:
                sents.append(toks)
            toks = []
            continue
        if line.startswith("#"):
            continue
        p = line.split("\t")
        if "-" in p[0]:
            a, b = map(int, p[0].split("-"))
            toks.append({"mwt": (a, b), "form": p[1], "space": "SpaceAfter=No" not in p[9], "parts": []})
            continue
        if "." in p[0]:
            continue
        tok = _conllu_token(p)
        if toks and "mwt" in toks[-1] and toks[-1]["mwt"][0] <= tok["id"] <= toks[-1]["mwt"][1]:
            toks[-1]["parts"].append(tok)
        else:
            toks.append(tok)
    if toks:
        sents.append(toks)
    return sents


def _merged_token(t: dict) -> dict:
    parts = t["parts"]
    feats = {}
    for pt in parts:
        for kv in filter(None, pt["feats"].split("|")):
            k, v = kv.split("=", 1)
            feats.setdefault(k, v)
    return {
        "form": t["form"],
        "upos": parts[0]["upos"],
        "lemma": t["form"].lower(),
        "feats": "|".join(f"{k}={v}" for k, v in sorted(feats.items())),
        "space": t["space"],
    }


def ud_dev_split(held_frac=0.25):
    sents = _read_conllu(DATA / "ud-german" / "de_gsd-ud-dev.conllu")
    idx = list(range(len(sents)))
    random.Random(SEED).shuffle(idx)  # noqa: S311 (seeded split, not crypto)
    n = int(len(idx) * held_frac)
    held = set(idx[:n])
    return [s for i, s in enumerate(sents) if i not in held], [s for i, s in enumerate(sents) if i in held]


def ud_doc(sents, with_morph=True):
    words, spaces, tags, pos, morphs, lemmas, starts = [], [], [], [], [], [], []
    for s in sents:
        for j, t in enumerate(s):
            words.append(t["form"])
            spaces.append(t["space"])
            tags.append(t["upos"])
            pos.append(t["upos"] if with_morph else None)
            morphs.append(t["feats"] if with_morph else None)
            lemmas.append(t.get("lemma") if with_morph else None)
            starts.append(j == 0)
    if with_morph:
        return Doc(
            VOCAB,
            words=words,
            spaces=spaces,
            tags=tags,
            pos=pos,
            morphs=morphs,
            lemmas=lemmas,
            sent_starts=starts,
        )
    return Doc(VOCAB, words=words, spaces=spaces, tags=tags, sent_starts=starts)


def gsd_upos_sents():
    out = []
    path = DATA / "ud-german-gsd-upos" / "de_gsd-ud-train.filtered.pos"
    for line in path.read_text(encoding="utf-8").splitlines():
        items = line.split()
        row, skip = [], 0
        for it in items:
            w, _, tag = it.rpartition("##")
            if skip:
                skip -= 1
                if row and row[-1].get("pending"):
                    row[-1]["upos"] = tag
                    row[-1].pop("pending")
                continue
            if tag == "_":
                # multiword surface token: its POS = POS of the first part
                nparts = 2
                row.append({"form": w, "upos": None, "pending": True, "space": True})
                skip = nparts
                continue
            row.append({"form": w, "upos": tag, "space": True})
        row = [t for t in row if t["upos"]]
        if row:
            out.append(row)
    return out


def chunks(seq, n):
    return [seq[i : i + n] for i in range(0, len(seq), n)]


# ----------------------------------------------------------------- main
def write(docs, path):
    db = DocBin(store_user_data=False)
    for d in docs:
        db.add(d)
    db.to_disk(path)
    return len(docs), sum(len(d) for d in docs)


def convert(out_dir: Path, ge_oversample=4, log=print):
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = {}
    ge_train, ge_held = split_germeval()
    rnd = random.Random(SEED)  # noqa: S311 (seeded sampling, not crypto)
    ge_tr = list(ge_train)
    rnd.shuffle(ge_tr)
    n_dev = len(ge_tr) // 5
    ge_dev, ge_fit = ge_tr[:n_dev], ge_tr[n_dev:]
    log(
        f"germeval: train-half {len(ge_train)} sents (fit {len(ge_fit)}, dev {len(ge_dev)}), held-out {len(ge_held)}"
    )

    sources = {
        "stazh": stazh_docs(),
        "apis": apis_docs(),
        "sturm": sturm_docs(),
        "biofid": biofid_docs(),
        "europeana": europeana_docs(),
    }
    gsd = gsd_upos_sents()
    case_src = (
        [d for v in sources.values() for d in v]
        + ge_fit
        + [Doc(VOCAB, words=[t["form"] for t in s]) for s in gsd]
    )
    case = build_case_dict(case_src)
    sources["multiconer"] = multiconer_docs(case)
    sources["germeval"] = ge_fit * ge_oversample
    for k, v in sources.items():
        log(f"  {k:11s} {len(v):6d} docs {sum(len(d) for d in v):8d} tokens")
    ner_train = [d for v in sources.values() for d in v]
    random.Random(SEED).shuffle(ner_train)  # noqa: S311 (seeded shuffle, not crypto)
    stats["ner_train"] = write(ner_train, out_dir / "ner_train.spacy")
    stats["ner_dev"] = write(ge_dev, out_dir / "ner_dev.spacy")
    stats["ner_ft"] = write(ge_fit, out_dir / "ner_ft.spacy")
    stats["ner_eval"] = write(ge_held, out_dir / "ner_eval.spacy")
    # The same held-out half as TSV: `manage.py evaluate_ner <build>/germeval_heldout.tsv`.
    write_heldout_tsv(out_dir.parent / "germeval_heldout.tsv")
    # a few true-cased MultiCoNER samples for inspection
    (out_dir / "multiconer_truecased_sample.txt").write_text(
        "\n".join(d.text for d in sources["multiconer"][:40]), encoding="utf-8"
    )

    ud_tr, ud_held = ud_dev_split()
    ud_train_docs = [ud_doc(c) for c in chunks(ud_tr, 8)]
    ud_train_docs += [ud_doc(c, with_morph=False) for c in chunks(gsd, 8)]
    random.Random(SEED).shuffle(ud_train_docs)  # noqa: S311 (seeded shuffle, not crypto)
    stats["ud_train"] = write(ud_train_docs, out_dir / "ud_train.spacy")
    stats["ud_eval"] = write([ud_doc(c) for c in chunks(ud_held, 8)], out_dir / "ud_eval.spacy")
    for k, (n, t) in stats.items():
        log(f"wrote {k}.spacy: {n} docs, {t} tokens")
    return stats


if __name__ == "__main__":
    import sys

    convert(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[3] / ".data" / "nlp-build" / "corpus"
    )
