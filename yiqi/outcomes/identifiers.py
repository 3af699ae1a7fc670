"""What each kind's number looks like, normalised to one spelling so the database can refuse duplicates.

Each ``clean_*`` returns the normalised number or raises ``ValueError`` with a message for the field.
"""

import re

from django.utils.translation import gettext as _

# A DOI: "10." + registrant (4–9 digits, sub-prefixes allowed) + "/" + suffix; DOIs are case-insensitive.
DOI = re.compile(r"10\.\d{4,9}(\.\d+)*/\S+", re.ASCII)
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
# A Chinese patent: ZL / CN + application number (8 digits before 2004, 12 since) + "." + check digit, or a
# publication number (CN + 9 digits + kind code A/B/U/S); a foreign one: country code + digits + kind code.
CN_APPLICATION = re.compile(r"(?:ZL|CN)?(\d{8}|\d{12})\.?([0-9X])", re.ASCII)
CN_PUBLICATION = re.compile(r"CN\d{9}[ABUS]\d?", re.ASCII)
FOREIGN_PATENT = re.compile(r"(?!CN)[A-Z]{2}\d{5,12}[A-Z]\d?", re.ASCII)
# A standard: GB, GB/T, GB/Z, an industry code (JJF, HJ, YY/T…), a local (DB61/T) or a group standard (T/CECS),
# ISO / IEC / ISO/IEC, ASTM; then its number (parts after dots, ASTM's letter) and the year after "-" or ":".
STANDARD = re.compile(
    r"(GB(?:/[TZ])?|DB\d{2}(?:/T)?|T/[A-Z0-9]{2,12}|Q/[A-Z0-9]{2,12}|ISO(?:/IEC)?|IEC|ASTM|[A-Z]{1,4}(?:/[TZ])?)"
    r" ?([A-Z]?\d{1,6}(?:\.\d{1,3})*(?:-\d{1,3})?[-:](?:19|20)\d{2})",
    re.ASCII,
)
# Project numbers have no national format (NSFC: 8 digits; key R&D: 2021YFA1234500; provinces: 2023-YBGY-123):
# letters, digits and a few separators, starting with a letter or digit.
PROJECT = re.compile(r"[A-Z0-9][A-Z0-9\-/()._]{2,49}", re.ASCII)
CERTIFICATE = re.compile(r"[A-Z0-9][A-Z0-9\-/()._]{2,49}", re.ASCII)


def _compact(value: str) -> str:
    """Full-width characters and spaces people paste from Chinese documents, taken out; letters upper case."""
    value = value.translate({0x3000: 0x20, 0xFF0E: ord("."), 0xFF0F: ord("/"), 0xFF1A: ord(":")})
    value = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in value)
    return value.strip()


def clean_doi(value: str) -> str:
    value = _compact(value)
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
    if not DOI.fullmatch(value):
        raise ValueError(_("DOI 格式不正确，应如 10.1000/xyz123。"))
    return value.lower()


def cn_check_digit(digits: str) -> str:
    """The check digit of a Chinese patent application number (weights 2…9, 2…5, modulo 11; 10 is X)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def clean_patent(value: str) -> str:
    value = re.sub(r"\s+", "", _compact(value)).upper()
    if CN_PUBLICATION.fullmatch(value) or FOREIGN_PATENT.fullmatch(value):
        return value
    match = CN_APPLICATION.fullmatch(value)
    if not match:
        raise ValueError(_("专利号格式不正确，应如 ZL201710601862.3 或 CN112345678B。"))
    digits, check = match.groups()
    if cn_check_digit(digits) != check:
        raise ValueError(_("专利号的校验位不对，请核对。"))
    return f"ZL{digits}.{check}"


def clean_standard(value: str) -> str:
    value = re.sub(r"\s+", " ", _compact(value)).upper().replace("—", "-").replace("–", "-")
    match = STANDARD.fullmatch(value)
    if not match:
        raise ValueError(_("标准号格式不正确，应如 GB/T 32100-2015 或 ISO 9001:2015。"))
    # "GB/T32100-2015" and "GB/T 32100-2015" are the same standard: one space between code and number.
    return f"{match[1]} {match[2]}"


def clean_project(value: str) -> str:
    value = re.sub(r"\s+", "", _compact(value)).upper()
    if not PROJECT.fullmatch(value):
        raise ValueError(_("项目编号只能由字母、数字和 - / ( ) . _ 组成，3–50 位。"))
    return value


def clean_certificate(value: str) -> str:
    value = re.sub(r"\s+", "", _compact(value)).upper()
    if value and not CERTIFICATE.fullmatch(value):
        raise ValueError(_("证书编号只能由字母、数字和 - / ( ) . _ 组成，3–50 位。"))
    return value


CLEANERS = {
    "paper": clean_doi,
    "patent": clean_patent,
    "standard": clean_standard,
    "award": clean_certificate,
    "project": clean_project,
}
