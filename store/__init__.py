"""The store: the floor every stage stands on.

Between the one definition of a disclosure (``models``) and the stages that read and write
it (collectors and submissions, the site builder, search, Datasette publishing):

- ``store.db``: the SQLite store (WAL): notice versions and their sources, compiled projects,
  parties, rejections; the write API (``Store``, ``Batch``) and its locking model;
- ``store.schema``: the tables, derived from the models' field declarations, and the triggers
  that fill the change feed;
- ``store.log``: the tamper-evident log (RFC 6962 Merkle tree of every version, withdrawal and
  redaction; leaves appended in the writer's transaction; the audit ``gongkai verify`` runs);
- ``store.changes``: the change feed (what changed since a consumer's mark), which the site
  build and the search update both follow;
- ``store.read``: the read queries more than one stage runs (search documents, Datasette's
  full-text tables); read-only connections come from ``store.db.connect_ro``;
- ``store.config``: where the data lives (database, site, search index, published snapshots),
  from defaults, the environment and the command line;
- ``store.paths``: the URL and tag scheme of the published records (the site and search both
  link through it);
- ``store.procs``: worker processes that die with their parent.

Nothing here imports a stage or the application (``tests/test_architecture.py`` checks it).
"""
