"""A real notification worker with real receivers: aiosmtpd, a signed-webhook endpoint, Slack.

Everything here is module-scoped: one database, topic prefix, set of receivers and
worker process serve every test in a module (each test uses its own session ids),
so the suite pays for one worker start per module. The HTTP receivers run on
their own event loop in a background thread, so tests may block (on the worker,
``asyncio.run``) without stalling them.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller

from adapters.kafka_admin import ensure_topics, topic_partitions
from adapters.notify import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature
from interviewlm.stack import StackInfo
from runtime.settings import Settings
from tests.integration.adapters.notify.conftest import Inbox, free_port
from tests.support.stack import fresh_database, unique
from tests.support.worker import WorkerProcess
from tests.unit.adapters.notify.samples import RECRUITER, WEBHOOK_SECRET

#: Retries in these tests wait 0.3 s, 0.6 s, ... instead of 2 s, 4 s, ...
RETRY_INITIAL_SECONDS = 0.3


@dataclass
class Hit:
    """One request a receiver got: whose session, which delivery, what we answered."""

    session: str
    event_type: str
    delivery: str
    status: int
    signed: bool


@dataclass
class Receivers:
    """The webhook endpoint (signature-checking, scripted answers) and the Slack endpoint."""

    inbox: Inbox
    smtp_port: int
    base_url: str = ""
    webhook: list[Hit] = field(default_factory=list)
    slack: list[dict[str, Any]] = field(default_factory=list)
    #: sessionId -> statuses to answer its webhook requests with, in order (then 200)
    script: dict[str, list[int]] = field(default_factory=dict)

    async def on_webhook(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = verify_signature(WEBHOOK_SECRET, request.headers.get(SIGNATURE_HEADER), body)
        payload = json.loads(body)
        session = payload["data"]["sessionId"]
        queued = self.script.get(session)
        status = (queued.pop(0) if queued else 200) if signed else 401
        self.webhook.append(Hit(session, payload["type"],
                                request.headers.get(DELIVERY_HEADER, ""), status, signed))
        return web.Response(status=status, text="ok")

    async def on_slack(self, request: web.Request) -> web.Response:
        self.slack.append(json.loads(await request.read()))
        return web.Response(text="ok")

    def mails(self, needle: str) -> list[Any]:
        """E-mails sent to ``needle`` or whose subject names it (a candidate id)."""
        return [m for to, m in self.inbox.messages if needle in to or needle in m["Subject"]]

    def hooks(self, session: str) -> list[Hit]:
        return [h for h in self.webhook if h.session == session]

    def slacks(self, session: str) -> list[dict[str, Any]]:
        return [s for s in self.slack if session in json.dumps(s)]


def _serve(receivers: Receivers, loop: asyncio.AbstractEventLoop) -> web.AppRunner:
    app = web.Application()
    app.router.add_post("/webhook", receivers.on_webhook)
    app.router.add_post("/slack/{tail:.*}", receivers.on_slack)
    runner = web.AppRunner(app)

    async def start() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        receivers.base_url = f"http://{host}:{port}"

    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    return runner


@pytest.fixture(scope="module")
def receivers() -> Iterator[Receivers]:
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    found = Receivers(inbox, smtp.port)
    runner = _serve(found, loop)
    try:
        yield found
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
        smtp.stop()


@dataclass
class Env:
    """Where the module's worker runs: broker, database, topic prefix, environment."""

    bootstrap: str
    database_url: str
    prefix: str
    vars: dict[str, str]


async def topics_ready(settings: Settings, timeout: float = 30.0) -> None:
    """Create the topics and wait until the broker's metadata lists them all.

    A worker whose group forms before then is assigned nothing (Faust ignores
    missing topics), which happens on a broker that has only just started.
    """
    await ensure_topics(settings)
    wanted = [settings.topics(t) for t in ("notification", "notification.retry",
                                           "notification.dlq")]
    deadline = time.monotonic() + timeout
    while set(await topic_partitions(settings, wanted)) != set(wanted):
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics {wanted} not in the broker's metadata")
        await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
def notif_env(stack: StackInfo, receivers: Receivers,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    prefix = unique("t") + "."
    for database_url in fresh_database(stack):
        settings = Settings(kafka_bootstrap_servers=stack.bootstrap_servers,
                            topic_prefix=prefix, kafka_topic_partitions=2)
        asyncio.run(topics_ready(settings))
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "DATABASE_URL": database_url,
            "TOPIC_PREFIX": prefix, "APP_ID": unique("nt-"), "KAFKA_TOPIC_PARTITIONS": "2",
            "DATA_DIR": str(tmp_path_factory.mktemp("notif") / "data"),
            "BATCH_WITHIN_SECONDS": "0.05", "LOG_LEVEL": "INFO",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(receivers.smtp_port),
            "WEBHOOK_URL": f"{receivers.base_url}/webhook", "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SLACK_WEBHOOK_URL": f"{receivers.base_url}/slack/T0/B0/xyz",
            "RECRUITER_EMAIL": RECRUITER,
            "NOTIFICATION_ATTEMPTS": "5",
            "NOTIFICATION_RETRY_INITIAL_SECONDS": str(RETRY_INITIAL_SECONDS),
        }
        yield Env(stack.bootstrap_servers, database_url, prefix, env)


@pytest.fixture(scope="module")
def notification_worker(notif_env: Env,
                        tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(notif_env.vars, tmp_path_factory.mktemp("logs"),
                           agents="notification").start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def eventually(check: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll ``check`` (every 0.1 s) until it holds, or fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s: {what}")


async def fetch(database_url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(database_url)
    try:
        return [dict(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


def rows_for(env: Env, sql: str, *args: Any) -> list[dict[str, Any]]:
    return asyncio.run(fetch(env.database_url, sql, *args))


def wait_for_rows(env: Env, sql: str, predicate: Callable[[list[dict[str, Any]]], bool],
                  *args: Any, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Poll ``sql`` until ``predicate(rows)`` holds; return the rows (or fail with them)."""
    deadline = time.monotonic() + timeout
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = rows_for(env, sql, *args)
        if predicate(rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout}s; last rows: {rows[:5]}")
