from events.tasks import analyze_article


def analyze_after_extraction(sender, article_id: int, **kwargs) -> None:
    analyze_article.delay_on_commit(article_id)
