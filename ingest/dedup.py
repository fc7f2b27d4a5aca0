"""Duplicate detection: content hashes for exact copies, SimHash for near-duplicates.

Wire copies (the same dpa text in five newspapers) differ in a headline, a byline, a
paragraph cut: a 64-bit SimHash over word 3-shingles puts them within a few bits of each
other. News texts are short (a sentence added to a 90-word report moves ~5 bits), so the
threshold is 6 bits. Split into eight 8-bit bands, two hashes within distance 6 share at
least one band (pigeonhole), so candidates come from an index lookup (and a date window)
instead of a full scan.
"""

from __future__ import annotations

import hashlib
import re

NEAR_DUPLICATE_MAX_DISTANCE = 6
BANDS = 8
BAND_BITS = 64 // BANDS
_WORD = re.compile(r"\w+", re.UNICODE)
_MASK64 = (1 << 64) - 1


def normalize_text(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def content_hash(text: str) -> str:
    """SHA-256 of the text with case, punctuation and white space folded."""
    return hashlib.sha256(normalize_text(text).encode()).hexdigest()


def simhash(text: str, shingle: int = 3) -> int:
    """Unsigned 64-bit SimHash over word shingles (0 for an empty text)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0
    grams = [" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))]
    weights = [0] * 64
    for gram in grams:
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def to_signed(value: int) -> int:
    """PostgreSQL has no unsigned 64-bit integer; store the same bits as a signed bigint."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & _MASK64


def bands(value: int) -> list[int]:
    """The hash cut into bands, each tagged with its position so equal values in other bands differ."""
    value = to_unsigned(value)
    mask = (1 << BAND_BITS) - 1
    return [position << BAND_BITS | (value >> (BAND_BITS * position) & mask) for position in range(BANDS)]


def distance(a: int, b: int) -> int:
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()
