from events.tasks import analyze_article
from ingest.pipeline import send_on_commit


def analyze_after_extraction(sender, article_id: int, **kwargs) -> None:
    send_on_commit(analyze_article, article_id)
