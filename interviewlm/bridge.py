"""``interviewlm bridge bullmq``: the platform's BullMQ queues, published to Kafka.

For a migration with no change to the platform: BullMQ workers (the ``bullmq``
Python package, the same Redis data model as the Node library the platform uses)
consume the ``interview``, ``evaluation`` and ``notification`` queues. Each job
becomes the envelope (:func:`streams.bullmq.job_envelope`: ``name`` is the type, the
job id the ``eventId``), keyed by ``data.sessionId``, on the Kafka topic of the same
name. The processor returns, and BullMQ marks the job completed, only after Kafka
acknowledged the record (``acks=all``); a failed send is retried until it succeeds,
so no job is completed unsent. If the bridge dies mid-job BullMQ hands the job out
again (stalled-job recovery), and the duplicate is dropped downstream by event id.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from runtime.logs import get_logger
from runtime.settings import Settings
from streams.bullmq import job_envelope
from streams.topics import EVALUATION, INTERVIEW, NOTIFICATION

__all__ = ["QUEUES", "BullmqBridge", "envelope_record"]

QUEUES: tuple[str, ...] = (INTERVIEW, EVALUATION, NOTIFICATION)
log = get_logger("bullmq-bridge")


def envelope_record(name: str, data: Any, opts: Any, job_id: Any) -> tuple[bytes | None, bytes]:
    """``(key, value)`` for one job: key = ``data.sessionId`` (None when there is none;
    the interview agent then re-keys it, the codec dead-letters it if it is invalid)."""
    envelope = job_envelope(name, data, opts, job_id)
    session = data.get("sessionId") if isinstance(data, dict) else None
    key = session.encode() if isinstance(session, str) and session else None
    return key, json.dumps(envelope, default=str).encode()


class BullmqBridge:
    """BullMQ workers on ``queues`` whose processor publishes each job to Kafka."""

    def __init__(self, settings: Settings, redis_url: str,
                 queues: Sequence[str] = QUEUES, concurrency: int = 1) -> None:
        # One job at a time per queue: BullMQ hands a queue's jobs out in the order
        # the platform added them, and a session's events must reach Kafka in that
        # order (its struggle indicators and difficulty steps depend on it). With
        # several jobs in flight they were published in whatever order the sends
        # finished. Each job waits only for its Kafka acknowledgement (a few ms).
        self.settings, self.redis_url = settings, redis_url
        self.queues, self.concurrency = tuple(queues), concurrency
        self.producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_list,
                                         acks="all", enable_idempotence=True)
        self.workers: list[Any] = []

    async def start(self) -> None:
        from bullmq import Worker

        await self.producer.start()
        for queue in self.queues:
            self.workers.append(Worker(queue, self._processor(queue), {
                "connection": self.redis_url, "concurrency": self.concurrency}))
        log.info("bullmq_bridge_started", queues=list(self.queues))

    def _processor(self, queue: str) -> Any:
        topic = self.settings.topics(queue)

        async def process(job: Any, token: str) -> str:
            key, value = envelope_record(job.name, job.data, job.opts, job.id)
            await self._send(topic, key, value)
            return "published"

        return process

    async def _send(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Send and wait for the broker's acknowledgement; retry until it comes."""
        delay = 0.5
        while True:
            try:
                await self.producer.send_and_wait(topic, value, key=key)
                return
            except KafkaError as exc:
                log.warning("bullmq_bridge_send_retry", topic=topic,
                            error_type=type(exc).__name__, delay_seconds=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def stop(self) -> None:
        for worker in self.workers:
            await worker.close()
        await self.producer.stop()


async def run_bridge(settings: Settings, redis_url: str, queues: Sequence[str],
                     stop: asyncio.Event) -> None:
    """Run until ``stop`` is set (SIGTERM/SIGINT in the CLI): jobs in flight finish."""
    bridge = BullmqBridge(settings, redis_url, queues)
    await bridge.start()
    try:
        await stop.wait()
    finally:
        await bridge.stop()
