"""The simulator's non-GraphQL answers: redirect, docs stub, 404 and 400 pages."""

from __future__ import annotations

from connector.simulator.api import ApiResponse

HTML_TYPE = "text/html; charset=utf-8"


def _page(status: int, title: str, text: str) -> ApiResponse:
    body = (f'<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><h1>{title}</h1><p>{text}</p></body></html>\n")
    return ApiResponse(status, None, body.encode(), HTML_TYPE)


REDIRECT_TO_DOCS = ApiResponse(
    302, None, b'<html><body>You are being <a href="/api/docs">redirected</a>.</body></html>',
    HTML_TYPE)
DOCS_PAGE = _page(200, "API documentation", "Decidim GraphQL API (simulated).")
NOT_FOUND = _page(404, "The page you were looking for doesn't exist (404)",
                  "You may have mistyped the address or the page may have moved.")
BAD_REQUEST = _page(400, "Bad Request", "The request body could not be parsed as JSON.")
