"""Prometheus metrics: requests by route and status, latency, suggestions and decisions.

Each app has its own registry (so several apps in one process, as in tests, do not clash);
``GET /metrics`` exposes it in the Prometheus text format to admin keys.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The service's metrics, registered in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "codesuggest_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "codesuggest_http_request_duration_seconds",
            "Time from request to the end of the response, by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "codesuggest_http_requests_in_flight",
            "Requests being served now.",
            registry=self.registry,
        )
        self.notes = Counter(
            "codesuggest_notes_suggested",
            "Notes the engine suggested codes for.",
            registry=self.registry,
        )
        self.suggestions = Counter(
            "codesuggest_suggestions",
            "Suggestions served, by code system and whether recommended.",
            ["system", "recommended"],
            registry=self.registry,
        )
        self.runs_dropped = Counter(
            "codesuggest_runs_dropped",
            "Suggestion runs served but not stored: the recorder's queue was full.",
            registry=self.registry,
        )
        self.decisions = Counter(
            "codesuggest_feedback_decisions",
            "Coders' decisions stored, by decision.",
            ["decision"],
            registry=self.registry,
        )
        self.rejected_auth = Counter(
            "codesuggest_auth_failures",
            "Requests refused by authentication, authorisation or rate limit, by status.",
            ["status"],
            registry=self.registry,
        )


class MetricsMiddleware:
    """Counts every HTTP request by its route template (never the raw path) and times it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.in_flight.dec()
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "?")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
            if status in (401, 403, 429):
                self.metrics.rejected_auth.labels(str(status)).inc()
