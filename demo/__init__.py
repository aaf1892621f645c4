"""The demo: everything that shows the product working without real sources, and none of the product.

- :mod:`demo.generate`: the seeded data generator (agency submission files, one big CSV for the
  benchmarks, the projects the imitation portal serves);
- :mod:`demo.portal`: the imitation portal of every source family (aiohttp, extra ``gongkai[demo]``);
- :mod:`demo.replay`: the spiders' golden harness (recorded responses replayed through the callbacks);
- :mod:`demo.crawl`: crawl the imitation portal with every spider into the demo database;
- :mod:`demo.run` (``make demo``, ``python -m demo``): the whole pipeline on the generated data.

The product packages never import this package at module level: the developer commands
``gongkai generate`` and ``gongkai portal`` import it when they run.
"""
