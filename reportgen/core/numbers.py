"""Numbers in a measure's unit: read as typed ("59.0%", "£1,915,500") and printed the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_PLAIN = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")
MAX_DIGITS = 15
_SYMBOL = {"percent": "%", "currency": "£"}


@dataclass(frozen=True)
class Quantity:
    """A number with the decimals it was typed with, so 92.0 prints as 92.0."""

    value: Decimal
    decimals: int

    def __float__(self) -> float:
        return float(self.value)


def parse(text: str, unit: str) -> Quantity:
    """Return the quantity typed in `text`, or raise ValueError saying what would be right."""
    raw = text.strip()
    body = raw
    if unit == "percent" and body.endswith("%"):
        body = body[:-1].rstrip()
    sign = ""
    if body[:1] in "+-" and body[:1]:
        sign, body = body[:1], body[1:]
    if unit == "currency" and body.startswith("£"):
        body = body[1:]
    body = sign + body
    if not _PLAIN.fullmatch(body):
        raise ValueError(_why_not(raw, unit))
    if sum(c.isdigit() for c in body) > MAX_DIGITS:  # beyond this, charts would round to inf
        raise ValueError(f"'{raw[:20]}...' has more than {MAX_DIGITS} digits: check the number")
    number = Decimal(body.replace(",", ""))
    decimals = len(body.partition(".")[2])
    if unit == "count" and (decimals or number < 0):
        raise ValueError(f"'{raw}' is not a count: a count is a whole number, 0 or more")
    return Quantity(number, decimals)


def _why_not(raw: str, unit: str) -> str:
    lowered = raw.lower().lstrip("+-.")
    if lowered in ("nan", "inf", "infinity"):
        return f"'{raw}' is not a finite number"
    for u, symbol in _SYMBOL.items():
        if symbol in raw and unit != u:
            return f"'{raw}' has a {symbol} sign, but this measure's unit is {unit}"
    if re.fullmatch(r"[+-]?[\d,]*\d,\d{1,2}", raw.lstrip("£").rstrip("%")):
        return (f"'{raw}' is ambiguous: use '.' for decimals and ',' only between groups of "
                "three digits")
    if re.search(r"\d[eE][+-]?\d", raw):
        return f"'{raw}' is in scientific notation; write the number in full"
    if re.search(r"\d\s*[kmbKMB](n)?$", raw):
        return f"'{raw}' uses a multiplier; write the number in full, e.g. 7,700,000"
    example = {"percent": "59.0%", "currency": "£1,915,500", "count": "2,543"}.get(unit, "0.17")
    return (f"'{raw}' is not a number; write a {unit} such as {example}, "
            "or leave it out when there is no data yet")


def format(quantity: Quantity | None, unit: str) -> str:
    """Return the quantity as the report prints it; empty when there is none."""
    if quantity is None:
        return ""
    digits = f"{abs(quantity.value):,.{quantity.decimals}f}"
    sign = "-" if quantity.value < 0 else ""
    if unit == "percent":
        return f"{sign}{digits}%"
    if unit == "currency":
        return f"{sign}£{digits}"
    return f"{sign}{digits}"
