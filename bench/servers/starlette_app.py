"""The seed's Python backend, as near as Debian's packages allow: Starlette on Uvicorn (the seed
used Litestar, not packaged) with the same routes and prometheus_client metrics recorded the way
Litestar's PrometheusMiddleware does: a request counter, a duration histogram and an in-progress
gauge, labelled by method, path and status. The reference the seed's users know."""

import asyncio
import time
from http import HTTPStatus

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SERVICE_NAME = "backend"
FIRST_ERROR_STATUS = 400
PROBLEM_CONTENT_TYPE = "application/problem+json"

REQUESTS = Counter("requests_total", "Total requests", ["method", "path", "status_code"])
DURATION = Histogram("request_duration_seconds", "Request duration", ["method", "path", "status_code"])
IN_PROGRESS = Gauge("requests_in_progress", "Requests in progress", ["method", "path"])


def reason(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return f"Status {status_code}"


async def root(request):
    return JSONResponse({"service": SERVICE_NAME, "docs": "/docs", "openapi": "/docs/openapi.json", "metrics": "/metrics"})


async def status(request):
    status_code = request.path_params["status_code"]
    seconds = float(request.query_params.get("seconds_sleep", 0))
    if seconds > 0:
        await asyncio.sleep(seconds)
    if status_code >= FIRST_ERROR_STATUS:
        body = {
            "type": "about:blank",
            "title": reason(status_code),
            "status": status_code,
            "detail": f"Status {status_code} was requested",
            "instance": request.url.path,
        }
        return JSONResponse(body, status_code=status_code, media_type=PROBLEM_CONTENT_TYPE)
    return JSONResponse({"status_code": status_code, "reason": reason(status_code)}, status_code=status_code)


async def metrics(request):
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class PrometheusMiddleware:
    """Pure ASGI middleware, as Litestar's is: no per-request task or body buffering."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] == "/metrics":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        status_code = 500
        start = time.perf_counter()
        IN_PROGRESS.labels(method, path).inc()

        async def send_wrapper(message):
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            IN_PROGRESS.labels(method, path).dec()
            REQUESTS.labels(method, path, status_code).inc()
            DURATION.labels(method, path, status_code).observe(time.perf_counter() - start)


app = Starlette(
    routes=[
        Route("/", root),
        Route("/status/{status_code:int}", status),
        Route("/metrics", metrics),
    ]
)
app.add_middleware(PrometheusMiddleware)
