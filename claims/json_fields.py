"""Reading typed fields out of claim JSON, each error naming the JSON path it came from.

:class:`Fields` wraps one JSON object and its path (``lines[2]``); every accessor checks the
type and raises :class:`ClaimInputError` with a message such as
``lines[2].charge: "12.x" is not an amount``. Unknown keys are refused so that a misspelt
field is reported instead of silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["ClaimInputError", "Fields"]


class ClaimInputError(ValueError):
    """Claim JSON that cannot become a claim; ``path`` is the JSON field path."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


_CENT = Decimal("0.01")
_THOUSANDTH = Decimal("0.001")


def _quantized(number: Decimal, step: Decimal) -> Decimal | None:
    """``number`` rounded to ``step``, or None when it has too many digits to round
    (quantize raises InvalidOperation past the context precision, as "1E400" does)."""
    try:
        return number.quantize(step)
    except InvalidOperation:
        return None


def _show(value: object) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Fields:
    """One JSON object at ``path``; ``allowed`` lists the keys it may carry."""

    def __init__(self, data: object, path: str, allowed: frozenset[str]) -> None:
        if not isinstance(data, Mapping):
            raise ClaimInputError(path or "claim", f"expected an object, got {_show(data)}")
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise ClaimInputError(self._join(path, unknown[0]), "is not a known field")
        self.data = data
        self.path = path

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def at(self, key: str) -> str:
        return self._join(self.path, key)

    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, default: str | None = "", *, max_len: int = 60,
             upper: bool = False) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if default is None:
                raise ClaimInputError(self.at(key), "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ClaimInputError(self.at(key), f"{_show(value)} is not text")
        text = str(value).strip()
        if len(text) > max_len:
            raise ClaimInputError(self.at(key), f"{_show(text)} is longer than {max_len}")
        return text.upper() if upper else text

    def amount(self, key: str, default: Decimal | None = None, *,
               required: bool = False) -> Decimal | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise ClaimInputError(self.at(key), "is required")
            return default
        if isinstance(value, bool):
            raise ClaimInputError(self.at(key), f"{_show(value)} is not an amount")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ClaimInputError(self.at(key), f"{_show(value)} is not an amount") from None
        if not number.is_finite():
            raise ClaimInputError(self.at(key), f"{_show(value)} is not an amount")
        cents = _quantized(number, _CENT)
        if cents is None:
            raise ClaimInputError(self.at(key), f"{_show(value)} is too large for an amount")
        if number != cents:
            raise ClaimInputError(self.at(key), f"{_show(value)} has more than 2 decimals")
        return cents

    def quantity(self, key: str, default: Decimal | None = None) -> Decimal | None:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ClaimInputError(self.at(key), f"{_show(value)} is not a number") from None
        if isinstance(value, bool) or not number.is_finite():
            raise ClaimInputError(self.at(key), f"{_show(value)} is not a number")
        rounded = _quantized(number, _THOUSANDTH)
        if rounded is None:
            raise ClaimInputError(self.at(key), f"{_show(value)} is too large for a quantity")
        if number != rounded:
            raise ClaimInputError(self.at(key), f"{_show(value)} has more than 3 decimals")
        return number

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise ClaimInputError(self.at(key), "is required")
            return None
        if not isinstance(value, str):
            raise ClaimInputError(self.at(key), f"{_show(value)} is not a date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ClaimInputError(self.at(key),
                                  f"{_show(value)} is not a date (YYYY-MM-DD)") from None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ClaimInputError(self.at(key), f"{_show(value)} is not true or false")
        return value

    def items(self, key: str, *, max_items: int | None = None) -> list[tuple[str, Any]]:
        """The list at ``key`` as (path, item) pairs; an absent list is empty."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ClaimInputError(self.at(key), f"expected a list, got {_show(value)}")
        if max_items is not None and len(value) > max_items:
            raise ClaimInputError(self.at(key), f"holds {len(value)} entries; at most "
                                                f"{max_items} are accepted")
        return [(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]

    def texts(self, key: str, *, max_items: int, max_len: int = 10) -> tuple[str, ...]:
        out = []
        for path, item in self.items(key, max_items=max_items):
            if not isinstance(item, str) or not item.strip():
                raise ClaimInputError(path, f"{_show(item)} is not a code")
            if len(item.strip()) > max_len:
                raise ClaimInputError(path, f"{_show(item)} is longer than {max_len}")
            out.append(item.strip().upper())
        return tuple(out)

    def child(self, key: str, allowed: frozenset[str]) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        return Fields(value, self.at(key), allowed)
