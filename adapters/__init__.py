"""Adapters to the outside (PostgreSQL, LLM, notifications, analysis, reports, Kafka admin).

They translate driver errors (asyncpg, anthropic, aiohttp) into ours, so agents never see them.
"""
