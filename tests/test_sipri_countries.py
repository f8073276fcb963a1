"""SIPRI's names -> codes: the explicit tables of etl/countries.py for every name in SIPRI's exports that is not an
ISO 3166 name, user-assigned codes for parties that are not countries, and SIPRI's markers checked."""

import pytest

from etl.countries import iso3_name, kind
from etl.sources.sipri_file import sipri_code
from tests.conftest import rows

# Every name of the real exports (../shared/data/sipri) that pycountry does not know, as SIPRI writes it:
# ('*' marks a non-state party, '**' an international organisation). Q.. and X.. are ISO user-assigned codes.
MAPPINGS = [
    ("African Union**", "XAU", "organisation"),
    ("Amal (Lebanon)*", "QMA", "non_state"),
    ("ANC (South Africa)*", "QMB", "non_state"),
    ("Anti-Castro rebels (Cuba)*", "QMC", "non_state"),
    ("Armas (Guatemala)*", "QMD", "non_state"),
    ("Biafra", "QME", "non_state"),
    ("Bosnia-Herzegovina", "BIH", "country"),
    ("Brunei", "BRN", "country"),
    ("Contras (Nicaragua)*", "QMF", "non_state"),
    ("Czechoslovakia", "CSK", "former_country"),
    ("Darfur rebels (Sudan)*", "QMG", "non_state"),
    ("DR Congo", "COD", "country"),
    ("East Germany (GDR)", "DDR", "former_country"),
    ("ELF (Ethiopia)*", "QMH", "non_state"),
    ("EPLF (Ethiopia)*", "QMI", "non_state"),
    ("European Union**", "XEU", "organisation"),
    ("FAN (Chad)*", "QMJ", "non_state"),
    ("FMLN (El Salvador)*", "QMK", "non_state"),
    ("FNLA (Angola)*", "QML", "non_state"),
    ("FRELIMO (Portugal)*", "QMM", "non_state"),
    ("GUNT (Chad)*", "QMN", "non_state"),
    ("Haiti rebels*", "QMO", "non_state"),
    ("Hamas (Palestine)*", "QMP", "non_state"),
    ("Hezbollah (Lebanon)*", "QMQ", "non_state"),
    ("Houthi rebels (Yemen)*", "QMR", "non_state"),
    ("Indonesia rebels*", "QMS", "non_state"),
    ("Katanga", "QMT", "non_state"),
    ("Khmer Rouge (Cambodia)*", "QMU", "non_state"),
    ("Kosovo", "XKX", "country"),
    ("Kurdistan Regional Government (Iraq)*", "QMV", "non_state"),
    ("Lebanon Palestinian rebels*", "QMW", "non_state"),
    ("LF (Lebanon)*", "QMX", "non_state"),
    ("Libya GNC", "QMY", "non_state"),
    ("Libya HoR*", "QMZ", "non_state"),
    ("LRA (Uganda)*", "QNA", "non_state"),
    ("LTTE (Sri Lanka)*", "QNB", "non_state"),
    ("Micronesia", "FSM", "country"),
    ("MNLF (Philippines)*", "QNC", "non_state"),
    ("MPLA (Portugal)*", "QND", "non_state"),
    ("MTA (Myanmar)*", "QNE", "non_state"),
    ("Mujahedin (Afghanistan)*", "QNF", "non_state"),
    ("NATO**", "XNA", "organisation"),
    ("NLA (Macedonia)*", "QNG", "non_state"),
    ("North Yemen", "YMN", "former_country"),
    ("Northern Alliance (Afghanistan)*", "QNH", "non_state"),
    ("Northern Cyprus", "QNI", "non_state"),
    ("NTC (Libya)*", "QNJ", "non_state"),
    ("OSCE**", "XOS", "organisation"),
    ("PAIGC (Portugal)*", "QNK", "non_state"),
    ("Palestine", "PSE", "country"),
    ("Pathet Lao (Laos)*", "QNL", "non_state"),
    ("PIJ (Israel/Palestine)*", "QNM", "non_state"),
    ("PKK (Turkiye)*", "QNN", "non_state"),
    ("PLO (Israel)*", "QNO", "non_state"),
    ("PRC (Israel/Palestine)*", "QNP", "non_state"),
    ("Provisional IRA (UK)*", "QNQ", "non_state"),
    ("Regional Security System**", "XRS", "organisation"),
    ("RPF (Rwanda)*", "QNR", "non_state"),
    ("RUF (Sierra Leone)*", "QNS", "non_state"),
    ("Russia", "RUS", "country"),
    ("Saint Vincent", "VCT", "country"),
    ("SLA (Lebanon)*", "QNT", "non_state"),
    ("SNA (Somalia)*", "QNU", "non_state"),
    ("South Vietnam", "VDR", "former_country"),
    ("South Yemen", "YMD", "former_country"),
    ("Southern rebels (Yemen)*", "QNV", "non_state"),
    ("Soviet Union", "SUN", "former_country"),
    ("SPLA (Sudan)*", "QNW", "non_state"),
    ("Syria rebels*", "QNX", "non_state"),
    ("UAE", "ARE", "country"),
    ("UIC (Somalia)*", "QNY", "non_state"),
    ("Ukraine Rebels*", "QNZ", "non_state"),
    ("UNITA (Angola)*", "QOA", "non_state"),
    ("United Nations**", "XUN", "organisation"),
    ("United Wa State (Myanmar)*", "QOB", "non_state"),
    ("unknown rebel group*", "QOC", "non_state"),
    ("unknown recipient(s)", "XUR", "unknown"),
    ("unknown supplier(s)", "XUS", "unknown"),
    ("Viet Cong (South Vietnam)*", "QOD", "non_state"),
    ("Viet Minh (France)*", "QOE", "non_state"),
    ("Yemen Arab Republic (North Yemen)", "YMN", "former_country"),
    ("Yugoslavia", "YUG", "former_country"),
    ("ZAPU (Zimbabwe)*", "QOF", "non_state"),
]


@pytest.mark.parametrize("name, code, what", MAPPINGS, ids=[m[0] for m in MAPPINGS])
def test_sipri_name_maps_to_literal_code_and_kind(name, code, what):
    assert sipri_code(name) == (code, "")
    assert kind(code) == what


def test_user_assigned_codes_are_unique_and_in_the_user_ranges():
    assigned = {code for _, code, what in MAPPINGS if what in ("non_state", "organisation", "unknown")}
    assert all(code[0] in "QX" for code in assigned)
    non_state = [code for name, code, what in MAPPINGS if what == "non_state"]
    assert len(non_state) == len(set(non_state)) == 58
    assert all("QMA" <= code <= "QZZ" for code in non_state)


@pytest.mark.parametrize(
    "name, rule",
    [
        ("Atlantis", "a SIPRI name known to pycountry (ISO 3166) or to etl/countries.py"),
        ("Hezbollah (Lebanon)**", "SIPRI marks it '**' (organisation); etl/countries.py gives QMQ kind 'non_state'"),
        ("Poland*", "SIPRI marks it '*' (non_state); etl/countries.py gives POL kind 'country'"),
    ],
)
def test_unknown_names_and_disagreeing_markers_are_failures(name, rule):
    assert sipri_code(name) == (None, rule)


def test_names_shown_for_codes():
    assert [iso3_name(c) for c in ("QMR", "XUR", "DEU", "TUR", "YMN", "SUN")] == [
        "Houthi rebels (Yemen)",
        "unknown recipient(s)",
        "Germany",
        "Türkiye",
        "North Yemen",
        "Soviet Union",
    ]


def test_every_sipri_code_is_in_the_countries_table(sipri_db):
    assert rows(sipri_db, "SELECT kind, count(*) FROM countries GROUP BY ALL ORDER BY ALL") == [
        ("country", 190),
        ("former_country", 7),
        ("non_state", 58),
        ("organisation", 6),
        ("unknown", 2),
    ]
    assert rows(
        sipri_db, "SELECT iso3, name, kind FROM countries WHERE iso3 IN ('QMY', 'QMR', 'XUR') ORDER BY iso3"
    ) == [
        ("QMR", "Houthi rebels (Yemen)", "non_state"),
        ("QMY", "Libya GNC", "non_state"),
        ("XUR", "unknown recipient(s)", "unknown"),
    ]
    assert rows(
        sipri_db,
        "SELECT count(*) FROM sipri_register AS r "
        "LEFT JOIN countries AS c ON c.iso3 = r.recipient_iso3 WHERE c.iso3 IS NULL",
    ) == [(0,)]
