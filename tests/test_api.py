"""/api/v1 and /embed through Flask's test client, on the tiny fixture warehouse: data, sources, error paths."""

import csv
import io

import pytest

from dashboard import charts
from dashboard.params import parse


@pytest.fixture
def client(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard.app import server

    return server.test_client()


def test_unknown_chart_is_a_json_404(client):
    for path in ("/api/v1/charts/nope.csv", "/api/v1/charts/nope.json", "/api/v1/charts/..%2f..%2fetc%2fpasswd.csv"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json["error"].startswith("unknown chart") and "annual_totals" in response.json["charts"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=abc", "'from' must be a year between 1950 and 2100; ignored 'abc'"),
        ("country=ZZZ", "unknown country 'ZZZ' ignored"),
        ("measure=gbp", "'measure' must be one of deals, usd, tiv, units; ignored 'gbp'"),
        ("from=2025&to=2020", "'from' (2025) is after 'to' (2020); both ignored"),
        ("evil=1", "unknown parameter 'evil' ignored"),
    ],
)
def test_bad_parameters_are_a_json_400(client, query, message):
    response = client.get(f"/api/v1/charts/recipients_bar.csv?{query}")
    assert response.status_code == 400
    assert response.json == {"error": "bad parameters", "messages": [message]}


def test_unknown_embed_is_a_404_page_that_escapes_the_id(client):
    response = client.get("/embed/<script>x</script>")
    assert response.status_code == 404
    assert b"<script>x" not in response.data and b"&lt;script&gt;x" in response.data


def test_chart_list(client):
    listed = client.get("/api/v1/charts").json
    assert [c["id"] for c in listed["charts"]] == list(charts.CHARTS)
    assert listed["charts"][0]["csv"] == "/api/v1/charts/annual_totals.csv"
    assert listed["parameters"] == ["from", "to", "country", "firm", "platform", "publisher", "status", "measure"]


def test_csv_carries_the_figures_their_sources_and_a_citation(client):
    response = client.get("/api/v1/charts/annual_totals.csv?publisher=ssb")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [(r["year"], r["scope"], r["value_usd_m"], r["source_url"]) for r in rows] == [
        ("2024", "goods_services", "7154.0", "https://example.org/a"),
        ("2025", "goods_services", "10054.0", "https://example.org/a"),
    ]
    assert rows[0]["citation"].startswith("Source: SSB figures, as reported by Outlet A · compiled by defex")
    assert "data as of 2026-01-03" in rows[0]["citation"]


def test_json_equals_the_registry_frame(client, built):
    body = client.get("/api/v1/charts/recipients_bar.json?status=all&measure=units").json
    frame = charts.frame("recipients_bar", parse({"status": "all", "measure": "units"}))
    assert body["columns"] == list(frame.columns)
    assert [(r["iso3"], r["confirmed"], r["deals"], r["units"]) for r in body["rows"]] == [
        ("PAK", True, 2, 9),
        ("PAK", False, 1, None),
        ("POL", True, 1, 24),
    ]
    assert body["params"] == "status=all&measure=units" and body["data_as_of"] == "2026-01-03"


def test_json_carries_subtitle_permalink_and_the_cite_sentence(client, monkeypatch):
    monkeypatch.delenv("DEFEX_PUBLIC_URL", raising=False)
    body = client.get("/api/v1/charts/recipients_bar.json?country=POL").json
    assert (body["title"], body["subtitle"], body["permalink"]) == (
        "Recipients of Türkiye's defence exports, ranked",
        "2021 · recipient: Poland · confirmed deals · measure: deals (count)",
        "/countries?country=POL",
    )
    assert body["citation"].startswith("Source: Outlet A · measure: deals (count) · compiled by defex")  # kept
    assert body["cite"] == (
        "“Recipients of Türkiye's defence exports, ranked”, 2021 · recipient: Poland · confirmed deals · measure: "
        "deals (count); source: Outlet A, published 2026-01-03, https://example.org/a; data as of 2026-01-03; "
        "/countries?country=POL (relative to where the dashboard is served); compiled by defex."
    )


def test_csv_neutralises_formulas_but_keeps_negative_numbers(client):
    import pandas as pd

    from dashboard.api import neutralise

    frame = neutralise(pd.DataFrame({"text": ['=HYPERLINK("x")', "+1", "ok"], "number": [-16.8, 1.0, 2.0]}))
    assert frame["text"].tolist() == ['\'=HYPERLINK("x")', "'+1", "ok"]
    assert frame["number"].tolist() == [-16.8, 1.0, 2.0]


def test_embed_page_has_title_source_line_and_a_link_back(client):
    page = client.get("/embed/annual_totals?publisher=ssb").data.decode()
    assert '<h1 id="embed-title">Türkiye&#x27;s defence &amp; aerospace exports by publisher</h1>' in page
    assert '<p id="embed-subtitle">2024–2025 · publisher: SSB · confirmed events</p>' in page
    assert "data as of 2026-01-03 (ETL run " in page
    assert '<a id="full-view" href="/?publisher=ssb" target="_top">' in page
    assert '<script src="/vendor/plotly.min.js">' in page and "cdn" not in page.lower()


def test_embed_shows_bad_parameters_as_messages(client):
    response = client.get("/embed/annual_totals?from=%3Cb%3E")
    assert response.status_code == 200
    assert "ignored &#x27;&lt;b&gt;&#x27;" in response.data.decode()


def test_embeds_may_be_framed_the_app_only_by_itself(client):
    assert "X-Frame-Options" not in client.get("/embed/annual_totals").headers
    assert client.get("/api/v1/charts").headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/").headers["X-Content-Type-Options"] == "nosniff"


def test_plotly_is_served_by_the_app(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200 and len(response.data) > 1_000_000


def test_python_figure_returns_the_same_data_as_the_api(client):
    figure = charts.figure("annual_totals", publisher="ssb", from_=2024)
    body = client.get("/api/v1/charts/annual_totals.json?publisher=ssb&from=2024").json
    drawn = sorted((x, y) for t in figure.data if t.name != "events" for x, y in zip(t.x, t.y, strict=True))
    assert drawn == sorted((r["year"], r["value_usd_m"]) for r in body["rows"]) == [(2024, 7154.0), (2025, 10054.0)]


def test_equivalent_query_strings_share_one_cache_entry_and_refused_ones_take_none(client):
    from dashboard import cache

    if not cache.enabled():
        pytest.skip("DEFEX_CACHE=0")
    cache.clear()
    first = client.get("/api/v1/charts/recipients_bar.csv?to=2025&from=2020")
    responses = cache.entries("response")
    again = client.get("/api/v1/charts/recipients_bar.csv?from=2020&to=2025&status=confirmed")  # the same view
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert responses == 1 and cache.entries("response") == 1  # served from the first one's entry
    for junk in range(5):  # refused parameters: a 400 for the API, a page with messages for the embed
        assert client.get(f"/api/v1/charts/recipients_bar.csv?junk{junk}=1").status_code == 400
        assert client.get(f"/embed/recipients_bar?junk{junk}=1").status_code == 200
    assert cache.entries("response") == 1
    assert client.get("/embed/recipients_bar?from=2020").status_code == 200 and cache.entries("response") == 2
