"""Publishing: what the store holds, made readable by people and by machines.

- :mod:`publish.site`: the static site, its feeds and bulk downloads (``gongkai build``);
- :mod:`publish.snapshot`: the checked, immutable database Datasette serves (``gongkai publish``);
- :mod:`publish.export`: every project with its notices as JSON Lines or formula-safe CSV
  (:mod:`publish.csv_safe`);
- :mod:`publish.resources`: the templates, catalogues and Datasette configuration the product
  ships, found with :mod:`importlib.resources`.

This floor reads the store and uses the search stage's public interface; it never imports the
application (:mod:`gongkai`).
"""
