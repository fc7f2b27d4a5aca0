"""Lists the claims found on ten politics pages, for checking by hand.

    .venv/bin/python bench/claims_check.py [--out FILE]

Same pages as bench/linking_check.py. Writes a TSV (kind, cue, speaker, source, content)
with an empty judgement column: ok / wrong-speaker / wrong-source / not-a-claim /
bad-span; claims the extractor missed are added by hand as `missed` lines.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench.linking_check import CORPUS, PAGES, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=BASE / "bench" / "results" / "claims_check.tsv")
    args = parser.parse_args()
    setup_django()
    from events.analysis.pipeline import analyze_text
    from events.kb.loader import get_kb
    from ingest.decoding import decode_html
    from ingest.extraction import extract_document

    kb = get_kb()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["page", "start", "kind", "cue", "speaker", "source", "content", "judgement"])
        for page in PAGES:
            html, _ = decode_html((CORPUS / f"{page}.html").read_bytes(), None)
            article = extract_document(html)
            claims = analyze_text(
                article.text, kb, article.published.date() if article.published else None
            ).claims
            for claim in claims:
                record = claim.as_contract(kb)
                who = record["speaker"] or {}
                source = record["source"] or {}
                writer.writerow(
                    [
                        page,
                        claim.start,
                        claim.kind,
                        claim.cue,
                        who.get("name") or who.get("text") or "",
                        source.get("name") or source.get("text") or "",
                        (record["content"] or {}).get("text", "")[:300],
                        "",
                    ]
                )
            print(f"{page}: {len(claims)} claims")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
