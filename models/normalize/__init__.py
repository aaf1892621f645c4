"""Total parsers and normalizers for the raw values of Chinese disclosures.

Every ``parse_*``/``lookup_*``/``normalize_*`` function returns a :class:`Parsed`
``(value, error, flags)`` and never raises. See ``../shared/reference/source-formats.md``
§8 (identifiers) and §9 (formats) for the real-world inputs each one handles.
"""

from models.normalize.amounts import fen_to_yuan, format_yuan, parse_amount, to_fen, yuan_sql, yuan_to_fen
from models.normalize.areas import parse_area
from models.normalize.base import Parsed
from models.normalize.dates import CST, parse_date, parse_datetime
from models.normalize.numbers import (
    canonical_decimal,
    chinese_numeral_to_int,
    parse_decimal,
    parse_duration_days,
    parse_int,
    parse_percent,
    parse_term_years,
)
from models.normalize.regions import Region, children, lookup_region, provinces, region_by_code
from models.normalize.text import clean_line, clean_text, fold_width, is_placeholder, match_key
from models.normalize.uscc import normalize_uscc, org_code_check_char, uscc_check_char

__all__ = [
    "CST",
    "Parsed",
    "Region",
    "canonical_decimal",
    "children",
    "chinese_numeral_to_int",
    "clean_line",
    "clean_text",
    "fen_to_yuan",
    "fold_width",
    "format_yuan",
    "is_placeholder",
    "lookup_region",
    "match_key",
    "normalize_uscc",
    "org_code_check_char",
    "parse_amount",
    "parse_area",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_duration_days",
    "parse_int",
    "parse_percent",
    "parse_term_years",
    "provinces",
    "region_by_code",
    "to_fen",
    "uscc_check_char",
    "yuan_sql",
    "yuan_to_fen",
]
