"""`manage.py evaluate_ner`: the modes score what they say, on a small GermEval-format file."""

import json

import pytest
from django.core.management import call_command
from spacy.tokens import Doc, Span

from events.management.commands.evaluate_ner import Command

pytestmark = pytest.mark.django_db

# Reuters is an organisation of the seeded knowledge base, Pjöngjang a place, Putin a person.
GOLD = """\
# a sentence
1\tWladimir\tB-PER\tO
2\tPutin\tI-PER\tO
3\tbesuchte\tO\tO
4\tPjöngjang\tB-LOC\tO
5\t,\tO\tO
6\tberichtete\tO\tO
7\tReuters\tB-ORG\tO
8\t.\tO\tO
"""


def test_portal_mode_takes_the_kind_of_the_linked_entity(nlp, kb):
    words = ["Wladimir", "Putin", "besuchte", "Pjöngjang", ",", "berichtete", "Reuters", "."]
    doc = nlp(Doc(nlp.vocab, words=words))
    # The statistical NER's mistake the second opinion answers: the agency as a person.
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 3, 4, "LOC"), Span(doc, 6, 7, "PER")]
    assert Command._spans(doc, None, "model") == {(0, 2, "PER"), (3, 4, "LOC"), (6, 7, "PER")}
    assert Command._spans(doc, kb, "portal") == {(0, 2, "PER"), (3, 4, "LOC"), (6, 7, "ORG")}


def test_portal_mode_scores_a_file(tmp_path, kb, capsys):
    path = tmp_path / "gold.tsv"
    path.write_text(GOLD, encoding="utf-8")
    call_command("evaluate_ner", str(path), "--mode", "portal")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["mode"] == "portal"
    assert report["sentences"] == 1
    assert report["micro_PER_LOC_ORG"]["f1"] > 0
