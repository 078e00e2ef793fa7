"""ETags, ``If-None-Match`` and ``Cache-Control`` on the API's JSON GETs (api/revalidation.py, stop 73), through
FastAPI's TestClient on copies of the tests' fixture index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fashionrec.api.app import create_app
from fashionrec.api.settings import Settings
from fashionrec.recommend import Recommender

KEY = "test-secret"


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A copy of the session's fixture index that a test may change."""
    from _recs_support import index_copy

    return index_copy(tmp_path / "index")


@pytest.fixture
def client(live: Path):
    with TestClient(create_app(Settings(index_dir=live, api_key=KEY, reload_s=0))) as c:
        yield c


def _ids(client) -> list[int]:
    return [it["id"] for it in client.get("/api/items", params={"limit": 12}).json()["items"]]


def _gets(ids: list[int]) -> list[str]:
    """One address of each tagged GET."""
    a, b = ids[0], ids[1]
    return [f"/api/items/{a}", f"/api/items/{a}/similar?k=5", f"/api/items/{a}/other-colours",
            f"/api/items/{a}/outfit", f"/api/items?ids={a},{b}", "/api/items?limit=5&gender=Men",
            "/api/search/text?q=blue+shirt&k=5", f"/api/recommend/profile?ids={a},{b}&k=5", "/api/stock?limit=5"]


def test_every_json_get_is_tagged_and_a_current_tag_is_a_304(client):
    for url in _gets(_ids(client)):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        etag = r.headers.get("etag")
        assert etag and etag.startswith('W/"'), (url, r.headers)
        assert r.headers["cache-control"] == "no-cache", url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", (url, again.status_code)
        assert again.headers["etag"] == etag and again.headers["cache-control"] == "no-cache"
        # A list of tags naming it, or the strong form of it, is the same weak match (RFC 9110 13.1.2).
        assert client.get(url, headers={"If-None-Match": f'"x", {etag[2:]}'}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_304_works_nothing_out(client, monkeypatch):
    ids = _ids(client)
    url = f"/api/recommend/profile?ids={ids[0]},{ids[1]}&k=5"
    etag = client.get(url).headers["etag"]
    rec = client.app.state.service.rec
    calls = []
    monkeypatch.setattr(rec, "for_profile", lambda *a, **k: calls.append(a) or [])
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert calls == []
    assert client.get(url).status_code == 200 and len(calls) == 1     # a request without the tag is worked out


def test_different_requests_have_different_tags(client):
    ids = _ids(client)
    tags = {client.get(url).headers["etag"] for url in _gets(ids)}
    assert len(tags) == len(_gets(ids))
    # ... and a tag is not a 304 for another address
    etag = client.get(f"/api/items/{ids[0]}").headers["etag"]
    assert client.get(f"/api/items/{ids[1]}", headers={"If-None-Match": etag}).status_code == 200


def test_a_stock_level_set_changes_the_tags(client):
    ids = _ids(client)
    urls = _gets(ids)
    before = {url: client.get(url) for url in urls}
    r = client.put("/api/stock", json={"levels": {str(ids[0]): 7}}, headers={"X-API-Key": KEY})
    assert r.status_code == 200, r.text
    for url in urls:
        stale = client.get(url, headers={"If-None-Match": before[url].headers["etag"]})
        assert stale.status_code == 200, url
        assert stale.headers["etag"] != before[url].headers["etag"], url
    assert client.get(f"/api/items/{ids[0]}").json()["stock"] == 7
    # Sold out: the stale tag of the picks gets the picks without it.
    url = f"/api/recommend/profile?ids={ids[1]}&k=50"
    got = client.get(url)
    sold = next(r["item"]["id"] for r in got.json()["results"])
    client.put(f"/api/items/{sold}/stock", json={"stock": 0}, headers={"X-API-Key": KEY})
    now = client.get(url, headers={"If-None-Match": got.headers["etag"]})
    assert now.status_code == 200 and sold not in [r["item"]["id"] for r in now.json()["results"]]


def test_a_product_removed_or_added_changes_the_tags(client, fixture_dir):
    ids = _ids(client)
    url = f"/api/items/{ids[1]}/similar?k=50"
    first = client.get(url)
    gone = first.json()["results"][0]["item"]["id"]
    assert client.delete(f"/api/items/{gone}", headers={"X-API-Key": KEY}).status_code == 200
    after = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200 and gone not in [r["item"]["id"] for r in after.json()["results"]]
    photo = (fixture_dir / "images" / f"{gone}.jpg").read_bytes()
    item = client.get(f"/api/items/{ids[1]}").json()
    added = client.post("/api/items", headers={"X-API-Key": KEY}, files={"file": ("p.jpg", photo, "image/jpeg")},
                        data={"productDisplayName": "Added again", "gender": item["gender"],
                              "articleType": item["articleType"]})
    assert added.status_code == 201, added.text
    again = client.get(url, headers={"If-None-Match": after.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] not in (first.headers["etag"], after.headers["etag"])


def test_another_process_change_reloaded_changes_the_tags(client, live):
    ids = _ids(client)
    url = f"/api/items/{ids[0]}"
    first = client.get(url)
    other = Recommender.load(live)      # `fashionrec index stock` beside the server
    other.set_stock({ids[0]: 3})
    assert client.app.state.service.reload_if_changed()
    now = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert now.status_code == 200 and now.json()["stock"] == 3


def test_the_tag_is_the_same_in_another_process_of_the_folder(client, live, tmp_path):
    # Workers, or a restart, of one index folder: a CDN in front revalidates against any of them.
    ids = _ids(client)
    url = f"/api/items/{ids[0]}/similar?k=5"
    etag = client.get(url).headers["etag"]
    with TestClient(create_app(Settings(index_dir=live, reload_s=0))) as other:
        assert other.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Another folder (a rebuild's build id), the same products: not the same tag.
    copy = tmp_path / "copy"
    shutil.copytree(live, copy)
    manifest = (copy / "manifest.json").read_text().replace('"build_id": "', '"build_id": "x')
    (copy / "manifest.json").write_text(manifest)
    with TestClient(create_app(Settings(index_dir=copy, reload_s=0))) as other:
        assert other.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_an_answer_to_a_request_with_a_key_is_private(client):
    url = f"/api/items/{_ids(client)[0]}"
    assert client.get(url, headers={"X-API-Key": KEY}).headers["cache-control"] == "private, no-cache"


def test_errors_and_the_csv_are_not_tagged(client):
    assert "etag" not in client.get("/api/items/999999999").headers
    assert "etag" not in client.get("/api/stock?format=csv").headers


def test_a_change_in_memory_before_its_save_has_a_version_of_its_own(client):
    # A change is put in place in memory, then saved: its manifest (the folder's version) is the one before until
    # then, so an answer worked out in between would leave under the tag of the index before it.
    service = client.app.state.service
    before = service.version()
    with service.change() as exclusive:
        with exclusive():
            during = service.version()
        assert during != before and service.version() == during      # until it is saved or taken back
    assert service.version() == before      # nothing saved: the folder's version again


def test_a_shop_front_end_on_another_origin_may_read_the_tag_and_send_it_back(live, client):
    # Its script keeping answers itself: the ETag was not exposed to it, and If-None-Match was refused at the
    # preflight.
    origin = {"Origin": "https://shop.example.com"}
    url = f"/api/items/{_ids(client)[0]}"
    with TestClient(create_app(Settings(index_dir=live, cors_origins=origin["Origin"], reload_s=0))) as c:
        assert "etag" in c.get(url, headers=origin).headers["access-control-expose-headers"].lower()
        pre = c.options(url, headers={**origin, "Access-Control-Request-Method": "GET",
                                      "Access-Control-Request-Headers": "if-none-match"})
        assert pre.status_code == 200 and "if-none-match" in pre.headers["access-control-allow-headers"].lower()


def test_if_none_match_star_is_a_304_only_where_the_product_is(client, live):
    """``If-None-Match: *`` matches a current answer only (RFC 9110 13.1.2): for an id, a Handle or a liked list the
    catalogue has none of, the 404 it is without the header. Before, the 304 was given before the id was read: a
    client (a CDN's revalidation of '*') was told its copy of a product removed, or never there, was current."""
    import json

    manifest = json.loads((live / "manifest.json").read_text())
    a, b = _ids(client)[:2]
    manifest["ids_as_written"] = {str(a): "navy-tee"}
    (live / "manifest.json").write_text(json.dumps(manifest))
    star = {"If-None-Match": "*"}
    with TestClient(create_app(Settings(index_dir=live, api_key=KEY, reload_s=0))) as c:
        for url in ("/api/items/no-such-handle", "/api/items/99999999", "/api/items/0099999999",
                    "/api/items/no-such-handle/similar", "/api/items?ids=no-such-handle",
                    "/api/recommend/profile?ids=no-such-handle&skip_unknown=true"):
            assert c.get(url).status_code == 404, url
            assert c.get(url, headers=star).status_code == 404, url
        # A product there: a 304 to '*' still, by its Handle and its number, and after its removal a 404.
        for url in ("/api/items/navy-tee", f"/api/items/{a}", f"/api/items?ids=navy-tee,{b}"):
            assert c.get(url, headers=star).status_code == 304, url
        assert c.delete("/api/items/navy-tee", headers={"X-API-Key": KEY}).status_code == 200
        for url in ("/api/items/navy-tee", f"/api/items/{a}"):
            assert c.get(url, headers=star).status_code == 404, url
