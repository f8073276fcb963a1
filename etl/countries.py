"""Country names to ISO3: pycountry's ISO 3166 names (accents folded), then the explicit tables below.

pycountry knows the ISO names; the tables hold what ISO does not: common short names used by SIPRI and the
press, Kosovo's user-assigned code, and parties that are not countries (organisations, armed groups, unknown
parties: kept, with a user-assigned code and marked as such by their kind).
"""

import hashlib
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
    "saint vincent": "VCT",  # SIPRI
    "west germany (frg)": "DEU",  # continued by Germany
    "yemen arab republic (north yemen)": "YMN",  # SIPRI's name for North Yemen's republican side, 1960s
}

# Not ISO 3166-1 countries: accent-folded lower-case name -> (code, kind, name shown).
# kind: former_country | organisation | non_state | unknown ('country' for Kosovo). Codes are ISO 3166-3 for
# former countries where one exists, else taken from ISO 3166's user-assigned alpha-3 ranges (AAA-AAZ,
# QMA-QZZ, XAA-XZZ, ZZA-ZZZ), which no country will ever get:
#   X..       organisations and unknown parties; XKX is Kosovo (the code the EU and IMF use)
#   QMA-QZZ   non-state parties named by SIPRI: armed groups, rival governments, unrecognised states, in SIPRI's
#             spelling without its '*' marker; numbered alphabetically as first listed (SIPRI export of
#             13 Mar 2025). A new one takes the next free code after QOF; a code is never renumbered or reused.
NON_ISO = {
    "kosovo": ("XKX", "country", "Kosovo"),
    "soviet union": ("SUN", "former_country", "Soviet Union"),  # ISO 3166-3
    "yugoslavia": ("YUG", "former_country", "Yugoslavia"),  # ISO 3166-3
    "czechoslovakia": ("CSK", "former_country", "Czechoslovakia"),  # ISO 3166-3
    "east germany (gdr)": ("DDR", "former_country", "East Germany"),  # ISO 3166-3
    "south vietnam": ("VDR", "former_country", "South Vietnam"),
    "north yemen": ("YMN", "former_country", "North Yemen"),
    "south yemen": ("YMD", "former_country", "South Yemen"),  # ISO 3166-3
    "nato": ("XNA", "organisation", "NATO"),
    "african union": ("XAU", "organisation", "African Union"),
    "united nations": ("XUN", "organisation", "United Nations"),
    "european union": ("XEU", "organisation", "European Union"),
    "osce": ("XOS", "organisation", "OSCE"),
    "regional security system": ("XRS", "organisation", "Regional Security System"),  # Eastern Caribbean
    "unknown recipient(s)": ("XUR", "unknown", "unknown recipient(s)"),
    "unknown supplier(s)": ("XUS", "unknown", "unknown supplier(s)"),
    "unknown country": ("XUC", "unknown", "unknown country"),
    "amal (lebanon)": ("QMA", "non_state", "Amal (Lebanon)"),
    "anc (south africa)": ("QMB", "non_state", "ANC (South Africa)"),
    "anti-castro rebels (cuba)": ("QMC", "non_state", "Anti-Castro rebels (Cuba)"),
    "armas (guatemala)": ("QMD", "non_state", "Armas (Guatemala)"),
    "biafra": ("QME", "non_state", "Biafra"),  # secessionist state 1967-70
    "contras (nicaragua)": ("QMF", "non_state", "Contras (Nicaragua)"),
    "darfur rebels (sudan)": ("QMG", "non_state", "Darfur rebels (Sudan)"),
    "elf (ethiopia)": ("QMH", "non_state", "ELF (Ethiopia)"),
    "eplf (ethiopia)": ("QMI", "non_state", "EPLF (Ethiopia)"),
    "fan (chad)": ("QMJ", "non_state", "FAN (Chad)"),
    "fmln (el salvador)": ("QMK", "non_state", "FMLN (El Salvador)"),
    "fnla (angola)": ("QML", "non_state", "FNLA (Angola)"),
    "frelimo (portugal)": ("QMM", "non_state", "FRELIMO (Portugal)"),
    "gunt (chad)": ("QMN", "non_state", "GUNT (Chad)"),
    "haiti rebels": ("QMO", "non_state", "Haiti rebels"),
    "hamas (palestine)": ("QMP", "non_state", "Hamas (Palestine)"),
    "hezbollah (lebanon)": ("QMQ", "non_state", "Hezbollah (Lebanon)"),
    "houthi rebels (yemen)": ("QMR", "non_state", "Houthi rebels (Yemen)"),
    "indonesia rebels": ("QMS", "non_state", "Indonesia rebels"),
    "katanga": ("QMT", "non_state", "Katanga"),  # secessionist state 1960-63
    "khmer rouge (cambodia)": ("QMU", "non_state", "Khmer Rouge (Cambodia)"),
    "kurdistan regional government (iraq)": ("QMV", "non_state", "Kurdistan Regional Government (Iraq)"),
    "lebanon palestinian rebels": ("QMW", "non_state", "Lebanon Palestinian rebels"),
    "lf (lebanon)": ("QMX", "non_state", "LF (Lebanon)"),
    "libya gnc": ("QMY", "non_state", "Libya GNC"),  # rival government (General National Congress)
    "libya hor": ("QMZ", "non_state", "Libya HoR"),  # rival government (House of Representatives)
    "lra (uganda)": ("QNA", "non_state", "LRA (Uganda)"),
    "ltte (sri lanka)": ("QNB", "non_state", "LTTE (Sri Lanka)"),
    "mnlf (philippines)": ("QNC", "non_state", "MNLF (Philippines)"),
    "mpla (portugal)": ("QND", "non_state", "MPLA (Portugal)"),
    "mta (myanmar)": ("QNE", "non_state", "MTA (Myanmar)"),
    "mujahedin (afghanistan)": ("QNF", "non_state", "Mujahedin (Afghanistan)"),
    "nla (macedonia)": ("QNG", "non_state", "NLA (Macedonia)"),
    "northern alliance (afghanistan)": ("QNH", "non_state", "Northern Alliance (Afghanistan)"),
    "northern cyprus": ("QNI", "non_state", "Northern Cyprus"),  # recognised by Türkiye only
    "ntc (libya)": ("QNJ", "non_state", "NTC (Libya)"),
    "paigc (portugal)": ("QNK", "non_state", "PAIGC (Portugal)"),
    "pathet lao (laos)": ("QNL", "non_state", "Pathet Lao (Laos)"),
    "pij (israel/palestine)": ("QNM", "non_state", "PIJ (Israel/Palestine)"),
    "pkk (turkiye)": ("QNN", "non_state", "PKK (Turkiye)"),
    "plo (israel)": ("QNO", "non_state", "PLO (Israel)"),
    "prc (israel/palestine)": ("QNP", "non_state", "PRC (Israel/Palestine)"),
    "provisional ira (uk)": ("QNQ", "non_state", "Provisional IRA (UK)"),
    "rpf (rwanda)": ("QNR", "non_state", "RPF (Rwanda)"),
    "ruf (sierra leone)": ("QNS", "non_state", "RUF (Sierra Leone)"),
    "sla (lebanon)": ("QNT", "non_state", "SLA (Lebanon)"),
    "sna (somalia)": ("QNU", "non_state", "SNA (Somalia)"),
    "southern rebels (yemen)": ("QNV", "non_state", "Southern rebels (Yemen)"),
    "spla (sudan)": ("QNW", "non_state", "SPLA (Sudan)"),
    "syria rebels": ("QNX", "non_state", "Syria rebels"),
    "uic (somalia)": ("QNY", "non_state", "UIC (Somalia)"),
    "ukraine rebels": ("QNZ", "non_state", "Ukraine Rebels"),
    "unita (angola)": ("QOA", "non_state", "UNITA (Angola)"),
    "united wa state (myanmar)": ("QOB", "non_state", "United Wa State (Myanmar)"),
    "unknown rebel group": ("QOC", "non_state", "unknown rebel group"),
    "viet cong (south vietnam)": ("QOD", "non_state", "Viet Cong (South Vietnam)"),
    "viet minh (france)": ("QOE", "non_state", "Viet Minh (France)"),
    "zapu (zimbabwe)": ("QOF", "non_state", "ZAPU (Zimbabwe)"),
}


# Non-state parties SIPRI names that NON_ISO does not (yet) know, marked '*' by SIPRI: imported with a code derived
# from the name (QTA-QZZ: 182 codes, apart from the curated QMA-Q.. above), the same in every run, and listed as
# a warning so that a curator can add them to NON_ISO (or map a renamed party to its code).
DERIVED_FIRST, DERIVED_CODES = "QTA", 182
_derived: dict[str, str] = {}  # code -> name as SIPRI writes it (without '*'), of the parties seen in this process


class DerivedCodeClash(ValueError):
    """Two new names derive the same code: one of them must be added to NON_ISO by hand."""


def derived_code(name: str) -> str:
    """The code of a non-state party new to NON_ISO: a hash of its folded name into QTA-QZZ (stable across runs)."""
    n = int.from_bytes(hashlib.sha256(fold(name).encode()).digest()[:8], "big") % DERIVED_CODES
    second, third = divmod(n + (ord(DERIVED_FIRST[1]) - ord("A")) * 26, 26)
    return f"Q{chr(ord('A') + second)}{chr(ord('A') + third)}"


def new_non_state(name: str) -> str:
    """Register a non-state party NON_ISO does not know (SIPRI's '*' name, marker removed); its derived code."""
    code = derived_code(name)
    other = _derived.setdefault(code, name)
    if fold(other) != fold(name):
        raise DerivedCodeClash(
            f"{name!r} and {other!r} both derive the code {code}: add one of them to NON_ISO in etl/countries.py"
        )
    iso3_name.cache_clear()
    return code


def is_derived(code: str) -> bool:
    return code in _derived


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
def _non_iso_codes() -> dict[str, tuple[str, str]]:
    return {code: (what, name) for code, what, name in NON_ISO.values()}


# Short names where ISO's is a long form ("Congo, The Democratic Republic of the").
SHORT_NAMES = {
    "RUS": "Russia",
    "COD": "DR Congo",
    "TZA": "Tanzania",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "FSM": "Micronesia",
    "PSE": "Palestine",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "MDA": "Moldova",
    "LAO": "Laos",
}


@cache
def iso3_name(code: str) -> str | None:
    """English short name of an ISO3 code (or NON_ISO code), None for an unknown code."""
    if code in _non_iso_codes():
        return _non_iso_codes()[code][1]
    if code in _derived:
        return _derived[code]
    country = pycountry.countries.get(alpha_3=code)
    if not country:
        return None
    return SHORT_NAMES.get(code) or getattr(country, "common_name", None) or country.name


def kind(code: str) -> str:
    """'country' for ISO 3166-1 members and Kosovo; else former_country, organisation, non_state or unknown."""
    return "non_state" if code in _derived else _non_iso_codes().get(code, ("country",))[0]
