"""Property-based API testing from the hub's own OpenAPI document: whatever schemathesis
generates for each operation, sent as a kiosk, a mediator, a manager and anonymously,
the hub never answers 500 and its answers keep to the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.hub.conftest import Hub, make_hub


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    hub = make_hub(Path(tmp_path_factory.mktemp("schemathesis")) / "hub.sqlite3")
    yield hub
    hub.server.stop()


@pytest.mark.slow
def test_no_server_error_whatever_is_sent(live_hub: Hub) -> None:
    schema = schemathesis.openapi.from_url(f"{live_hub.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    strategy = st.one_of(*(op.as_strategy() for op in operations))

    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy, who=st.sampled_from(["k1", "aicha", "manon", None]))
    def check(case: Any, who: str | None) -> None:
        headers = {"Authorization": f"Bearer {live_hub.tokens[who]}"} if who else {}
        case.call_and_validate(base_url=live_hub.url, headers=headers,
                               checks=[not_a_server_error, response_schema_conformance])

    check()
