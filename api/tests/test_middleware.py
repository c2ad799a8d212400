"""Compression: gzip for bodies over 1 KB when asked; ETags still match through it."""

import gzip
import json

import pytest

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BIG = "/api/v1/users/?page_size=30&expand=profile"


@pytest.fixture
def many_users(db):
    UserFactory.create_batch(30)


def test_a_large_answer_is_gzipped_when_asked(user_client, many_users):
    plain = user_client.get(BIG)
    packed = user_client.get(BIG, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert len(plain.content) > 1024
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert "Accept-Encoding" in packed["Vary"]


def test_a_small_answer_is_sent_as_it_is(user_client):
    response = user_client.get("/api/v1/users/stats/", HTTP_ACCEPT_ENCODING="gzip")

    assert len(response.content) <= 1024
    assert "Content-Encoding" not in response
    assert response.json()["total_users"] == 1
    assert "Accept-Encoding" in response["Vary"]


def test_the_weak_etag_of_a_gzipped_answer_still_revalidates(user_client, many_users):
    packed = user_client.get(BIG, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["ETag"].startswith('W/"')

    again = user_client.get(BIG, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])

    assert again.status_code == 304
