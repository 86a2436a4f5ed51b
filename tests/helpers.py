"""Helpers the request tests share: reading a response, checking an htmx fragment or a whole
page, and signing in through the login form."""

from __future__ import annotations

PASSWORD = "correct-horse-42"  # every test user's password (tests/conftest.py hashes it once)


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def vary(response) -> set[str]:
    """The header names the response says it varies on."""
    return {v.strip() for h in response.headers.get_all("Vary") for v in h.split(",")}


def assert_fragment(response, element_id: str) -> str:
    """An htmx fragment: no page around it, the element it owns, `Vary: HX-Request`."""
    body = text(response)
    assert "<html" not in body
    assert f'id="{element_id}"' in body
    assert "HX-Request" in vary(response)
    return body


def assert_full_page(response, element_id: str) -> str:
    """A whole page holding the element."""
    body = text(response)
    assert body.lstrip().startswith("<!doctype html>")
    assert f'id="{element_id}"' in body
    return body


def sign_in(client, user, password: str = PASSWORD):
    """Post the login form as `user` (a User or a username) and return the response."""
    username = getattr(user, "username", user)
    return client.post("/login", data={"username": username, "password": password})
