"""Search snippets: PostgreSQL's ts_headline output as safe HTML."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# ts_headline marks matches with these; control characters that extracted text does not carry.
# Whatever the text holds, the markup built from them stays balanced (see highlight()).
START_SEL, STOP_SEL = "\x02", "\x03"


def highlight(headline: str) -> SafeString:
    """ts_headline output as HTML: all text escaped, the matches (between the sentinels) in <mark>.

    Sentinels are paired up here, not trusted: a stray one is dropped, an open mark closed.
    """
    parts, open_mark = [], False
    for piece in re.split(f"([{START_SEL}{STOP_SEL}])", headline or ""):
        if piece == START_SEL:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == STOP_SEL:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    # Every piece of text above went through escape(); the only markup is <mark> and </mark>.
    return mark_safe("".join(parts))  # noqa: S308 - assembled from escaped pieces
