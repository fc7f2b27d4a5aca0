"""The German-text analysis core, without Django.

A spaCy Doc, a knowledge-base index (`kb.KnowledgeBase`) and a date go in; mentions,
claims, events and sentences come out as plain dataclasses (`pipeline.analyze_text`).
Modules, in the order the pipeline uses them: `names` (name normalisation and German
inflection), `kb` (the in-memory index), `sentences`, `linking` (mentions to entities),
`claims` (who said what), `dates`, `event_types` (the taxonomy in events/data/) and
`detection` (events). Nothing here imports Django, so every part runs and is tested
without a database; `events.kb.loader` fills the index from the database.
"""
