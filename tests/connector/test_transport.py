"""HTTP behaviour through the client: error mapping, retries and back-off, headers."""

from __future__ import annotations

import ssl

import httpx
import pytest

from connector.models import Features
from participa.errors import (
    ProtocolError,
    QueryError,
    RateLimitedError,
    ServerError,
    UnreachableError,
)

SECRET = "s3cr3t-token-value"
SPACES_OK = {
    "data": {"decidim": {"version": "0.27.9"}, "participatoryProcesses": [], "assemblies": []}
}


def _spaces(client):
    return list(client.iter_spaces(Features()))


def _sequence(*answers):
    """A handler answering each request with the next of ``answers`` (the last repeats)."""
    answers = list(answers)

    def handler(payload, request):
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


def test_token_and_user_agent_headers(make_client):
    client, server = make_client(lambda p, r: SPACES_OK, token=SECRET)
    _spaces(client)
    headers = server.requests[0].headers
    assert headers["authorization"] == f"Bearer {SECRET}"
    assert headers["user-agent"].startswith("participa/")
    assert server.payloads[0]["operationName"] == "Spaces"


def test_no_authorization_header_without_token(make_client):
    client, server = make_client(lambda p, r: SPACES_OK)
    _spaces(client)
    assert "authorization" not in server.requests[0].headers


def test_5xx_is_retried_with_exponential_full_jitter(make_client, clock):
    boom = httpx.Response(500, json={"errors": [{"message": "Internal Server error"}], "data": {}})
    client, server = make_client(_sequence(boom, boom, boom, httpx.Response(200, json=SPACES_OK)))
    assert _spaces(client) == []
    assert clock.sleeps == [1.0, 2.0, 4.0]  # MaxRng: each sleep is its ceiling
    assert (client.requests, client.retries) == (4, 3)


def test_backoff_is_capped_and_retries_run_out(make_client, clock):
    client, _ = make_client(lambda p, r: httpx.Response(503), max_retries=8)
    with pytest.raises(ServerError, match="HTTP 503") as info:
        _spaces(client)
    assert clock.sleeps == [1, 2, 4, 8, 16, 32, 60, 60]
    assert info.value.status == 503 and str(info.value).startswith("valpo: ")
    assert client.requests == 9


def test_jitter_uses_the_injected_rng(make_client, clock):
    import random

    client, _ = make_client(lambda p, r: httpx.Response(502), max_retries=3, rng=random.Random(7))
    with pytest.raises(ServerError):
        _spaces(client)
    expected = random.Random(7)
    assert clock.sleeps == [expected.uniform(0, c) for c in (1, 2, 4)]


def test_429_honours_retry_after_then_raises_rate_limited(make_client, clock):
    limited = httpx.Response(429, headers={"Retry-After": "7"}, text="Retry later\n")
    client, _ = make_client(_sequence(limited, httpx.Response(429)), max_retries=2)
    with pytest.raises(RateLimitedError, match="requests_per_minute"):
        _spaces(client)
    assert clock.sleeps == [7.0, 2.0]


def test_timeouts_and_resets_are_retried(make_client, clock):
    client, _ = make_client(
        _sequence(httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"), SPACES_OK)
    )
    assert _spaces(client) == [] and client.retries == 2


@pytest.mark.parametrize(
    ("exc", "match"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "cannot connect"),
        (httpx.ConnectTimeout("timed out"), "did not answer within 30s"),
    ],
)
def test_unreachable_after_retries(make_client, exc, match):
    client, server = make_client(_sequence(exc), max_retries=2)
    with pytest.raises(UnreachableError, match=match):
        _spaces(client)
    assert len(server.payloads) == 3


def test_tls_failure_is_not_retried(make_client):
    error = httpx.ConnectError("handshake")
    error.__cause__ = ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED")
    client, server = make_client(_sequence(error))
    with pytest.raises(UnreachableError, match="verify_tls"):
        _spaces(client)
    assert len(server.payloads) == 1


@pytest.mark.parametrize(
    ("status", "match"),
    [
        (
            404,
            r"https://participa.example.cl/api answered HTTP 404: "
            r"is this the instance's GraphQL endpoint",
        ),
        (401, "token_env"),
        (403, "access denied"),
        (302, "redirected"),
    ],
)
def test_client_errors_are_not_retried(make_client, status, match):
    client, server = make_client(
        lambda p, r: httpx.Response(status, headers={"location": "/users/sign_in"})
    )
    with pytest.raises(ServerError, match=match) as info:
        _spaces(client)
    assert info.value.status == status and len(server.payloads) == 1


@pytest.mark.parametrize(
    ("response", "match"),
    [
        (httpx.Response(200, html="<!DOCTYPE html><html>Sign in</html>"), "HTML page"),
        (httpx.Response(200, text="not json at all"), "invalid JSON"),
        (httpx.Response(200, text='{"data": {"participatoryProcesses": [{"id": "1"'), "cut short"),
        (httpx.Response(200, json={"hello": "world"}), "not a GraphQL response"),
        (httpx.Response(200, json=[1, 2]), "not a GraphQL response"),
    ],
)
def test_answers_that_are_not_graphql(make_client, response, match):
    client, _ = make_client(lambda p, r: response)
    with pytest.raises(ProtocolError, match=match):
        _spaces(client)


def test_errors_without_data_raise_query_error(make_client):
    message = "Query has complexity of 14003, which exceeds max complexity of 5000"
    client, _ = make_client(lambda p, r: {"errors": [{"message": message}]})
    with pytest.raises(QueryError, match="exceeds max complexity") as info:
        _spaces(client)
    assert info.value.errors == [{"message": message}]


def test_graphql_errors_in_a_400_are_query_errors(make_client):
    client, _ = make_client(lambda p, r: httpx.Response(400, json={"errors": [{"message": "bad"}]}))
    with pytest.raises(QueryError, match="bad"):
        _spaces(client)


def test_token_never_appears_in_errors_or_warnings(make_client, caplog):
    client, _ = make_client(lambda p, r: httpx.Response(503), token=SECRET, max_retries=2)
    with pytest.raises(ServerError) as info:
        _spaces(client)
    assert SECRET not in str(info.value) and SECRET not in caplog.text


def test_credentials_in_the_url_stay_out_of_messages(clock):
    from connector.client import DecidimClient

    transport = httpx.MockTransport(lambda r: httpx.Response(404))
    with (
        DecidimClient(
            "https://user:pw@x.example/api?k=v", transport=transport, sleep=clock.sleep, clock=clock
        ) as client,
        pytest.raises(ServerError) as info,
    ):
        _spaces(client)
    assert "pw" not in str(info.value) and "https://x.example/api answered" in str(info.value)
