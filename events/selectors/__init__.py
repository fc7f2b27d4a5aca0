"""Reads of the events app that pages, exports and the API share.

Style: plain functions that take the request's parsed values (never the request) and return
querysets or plain data; filters on one model that read as English stay queryset methods on
the model (`Claim.objects.about(entity)`, `Event.objects.active()`), and selectors use them.
"""
