"""Claims extractor vs. a plain baseline on SpkAtt-2023 (GePaDe, German Bundestag debates).

Usage::

    .venv/bin/python bench/spkatt_eval.py [--split dev] [--data DIR] [--model PATH|blank] [--ner PATH]
                                          [--json OUT]
    .venv/bin/python bench/spkatt_eval.py --lexicon     # regenerate TRAIN_CUE_LEMMAS (train split)

Data: ``../shared/data/spkatt-gepade/<split>/*.json`` (see its SOURCE.md; CC BY-SA 4.0). Each
file is one speech: tokenised sentences and speech events with token addresses for Cue,
Source (speaker), Message and more. Tokens are kept as given: a doc is built from them
(joined by single spaces, gold sentence starts) and run through the pipeline's components
without its sentence splitter. The pipeline is ``events/nlp/model`` when it exists, else
the interim build ``.data/nlp-build/asm_quick``, else a blank German pipeline (lexical
rules only; ``--model blank`` forces that). Mentions are the pipeline's NER spans (or those
of the pipeline given with ``--ner``) as unlinked ``MentionData`` (no database: ``entity_id``
None, ``kb`` None).

Systems:

- ``claims``: :func:`events.analysis.claims.extract_claims`, the claims the product stores.
  Cue = the claim's cue token(s) (its ``cue_parts`` when the cue is split: "bin … überzeugt",
  "aus meiner Sicht" -> aus, Sicht); Source = its speaker, or its source when there is no
  speaker; Message = its content.
- ``detector``: the same with ``fragments=True``: also the claims whose content is a fragment
  ("Das wissen Sie" -> "das", "ist gesagt worden"). SpkAtt counts those speech events; the
  product drops them (issue 14: a content of a few words only as a complete quote, a clause or
  a named object), so the difference is what that rule costs here.
- ``baseline``: every token whose lemma is in a hand list of speech verbs (the list the
  issue names) is a cue; source = the nearest PER entity before it in the sentence; message =
  the rest of the sentence after the cue (final punctuation dropped).

Scores (precision, recall, F1 over the whole split; every speech event counts once):

- ``cue exact``: a predicted cue matches a gold cue when both have the same token set.
  ``cue overlap``: when they share at least one token. Predictions and gold events are
  paired one-to-one, greedily in text order.
- ``source`` / ``message`` ``exact``: a predicted event's role is correct when its event is
  paired with a gold event (cue overlap) and the role's token set equals the gold one.
  Precision is over predicted events with that role, recall over gold events with it.
- ``source`` / ``message`` ``overlap`` (token overlap): token-level scores. Over paired
  events, the tokens in both the predicted and the gold role count as hits; precision = hits
  / all predicted role tokens (also of unpaired predictions), recall = hits / all gold role
  tokens (also of unpaired gold events). Partly right spans earn partial credit.

SpkAtt annotates far more than news claims: nouns that name speech ("Antrag", "Debatte",
27 % of the cues), verbs of thinking without a clause ("Das wissen Sie"), and events
without a message. The extractor is built for attributed claims in news, so its cue recall
here is bounded; the figures compare systems, they are not the product's accuracy on news.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events.analysis.claims import extract_claims  # noqa: E402
from events.analysis.claims import lexicon as claims_lexicon  # noqa: E402
from events.analysis.claims.grammar import cue_lemma  # noqa: E402
from events.analysis.linking import MentionData  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "spkatt-gepade"
INTERIM = ROOT / ".data" / "nlp-build" / "asm_quick"
MODEL = ROOT / "events" / "nlp" / "model"
BASELINE_VERBS = frozenset(
    {"sagen", "erklären", "betonen", "äußern", "warnen", "fordern", "ankündigen", "versichern"}
    | {"bekräftigen", "mitteilen", "berichten", "melden", "schreiben", "zitieren", "bezeichnen"}
)
ROLES = ("source", "message")


@dataclass
class Event:
    cue: frozenset[int]
    source: frozenset[int]
    message: frozenset[int]


@dataclass
class Speech:
    name: str
    words: list[str]
    sent_starts: list[bool]
    gold: list[Event]


def load_split(data: Path, split: str) -> list[Speech]:
    speeches = []
    for path in sorted((data / split).glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        words, starts, offset = [], [], {}
        for sentence in raw["Sentences"]:
            offset[sentence["SentenceId"]] = len(words)
            words += sentence["Tokens"]
            starts += [True] + [False] * (len(sentence["Tokens"]) - 1)

        def tokens(addresses: list[str], offset=offset) -> frozenset[int]:
            out = set()
            for address in addresses:
                sentence, token = address.split(":")
                out.add(offset[int(sentence)] + int(token))
            return frozenset(out)

        gold = [
            Event(tokens(a["Cue"]), tokens(a["Source"]), tokens(a["Message"]))
            for a in raw["Annotations"]
            if a["Cue"]
        ]
        speeches.append(Speech(path.stem, words, starts, gold))
    return speeches


def load_pipeline(choice: str | None):
    import spacy

    from events.nlp import pipeline

    if choice == "blank":
        return spacy.blank("de"), "blank"
    path = Path(choice) if choice else MODEL if (MODEL / "meta.json").exists() else INTERIM
    if not (path / "meta.json").exists():
        return spacy.blank("de"), "blank"
    return pipeline.load_pipeline(path), str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def make_doc(nlp, speech: Speech):
    from spacy.tokens import Doc

    doc = Doc(nlp.vocab, words=speech.words, sent_starts=speech.sent_starts)
    for name, component in nlp.pipeline:
        if name not in ("senter", "sentencizer", "parser"):
            doc = component(doc)  # gold sentences stay
    return doc


def ner_mentions(doc, ner_nlp=None) -> list[MentionData]:
    """The NER's spans as unlinked mentions; with ``ner_nlp`` another pipeline's NER replaces
    the doc's own (its spans are copied onto the doc, so the baseline sees them too)."""
    if ner_nlp is not None:
        from spacy.tokens import Doc

        other = Doc(ner_nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        for _, component in ner_nlp.pipeline:
            other = component(other)
        doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_) for e in other.ents]
    return [
        MentionData(e.start_char, e.end_char, e.text, e.label_, "name", None, 0.0, "model", "", 0)
        for e in doc.ents
    ]


def _tokens(doc, start: int, end: int) -> frozenset[int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return frozenset(range(span.start, span.end)) if span is not None else frozenset()


def claims_events(doc, mentions, fragments: bool = False) -> list[Event]:
    events = []
    for claim in extract_claims(doc, mentions, None, fragments=fragments):
        who = claim.speaker or claim.source
        cue = (
            frozenset().union(*(_tokens(doc, a, b) for a, b in claim.cue_parts)) if claim.cue_parts else None
        )
        events.append(
            Event(
                cue or _tokens(doc, claim.cue_start, claim.cue_end),
                _tokens(doc, who.start, who.end) if who else frozenset(),
                _tokens(doc, claim.content.start, claim.content.end) if claim.content else frozenset(),
            )
        )
    return events


def baseline_events(doc, mentions) -> list[Event]:
    has_lemma = doc.has_annotation("LEMMA")
    events = []
    for sentence in doc.sents:
        persons = [e for e in doc.ents if e.label_ == "PER" and sentence.start <= e.start < sentence.end]
        for token in sentence:
            if cue_lemma(token, has_lemma) not in BASELINE_VERBS:
                continue
            before = [p for p in persons if p.end <= token.i]
            source = frozenset(range(before[-1].start, before[-1].end)) if before else frozenset()
            end = sentence.end
            while end > token.i + 1 and doc[end - 1].is_punct:
                end -= 1
            events.append(Event(frozenset({token.i}), source, frozenset(range(token.i + 1, end))))
    return events


def pair(predicted: list[Event], gold: list[Event], exact: bool) -> list[tuple[Event, Event]]:
    """One-to-one pairs by cue, greedily in text order (exact: same tokens; else overlap)."""
    used, pairs = set(), []
    for p in sorted(predicted, key=lambda ev: min(ev.cue, default=0)):
        for k, g in enumerate(gold):
            if k in used:
                continue
            if (p.cue == g.cue) if exact else bool(p.cue & g.cue):
                used.add(k)
                pairs.append((p, g))
                break
    return pairs


def prf(hits: float, predicted: float, gold: float) -> dict:
    p = hits / predicted if predicted else 0.0
    r = hits / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


def score(results: list[tuple[list[Event], list[Event]]]) -> dict:
    counts: Counter = Counter()
    for predicted, gold in results:
        counts["pred"] += len(predicted)
        counts["gold"] += len(gold)
        counts["cue_exact"] += len(pair(predicted, gold, exact=True))
        pairs = pair(predicted, gold, exact=False)
        counts["cue_overlap"] += len(pairs)
        for role in ROLES:
            counts[f"{role}_pred"] += sum(1 for ev in predicted if getattr(ev, role))
            counts[f"{role}_gold"] += sum(1 for ev in gold if getattr(ev, role))
            counts[f"{role}_pred_tokens"] += sum(len(getattr(ev, role)) for ev in predicted)
            counts[f"{role}_gold_tokens"] += sum(len(getattr(ev, role)) for ev in gold)
            for p, g in pairs:
                mine, theirs = getattr(p, role), getattr(g, role)
                counts[f"{role}_exact"] += bool(mine) and mine == theirs
                counts[f"{role}_hits"] += len(mine & theirs)
    out = {
        "cue_exact": prf(counts["cue_exact"], counts["pred"], counts["gold"]),
        "cue_overlap": prf(counts["cue_overlap"], counts["pred"], counts["gold"]),
    }
    for role in ROLES:
        out[f"{role}_exact"] = prf(counts[f"{role}_exact"], counts[f"{role}_pred"], counts[f"{role}_gold"])
        out[f"{role}_overlap"] = prf(
            counts[f"{role}_hits"], counts[f"{role}_pred_tokens"], counts[f"{role}_gold_tokens"]
        )
    out["events"] = {"predicted": counts["pred"], "gold": counts["gold"]}
    return out


def generate_lexicon(nlp, data: Path) -> list[str]:
    """Verb lemmas that the train split marks as a cue in >= 60 % of >= 3 occurrences."""
    seen: Counter = Counter()
    cued: Counter = Counter()
    for speech in load_split(data, "train"):
        doc = make_doc(nlp, speech)
        lemmas = [(t.lemma_ or t.text) for t in doc]
        seen.update(lemmas)
        for head in {min(ev.cue) for ev in speech.gold}:
            cued[lemmas[head]] += 1
    verbs = [
        lemma
        for lemma, n in cued.items()
        if lemma[:1].islower() and lemma.endswith("n") and n >= 3 and n / seen[lemma] >= 0.6
    ]
    return sorted(verbs, key=lambda lemma: (-cued[lemma], verbs.index(lemma)))


def table(rows: dict[str, dict]) -> str:
    names = list(rows)
    lines = [f"{'metric':<18}" + "".join(f"{n + ' P/R/F1':>26}" for n in names)]
    for metric in (
        "cue_exact",
        "cue_overlap",
        "source_exact",
        "source_overlap",
        "message_exact",
        "message_overlap",
    ):
        cells = "".join(
            f"{rows[n][metric]['p']:>9.3f}{rows[n][metric]['r']:>8.3f}{rows[n][metric]['f1']:>9.3f}"
            for n in names
        )
        lines.append(f"{metric:<18}{cells}")
    lines.append(
        f"{'events pred/gold':<18}"
        + "".join(f"{rows[n]['events']['predicted']:>17}/{rows[n]['events']['gold']:<8}" for n in names)
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", default=None, help="pipeline path, or 'blank'")
    parser.add_argument("--ner", default=None, help="take mentions from this pipeline's NER instead")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--lexicon", action="store_true", help="print TRAIN_CUE_LEMMAS from the train split")
    args = parser.parse_args(argv)

    nlp, pipeline = load_pipeline(args.model)
    ner_nlp = load_pipeline(args.ner)[0] if args.ner else None
    if args.lexicon:
        print(" ".join(generate_lexicon(nlp, args.data)))
        return 0
    speeches = load_split(args.data, args.split)
    runs: dict[str, list] = {"claims": [], "detector": [], "baseline": []}
    seconds = {"claims": 0.0, "detector": 0.0, "baseline": 0.0}
    systems = (
        ("claims", claims_events),
        ("detector", lambda doc, mentions: claims_events(doc, mentions, fragments=True)),
        ("baseline", baseline_events),
    )
    kinds: Counter = Counter()
    for speech in speeches:
        doc = make_doc(nlp, speech)
        mentions = ner_mentions(doc, ner_nlp)
        for name, system in systems:
            started = time.perf_counter()
            predicted = system(doc, mentions)
            seconds[name] += time.perf_counter() - started
            runs[name].append((predicted, speech.gold))
        kinds.update(c.kind for c in extract_claims(doc, mentions, None))
    rows = {name: score(results) for name, results in runs.items()}
    print(
        f"SpkAtt-2023 {args.split}: {len(speeches)} speeches, pipeline {pipeline}, NER {args.ner or pipeline}, "
        f"lexicon {len(claims_lexicon.CUE_LEMMAS)} cue lemmas"
    )
    print(table(rows))
    result = {
        "bench": "spkatt_eval",
        "split": args.split,
        "pipeline": pipeline,
        "ner": args.ner or pipeline,
        "speeches": len(speeches),
        "systems": rows,
        "claim_kinds": dict(kinds),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
