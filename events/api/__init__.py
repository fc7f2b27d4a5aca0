"""The read-only REST API (/api/v1/): events, entities, claims and articles as JSON.

Token or session authentication, analysts and up; the OpenAPI 3 schema is at /api/schema/.
Lists take the same filter parameters as the portal's list pages (events/lists.py).
"""
