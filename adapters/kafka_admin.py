"""Kafka client options from settings, creation of the topics we use, and a
publisher whose connection failure is our :class:`KafkaUnavailable`."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from adapters.publisher import EventPublisher
from runtime.settings import Settings
from streams.topics import dead_letter_topic, retry_topic

__all__ = ["KafkaUnavailable", "client_kwargs", "ensure_topics", "open_publisher",
           "topic_partitions", "wait_for_group_coordinator"]


class KafkaUnavailable(RuntimeError):
    """The Kafka brokers could not be reached within the timeout."""


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Security options for aiokafka clients (the secret stays inside SecretStr until here)."""
    kwargs: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(
            cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)
        if settings.kafka_ssl_certfile:
            context.load_cert_chain(str(settings.kafka_ssl_certfile),
                                    str(settings.kafka_ssl_keyfile or "") or None)
        kwargs["ssl_context"] = context
    if settings.kafka_sasl_mechanism:
        kwargs["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = settings.kafka_sasl_username
        password = settings.kafka_sasl_password
        kwargs["sasl_plain_password"] = password.get_secret_value() if password else None
    return kwargs


@asynccontextmanager
async def open_publisher(settings: Settings) -> AsyncIterator[EventPublisher]:
    """A started :class:`EventPublisher` for ``settings`` (its brokers, security and
    ``TOPIC_PREFIX``); an unreachable broker raises :class:`KafkaUnavailable`."""
    publisher = EventPublisher(settings.kafka_bootstrap_servers,
                               topic_prefix=settings.topic_prefix, **client_kwargs(settings))
    try:
        await publisher.start()
    except (KafkaError, OSError) as exc:
        raise KafkaUnavailable(
            f"Kafka at {settings.kafka_bootstrap_servers} is unreachable: {type(exc).__name__}"
        ) from None
    try:
        yield publisher
    finally:
        await publisher.stop()


async def _admin(settings: Settings, timeout_ms: int = 10000) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_list,
                                request_timeout_ms=timeout_ms, **client_kwargs(settings))
    try:
        await admin.start()
    except Exception as exc:
        await admin.close()
        raise KafkaUnavailable(
            f"Kafka at {settings.kafka_bootstrap_servers} is unreachable: {type(exc).__name__}"
        ) from None
    return admin


async def ensure_topics(settings: Settings, extra: Iterable[str] = ()) -> list[str]:
    """Create missing source, retry and dead-letter topics; return those created.

    ``extra`` names more base topics (an agent's own, from the agent registry); each
    gets its ``.retry`` and ``.dlq`` too, all under ``TOPIC_PREFIX``.
    """
    names = settings.topics.all() + [settings.topics(name) for base in extra
                                     for name in (base, retry_topic(base),
                                                  dead_letter_topic(base))]
    admin = await _admin(settings)
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in dict.fromkeys(names) if t not in existing]
        if wanted:
            await admin.create_topics([
                NewTopic(t, settings.kafka_topic_partitions, settings.kafka_replication_factor)
                for t in wanted
            ])
            await _wait_visible(admin, set(wanted))
        return wanted
    finally:
        await admin.close()


async def _wait_visible(admin: AIOKafkaAdminClient, topics: set[str],
                        timeout: float = 30.0) -> None:
    """Wait until new topics show in metadata: a consumer group formed before that
    would get no partitions of them until its next metadata refresh."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not topics <= set(await admin.list_topics()):
        if loop.time() > deadline:
            raise KafkaUnavailable(f"topics not visible after {timeout:.0f}s: {sorted(topics)}")
        await asyncio.sleep(0.2)


async def wait_for_group_coordinator(settings: Settings, group: str,
                                     timeout: float = 60.0) -> None:
    """Wait until a broker coordinates ``group`` and has loaded its offsets.

    On a fresh cluster the first such request makes Kafka create
    ``__consumer_offsets``; until its partitions are loaded, the coordinator
    requests of the worker's consumer fail, and aiokafka logs each failure at
    ERROR/WARNING on what is a normal first start. Asking here first (find the
    coordinator, then fetch the group's offsets) makes the consumer's own
    requests succeed the first time.
    """
    admin = await _admin(settings)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            try:
                coordinator = await admin.find_coordinator(group)
                await admin.list_consumer_group_offsets(group, coordinator)
                return
            except KafkaError as exc:  # not available / loading / moved: all transient here
                if loop.time() > deadline:
                    raise KafkaUnavailable(f"Kafka at {settings.kafka_bootstrap_servers} has no "
                                           f"coordinator for group {group} after {timeout:.0f}s:"
                                           f" {type(exc).__name__}") from None
                await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def topic_partitions(settings: Settings, topics: list[str]) -> dict[str, int]:
    """Partition count of each existing topic."""
    admin = await _admin(settings)
    try:
        described = await admin.describe_topics(topics)
        return {d["topic"]: len(d["partitions"]) for d in described if not d.get("error_code")}
    finally:
        await admin.close()
