"""Tokenizer rules the pipeline adds to spaCy's German defaults.

Pure module: no Django import. `events.nlp.train.assemble` applies them when it builds the
pipeline, so the committed tokenizer (events/nlp/model/tokenizer) carries them.
"""

from __future__ import annotations

from spacy.util import compile_suffix_regex

# A dash glued to the word before it, as in datelines ("Belgrad– Bei einem Luftangriff …"):
# spaCy keeps "Belgrad–" one token, and the town is lost. Only en and em dashes: a hyphen
# at a word's end is German's elision ("Ost- und Westeuropa") and stays.
GLUED_DASH = r"(?<=[^\W\d_])[–—]"


def split_glued_dashes(nlp) -> None:
    """Make the tokenizer split an en or em dash off the end of a word."""
    if GLUED_DASH in nlp.tokenizer.suffix_search.__self__.pattern:
        return
    nlp.tokenizer.suffix_search = compile_suffix_regex([*nlp.Defaults.suffixes, GLUED_DASH]).search
