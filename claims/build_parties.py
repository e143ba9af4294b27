"""Segments shared by the 837P and 837I builders: names, addresses, demographics, amounts.

Free text is cleaned of the interchange's delimiter characters (a ``*`` in a street name would
split the element) and cut to the TR3 maximum length of its element.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from claims.model import Address, Person, Provider
from edi.x12 import Segment, make_segment

__all__ = ["clean", "amount", "quantity", "d8", "rd8", "provider_name", "address_segments",
           "person_name", "demographics", "taxonomy"]

_DELIMITERS = str.maketrans({"*": " ", ":": " ", "^": " ", "~": " ", "\n": " ", "\r": " "})


def clean(text: str, max_len: int = 60) -> str:
    return " ".join(text.translate(_DELIMITERS).split())[:max_len]


def amount(value: Decimal) -> str:
    """An X12 R (decimal) amount: no trailing zeros beyond what the value needs ("100", "12.5")."""
    text = f"{value:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def d8(date: dt.date) -> str:
    return date.strftime("%Y%m%d")


def rd8(start: dt.date, end: dt.date) -> str:
    return f"{d8(start)}-{d8(end)}"


def provider_name(entity: str, provider: Provider) -> Segment:
    """NM1 for a provider: NM102 1 person / 2 organization, NM108 XX with the NPI."""
    if provider.organization:
        return make_segment("NM1", entity, "2", clean(provider.last_name), None, None, None,
                            None, "XX", provider.npi)
    return make_segment("NM1", entity, "1", clean(provider.last_name), clean(provider.first_name,
                                                                             35),
                        clean(provider.middle_name, 25), None, None, "XX", provider.npi)


def address_segments(address: Address) -> list[Segment]:
    """N3 and N4; N407 country subdivision is never sent, N404 only outside the US."""
    n3 = make_segment("N3", clean(address.line1, 55), clean(address.line2, 55) or None)
    country = address.country if address.country not in ("", "US", "USA") else None
    n4 = make_segment("N4", clean(address.city, 30), address.state or None,
                      address.postal_code or None, country)
    return [n3, n4]


def person_name(entity: str, person: Person, id_qualifier: str = "",
                identifier: str = "") -> Segment:
    return make_segment("NM1", entity, "1", clean(person.last_name),
                        clean(person.first_name, 35), clean(person.middle_name, 25), None,
                        clean(person.suffix, 10), id_qualifier or None, identifier or None)


def demographics(person: Person) -> Segment | None:
    """DMG*D8*birth date*sex (TR3 2010BA/2010CA)."""
    if person.birth_date is None:
        return None
    return make_segment("DMG", "D8", d8(person.birth_date), person.sex.value)


def taxonomy(qualifier: str, code: str) -> Segment | None:
    """PRV*BI|PE|AT*PXC*code: the provider's NUCC taxonomy."""
    return make_segment("PRV", qualifier, "PXC", code) if code else None
