"""Importers for files agencies submit: CSV (UTF-8 or GB18030), XLSX, JSON, JSONL."""
