"""Country names to ISO3: pycountry's ISO 3166 names (accents folded), then the explicit tables below.

pycountry knows the ISO names; the tables hold what ISO does not: common short names used by SIPRI and the
press, Kosovo's user-assigned code, and parties that are not countries (kept, and marked as such).
"""

import unicodedata
from functools import cache

import pycountry

# Common names that ISO 3166 spells differently (accent-folded, lower case -> ISO3).
ALIASES = {
    "uae": "ARE",
    "russia": "RUS",
    "brunei": "BRN",
    "cape verde": "CPV",
    "dr congo": "COD",
    "democratic republic of the congo": "COD",
    "congo": "COG",
    "ivory coast": "CIV",
    "palestine": "PSE",
    "bosnia-herzegovina": "BIH",
    "north korea": "PRK",
    "south korea": "KOR",
    "turkey": "TUR",
    "usa": "USA",
    "uk": "GBR",
    "macedonia": "MKD",
    "swaziland": "SWZ",
    "micronesia": "FSM",
    "east timor": "TLS",
    "st vincent and the grenadines": "VCT",
    "st kitts and nevis": "KNA",
    "st lucia": "LCA",
}

# Not ISO 3166-1 countries. Codes are ISO 3166-3 (former countries) where one exists, else user-assigned.
NON_ISO = {
    "kosovo": ("XKX", "country", "Kosovo (user-assigned code used by the EU and IMF)"),
    "soviet union": ("SUN", "former_country", "Soviet Union (ISO 3166-3)"),
    "yugoslavia": ("YUG", "former_country", "Yugoslavia (ISO 3166-3)"),
    "czechoslovakia": ("CSK", "former_country", "Czechoslovakia (ISO 3166-3)"),
    "east germany (gdr)": ("DDR", "former_country", "East Germany (ISO 3166-3)"),
    "west germany (frg)": ("DEU", "country", "West Germany, continued by Germany"),
    "south vietnam": ("VDR", "former_country", "South Vietnam"),
    "north yemen": ("YMN", "former_country", "North Yemen"),
    "south yemen": ("YMD", "former_country", "South Yemen (ISO 3166-3)"),
    "nato": ("XNA", "organisation", "NATO"),
    "african union": ("XAU", "organisation", "African Union"),
    "united nations": ("XUN", "organisation", "United Nations"),
    "european union": ("XEU", "organisation", "European Union"),
    "unknown recipient(s)": ("XUR", "unknown", "unknown recipient(s)"),
    "unknown supplier(s)": ("XUS", "unknown", "unknown supplier(s)"),
    "unknown country": ("XUC", "unknown", "unknown country"),
}


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@cache
def _iso_names() -> dict[str, str]:
    names = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                names[fold(value)] = country.alpha_3
    return names


@cache
def to_iso3(name: str) -> str | None:
    """ISO3 code (or the NON_ISO code) for a country name, or None when nothing knows the name."""
    key = fold(name)
    if key in NON_ISO:
        return NON_ISO[key][0]
    return ALIASES.get(key) or _iso_names().get(key)


@cache
def iso3_name(code: str) -> str | None:
    """English short name of an ISO3 code (or NON_ISO code), None for an unknown code."""
    for known, kind, label in NON_ISO.values():
        if known == code:
            return label.split(" (")[0]
    country = pycountry.countries.get(alpha_3=code)
    return (getattr(country, "common_name", None) or country.name) if country else None


def kind(code: str) -> str:
    """'country' for ISO 3166-1 members and Kosovo; else former_country, organisation, group or unknown."""
    for known, what, _ in NON_ISO.values():
        if known == code:
            return what
    return "country"
