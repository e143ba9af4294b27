"""Segments shared by the 837P and 837I builders: names, addresses, demographics, amounts.

Free text is cleaned of the interchange's delimiter characters (a ``*`` in a street name would
split the element) and cut to the TR3 maximum length of its element.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from claims.model import Address, Person, Provider
from edi.x12 import DEFAULT_DELIMITERS, Segment

__all__ = ["seg", "clean", "amount", "quantity", "d8", "rd8", "provider_name",
           "address_segments", "person_name", "demographics", "taxonomy"]

_DELIMITERS = str.maketrans({"*": " ", ":": " ", "^": " ", "~": " ", "\n": " ", "\r": " "})
_COMPONENT = DEFAULT_DELIMITERS.component
_new = tuple.__new__


def seg(tag: str, *values: str | None | tuple[str, ...] | list[str]) -> Segment:
    """A segment in the default delimiters, as ``edi.x12.make_segment`` builds it.

    The same rules (None is empty, a sequence is a composite with trailing empty components
    dropped, trailing empty elements dropped) with exact type checks instead of isinstance:
    the builder makes about 30 segments per claim and this is its innermost call
    (bench/bench_claims.py).
    """
    out = []
    for value in values:
        kind = type(value)
        if kind is str:
            out.append(value)
        elif value is None:
            out.append("")
        else:
            parts = list(value)
            while parts and not parts[-1]:
                parts.pop()
            out.append(_COMPONENT.join(parts))
    while out and not out[-1]:
        out.pop()
    return _new(Segment, (tag, tuple(out), DEFAULT_DELIMITERS, 0))


@lru_cache(maxsize=65536)
def clean(text: str, max_len: int = 60) -> str:
    """Free text without delimiter characters or runs of spaces, cut to ``max_len``.

    Cached: names, addresses and payer ids repeat across a batch of claims.
    """
    return " ".join(text.translate(_DELIMITERS).split())[:max_len]


@lru_cache(maxsize=16384)
def amount(value: Decimal) -> str:
    """An X12 R (decimal) amount: no trailing zeros beyond what the value needs ("100", "12.5")."""
    text = f"{value:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@lru_cache(maxsize=16384)
def quantity(value: Decimal) -> str:
    """A quantity without trailing zeros ("1", "1.5")."""
    return format(value.normalize(), "f")


@lru_cache(maxsize=16384)
def d8(date: dt.date) -> str:
    return f"{date.year:04d}{date.month:02d}{date.day:02d}"


def rd8(start: dt.date, end: dt.date) -> str:
    return f"{d8(start)}-{d8(end)}"


@lru_cache(maxsize=4096)
def provider_name(entity: str, provider: Provider) -> Segment:
    """NM1 for a provider: NM102 1 person / 2 organization, NM108 XX with the NPI."""
    if provider.organization:
        return seg("NM1", entity, "2", clean(provider.last_name), None, None, None,
                            None, "XX", provider.npi)
    return seg("NM1", entity, "1", clean(provider.last_name), clean(provider.first_name,
                                                                             35),
                        clean(provider.middle_name, 25), None, None, "XX", provider.npi)


@lru_cache(maxsize=4096)
def address_segments(address: Address) -> tuple[Segment, ...]:
    """N3 and N4; N407 country subdivision is never sent, N404 only outside the US."""
    n3 = seg("N3", clean(address.line1, 55), clean(address.line2, 55) or None)
    country = address.country if address.country not in ("", "US", "USA") else None
    n4 = seg("N4", clean(address.city, 30), address.state or None,
                      address.postal_code or None, country)
    return n3, n4


def person_name(entity: str, person: Person, id_qualifier: str = "",
                identifier: str = "") -> Segment:
    return seg("NM1", entity, "1", clean(person.last_name),
                        clean(person.first_name, 35), clean(person.middle_name, 25), None,
                        clean(person.suffix, 10), id_qualifier or None, identifier or None)


def demographics(person: Person) -> Segment | None:
    """DMG*D8*birth date*sex (TR3 2010BA/2010CA)."""
    if person.birth_date is None:
        return None
    return seg("DMG", "D8", d8(person.birth_date), person.sex.value)


@lru_cache(maxsize=1024)
def taxonomy(qualifier: str, code: str) -> Segment | None:
    """PRV*BI|PE|AT*PXC*code: the provider's NUCC taxonomy."""
    return seg("PRV", qualifier, "PXC", code) if code else None
