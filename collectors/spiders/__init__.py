"""One spider per source family, each declared briefly on a base spider (``base.py``)."""
