"""The flow engine: pure domain code, no Qt.

``model`` holds the runtime objects, ``schema`` the pydantic structure, ``source`` reads
YAML keeping line numbers, ``validator`` checks every rule, ``library`` loads a set of
flows keeping the last good version, ``session`` is the state machine a kiosk drives.
"""

SPECIAL_HELP = "@help"
SPECIAL_MENU = "@menu"
WORKSHOP_PREFIX = "@workshop:"
WORKSHOP_LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")
