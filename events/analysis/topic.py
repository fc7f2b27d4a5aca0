"""Whether an article is about politics, conflict or public affairs: Lagebild's subject.

Unknown names become provisional entities (the editors' review queue) only in such
articles. In a football report, a phone review or a recipe an unknown name is a player, a
product or a dish: the mention is kept, unlinked, but no entity is filed for it, so the
actor pages and the review queue hold the people, organisations and places of the news an
analyst follows. Word stems, not a model: cheap, explainable, and wrong only in the
direction of filing too much (short texts count as political).
"""

from __future__ import annotations

import re

# Stems of words that mark political, legal or security news. A match must start at a word
# boundary ("Wahlkampf", "Ministerin", "Anschläge"); it may end anywhere.
POLITICAL_STEMS = re.compile(
    r"\b(regierung|minister|partei|parlament|bundestag|landtag|nationalrat|bundesrat|kanzler"
    r"|präsident|wahl|wähl|abgeordnet|krieg|armee|militär|soldat|sanktion|diplomat|botschaft"
    r"|gipfel|nato|uno\b|un-|eu-|koalition|opposition|senat|kongress|kreml|terror|anschlag"
    r"|rebell|miliz|konflikt|waffenruhe|protest|demonstr|politik|politisch|staatschef|premier"
    r"|verteidigung|geheimdienst|flüchtling|asyl|grenze|abkommen|vertrag|verhandl|gesetz"
    r"|justiz|gericht|polizei|festnahme|festgenommen|verhaft|waffe|verfassung|dschihad|jihad"
    r"|islamist|staatssekretär|scharia|staat)",
    re.IGNORECASE,
)
SHORT_TEXT = 600  # a teaser: too short to tell, counts as political
MEDIUM_TEXT = 1200


def political(text: str) -> bool:
    """Whether the text reads as political news (see the module's docstring)."""
    if len(text) < SHORT_TEXT:
        return True
    matches = len(POLITICAL_STEMS.findall(text))
    if matches >= 3:
        return True
    if matches >= 2 and matches * 1000 / len(text) >= 0.5:
        return True
    return matches >= 1 and len(text) < MEDIUM_TEXT
