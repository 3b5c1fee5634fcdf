"""HTTP GET with retries: what every downloader shares.

Rate limits (429) and server errors (5xx) are retried with exponential
backoff (honouring Retry-After), connection failures too; other statuses
(400, 401, 403, 404) are the caller's mistake and fail at once with the
server's message. Nothing here writes anywhere: callers decide what to keep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from asymmetry.errors import AsymmetryError

USER_AGENT = "asymmetry (https://github.com/asymmetry; trade dependence toolkit)"


class FetchError(AsymmetryError):
    """A download failed for good (after retries) or returned something unusable."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Up to ``attempts`` tries; waits base * 2**n seconds (at most ``cap``) between."""

    attempts: int = 6
    base: float = 1.0
    cap: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        wait: float = min(self.cap, self.base * 2.0**attempt)
        if response is not None and "retry-after" in response.headers:
            wait = min(self.cap, max(wait, _retry_after(response.headers["retry-after"])))
        return wait


def _retry_after(value: str) -> float:
    """Seconds from a Retry-After header (a number or an HTTP date)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return 0.0


def retryable(status: int) -> bool:
    return status == 429 or status >= 500


@contextmanager
def http_client(client: httpx.Client | None = None) -> Iterator[httpx.Client]:
    """The given client, or a new one (closed afterwards) with our user agent."""
    if client is not None:
        yield client
        return
    with httpx.Client(
        headers={"user-agent": USER_AGENT}, timeout=httpx.Timeout(120.0, connect=30.0)
    ) as made:
        yield made


def get(
    client: httpx.Client,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    policy: RetryPolicy | None = None,
    what: str = "",
) -> httpx.Response:
    """GET ``url``, retrying what is worth retrying; `FetchError` names what failed."""
    policy = policy or RetryPolicy()
    label = what or url
    last = ""
    for attempt in range(policy.attempts):
        response: httpx.Response | None = None
        try:
            response = client.get(url, params=params, headers=headers)
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                return response
            last = f"HTTP {response.status_code}: {_snippet(response)}"
            if not retryable(response.status_code):
                raise FetchError(f"{label}: {last}")
        if attempt + 1 < policy.attempts:
            policy.sleep(policy.delay(attempt, response))
    raise FetchError(f"{label}: gave up after {policy.attempts} attempts; last: {last}")


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:200] + ("..." if len(text) > 200 else "")
