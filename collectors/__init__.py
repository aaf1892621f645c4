"""Collectors: the Scrapy spiders (``spiders/``, on shared base spiders), page parsers and file importers.

Everything collected becomes ``{field: Cell}`` and goes through
:func:`models.assemble.assemble`, the one way into a :class:`models.notice.Notice`.
"""
