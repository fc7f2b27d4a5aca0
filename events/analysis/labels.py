"""The NER label a mention of each kind of entity carries.

Its own module because both the database models (`events.models`) and the in-memory
knowledge base (`events.analysis.kb`) read it, and the models must not import the index.
"""

KIND_LABELS = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}
