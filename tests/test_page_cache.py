"""Pages rendered once per warehouse version and URL, and one computation per cache key at a time."""

import threading
import time

import pytest

from bench.mixed import router


@pytest.fixture
def client(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard import cache
    from dashboard.app import server

    if not cache.enabled():
        pytest.skip("DEFEX_CACHE=0")
    cache.clear()
    return server.test_client()


def post(client, body: str):
    return client.post("/_dash-update-component", data=body, content_type="application/json")


def test_a_page_is_rendered_once_per_url_and_other_callbacks_are_not_kept(client):
    from dashboard import cache

    first = post(client, router("/deals", "?status=all"))
    assert first.status_code == 200 and cache.entries("response") == 1
    again = post(client, router("/deals", "?status=all"))
    assert again.data == first.data and cache.entries("response") == 1
    assert post(client, router("/deals")).status_code == 200 and cache.entries("response") == 2
    # a request that is not the router's (here a forged one Dash refuses) takes no entry
    assert post(client, '{"output": "x.children", "inputs": []}').status_code == 400
    assert post(client, "not json").status_code == 400
    assert cache.entries("response") == 2


def test_requests_for_a_key_being_computed_wait_for_it_instead_of_computing_it_again(built, monkeypatch):
    from dashboard import cache

    monkeypatch.setenv("DEFEX_DB", str(built))  # keys start with the warehouse version
    monkeypatch.setattr(cache, "_enabled", True)  # whatever an earlier test in this process set
    cache.clear()
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return len(calls)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.cached("test", ("key",), slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert calls == [1] and results == [1] * 8


def test_with_the_cache_off_a_query_runs_once_per_request_and_again_in_the_next(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard import cache, data, db
    from dashboard.app import server

    monkeypatch.setattr(cache, "_enabled", False)
    runs = []
    real_run = db.run
    monkeypatch.setattr(db, "run", lambda sql, params: runs.append(sql) or real_run(sql, params))
    for _request in range(2):
        with server.test_request_context("/"):
            first = data.query("SELECT 41 + 1 AS x")
            first.loc[0, "x"] = 0  # a caller changing its copy
            assert data.query("SELECT 41 + 1 AS x")["x"].tolist() == [42]
    assert runs == ["SELECT 41 + 1 AS x"] * 2
    assert data.query("SELECT 41 + 1 AS x")["x"].tolist() == [42] and len(runs) == 3  # outside a request: no memo
