"""Links leaving the app are built from DEFEX_PUBLIC_URL, never from the request's Host header (issue 13, item 10);
unset, they are relative. Pages (as the router callback renders them), embeds and the API, on the fixture warehouse."""

import json

import pytest

from bench.mixed import router_request

PAGES = [
    "/",
    "/countries",
    "/firms",
    "/platforms",
    "/deals",
    "/compare",
    "/country/PAK",
    "/firm/baykar",
    "/platform/tb2",
]
ROUTES = [
    "/",
    "/embed/recipients_map?country=PAK",
    "/embed/annual_totals",
    "/api/v1/charts",
    "/api/v1/charts/recipients_bar.json?country=PAK",
    "/api/v1/charts/annual_totals.csv",
]


@pytest.fixture
def client(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    monkeypatch.delenv("DEFEX_PUBLIC_URL", raising=False)
    from dashboard import cache
    from dashboard.app import server

    cache.clear()
    return server.test_client()


def bodies(client) -> dict:
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    out = {route: client.get(route, headers=evil).get_data(as_text=True) for route in ROUTES}
    for path in PAGES:
        response = client.post("/_dash-update-component", json=router_request(path, "?country=PAK"), headers=evil)
        assert response.status_code == 200, path
        out[path + " (page)"] = response.get_data(as_text=True)
    return out


def test_a_forged_host_header_appears_nowhere(client):
    found = [route for route, body in bodies(client).items() if "evil.example" in body]
    assert found == []


def test_share_links_are_relative_without_a_public_url(client):
    page = bodies(client)["/countries (page)"]
    assert '"content": "/countries?country=PAK"' in json.dumps(json.loads(page))  # the copied link
    assert 'src=\\"/embed/recipients_map?country=PAK\\"' in json.dumps(json.loads(page))  # the iframe snippet


def test_share_links_and_permalinks_use_the_public_url(client, monkeypatch):
    monkeypatch.setenv("DEFEX_PUBLIC_URL", "https://defex.example.org")
    out = bodies(client)
    page = json.dumps(json.loads(out["/countries (page)"]))
    assert '"content": "https://defex.example.org/countries?country=PAK"' in page
    assert 'src=\\"https://defex.example.org/embed/recipients_map?country=PAK\\"' in page
    assert (
        '<a id="full-view" href="https://defex.example.org/countries?country=PAK" target="_top">'
        in out["/embed/recipients_map?country=PAK"]
    )
    body = json.loads(out["/api/v1/charts/recipients_bar.json?country=PAK"])
    assert body["permalink"] == "https://defex.example.org/countries?country=PAK"
