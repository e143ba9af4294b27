"""Posting rules as data: what each adjustment does to a claim's balance.

Every CAS amount gets one disposition:

* ``write_off``  - the practice cannot bill it (contractual CO 45, sequestration CO 253 ...)
* ``patient``    - moves to the patient (or the secondary payer): PR deductible, coinsurance ...
* ``keep_open``  - a denial: the balance stays on the payer while someone works it
* ``hold``       - auto-posting stops; the whole claim payment waits for a person

Defaults follow common practice (x12-domain.md 6.2, 6.5, 10.1): PR goes to the patient, the
contractual CO codes are written off, OA 23 (prior payer impact) is written off, a negative CO
amount other than CO 144 (incentive) holds, and so do the CARCs that usually mean money may have
to go back or the payer is still deciding (22 other payer primary, 109 not ours, 129 and B13
previous payment, 133 pending review). Everything else is a denial kept open. An office
changes them with :meth:`PostingRules.from_mapping` (for example a JSON file).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from remittance.errors import RulesError

__all__ = ["DEFAULT_RULES", "Disposition", "PostingRule", "PostingRules", "RulesError",
           "load_posting_rules"]


class Disposition(StrEnum):
    WRITE_OFF = "write_off"
    PATIENT = "patient"
    KEEP_OPEN = "keep_open"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class PostingRule:
    """``group`` and ``reason`` may be ``"*"``; the most specific matching rule wins."""

    group: str
    reason: str
    disposition: Disposition

    @property
    def specificity(self) -> int:
        return (self.group != "*") + 2 * (self.reason != "*")


_CONTRACTUAL = ("45", "42", "59", "94", "104", "131", "144", "A2", "24", "253", "237")
_HOLD = ("22", "109", "129", "133", "B13")


def _default_rules() -> tuple[PostingRule, ...]:
    rules = [PostingRule("PR", "*", Disposition.PATIENT),
             PostingRule("*", "*", Disposition.KEEP_OPEN),
             PostingRule("OA", "23", Disposition.WRITE_OFF)]
    rules += [PostingRule("CO", code, Disposition.WRITE_OFF) for code in _CONTRACTUAL]
    rules += [PostingRule("OA", code, Disposition.WRITE_OFF) for code in ("94", "253")]
    rules += [PostingRule("*", code, Disposition.HOLD) for code in _HOLD]
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class PostingRules:
    rules: tuple[PostingRule, ...] = field(default_factory=_default_rules)
    #: A negative contractual adjustment gives money the contract does not explain: hold it
    #: (OpenEMR warns on these too), except the CARCs listed here (144 incentive).
    hold_negative_contractual: bool = True
    negative_allowed: frozenset[str] = frozenset({"144"})
    #: Hold a claim payment whose lines cannot all be matched to our billed lines.
    hold_unmatched_lines: bool = True
    #: Hold a payment from a payer that is neither the claim's nor on the patient's policies
    #: (a misdirected payment, or coverage the practice does not know about yet).
    hold_unknown_payer: bool = True
    # (group, CARC) -> disposition, filled on use: a large remittance asks about the same few
    # pairs thousands of times. Not compared, not copied by replace().
    _cache: dict[tuple[str, str], Disposition] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def disposition(self, group: str, reason: str, amount: Decimal) -> Disposition:
        if (self.hold_negative_contractual and group == "CO" and amount < 0
                and reason not in self.negative_allowed):
            return Disposition.HOLD
        found = self._cache.get((group, reason))
        if found is None:
            found = self._cache[(group, reason)] = _best_rule(self.rules, group, reason)
        return found

    def with_rule(self, group: str, reason: str, disposition: Disposition | str) -> PostingRules:
        """These rules with one more (later rules of equal specificity win)."""
        rule = PostingRule(group, reason, Disposition(disposition))
        return replace(self, rules=self.rules + (rule,))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: PostingRules | None = None
                     ) -> PostingRules:
        """Read an office's rules, e.g. ``{"rules": [{"group": "CO", "reason": "97",
        "disposition": "write_off"}], "replace_defaults": false}``."""
        start = cls(rules=()) if data.get("replace_defaults") else (base or cls())
        rules = list(start.rules)
        for n, item in enumerate(data.get("rules", ()), 1):
            try:
                rules.append(PostingRule(str(item.get("group", "*")).upper(),
                                         str(item.get("reason", "*")).upper(),
                                         Disposition(item["disposition"])))
            except (KeyError, ValueError, AttributeError) as exc:
                raise RulesError(
                    f"posting rule {n}: needs a group, a reason and a disposition "
                    f"({', '.join(d.value for d in Disposition)}); got {item!r}") from exc
        return cls(rules=tuple(rules),
                   hold_negative_contractual=bool(data.get("hold_negative_contractual",
                                                           start.hold_negative_contractual)),
                   negative_allowed=frozenset(data.get("negative_allowed",
                                                       start.negative_allowed)),
                   hold_unmatched_lines=bool(data.get("hold_unmatched_lines",
                                                      start.hold_unmatched_lines)),
                   hold_unknown_payer=bool(data.get("hold_unknown_payer",
                                                    start.hold_unknown_payer)))


def _best_rule(rules: tuple[PostingRule, ...], group: str, reason: str) -> Disposition:
    best: PostingRule | None = None
    for rule in rules:
        if rule.group in ("*", group) and rule.reason in ("*", reason):
            if best is None or rule.specificity >= best.specificity:
                best = rule
    return best.disposition if best else Disposition.KEEP_OPEN


DEFAULT_RULES = PostingRules()


def load_posting_rules(path: Path | str | None) -> PostingRules:
    """The office's rules from a JSON file (see :meth:`PostingRules.from_mapping`), or the
    defaults when ``path`` is empty."""
    if not path:
        return DEFAULT_RULES
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RulesError(f"{path}: cannot read the posting rules: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: the posting rules must be a JSON object")
    return PostingRules.from_mapping(data)
