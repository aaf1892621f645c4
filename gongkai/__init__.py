"""Gongkai (公开): the application — the `gongkai` command line and the server (`gongkai serve`).

The stages it drives live on their own floors (docs/architecture.md): `models`, `store`,
`collectors`, `search_index`, `publish`.
"""

__version__ = "0.1.0"
