"""Signals other apps listen to, so that ingest never imports them (events imports ingest).

``article_extracted`` is sent inside the extraction's transaction with ``article_id``;
receivers that enqueue work must do it on commit.
"""

from django.dispatch import Signal

article_extracted = Signal()
