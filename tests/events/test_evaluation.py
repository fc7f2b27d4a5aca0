from events.nlp.evaluation import Scores, bio_spans, read_germeval


def test_germeval_tags_map_to_four_labels_and_skip_deriv_and_part():
    tags = ["B-PER", "I-PER", "O", "B-LOCderiv", "B-OTH", "I-OTH", "B-ORGpart", "B-LOC"]
    assert bio_spans(tags) == {(0, 2, "PER"), (4, 6, "MISC"), (7, 8, "LOC")}


def test_an_i_tag_without_b_starts_a_span_and_a_label_change_ends_one():
    assert bio_spans(["I-ORG", "I-ORG", "I-LOC"]) == {(0, 2, "ORG"), (2, 3, "LOC")}


def test_it_reads_germeval_tsv(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text(
        "#\thttp://example.org\t[2010-07-04]\n1\tPutin\tB-PER\tO\n2\tbesucht\tO\tO\n3\tPjöngjang\tB-LOC\tO\n\n"
        "#\tx\n1\tdeutsche\tB-LOCderiv\tO\n2\tTruppen\tO\tO\n"
    )
    sentences = list(read_germeval(path))
    assert [s.words for s in sentences] == [["Putin", "besucht", "Pjöngjang"], ["deutsche", "Truppen"]]
    assert sentences[0].spans == {(0, 1, "PER"), (2, 3, "LOC")}
    assert sentences[1].spans == set()


def test_scores_are_exact_span_micro_averages():
    scores = Scores()
    scores.add(gold={(0, 2, "PER"), (3, 4, "LOC")}, predicted={(0, 2, "PER"), (3, 5, "LOC"), (6, 7, "ORG")})
    report = scores.report()
    assert report["PER"]["f1"] == 1.0
    assert report["LOC"]["p"] == 0.0 and report["LOC"]["r"] == 0.0
    micro = report["micro_PER_LOC_ORG"]
    assert (round(micro["p"], 3), round(micro["r"], 3)) == (0.333, 0.5)
