"""The acceptance tests use the hub, kiosk, manager and certificate fixtures of the other
folders."""

from tests.client.conftest import certs  # noqa: F401 - fixtures
from tests.customer.conftest import clock, library, settings  # noqa: F401 - fixtures
from tests.manager.conftest import _quick_preview_only, hub, manager  # noqa: F401 - fixtures
