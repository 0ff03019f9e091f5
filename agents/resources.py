"""The worker's shared connections as one Faust service, started before the agents.

::

    pool   PostgreSQL pool, migrated once               every agent
    llm    the Anthropic client (None when offline)     agents that asked for "llm"
    http   one HTTP session for webhooks and Slack      agents that asked for "http"

It follows Faust's ``@app.service`` pattern (faust-streaming
``examples/advanced/service.py``): a ``mode`` service whose ``on_start`` opens what
the agents asked for and whose ``on_stop`` closes it. :func:`resources_for` adds it
as the app's first dependency, and ``mode`` starts an app's dependencies in order and
stops them in reverse: the connections are open before the producer, consumer and
agents start, and closed only after every agent has stopped. So no agent opens a
pool lazily under a lock, and none can see one closed under it at shutdown.
"""

from __future__ import annotations

import weakref
from typing import Any, Literal

import faust

from adapters.db.migrate import migrate
from adapters.db.pool import Pool, create_pool
from adapters.llm import LLMClient
from adapters.notify import HttpSession, open_http_session
from runtime.settings import Settings

__all__ = ["Need", "WorkerResources", "resources_for"]

Need = Literal["llm", "http"]

_BY_APP: weakref.WeakKeyDictionary[faust.App, WorkerResources] = weakref.WeakKeyDictionary()


class WorkerResources(faust.Service):  # type: ignore[misc]
    """One pool, and the LLM client and HTTP session when an agent needs them."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.needs: set[Need] = set()
        self._pool: Pool | None = None
        self._llm: LLMClient | None = None
        self._http: HttpSession | None = None

    def need(self, *what: Need) -> WorkerResources:
        """Ask for more than the pool; call while registering agents, before the start."""
        self.needs.update(what)
        return self

    async def on_start(self) -> None:
        """Open the pool (and migrate), then the LLM client and HTTP session if asked for.

        An unreachable database raises ``DatabaseUnavailable`` here, which stops the
        worker at start instead of leaving agents that cannot store anything.
        """
        pool = await create_pool(self.settings)
        async with pool.acquire() as conn:
            await migrate(conn)
        self._pool = pool
        if "llm" in self.needs and not self.settings.offline:
            self._llm = LLMClient(self.settings)
        if "http" in self.needs:
            self._http = open_http_session()

    async def on_stop(self) -> None:
        """Close in reverse order of opening; safe when the start failed halfway."""
        http, self._http = self._http, None
        llm, self._llm = self._llm, None
        pool, self._pool = self._pool, None
        if http is not None:
            await http.close()
        if llm is not None:
            await llm.aclose()
        if pool is not None:
            await pool.close()

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise RuntimeError("WorkerResources used before the app started it")
        return self._pool

    @property
    def llm(self) -> LLMClient | None:
        """The LLM client; None offline (no ANTHROPIC_API_KEY) or when nobody asked."""
        return self._llm

    @property
    def http(self) -> HttpSession:
        if self._http is None:
            raise RuntimeError("no HTTP session: register with need('http') before start")
        return self._http


def resources_for(app: faust.App, settings: Settings) -> WorkerResources:
    """The app's one :class:`WorkerResources`; the first call adds it to the app.

    Added as a dependency of the app before the app starts, so it is the app's
    first child: started before everything Faust adds at start, stopped after it.
    """
    resources = _BY_APP.get(app)
    if resources is None:
        resources = WorkerResources(settings, beacon=app.beacon)
        app.add_dependency(resources)
        _BY_APP[app] = resources
    return resources
