"""The composition root: build the Faust app and register the chosen agents.

Faust apps are usually module globals configured at import time; here the app
is built from :class:`Settings` so tests and the CLI can make as many as they
need with different ids, ports and brokers.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import faust

from adapters.kafka_admin import client_kwargs
from agents.registry import AGENTS
from interviewlm.admin import register_admin
from interviewlm.datadir import claim_data_dir
from interviewlm.web import register_pages
from runtime.logs import logging_config
from runtime.settings import Settings

__all__ = ["create_app", "parse_agents"]


def parse_agents(spec: str | Iterable[str] | None) -> list[str]:
    """``"interview,evaluation"`` -> ``["interview", "evaluation"]``, validated against
    the agent registry (:data:`agents.registry.AGENTS`); None means every agent."""
    return AGENTS.choose(spec)


def _credentials(settings: Settings) -> faust.auth.Credentials | None:
    kwargs = client_kwargs(settings)
    if settings.kafka_sasl_mechanism:
        return faust.SASLCredentials(
            username=kwargs["sasl_plain_username"], password=kwargs["sasl_plain_password"],
            ssl_context=kwargs.get("ssl_context"), mechanism=settings.kafka_sasl_mechanism)
    if "ssl_context" in kwargs:
        return faust.SSLCredentials(kwargs["ssl_context"])
    return None


def create_app(settings: Settings, agents: Iterable[str] | None = None) -> faust.App:
    """A configured Faust app with the given agents (all by default), web pages and admin."""
    claim = claim_data_dir(settings.data_dir, settings.app_id,
                           settings.kafka_group_instance_id)
    app = faust.App(
        settings.app_id,
        broker=settings.kafka_url,
        broker_credentials=_credentials(settings),
        store=settings.table_store,
        datadir=str(claim.path),
        table_standby_replicas=settings.table_standby_replicas,
        # Static membership: a restarted worker rejoins under the same name and gets
        # its partitions back at once instead of after the session timeout.
        consumer_group_instance_id=settings.kafka_group_instance_id,
        autodiscover=False,
        topic_partitions=settings.kafka_topic_partitions,
        topic_replication_factor=settings.kafka_replication_factor,
        topic_allow_declare=True,
        producer_acks=-1,
        producer_max_request_size=10_485_760,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=1.0,
        # Kafka waits this long for a vanished member before moving its partitions:
        # Faust's 60 s default makes every crash a minute-long stall.
        broker_session_timeout=settings.kafka_session_timeout_seconds,
        broker_heartbeat_interval=max(1.0, settings.kafka_session_timeout_seconds / 5),
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        logging_config=logging_config(settings.log_level),
        loghandlers=[],
    )
    # The directory stays claimed while the app lives (the process, for a worker).
    weakref.finalize(app, claim.release)
    app.data_dir_claim = claim
    names = parse_agents(agents)
    for name in names:
        # Imported only now, so a worker loads only the agents it runs.
        AGENTS[name].builder()(app, settings)
    if "evaluation" in names:  # one worker kind exports the DIF gauge, not every one
        from adapters.dif_metrics import register_dif_timer

        register_dif_timer(app, settings)
    register_pages(app, settings)
    register_admin(app, settings)
    return app
