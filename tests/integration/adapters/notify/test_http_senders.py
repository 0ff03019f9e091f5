"""WebhookSender and SlackSender against real aiohttp servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.notify import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    PermanentDeliveryError,
    SlackSender,
    TransientDeliveryError,
    WebhookSender,
    build_senders,
    plan_deliveries,
    verify_signature,
)
from tests.integration.adapters.notify.conftest import SmtpServer, StartServer, free_port
from tests.unit.adapters.notify.samples import (
    WEBHOOK_SECRET,
    evaluation,
    invitation,
    make_settings,
    notifications_count,
)

pytestmark = pytest.mark.integration


class Receiver:
    """A webhook endpoint that verifies signatures and answers with scripted statuses."""

    def __init__(self, *statuses: int, secret: str = WEBHOOK_SECRET) -> None:
        self.statuses = list(statuses)
        self.secret = secret
        self.requests: list[tuple[dict[str, str], bytes]] = []

    async def __call__(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((dict(request.headers), body))
        if not verify_signature(self.secret, request.headers.get(SIGNATURE_HEADER), body):
            return web.Response(status=401, text="bad signature")
        status = self.statuses.pop(0) if self.statuses else 200
        headers = {"Retry-After": "3"} if status == 503 else {}
        return web.Response(status=status, text="ok", headers=headers)


def webhook_delivery(event_type: str = "interview-invited") -> Any:
    data = evaluation() if event_type == "evaluation-complete" else invitation()
    [delivery] = [d for d in plan_deliveries(event_type, data, make_settings())
                  if d.channel == "webhook"]
    return delivery


async def test_signed_webhook_is_verified_by_the_receiver(start_http: StartServer) -> None:
    receiver = Receiver()
    url = await start_http(receiver)
    delivery = webhook_delivery()
    before = notifications_count("webhook", "sent")
    await WebhookSender(url, WEBHOOK_SECRET, timeout=5).send(delivery)
    assert notifications_count("webhook", "sent") == before + 1
    [(headers, body)] = receiver.requests
    assert headers[EVENT_HEADER] == "interview-invited"
    assert headers[DELIVERY_HEADER] == delivery.dedupe_key
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"id": delivery.dedupe_key, "type": "interview-invited",
                                "data": delivery.json().body["data"]}


async def test_wrong_secret_is_refused_permanently(start_http: StartServer) -> None:
    receiver = Receiver()
    url = await start_http(receiver)
    with pytest.raises(PermanentDeliveryError) as caught:
        await WebhookSender(url, "whsec_wrong", timeout=5).send(webhook_delivery())
    assert caught.value.status_code == 401


async def test_503_then_200_is_transient_then_delivered(start_http: StartServer) -> None:
    receiver = Receiver(503)
    url = await start_http(receiver)
    sender = WebhookSender(url, WEBHOOK_SECRET, timeout=5)
    delivery = webhook_delivery("evaluation-complete")
    before = notifications_count("webhook", "transient_error")
    with pytest.raises(TransientDeliveryError) as caught:
        await sender.send(delivery)
    assert (caught.value.status_code, caught.value.retry_after) == (503, 3.0)
    assert notifications_count("webhook", "transient_error") == before + 1
    await sender.send(delivery)
    first, second = receiver.requests
    assert first[1] == second[1]
    assert first[0][DELIVERY_HEADER] == second[0][DELIVERY_HEADER]


@pytest.mark.parametrize(("status", "error"), [
    (400, PermanentDeliveryError), (404, PermanentDeliveryError), (410, PermanentDeliveryError),
    (408, TransientDeliveryError), (429, TransientDeliveryError), (500, TransientDeliveryError),
])
async def test_status_classification(start_http: StartServer, status: int,
                                     error: type[Exception]) -> None:
    url = await start_http(Receiver(status))
    with pytest.raises(error):
        await WebhookSender(url, WEBHOOK_SECRET, timeout=5).send(webhook_delivery())


async def test_redirect_is_not_followed(start_http: StartServer) -> None:
    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=307, headers={"Location": "http://127.0.0.1:9/elsewhere"})

    url = await start_http(redirect)
    with pytest.raises(PermanentDeliveryError, match="307"):
        await WebhookSender(url, WEBHOOK_SECRET, timeout=5).send(webhook_delivery())


async def test_slow_endpoint_times_out_as_transient(start_http: StartServer) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(text="late")

    url = await start_http(slow)
    with pytest.raises(TransientDeliveryError, match="TimeoutError"):
        await WebhookSender(url, WEBHOOK_SECRET, timeout=0.2).send(webhook_delivery())


async def test_refused_connection_is_transient_and_hides_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/secret-token"
    with pytest.raises(TransientDeliveryError) as caught:
        await SlackSender(url, timeout=2).send(
            plan_deliveries("evaluation-complete", evaluation(), make_settings())[2])
    assert "secret-token" not in str(caught.value)


async def test_slack_receives_text_and_blocks(start_http: StartServer) -> None:
    received: list[dict[str, Any]] = []

    async def slack(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    url = await start_http(slack)
    delivery = plan_deliveries("evaluation-complete", evaluation(), make_settings())[2]
    before = notifications_count("slack", "sent")
    async with aiohttp.ClientSession() as session:
        await SlackSender(url, timeout=5, session=session).send(delivery)
    assert notifications_count("slack", "sent") == before + 1
    [message] = received
    assert message["text"] == "Evaluation complete for candidate cand-42: overall score 77.5"
    assert message["blocks"][0]["text"]["text"] == "Evaluation complete"
    assert "*Overall score*\n77.5" in [f["text"] for f in message["blocks"][1]["fields"]]


async def test_slack_archived_channel_is_permanent(start_http: StartServer) -> None:
    async def archived(request: web.Request) -> web.Response:
        return web.Response(status=410, text="channel_is_archived")

    url = await start_http(archived)
    delivery = plan_deliveries("evaluation-complete", evaluation(), make_settings())[2]
    before = notifications_count("slack", "permanent_error")
    with pytest.raises(PermanentDeliveryError):
        await SlackSender(url, timeout=5).send(delivery)
    assert notifications_count("slack", "permanent_error") == before + 1


async def test_plan_and_send_through_every_channel(start_http: StartServer,
                                                   smtp_server: SmtpServer) -> None:
    webhook = Receiver()
    slack_messages: list[bytes] = []

    async def slack(request: web.Request) -> web.Response:
        slack_messages.append(await request.read())
        return web.Response(text="ok")

    settings = make_settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                             webhook_url=await start_http(webhook),
                             slack_webhook_url=await start_http(slack))
    senders = build_senders(settings)
    deliveries = plan_deliveries("evaluation-complete", evaluation(), settings)
    for delivery in deliveries:
        await senders[delivery.channel].send(delivery)
    assert sorted(senders) == ["email", "slack", "webhook"]
    assert len(smtp_server.inbox.messages) == len(webhook.requests) == len(slack_messages) == 1
