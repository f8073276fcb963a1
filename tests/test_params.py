"""URL parameters: good values round-trip through the query string; bad ones are dropped with a message."""

from urllib.parse import parse_qs

import pytest

from dashboard.params import Known, Params, parse

KNOWN = Known(
    countries=frozenset({"PAK", "POL", "TUR"}),
    firms=frozenset({"baykar", "tusas"}),
    platforms=frozenset({"tb2", "akinci"}),
    publishers=frozenset({"ssb", "tim"}),
)


# --- bad values first ---------------------------------------------------------------------------------------------

BAD = [
    ({"from": "abc"}, Known(), "", ("'from' must be a year between 1950 and 2100; ignored 'abc'",)),
    (
        {"from": "1800", "to": "2024"},
        Known(),
        "?to=2024",
        ("'from' must be a year between 1950 and 2100; ignored '1800'",),
    ),
    ({"to": "2101"}, Known(), "", ("'to' must be a year between 1950 and 2100; ignored '2101'",)),
    ({"from": "2015.0"}, Known(), "", ("'from' must be a year between 1950 and 2100; ignored '2015.0'",)),
    ({"from": "2024", "to": "2015"}, Known(), "", ("'from' (2024) is after 'to' (2015); both ignored",)),
    ({"status": "maybe"}, Known(), "", ("unknown status 'maybe' ignored",)),
    ({"measure": "gbp"}, Known(), "", ("'measure' must be one of deals, usd, tiv, units; ignored 'gbp'",)),
    ({"colour": "red", "from": "2015"}, Known(), "?from=2015", ("unknown parameter 'colour' ignored",)),
    ({"country": "pak,ARE"}, KNOWN, "?country=PAK", ("unknown country 'ARE' ignored",)),
    ({"firm": "baykar,aselsan"}, KNOWN, "?firm=baykar", ("unknown firm 'aselsan' ignored",)),
    ({"platform": "anka"}, KNOWN, "", ("unknown platform 'anka' ignored",)),
    ({"publisher": "sipri"}, KNOWN, "", ("unknown publisher 'sipri' ignored",)),
    ({"country": "PAKISTAN"}, Known(), "", ("unknown country 'PAKISTAN' ignored",)),
    ({"country": "PAK'; DROP TABLE deals;--"}, KNOWN, "", ('unknown country "PAK\'; DROP TABLE DEALS;--" ignored',)),
    ({"firm": "baykar'; DROP TABLE deals;--"}, KNOWN, "", ('unknown firm "baykar\'; drop table deals;--" ignored',)),
    (
        {"from": "2015; DROP TABLE deals"},
        Known(),
        "",
        ("'from' must be a year between 1950 and 2100; ignored '2015; DROP TABLE dea'",),
    ),
    ({"firm": "<script>alert(1)</script>"}, KNOWN, "", ("unknown firm '<script>alert(1)</script>' ignored",)),
    ({"status": "<script>alert(1)</script>"}, Known(), "", ("unknown status '<script>alert(1)</script>' ignored",)),
    ({"<script>": "1"}, Known(), "", ("unknown parameter '<script>' ignored",)),
    ({"country": "A" * 10_000}, KNOWN, "", (f"unknown country {'A' * 40!r} ignored",)),
    ({"from": "9" * 10_000}, Known(), "", (f"'from' must be a year between 1950 and 2100; ignored {'9' * 20!r}",)),
    ({"x" * 10_000: "1"}, Known(), "", (f"unknown parameter {'x' * 40!r} ignored",)),
]


@pytest.mark.parametrize(
    ("query", "known", "kept", "messages"),
    BAD,
    ids=[
        "from_abc",
        "from_1800",
        "to_2101",
        "from_decimal",
        "from_after_to",
        "status_maybe",
        "measure_gbp",
        "unknown_parameter",
        "unknown_country",
        "unknown_firm",
        "unknown_platform",
        "unknown_publisher",
        "country_not_iso3",
        "sql_in_country",
        "sql_in_firm",
        "sql_in_year",
        "script_in_firm",
        "script_in_status",
        "script_as_name",
        "10k_country",
        "10k_year",
        "10k_name",
    ],
)
def test_a_bad_value_is_dropped_with_a_message(query, known, kept, messages):
    p = parse(query, known)
    assert p.messages == messages
    assert p.query_string() == kept


def test_every_bad_value_is_reported_at_once():
    p = parse(
        {"from": "abc", "to": "1800", "status": "maybe", "measure": "gbp", "country": "XXX,PAK", "page": "2"}, KNOWN
    )
    assert p.messages == (
        "unknown parameter 'page' ignored",
        "'from' must be a year between 1950 and 2100; ignored 'abc'",
        "'to' must be a year between 1950 and 2100; ignored '1800'",
        "unknown status 'maybe' ignored",
        "'measure' must be one of deals, usd, tiv, units; ignored 'gbp'",
        "unknown country 'XXX' ignored",
    )
    assert p == Params(country=("PAK",))


def test_ten_thousand_characters_give_short_messages_and_no_values():
    p = parse(
        {
            name: "ab,'\"<>" * 1_500
            for name in ("from", "to", "country", "firm", "platform", "publisher", "status", "measure")
        },
        KNOWN,
    )
    assert p == Params()
    # from, to, measure, then each list parameter (status among them) its three distinct bad items once
    # ('ab', '\'"<>ab', '\'');
    # the 200-character cut leaves 30 items per list, repeating those three, and repeated messages are dropped
    assert len(p.messages) == 3 + 5 * 3 and len(set(p.messages)) == len(p.messages)
    assert max(len(m) for m in p.messages) <= 80


def test_a_list_of_many_ids_is_cut_at_fifty():
    p = parse({"firm": ",".join(f"{chr(97 + n // 10)}{n % 10}" for n in range(60))})  # a0,a1,...,f9
    assert (len(p.firm), p.firm[:2], p.firm[-1]) == (50, ("a0", "a1"), "e9")


def test_repeated_parameters_given_as_lists_never_raise():
    p = parse({"from": ["2015", "2020"], "country": ["PAK", "POL"], "status": ["all", "maybe"]}, KNOWN)
    assert p.from_ in (None, 2015, 2020)
    assert set(p.country) <= {"PAK", "POL"}
    assert p.status in ("confirmed", "all")


def test_repeated_parameters_get_a_message():
    p = parse({"from": ["2015", "2020"]})
    assert any("'from'" in m for m in p.messages)


def test_a_superscript_digit_year_is_dropped_not_raised():
    p = parse({"from": "²"})
    assert p.messages == ("'from' must be a year between 1950 and 2100; ignored '²'",)


@pytest.mark.parametrize(
    "query",
    [
        {"from": None, "status": None, "measure": None, "country": None},
        {"from": [], "country": []},
        {"from": 2015, "to": 2024},
        {"status": " ALL "},
        {"country": ",,,"},
        {"from": "2015\n", "country": " pak , pol "},
    ],
    ids=["none", "empty_lists", "ints", "padded_status", "only_commas", "whitespace"],
)
def test_odd_but_harmless_values_never_raise_and_leave_no_message(query):
    assert parse(query).messages == ()


# --- good values round-trip ---------------------------------------------------------------------------------------


def test_good_values_round_trip_through_the_query_string():
    p = parse({"from": "2015", "to": "2024", "country": "pak,ARE", "status": "all"})
    assert p.messages == ()
    assert p.query_string() == "?from=2015&to=2024&country=PAK,ARE&status=all"
    assert parse({k: v[-1] for k, v in parse_qs(p.query_string()[1:]).items()}) == p


def test_every_parameter_round_trips():
    p = parse(
        {
            "from": "2002",
            "to": "2025",
            "country": "POL,pak",
            "firm": "Baykar,tusas",
            "platform": "tb2,akinci",
            "publisher": "ssb,tim",
            "status": "all",
            "measure": "units",
        },
        KNOWN,
    )
    assert p == Params(
        from_=2002,
        to=2025,
        country=("POL", "PAK"),
        firm=("baykar", "tusas"),
        platform=("tb2", "akinci"),
        publisher=("ssb", "tim"),
        status="all",
        measure="units",
    )
    assert p.query_string() == (
        "?from=2002&to=2025&country=POL,PAK&firm=baykar,tusas&platform=tb2,akinci"
        "&publisher=ssb,tim&status=all&measure=units"
    )
    assert parse({k: v[-1] for k, v in parse_qs(p.query_string()[1:]).items()}, KNOWN) == p


def test_defaults_are_left_out_of_the_query_string():
    assert parse({}) == Params()
    assert parse({"status": "confirmed", "measure": "deals"}).query_string() == ""
    assert parse({}).measure == "deals"  # the measure every deal has is the default; US$ is written in the URL
    assert parse({"measure": "usd"}).query_string() == "?measure=usd"
    assert parse({"status": "ALL", "measure": "TIV"}).query_string() == "?status=all&measure=tiv"


def test_duplicate_ids_are_kept_once_in_their_first_order():
    assert parse({"country": "POL,pak,PAK, pol"}).country == ("POL", "PAK")


def test_query_string_of_a_variant_changes_only_what_is_asked():
    p = Params(from_=2015, country=("PAK",))
    assert p.query_string(status="all") == "?from=2015&country=PAK&status=all"
    assert p.query_string(country=()) == "?from=2015"
    assert p.query_string() == "?from=2015&country=PAK"


def test_years_fall_back_to_the_defaults_given():
    assert Params().years() == (1950, 2100)
    assert Params(from_=2015).years(2000, 2024) == (2015, 2024)


def test_messages_do_not_make_two_params_different():
    assert parse({"from": "2015", "colour": "red"}) == Params(from_=2015)


# --- status: confirmed, all, or stages (issue 12, item 12) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status", "kept", "messages"),
    [
        ("talks,maybe", "talks", "?status=talks", ("unknown status 'maybe' ignored",)),
        ("in production", "confirmed", "", ("unknown status 'in production' ignored",)),
        ("talks,all", "talks", "?status=talks", ("'status' all cannot be combined with stages; ignored 'all'",)),
        (
            "confirmed,mou",
            "mou",
            "?status=mou",
            ("'status' confirmed cannot be combined with stages; ignored 'confirmed'",),
        ),
        ("talks\u202e", "confirmed", "", ("unknown status 'talks\\u202e' ignored",)),
    ],
    ids=["unknown_stage", "stage_in_words", "all_with_stage", "confirmed_with_stage", "bidi_in_stage"],
)
def test_a_bad_stage_is_dropped_with_a_message(value, status, kept, messages):
    p = parse({"status": value})
    assert (p.status, p.query_string(), p.messages) == (status, kept, messages)


def test_stages_are_written_back_in_their_order_once():
    p = parse({"status": " MOU,talks,,talks "})
    assert (p.status, p.stages, p.messages) == ("talks,mou", ("talks", "mou"), ())
    assert p.query_string() == "?status=talks,mou"
    assert parse({"status": "all"}).stages == () and Params().stages == ()


def test_every_status_has_words_and_a_meaning():
    from dashboard.params import STAGES, STATUS_LABELS, STATUS_MEANINGS, STATUSES

    assert list(STATUS_LABELS) == list(STATUS_MEANINGS) == [*STATUSES, *STAGES]
    assert STATUS_LABELS["in_production"] == "in production" and STATUS_LABELS["mou"] == "MoU"
    assert STATUS_MEANINGS["talks"] == "publicly reported negotiations; nothing signed"


# --- the grid's view: q, sort, filter (issue 12, item 6) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ({"q": "x" * 101}, ("'q' is longer than 100 characters; ignored",)),
        ({"q": "Bay\u202ekar"}, ("'q' holds control or direction characters; ignored 'Bay\\u202ekar'",)),
        ({"q": "a\x00b"}, ("'q' holds control or direction characters; ignored 'a\\x00b'",)),
        (
            {"sort": "price:desc"},
            ("'sort' must be a grid column and asc or desc, like ordered:desc; ignored 'price:desc'",),
        ),
        (
            {"sort": "ordered:up"},
            ("'sort' must be a grid column and asc or desc, like ordered:desc; ignored 'ordered:up'",),
        ),
        ({"filter": "buyer_iso3:PAK"}, ("unknown grid column in 'filter' 'buyer_iso3' ignored",)),
        ({"filter": "<script>:1;firm:Baykar"}, ("unknown grid column in 'filter' '<script>' ignored",)),
        ({"filter": "category"}, ("unknown grid column in 'filter' 'category' ignored",)),
        ({"filter": "note:\u2066x"}, ("'filter note' holds control or direction characters; ignored '\\u2066x'",)),
        ({"filter": "x" * 2001}, ("'filter' is longer than 2000 characters; ignored",)),
    ],
    ids=[
        "q_too_long",
        "q_bidi",
        "q_control",
        "sort_unknown_column",
        "sort_bad_direction",
        "filter_hidden_column",
        "filter_script_column",
        "filter_without_text",
        "filter_bidi",
        "filter_too_long",
    ],
)
def test_a_bad_grid_view_is_dropped_with_a_message(query, messages):
    p = parse(query)
    assert p.messages == messages
    assert p.query_string() == ("?filter=firm:Baykar" if "<script>" in str(query) else "")


def test_the_grid_view_round_trips_through_the_query_string():
    p = parse({"q": " Bay kar ", "sort": "ORDERED:DESC", "filter": "category:ucav; firm : Baykar;;status:talks"})
    assert (p.q, p.sort, p.filter, p.messages) == (
        "Bay kar",
        "ordered:desc",
        (("category", "ucav"), ("firm", "Baykar"), ("status", "talks")),
        (),
    )
    assert p.query_string() == "?q=Bay+kar&sort=ordered:desc&filter=category:ucav;firm:Baykar;status:talks"
    assert parse(parse_qs(p.query_string()[1:])) == p
