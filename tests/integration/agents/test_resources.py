"""The resources service opens what the agents asked for, before them, and closes it after."""

from __future__ import annotations

import faust
import pytest

from adapters.db.pool import DatabaseUnavailable
from adapters.llm import LLMClient
from agents.resources import WorkerResources, resources_for
from runtime.settings import Settings
from tests.support.worker import free_port

pytestmark = pytest.mark.integration


async def test_opens_a_migrated_pool_and_an_http_session_then_closes_them(
        database_url: str) -> None:
    resources = WorkerResources(Settings(database_url=database_url)).need("http")
    with pytest.raises(RuntimeError, match="before the app started it"):
        resources.pool  # noqa: B018
    await resources.start()
    pool, http = resources.pool, resources.http
    try:
        assert await pool.fetchval("SELECT count(*) FROM internal.failed_jobs") == 0
        assert resources.llm is None  # offline: no ANTHROPIC_API_KEY
        assert not http.closed
    finally:
        await resources.stop()
    assert http.closed and pool.is_closing()
    with pytest.raises(RuntimeError):
        resources.pool  # noqa: B018


async def test_the_llm_client_exists_only_when_asked_for_and_configured(
        database_url: str) -> None:
    keyed = Settings(database_url=database_url, anthropic_api_key="sk-test",
                     anthropic_base_url=f"http://127.0.0.1:{free_port()}")
    unasked = WorkerResources(keyed)
    asked = WorkerResources(keyed).need("llm")
    await unasked.start()
    await asked.start()
    client = asked.llm
    try:
        assert unasked.llm is None and isinstance(client, LLMClient)
        with pytest.raises(RuntimeError, match="need\\('http'\\)"):
            asked.http  # noqa: B018
    finally:
        await unasked.stop()
        await asked.stop()
    assert client is not None and client.sdk.is_closed() and asked.llm is None


async def test_an_unreachable_database_stops_the_start() -> None:
    settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/x",
                        db_connect_timeout_seconds=1.0)
    resources = WorkerResources(settings)
    with pytest.raises(DatabaseUnavailable):
        await resources.start()
    await resources.stop()  # nothing was opened; closing is still safe


def test_one_service_per_app_started_before_everything_faust_adds() -> None:
    settings = Settings()
    app = faust.App("resources-test", autodiscover=False)
    first = resources_for(app, settings).need("llm")
    again = resources_for(app, settings).need("http")
    assert first is again and first.needs == {"llm", "http"}
    assert resources_for(faust.App("other", autodiscover=False), settings) is not first
    # mode starts children in order and stops them in reverse; Faust adds its own
    # (producer, consumer, agents, tables) when the app starts, after this one.
    assert app._children == [first]
