"""The parameter types every route and page shares, so that a value the database cannot hold
is refused with 422 in words before any query runs (never a 500 from an integer overflow).

Row ids are INTEGER columns on both databases: 1 .. 2**31-1. Page forms send an empty field for
"any", which the ``Optional*`` query types read as no filter. Amounts are finite decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

__all__ = ["MAX_ID", "AfterId", "Amount", "BeforeId", "FilterDate", "Id", "IdPath",
           "OptionalAmount", "OptionalId", "OptionalIdBody"]

#: The largest value of an INTEGER primary key (PostgreSQL ``integer``; SQLite accepts more,
#: but ids are issued in order from 1 and never get near it).
MAX_ID = 2**31 - 1


def _blank_is_none(value: Any) -> Any:
    """A page form's empty field means "no filter"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


#: A row id in a request body or a query.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A row id in the URL path.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="row id (1 to 2147483647)")]
#: An optional row id in a request body.
OptionalIdBody = Id | None
#: An optional row id filter in the query; an empty form field means no filter.
OptionalId = Annotated[Id | None, BeforeValidator(_blank_is_none), Query()]
#: "Rows older than this id" (the next page of a newest-first list).
BeforeId = Annotated[Id | None, BeforeValidator(_blank_is_none),
                     Query(description="the next page: rows with a smaller id")]
#: "Rows after this id" (the next page of an oldest-first list); 0 is the start.
AfterId = Annotated[Annotated[int, Field(ge=0, le=MAX_ID)],
                    BeforeValidator(lambda v: _blank_is_none(v) or 0),
                    Query(description="the next page: rows with a larger id")]
#: A date filter; an empty form field means no filter. ISO 8601 (YYYY-MM-DD).
FilterDate = Annotated[dt.date | None, BeforeValidator(_blank_is_none), Query()]
#: Dollars and cents: finite, at most 10 digits before the point and 2 after.
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]
#: An amount filter in the query; an empty form field means none.
OptionalAmount = Annotated[Amount | None, BeforeValidator(_blank_is_none), Query()]
