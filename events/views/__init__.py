"""The portal's pages, one module per area (see events/urls.py)."""
