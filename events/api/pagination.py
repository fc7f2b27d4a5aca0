from __future__ import annotations

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` as on the portal's lists, `page_size` up to a cap (default: PAGE_SIZE, 50).

    Page numbers rather than cursors, because the lists sort by what the caller asks for
    (relevance, article counts), which a cursor cannot follow.
    """

    page_size_query_param = "page_size"
    max_page_size = 200
