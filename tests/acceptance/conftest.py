"""The acceptance tests use the hub, kiosk and manager fixtures of the other folders."""

from tests.customer.conftest import clock, settings  # noqa: F401 - fixtures
from tests.manager.conftest import _quick_preview_only, hub, manager  # noqa: F401 - fixtures
