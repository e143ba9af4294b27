"""The scrubber's rule table: what a payer or clearinghouse would reject, in plain words.

Each rule has an id, a severity (ERROR: the claim would be rejected, so ``claims build`` refuses
it; WARNING: it may be denied or questioned; INFO: something the scrubber could not check),
the claim field it points at, and a message with the fix. Messages are templates filled with
the values found on the claim. The rules cite the TR3 section or edit they come from in
``source``; docs/claim-json.md lists them for billing staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from edi.x12.defects import Severity

__all__ = ["Rule", "Finding", "RULES", "finding"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on a claim: the rule, how bad, the JSON field path, and what to do."""

    rule_id: str
    severity: Severity
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value.upper()} {self.rule_id} {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    field: str          # the claim field (JSON path pattern) the rule points at
    message: str        # template; {placeholders} are filled by the check
    source: str


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO   # N: notice (INFO)

_TABLE = (
    # Code sets (SNIP 5; x12-domain 9)
    Rule("CS001", N, "claim", "Checked by format only, no code file is configured: {lists}. Set "
         "the CLAIMHOUSE_*_CODES_PATH settings to check codes against the lists.", "codesets.md"),
    Rule("CS002", N, "diagnoses", "Dates of service {dates} are outside the ICD-10-CM edition "
         "loaded ({edition}); codes were checked against that edition, confirm them against "
         "the edition in effect.", "x12-domain 9.1"),
    Rule("DX001", E, "diagnoses", "The claim has no diagnosis. Add the principal ICD-10-CM "
         "code.", "TR3 2300 HI (required)"),
    Rule("DX002", E, "diagnoses[{i}]", '"{code}" is not an ICD-10-CM code. Check it for '
         "typing errors (letter O versus zero, I versus one).", "x12-domain 9.1"),
    Rule("DX003", E, "diagnoses[{i}]", '"{code}" is a category heading, not a billable code. '
         "Pick the more specific code below it (more characters).", "x12-domain 9.1"),
    Rule("DX004", E, "diagnoses", "The claim has {count} diagnoses; {kind} claims carry at "
         "most {limit}. Split the claim or keep the {limit} the services were for.",
         "TR3 2300 HI"),
    Rule("DX005", W, "diagnoses[{i}]", '"{code}" is listed twice; remove the repeat and fix '
         "the pointers.", "payer edit"),
    Rule("DX006", E, "diagnoses[{i}]", '"{code}" ({why}) does not fit a patient recorded as '
         "{sex}. Check the patient's sex or the code.", "ICD-10-CM chapters; dx_edits"),
    Rule("DX007", W, "diagnoses[{i}]", '"{code}" ({why}) is unusual for a patient aged '
         "{age}. Check the birth date or the code.", "ICD-10-CM chapters; dx_edits"),
    Rule("DX008", E, "diagnoses[{i}]", '"{code}" ({why}) cannot apply to a patient aged '
         "{age}. Check the birth date or the code.", "ICD-10-CM chapters; dx_edits"),
    # Service lines (TR3 2400; x12-domain 3.4, 9.3, 9.4)
    Rule("LN001", E, "lines", "The claim has {count} service lines; {kind} claims carry at "
         "most {limit}. Split it into several claims.", "TR3 2400 repeat"),
    Rule("LN002", E, "lines[{i}].procedure_code", '"{code}" is not a CPT or HCPCS code '
         "(5 digits, 4 digits and F, M, T or U, or a letter A-V and 4 digits).", "x12-domain 9.3-9.4"),
    Rule("LN003", E, "lines[{i}].procedure_code", '"{code}" is not in the {list} code list '
         "configured; it may be deleted or mistyped.", "x12-domain 9.3-9.4"),
    Rule("LN004", E, "lines[{i}].modifiers[{m}]", 'Modifier "{code}" is not two letters or '
         "digits.", "TR3 SV101-3..6"),
    Rule("LN018", E, "lines[{i}].modifiers[{m}]", 'Modifier "{code}" is not a {list} '
         "modifier; check it against the payer's modifier list.", "TR3 SV101-3..6; HCPCS"),
    Rule("LN005", E, "lines[{i}].diagnosis_pointers", "Pointer {pointer} points at no "
         "diagnosis: the claim lists {count}. Point the line at a listed diagnosis.",
         "TR3 SV107"),
    Rule("LN006", E, "lines[{i}].diagnosis_pointers", "The line points at no diagnosis. Add "
         "the diagnosis that justifies the service (1 to 4 pointers).", "TR3 SV107 (required)"),
    Rule("LN007", E, "lines[{i}].charge", "The line charge {amount} is not positive. Enter the "
         "amount billed for the service.", "Stedi negative/zero charge edits"),
    Rule("LN008", E, "lines[{i}].units", "Units {units} must be more than zero (at most 3 "
         "decimals).", "TR3 SV104"),
    Rule("LN009", E, "lines[{i}].service_date", "The line has no date of service. Enter the "
         "date the service was performed.", "TR3 2400 DTP*472 (required on 837P)"),
    Rule("LN010", E, "lines[{i}].line_control_number", 'Line control number "{value}" is '
         "used on another line of this claim; each line needs its own.", "TR3 2400 REF*6R"),
    Rule("LN011", E, "lines[{i}].ndc", 'NDC "{value}" is not 11 digits (5-4-2). Enter the '
         "11-digit NDC with leading zeros.", "TR3 2410 LIN03"),
    Rule("LN012", E, "lines[{i}].ndc_quantity", "A drug line needs the NDC quantity and unit "
         "(F2, GR, ME, ML or UN).", "TR3 2410 CTP04/CTP05"),
    Rule("LN013", E, "lines[{i}].revenue_code", 'Revenue code "{value}" is not 4 digits. '
         "Every institutional line needs a NUBC revenue code.", "TR3 837I SV201"),
    Rule("LN014", E, "lines[{i}].place_of_service", '"{code}" is not a place of service '
         "code.", "x12-domain 9.5"),
    Rule("LN015", W, "lines[{i}].diagnosis_pointers", "Pointer {pointer} is repeated on the "
         "line.", "TR3 SV107"),
    Rule("LN016", E, "lines[{i}].procedure_code", "A professional line needs a CPT or HCPCS "
         "code.", "TR3 SV101-2"),
    Rule("LN017", E, "lines[{i}].unit_basis", 'Unit basis "{value}" must be {allowed}.',
         "TR3 SV103 / SV204"),
    # Claim-level amounts and identity (TR3 2300; x12-domain 3.2)
    Rule("CL001", E, "total_charge", "Total charge {total} does not equal the sum of the lines "
         "{lines}. Correct the total or the line charges.", "SNIP 3; TR3 CLM02"),
    Rule("CL002", E, "total_charge", "Total charge {total} is not positive; payers reject "
         "zero-charge claims.", "Stedi zero-charge edit"),
    Rule("CL003", E, "patient_control_number", 'Patient control number "{value}" is longer '
         "than 20 characters.", "TR3 CLM01"),
    Rule("CL004", W, "patient_control_number", 'Patient control number "{value}" is longer '
         "than 17 characters; some payers cut it and the payment will not match.",
         "x12-domain 3.2"),
    Rule("CL005", E, "frequency", 'Frequency "{value}" is not allowed; use {allowed}.',
         "TR3 CLM05-3"),
    Rule("CL006", E, "payer_claim_number", "A {what} (frequency {value}) must carry the payer's "
         "claim number of the original claim (from its remittance). Enter it, or send a new "
         "original (frequency 1) if the first claim was never adjudicated.", "RFI 2173; REF*F8"),
    Rule("CL007", W, "payer_claim_number", "The payer claim number is only sent on replacement "
         "(7) and void (8) claims; it will be left off this original claim.", "RFI 2110"),
    Rule("CL008", E, "place_of_service", '"{code}" is not a place of service code.',
         "x12-domain 9.5; TR3 CLM05-1"),
    Rule("CL009", E, "accident.state", "An auto accident claim needs the state where the "
         "accident happened.", "TR3 CLM11-4"),
    Rule("CL010", E, "{field}", '"{value}" is not an allowed code here; use {allowed}.',
         "TR3 code lists"),
    # Dates (x12-domain Appendix A)
    Rule("DT001", E, "{field}", "The date {date} is in the future. Bill services after they "
         "are performed.", "x12-domain App. A"),
    Rule("DT002", E, "{field}", "The end date {end} is before the start date {start}.",
         "TR3 RD8"),
    Rule("DT003", W, "{field}", "The date {date} falls after the first date of service "
         "{first}; check it.", "payer edit"),
    Rule("DT004", E, "{field}", "The birth date {date} is after the date of service {first}.",
         "payer edit"),
    # Providers and people (TR3 2010AA, 2310x, 2010BA, 2010CA; x12-domain 3.5, 9.6)
    Rule("PR001", E, "{field}.npi", 'NPI "{value}" is not valid: it must be 10 digits starting '
         "with 1 or 2 and pass the check digit. Copy it again from NPPES.", "x12-domain 9.6"),
    Rule("PR002", E, "billing_provider.tax_id", "The billing provider needs a 9-digit tax id "
         "(EIN, or SSN with tax_id_type SY).", "TR3 2010AA REF*EI"),
    Rule("PR003", E, "billing_provider.address", "The billing provider needs a street address "
         "with a 9-digit ZIP code.", "TR3 2010AA N3/N4"),
    Rule("PR004", E, "billing_provider.address.line1", "The billing provider address must be "
         "a street address, not a PO box or lock box.", "x12-domain 3.5"),
    Rule("PR005", E, "{field}.taxonomy", 'Taxonomy "{value}" is not a {problem} NUCC provider '
         "taxonomy code.", "x12-domain 9.7"),
    Rule("PR006", E, "{field}.address", "{who} needs an address with city, state and ZIP.",
         "TR3 N3/N4 (required)"),
    Rule("PR007", E, "{field}", "{who} needs a {what}; the payer cannot identify the patient "
         "without it.", "TR3 DMG (required)"),
    Rule("PR008", E, "patient.relationship", 'Relationship "{value}" is not allowed; use 01 '
         "spouse, 19 child, 20 employee, 21 unknown, 39 organ donor, 40 cadaver donor, 53 life "
         "partner or G8 other.", "TR3 2000C PAT01"),
    Rule("PR009", E, "institutional.attending", "An institutional claim needs the attending "
         "provider (name and NPI).", "TR3 837I 2310A"),
    Rule("PR010", E, "service_facility.address", "The service facility needs its street "
         "address.", "TR3 2310C N3/N4"),
    # Coordination of benefits (TR3 2320/2330/2430; x12-domain 3.3)
    Rule("CB001", E, "other_coverages", "This {sequence} claim has no payment data from the "
         "{prior} payer. Enter what that payer paid and adjusted (from its remittance).",
         "TR3 2320 AMT*D / CAS"),
    Rule("CB002", E, "other_coverages[{i}].adjudication", "Paid {paid} plus adjustments "
         "{adjusted} from {payer} come to {sum}, not the claim total {total}.",
         "RFI 1294; COB balancing"),
    Rule("CB003", E, "other_coverages[{i}].adjudication.lines[{j}]", "Line {line}: paid {paid} "
         "plus adjustments {adjusted} do not equal the line charge {charge}.",
         "COB line balancing"),
    Rule("CB004", E, "other_coverages[{i}].adjudication.lines[{j}].line_control_number",
         'No claim line has control number "{value}"; the payment cannot be matched to a '
         "line.", "TR3 2430 SVD06 / REF*6R"),
    Rule("CB005", E, "{field}", 'Adjustment group "{value}" is not CO, OA, PI or PR.',
         "TR3 CAS01"),
    Rule("CB006", E, "other_coverages[{i}].responsibility", 'Payer sequence "{value}" is not '
         "P, S, T or A-H, or is the same as this claim's.", "TR3 SBR01"),
    # Institutional (TR3 837I; x12-domain 4.1)
    Rule("IN001", E, "institutional", "An institutional claim needs the type of bill, "
         "statement dates and patient status.", "TR3 837I CLM05/DTP*434/CL1"),
    Rule("IN002", E, "institutional.type_of_bill", 'Type of bill "{value}" is not valid: '
         "three digits, facility type then classification (e.g. 111, 131).", "NUBC FL4"),
    Rule("IN003", E, "{field}", '"{code}" is not an ICD-10-PCS code (7 characters, no I or '
         "O){listed}.", "x12-domain 9.2"),
    Rule("IN004", E, "institutional.patient_status", "Patient status {status} (still a patient) "
         "does not fit frequency {frequency}; use an interim frequency (2, 3) or the discharge "
         "status.", "Stedi frequency/status edit"),
    Rule("IN005", E, "institutional.discharge_hour", "A discharge hour is only sent on a final "
         "bill, not on interim frequency {frequency}.", "x12-domain 4.1"),
    Rule("IN006", W, "institutional.admission_date", "An inpatient bill (type {bill}) normally "
         "carries the admission date, type and source.", "TR3 837I DTP*435, CL1"),
    Rule("IN008", E, "institutional.type_of_bill", 'Type of bill "{value}" ends in {digit} but '
         "the claim frequency is {frequency}; the 837 sends the frequency, so make them agree.",
         "TR3 837I CLM05-3; NUBC FL4"),
    Rule("IN007", E, "institutional", "The institutional data is only used on institutional "
         "claims; remove it or set kind to institutional.", "model"),
)

RULES: MappingProxyType[str, Rule] = MappingProxyType({r.id: r for r in _TABLE})


def finding(rule_id: str, field: str | None = None, **values: object) -> Finding:
    """A finding for ``rule_id``; the field path and message are filled from ``values``."""
    rule = RULES[rule_id]
    if "{field}" in rule.field:
        path = rule.field.format(field=field, **values)
    else:
        path = field if field is not None else rule.field.format(**values)
    return Finding(rule.id, rule.severity, path, rule.message.format(**values))
