"""The parameter types every route and page shares, so that a value the database cannot hold
is refused with 422 in words before any query runs (never a 500 from an integer overflow).

Row ids are INTEGER columns on both databases: 1 .. 2**31-1, written with the digits 0-9.
Dates are YYYY-MM-DD. Amounts are finite decimals. Page forms send an empty field for "any",
which the ``Page*`` types read as no filter; the JSON routes take the value or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = ["MAX_ID", "AfterId", "Amount", "BeforeId", "FilterDate", "Id", "IdPath",
           "OptionalId", "PageAfterId", "PageBeforeId", "PageId", "single_valued_query"]

#: The largest value of an INTEGER primary key (PostgreSQL ``integer``; SQLite accepts more,
#: but ids are issued in order from 1 and never get near it).
MAX_ID = 2**31 - 1


def _blank_is_none(value: Any) -> Any:
    """A page form's empty field means "no filter"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _digits(value: Any) -> Any:
    # int() would also take " 7", "+7", "7_000" and other scripts' digits.
    if isinstance(value, str) and not _WHOLE_NUMBER.fullmatch(value):
        raise PydanticCustomError("int_parsing",
                                  "Input should be a whole number written with the digits 0-9")
    return value


def _iso_date(value: Any) -> Any:
    # pydantic would also read a Unix time ("1700000000") or a date-time as a date.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be a date written YYYY-MM-DD")
    return value


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,20}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_Blank = BeforeValidator(_blank_is_none)

#: A row id in a request body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
_QueryId = Annotated[Id, BeforeValidator(_digits)]
_QueryAfter = Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(_digits)]
_QueryDate = Annotated[dt.date, BeforeValidator(_iso_date)]
_NEXT_OLDER = "the next page: rows with a smaller id"
_NEXT_NEWER = "the next page: rows with a larger id (0: from the start)"

#: A row id in the URL path.
IdPath = Annotated[_QueryId, Path(description="row id (1 to 2147483647)")]
#: An optional row id filter in the query.
OptionalId = Annotated[_QueryId | None, Query()]
#: "Rows older than this id" (the next page of a newest-first list).
BeforeId = Annotated[_QueryId | None, Query(description=_NEXT_OLDER)]
#: "Rows after this id" (the next page of an oldest-first list); 0 is the start.
AfterId = Annotated[_QueryAfter, Query(description=_NEXT_NEWER)]
#: A date filter, ISO 8601 (YYYY-MM-DD).
FilterDate = Annotated[_QueryDate | None, Query()]
#: Dollars and cents: finite, at most 10 digits before the point and 2 after.
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]

# The same for the pages, whose forms send an empty field for "any".
PageId = Annotated[_QueryId | None, _Blank, Query()]
PageBeforeId = Annotated[_QueryId | None, _Blank, Query(description=_NEXT_OLDER)]
PageAfterId = Annotated[_QueryAfter, BeforeValidator(lambda v: _blank_is_none(v) or 0),
                        Query(description=_NEXT_NEWER)]


def single_valued_query(request: Request) -> None:
    """No query parameter of ours takes a list: one given twice is refused, not half-read."""
    seen: set[str] = set()
    for key, value in request.query_params.multi_items():
        if key in seen:
            raise RequestValidationError([{
                "type": "repeated", "loc": ("query", key), "input": value,
                "msg": "Input should be given once; this parameter is repeated"}])
        seen.add(key)
