"""Acknowledgment code tables: the X12 values of TA1, IK3, IK4, IK5 and AK9, with their meaning.

Values are the X12 codes themselves (005010 data elements I17, I18, 620, 621, 717, 618, 715,
716), so a value read from a 999 or TA1 is looked up directly: ``SegmentError("8")``. Each
table has a ``describe`` that gives the meaning in words, and a fallback for codes a partner
sends that are not in this release.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AckCode",
    "InterchangeNote",
    "SegmentError",
    "ElementError",
    "TransactionError",
    "GroupError",
    "describe",
]


class AckCode(StrEnum):
    """IK501 / AK901 / TA104: the verdict on a set, group or interchange."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"          # AK901 only: at least one set rejected
    REJECTED = "R"
    REJECTED_MESSAGE_AUTHENTICATION = "M"
    REJECTED_ASSURANCE = "W"
    REJECTED_CONTENT_DECRYPTION = "X"

    @property
    def accepted(self) -> bool:
        return self in (AckCode.ACCEPTED, AckCode.ACCEPTED_WITH_ERRORS)


class InterchangeNote(StrEnum):
    """TA105 interchange note code (data element I18)."""

    NO_ERROR = "000"
    CONTROL_NUMBER_MISMATCH = "001"
    STANDARD_NOT_SUPPORTED = "002"
    VERSION_NOT_SUPPORTED = "003"
    INVALID_SEGMENT_TERMINATOR = "004"
    INVALID_SENDER_QUALIFIER = "005"
    INVALID_SENDER_ID = "006"
    INVALID_RECEIVER_QUALIFIER = "007"
    INVALID_RECEIVER_ID = "008"
    UNKNOWN_RECEIVER = "009"
    INVALID_AUTHORIZATION_QUALIFIER = "010"
    INVALID_AUTHORIZATION = "011"
    INVALID_SECURITY_QUALIFIER = "012"
    INVALID_SECURITY = "013"
    INVALID_DATE = "014"
    INVALID_TIME = "015"
    INVALID_STANDARDS_IDENTIFIER = "016"
    INVALID_VERSION = "017"
    INVALID_CONTROL_NUMBER = "018"
    INVALID_ACK_REQUESTED = "019"
    INVALID_USAGE = "020"
    INVALID_GROUP_COUNT = "021"
    INVALID_CONTROL_STRUCTURE = "022"
    PREMATURE_END = "023"
    INVALID_CONTENT = "024"
    DUPLICATE_CONTROL_NUMBER = "025"
    INVALID_ELEMENT_SEPARATOR = "026"
    INVALID_COMPONENT_SEPARATOR = "027"
    INVALID_DELIVERY_DATE = "028"
    INVALID_DELIVERY_TIME = "029"
    INVALID_DELIVERY_TIME_CODE = "030"
    INVALID_GRADE_OF_SERVICE = "031"


class SegmentError(StrEnum):
    """IK304 implementation segment syntax error code (data element 620)."""

    UNRECOGNIZED_SEGMENT = "1"
    UNEXPECTED_SEGMENT = "2"
    REQUIRED_SEGMENT_MISSING = "3"
    LOOP_OVER_MAXIMUM = "4"
    SEGMENT_OVER_MAXIMUM_USE = "5"
    SEGMENT_NOT_IN_SET = "6"
    SEGMENT_OUT_OF_SEQUENCE = "7"
    SEGMENT_HAS_ELEMENT_ERRORS = "8"
    NOT_USED_SEGMENT_PRESENT = "I4"
    DEPENDENT_SEGMENT_MISSING = "I6"
    LOOP_UNDER_MINIMUM = "I7"
    SEGMENT_UNDER_MINIMUM_USE = "I8"
    DEPENDENT_NOT_USED_SEGMENT_PRESENT = "I9"


class ElementError(StrEnum):
    """IK403 implementation data element syntax error code (data element 621)."""

    REQUIRED_ELEMENT_MISSING = "1"
    CONDITIONAL_ELEMENT_MISSING = "2"
    TOO_MANY_ELEMENTS = "3"
    TOO_SHORT = "4"
    TOO_LONG = "5"
    INVALID_CHARACTER = "6"
    INVALID_CODE = "7"
    INVALID_DATE = "8"
    INVALID_TIME = "9"
    EXCLUSION_VIOLATED = "10"
    TOO_MANY_REPETITIONS = "12"
    TOO_MANY_COMPONENTS = "13"
    CODE_NOT_USED_IN_IMPLEMENTATION = "I6"
    DEPENDENT_ELEMENT_MISSING = "I9"
    NOT_USED_ELEMENT_PRESENT = "I10"
    TOO_FEW_REPETITIONS = "I11"
    PATTERN_MISMATCH = "I12"
    DEPENDENT_NOT_USED_ELEMENT_PRESENT = "I13"


class TransactionError(StrEnum):
    """IK502..IK506 implementation transaction set syntax error code (data element 618)."""

    NOT_SUPPORTED = "1"
    TRAILER_MISSING = "2"
    CONTROL_NUMBER_MISMATCH = "3"
    SEGMENT_COUNT_WRONG = "4"
    SEGMENTS_IN_ERROR = "5"
    INVALID_SET_ID = "6"
    INVALID_CONTROL_NUMBER = "7"
    AUTHENTICATION_KEY_MISSING = "8"
    ASSURANCE_MISSING = "9"
    SET_NOT_IN_GROUP = "18"
    INVALID_IMPLEMENTATION_REFERENCE = "19"
    DUPLICATE_CONTROL_NUMBER = "23"
    IMPLEMENTATION_SEGMENTS_IN_ERROR = "I5"
    IMPLEMENTATION_NOT_SUPPORTED = "I6"


class GroupError(StrEnum):
    """AK905..AK909 functional group syntax error code (data element 716)."""

    NOT_SUPPORTED = "1"
    VERSION_NOT_SUPPORTED = "2"
    TRAILER_MISSING = "3"
    CONTROL_NUMBER_MISMATCH = "4"
    SET_COUNT_WRONG = "5"
    INVALID_CONTROL_NUMBER = "6"
    DUPLICATE_CONTROL_NUMBER = "19"


_MEANING: dict[type[StrEnum], dict[str, str]] = {
    AckCode: {
        "A": "accepted", "E": "accepted, but errors were noted", "P": "partially accepted: "
        "at least one transaction set was rejected", "R": "rejected",
        "M": "rejected: message authentication code failed",
        "W": "rejected: assurance failed validity tests",
        "X": "rejected: content could not be decrypted",
    },
    InterchangeNote: {
        "000": "no error", "001": "the ISA13 and IEA02 control numbers do not match",
        "002": "this control standard is not supported",
        "003": "this version of the controls is not supported",
        "004": "the segment terminator is invalid",
        "005": "the sender ID qualifier (ISA05) is invalid",
        "006": "the sender ID (ISA06) is invalid",
        "007": "the receiver ID qualifier (ISA07) is invalid",
        "008": "the receiver ID (ISA08) is invalid", "009": "the receiver ID is unknown",
        "010": "the authorization qualifier (ISA01) is invalid",
        "011": "the authorization information (ISA02) is invalid",
        "012": "the security qualifier (ISA03) is invalid",
        "013": "the security information (ISA04) is invalid",
        "014": "the interchange date (ISA09) is invalid",
        "015": "the interchange time (ISA10) is invalid",
        "016": "the standards identifier is invalid",
        "017": "the interchange version (ISA12) is invalid",
        "018": "the interchange control number (ISA13) is invalid",
        "019": "the acknowledgment requested flag (ISA14) is invalid",
        "020": "the usage indicator (ISA15) is invalid",
        "021": "the number of functional groups in IEA01 is wrong",
        "022": "the control structure is invalid", "023": "the file ended too early",
        "024": "the interchange content is invalid",
        "025": "the interchange control number was already received",
        "026": "the data element separator is invalid",
        "027": "the component element separator is invalid",
        "028": "the delivery date is invalid", "029": "the delivery time is invalid",
        "030": "the delivery time code is invalid", "031": "the grade of service is invalid",
    },
    SegmentError: {
        "1": "the segment ID is not recognized", "2": "the segment is not expected here",
        "3": "a required segment is missing",
        "4": "the loop occurs more times than allowed",
        "5": "the segment occurs more times than allowed",
        "6": "the segment is not defined in this transaction set",
        "7": "the segment is out of order", "8": "the segment has data element errors",
        "I4": "the segment is not used in this implementation",
        "I6": "a segment required by a situational rule is missing",
        "I7": "the loop occurs fewer times than required",
        "I8": "the segment occurs fewer times than required",
        "I9": "the segment must not be sent in this situation",
    },
    ElementError: {
        "1": "a required data element is missing",
        "2": "a conditionally required data element is missing",
        "3": "there are too many data elements", "4": "the value is too short",
        "5": "the value is too long", "6": "the value has an invalid character",
        "7": "the code is not valid", "8": "the date is not valid",
        "9": "the time is not valid", "10": "an exclusion rule is violated",
        "12": "the element repeats too many times",
        "13": "the composite has too many components",
        "I6": "the code is not used in this implementation",
        "I9": "a data element required by a situational rule is missing",
        "I10": "the data element is not used in this implementation",
        "I11": "the element repeats fewer times than required",
        "I12": "the value does not match the required pattern",
        "I13": "the data element must not be sent in this situation",
    },
    TransactionError: {
        "1": "this transaction set is not supported",
        "2": "the transaction set trailer (SE) is missing",
        "3": "the ST02 and SE02 control numbers do not match",
        "4": "the segment count in SE01 is wrong",
        "5": "one or more segments are in error",
        "6": "the transaction set identifier is missing or invalid",
        "7": "the transaction set control number is missing or invalid",
        "8": "the authentication key name is unknown", "9": "the encryption key is unknown",
        "18": "the transaction set is not inside a functional group",
        "19": "the implementation convention reference (ST03) is invalid",
        "23": "the transaction set control number is not unique in the group",
        "I5": "one or more segments are in error (implementation)",
        "I6": "the implementation convention is not supported",
    },
    GroupError: {
        "1": "this functional group is not supported",
        "2": "this functional group version is not supported",
        "3": "the functional group trailer (GE) is missing",
        "4": "the GS06 and GE02 control numbers do not match",
        "5": "the number of transaction sets in GE01 is wrong",
        "6": "the group control number is invalid",
        "19": "the group control number is not unique in the interchange",
    },
}


def describe(table: type[StrEnum], code: str) -> str:
    """The meaning of ``code`` in ``table`` in words; codes outside this release are named."""
    meaning = _MEANING.get(table, {}).get(code)
    if meaning is None:
        return f"code {code!r} (not in the 005010 list of {table.__name__})"
    return meaning
