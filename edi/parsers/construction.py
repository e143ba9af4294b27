"""What every typed reader builds its values with: positional constructors of frozen values,
and the CCYYMMDD date reader.

Shared by the 835, 837, 999 and 277CA readers (one place, one behaviour); pure functions of
their arguments, nothing read from files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import fields
from types import MemberDescriptorType
from typing import TypeVar

__all__ = ["ccyymmdd", "positional"]

_V = TypeVar("_V")


def ccyymmdd(text: str) -> dt.date | None:
    """A CCYYMMDD date element (DTM02, BPR16, TS303, PLB02), or None when it does not read."""
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            # Eight ASCII digits read only as the ISO basic form CCYYMMDD (Python 3.11+).
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def positional(cls: type[_V]) -> Callable[..., _V]:
    """A constructor of the frozen, slotted dataclass ``cls`` taking every field, in order.

    For the readers of large files, where the dataclass ``__init__`` of a frozen class sets
    each field through ``object.__setattr__`` (most of the time of building a value). The
    value is the same, and ``__init__`` does no checks this skips; the classes here have no
    ``__post_init__``.

    The fields are stored into an instance of a plain class with the same slots, whose
    ``__class__`` is then set to ``cls``: Python allows that between classes of one layout
    (same slots, same base), and a plain attribute store is several times cheaper than
    calling a slot's descriptor. A class this does not hold for (a base of its own, a
    ``__dict__``, other slots) gets each field set through its slot's descriptor, or
    ``object.__setattr__`` for one kept in a ``__dict__``.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    # Our own names start with an underscore, so no field name can hide them.
    assert not any(name.startswith("_") for name in names), names
    twin = _same_layout(cls, names)
    scope: dict[str, object] = {"_new": object.__new__, "_cls": cls, "_twin": twin}
    if twin is not None:
        lines = [f"def build({', '.join(names)}):", "    _made = _new(_twin)"]
        lines += [f"    _made.{name} = {name}" for name in names]
        lines.append("    _made.__class__ = _cls")
    else:
        lines = [f"def build({', '.join(names)}):", "    _made = _new(_cls)"]
        for i, name in enumerate(names):
            slot = getattr(cls, name, None)
            if isinstance(slot, MemberDescriptorType):
                scope[f"_set{i}"] = slot.__set__
                lines.append(f"    _set{i}(_made, {name})")
            else:                       # a field kept in the instance's __dict__
                scope[f"_set{i}"] = object.__setattr__
                lines.append(f"    _set{i}(_made, {name!r}, {name})")
    lines.append("    return _made")
    exec("\n".join(lines), scope)  # noqa: S102 - the text is made of field names only
    build = scope["build"]
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"  # type: ignore[attr-defined]
    return build  # type: ignore[return-value]


def _same_layout(cls: type, names: list[str]) -> type | None:
    """A plain class whose instances can become ``cls`` instances, or None."""
    if cls.__bases__ != (object,) or getattr(cls, "__slots__", None) != tuple(names):
        return None
    twin = type(f"_{cls.__name__}Fields", (), {"__slots__": tuple(names)})
    try:
        object.__new__(twin).__class__ = cls
    except TypeError:
        return None
    return twin
