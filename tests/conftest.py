from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.standin import SlackStandIn
from tests.harness import AppHarness, populate_workspace, temporary_postgres_database

BACKENDS = ["sqlite", "postgresql"]


def postgres_server_url() -> str | None:
    """TEST_DATABASE_URL names the PostgreSQL server; without it PostgreSQL tests skip locally,
    unless REQUIRE_POSTGRES is set (as `.ci/run` does), which turns the skip into a failure."""
    url = os.environ.get("TEST_DATABASE_URL")
    required = os.environ.get("REQUIRE_POSTGRES") == "1"
    if not url:
        if required:
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("TEST_DATABASE_URL not set")
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        if required:
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A temporary database on the PostgreSQL server, for tests of PostgreSQL alone."""
    server = postgres_server_url()
    assert server
    with temporary_postgres_database(server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        populate_workspace(standin)
        yield standin


@pytest.fixture
def app(slack: SlackStandIn, database_url: str) -> Iterator[AppHarness]:
    with AppHarness(slack, database_url) as harness:
        yield harness
