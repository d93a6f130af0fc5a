"""The ``fetch`` command: day pages of the portal from the MediaWiki Action API."""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import time
import urllib.parse
from typing import Any

import attrs

from ._atomic import write_bytes
from ._portal import page_title
from ._runs import (
    Hold,
    Stop,
    Unwritable,
    cannot_write,
    ignore_signals,
    parse_day,
    ready_folder,
    ready_output,
    say,
    stop_on_signals,
    stop_status,
)

_EXIT_OK, _EXIT_FAILED = 0, 1


class FetchError(Exception):
    """A request that failed after every retry."""


def _get(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """GET ``url`` as JSON, retrying with exponential backoff on lag, 429 and 5xx."""
    import urllib.error  # (here: 30 ms of imports every other command need not pay)
    import urllib.request

    wait = args.backoff
    last = ""
    for attempt in range(max(1, args.retries)):
        if attempt:
            time.sleep(wait)
            wait *= 2
        req = urllib.request.Request(url, headers={"User-Agent": args.user_agent})
        try:
            with urllib.request.urlopen(req, timeout=args.timeout) as resp:
                body = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            retry = exc.headers.get("Retry-After") if exc.headers else None
            if exc.code == 429 or exc.code >= 500:
                wait = max(wait, _seconds(retry))
                continue
            raise FetchError(f"{last} for {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            last = str(getattr(exc, "reason", exc))
            continue
        if not isinstance(body, dict):
            raise FetchError(f"unexpected answer from {url}")
        err = body.get("error")
        if isinstance(err, dict):
            last = f"{err.get('code')}: {err.get('info')}"
            if err.get("code") in {"maxlag", "ratelimited", "readonly"}:
                wait = max(wait, _seconds(str(err.get("lag", ""))))
                continue
            raise FetchError(f"API error {last}")
        return body
    raise FetchError(f"gave up after {args.retries} tries: {last} ({url})")


def _seconds(value: str | None) -> float:
    try:
        return min(60.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def _dates(first: _dt.date, last: _dt.date) -> list[_dt.date]:
    return [first + _dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _target(out: str, d: _dt.date) -> str:
    return os.path.join(out, f"{d.year:04d}", f"{d.month:02d}", f"{d.isoformat()}.wiki")


def _fetch_batch(titles: dict[str, _dt.date], args: argparse.Namespace) -> dict[str, Any]:
    """Revision data per title (None for a missing page), following continuations."""
    found: dict[str, Any] = {}
    params: dict[str, str] = {
        "action": "query",
        "format": "json",
        "formatversion": "2",
        "prop": "revisions",
        "rvprop": "ids|timestamp|content",
        "rvslots": "main",
        "maxlag": str(args.maxlag),
        "titles": "|".join(titles),
    }
    for _round in range(len(titles) + 1):
        body = _get(f"{args.api}?{urllib.parse.urlencode(params)}", args)
        query = body.get("query", {})
        names = {
            n.get("to"): n.get("from") for n in query.get("normalized", []) if isinstance(n, dict)
        }
        for page in query.get("pages", []):
            title = str(names.get(page.get("title")) or page.get("title"))
            if page.get("missing") or page.get("invalid"):
                found[title] = None
            elif page.get("revisions"):
                found[title] = page["revisions"][0]
        cont = body.get("continue")
        if not isinstance(cont, dict):
            break
        params.update({k: str(v) for k, v in cont.items()})
    return found


def fetch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``newsevent fetch``; the exit code."""
    first = parse_day(args.first, parser, "FIRST")
    last = parse_day(args.last, parser, "LAST") if args.last else first
    if last < first:
        parser.error("LAST is before FIRST")
    if not 1 <= args.batch <= 50:
        parser.error("--batch must be between 1 and 50")
    if not ready_output(args.output, parser):
        return _EXIT_FAILED
    todo = [
        d
        for d in _dates(first, last)
        if args.refresh
        or not (os.path.isfile(_target(args.output, d)) and os.path.isfile(_side(args.output, d)))
    ]
    count = _Fetched(skipped=(last - first).days + 1 - len(todo))
    status = _EXIT_OK
    fatal: str | None = None
    try:
        with stop_on_signals():
            for k in range(0, len(todo), args.batch):
                _fetch_days(todo[k : k + args.batch], args, count)
    except (KeyboardInterrupt, Stop) as exc:
        ignore_signals()
        status = stop_status(exc)
    except Unwritable as exc:
        fatal = str(exc)
    if fatal is not None:
        say(fatal)
    text = (
        f"{count.got} fetched, {count.skipped} already there, {count.missing} missing, "
        f"{count.failed} failed"
    )
    if status != _EXIT_OK or fatal is not None:
        left = len(todo) - count.got - count.missing - count.failed
        how = "interrupted" if status != _EXIT_OK else "stopped"
        text = f"{how}: {text}" + (f", {left} not done" if left else "")
    say(text)
    if status != _EXIT_OK:
        return status
    return _EXIT_FAILED if count.failed or fatal is not None else _EXIT_OK


@attrs.define
class _Fetched:
    """What a fetch did so far."""

    skipped: int
    got: int = 0
    missing: int = 0
    failed: int = 0
    folders: set[str] = attrs.Factory(set)
    """The folders written in so far."""


def _fetch_days(days: list[_dt.date], args: argparse.Namespace, count: _Fetched) -> None:
    """Download one batch of days and write each day's text and sidecar."""
    batch = {page_title(d): d for d in days}
    try:
        found = _fetch_batch(batch, args)
    except FetchError as exc:
        count.failed += len(batch)
        say(str(exc))
        return
    for title, d in batch.items():
        rev = found.get(title)
        if not isinstance(rev, dict):
            count.missing += 1
            say(f"{title}: no such page")
            continue
        content = rev.get("slots", {}).get("main", {}).get("content", rev.get("content"))
        if not isinstance(content, str):
            count.failed += 1
            say(f"{title}: the answer holds no text")
            continue
        data = content.encode("utf-8")
        meta = {
            "title": title,
            "revision": rev.get("revid"),
            "timestamp": rev.get("timestamp"),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        side = json.dumps(meta, ensure_ascii=False, indent=1) + "\n"
        # The text first, then its sidecar, each whole or not at all: a day counts as
        # fetched (and is skipped when the fetch runs again) only once both are there.
        path = _target(args.output, d)
        ready_folder(os.path.dirname(path), count.folders)
        _write_whole(path, data)
        with Hold():  # (a stop signal waits until a day whose sidecar is there is counted)
            _write_whole(_side(args.output, d), side.encode("utf-8"))
            count.got += 1


def _write_whole(path: str, data: bytes) -> None:
    try:
        write_bytes(path, data)
    except OSError as exc:
        raise cannot_write(exc, path) from None


def _side(out: str, d: _dt.date) -> str:
    return os.path.splitext(_target(out, d))[0] + ".json"
