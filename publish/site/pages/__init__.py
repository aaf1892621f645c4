"""Page generators, one module per page type; each renders a page in every language.

- :mod:`.records`: a project (compiled state, timeline with field-by-field changes,
  provenance, parties) and a notice version (permanent URL);
- :mod:`.lists`: area listings (head page, per year, per province) and every numbered list page;
- :mod:`.entities`: parties and regions (totals, counterparts, children, their lists);
- :mod:`.overview`: home, statistics, downloads, about, search and the 404 page.
"""
