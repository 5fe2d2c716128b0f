"""
Schemathesis hooks of the contract test (test/api/schemathesis.test.ts): how to generate the
string formats the OpenAPI document names for what a pattern cannot say. A personnummer's
pattern gives its shape; its date, its check digit (Luhn) and "not in the future" are the format
`personnummer` (src/domain/identifiers.ts validates all of it), so a schema-valid value is one
these strategies draw. Loaded through SCHEMATHESIS_HOOKS.
"""
import base64
import json
from datetime import date, datetime

import schemathesis
from hypothesis import strategies as st


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def identity_number(day_offset: int) -> st.SearchStrategy[str]:
    """YYYYMMDD-NNNC with a correct check digit; a samordningsnummer has the day of birth plus 60."""

    @st.composite
    def draw_number(draw) -> str:
        born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
        serial = draw(st.integers(min_value=0, max_value=999))
        day = born.day + day_offset
        nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
        return f"{born.year:04d}{born.month:02d}{day:02d}-{serial:03d}{luhn_check_digit(nine)}"

    return draw_number()


schemathesis.openapi.format("personnummer", identity_number(0))
schemathesis.openapi.format("samordningsnummer", identity_number(60))


@st.composite
def page_cursor(draw) -> str:
    """What a list's `nextCursor` looks like: base64url of [the last item's instant, its id]."""
    at = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2199, 12, 31)))
    item = draw(st.uuids())
    raw = json.dumps([at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), str(item)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


schemathesis.openapi.format("cursor", page_cursor())
