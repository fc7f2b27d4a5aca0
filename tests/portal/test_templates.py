"""Templates: mistakes that the template engine does not report."""


def test_no_template_comment_spans_lines():
    """Django's {# #} ends at the line's end: a comment over several lines shows up on the page."""
    from django.conf import settings

    broken = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert not broken, broken
