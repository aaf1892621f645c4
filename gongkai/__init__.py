"""Gongkai (公开): the application — configuration, the SQLite store, submissions and the CLI."""

__version__ = "0.1.0"
