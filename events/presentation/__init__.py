"""HTML and SVG built in Python: the article text, search snippets, charts. Every piece of
text that comes from an article or a user is escaped here, piece by piece, before markup is
put around it; templates show the result as it is."""
