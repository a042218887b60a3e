"""The hub database's schema, as numbered migrations applied in order by
:func:`kiosk.hub.db.migrate` (``PRAGMA user_version`` says how many ran). A migration is
never edited once released: a change is a new one at the end.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: help requests, events, kiosks, accounts, tokens, the stream log
    """
    CREATE TABLE help_requests (
        id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, flow_id TEXT, step_id TEXT,
        language TEXT NOT NULL, kind TEXT NOT NULL, level TEXT, status TEXT NOT NULL,
        seconds_on_step REAL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        claimed_by TEXT, claimed_at TEXT, resolved_at TEXT, outcome TEXT, note TEXT,
        cancelled_at TEXT, realerted_at TEXT
    );
    CREATE INDEX help_requests_status ON help_requests (status, created_at);
    CREATE TABLE events (
        id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, session_id TEXT, type TEXT NOT NULL,
        flow_id TEXT, step_id TEXT, at TEXT NOT NULL, data TEXT, received_at TEXT NOT NULL
    );
    CREATE INDEX events_at ON events (at);
    CREATE TABLE kiosks (
        name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
        last_heartbeat TEXT, info TEXT
    );
    CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, role TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE login_failures (username TEXT NOT NULL, address TEXT NOT NULL, at REAL NOT NULL);
    CREATE TABLE stream (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 2: flow drafts and versions, workshops and their registrations, indexes for statistics
    """
    CREATE TABLE flows (
        id TEXT PRIMARY KEY, current INTEGER, draft TEXT, draft_source TEXT,
        draft_warnings TEXT, draft_based_on INTEGER, draft_by TEXT, draft_at TEXT,
        changed_by TEXT, changed_at TEXT
    );
    CREATE TABLE flow_versions (
        flow_id TEXT NOT NULL, version INTEGER NOT NULL, flow TEXT NOT NULL, source TEXT,
        published_by TEXT NOT NULL, published_at TEXT NOT NULL, note TEXT,
        PRIMARY KEY (flow_id, version)
    );
    CREATE TABLE workshops (
        id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, level TEXT NOT NULL,
        start TEXT NOT NULL, start_utc TEXT NOT NULL, duration_minutes INTEGER NOT NULL,
        capacity INTEGER NOT NULL, place TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL
    );
    CREATE INDEX workshops_start ON workshops (start_utc);
    CREATE TABLE registrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id INTEGER NOT NULL REFERENCES workshops (id),
        first_name TEXT, phone TEXT, email TEXT, consent INTEGER NOT NULL, help_request_id TEXT,
        registered_by TEXT NOT NULL, registered_at TEXT NOT NULL, attended INTEGER,
        attendance_by TEXT, attendance_at TEXT, erased_at TEXT
    );
    CREATE INDEX registrations_workshop ON registrations (workshop_id);
    CREATE INDEX events_flow_at ON events (flow_id, at);
    CREATE INDEX help_requests_created ON help_requests (created_at)
    """,
    # 3: token lifetimes (people's tokens expire), help calls the hub refused (kept, not
    # dropped), and failed logins counted in memory only (a flood writes nothing)
    """
    ALTER TABLE tokens ADD COLUMN expires_at REAL;
    ALTER TABLE tokens ADD COLUMN last_used REAL;
    UPDATE tokens SET expires_at = CAST(strftime('%s', 'now') AS REAL) + 86400,
                      last_used = CAST(strftime('%s', 'now') AS REAL);
    CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,
        request_id TEXT, status INTEGER NOT NULL, reason TEXT NOT NULL, body TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX dead_letters_kiosk ON dead_letters (kiosk_id, at);
    CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad BLOB);
    DROP TABLE login_failures
    """,
    # 4: a call carries its own text (the flow's version, the flow's title and the step's
    # text in French and in the customer's language), hand-over to a named colleague,
    # first place in the queue for a call a hand-over gave back; mediators' presence
    """
    ALTER TABLE help_requests ADD COLUMN flow_version INTEGER;
    ALTER TABLE help_requests ADD COLUMN flow_title_fr TEXT;
    ALTER TABLE help_requests ADD COLUMN step_title_fr TEXT;
    ALTER TABLE help_requests ADD COLUMN step_text_fr TEXT;
    ALTER TABLE help_requests ADD COLUMN flow_title TEXT;
    ALTER TABLE help_requests ADD COLUMN step_title TEXT;
    ALTER TABLE help_requests ADD COLUMN step_text TEXT;
    ALTER TABLE help_requests ADD COLUMN handover_to TEXT;
    ALTER TABLE help_requests ADD COLUMN handover_at TEXT;
    ALTER TABLE help_requests ADD COLUMN front INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX help_requests_queue ON help_requests (status, front, created_at, id);
    CREATE INDEX help_requests_claimed_by ON help_requests (claimed_by, claimed_at);
    CREATE INDEX help_requests_handover ON help_requests (handover_at) WHERE handover_at IS NOT NULL;
    CREATE TABLE presence (name TEXT PRIMARY KEY, state TEXT NOT NULL, since TEXT NOT NULL)
    """,
    # 5: pictures the managers upload (kiosks fetch them by sha256; a picture replaced
    # keeps its old bytes for the versions that name them, and each version its pictures'
    # sha256), flows retired from the kiosks and a log of who made which version current
    # and why, workshops edited and cancelled, registrations cancelled or moved to another
    # workshop
    """
    CREATE TABLE pictures (
        name TEXT PRIMARY KEY, media_type TEXT NOT NULL, size INTEGER NOT NULL,
        sha256 TEXT NOT NULL, data BLOB NOT NULL, uploaded_by TEXT NOT NULL,
        uploaded_at TEXT NOT NULL
    );
    CREATE TABLE picture_blobs (
        name TEXT NOT NULL, sha256 TEXT NOT NULL, media_type TEXT NOT NULL,
        size INTEGER NOT NULL, data BLOB NOT NULL, uploaded_by TEXT NOT NULL,
        uploaded_at TEXT NOT NULL, PRIMARY KEY (name, sha256)
    );
    ALTER TABLE flow_versions ADD COLUMN pictures TEXT;
    ALTER TABLE flows ADD COLUMN retired_at TEXT;
    ALTER TABLE flows ADD COLUMN retired_by TEXT;
    CREATE TABLE flow_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT NOT NULL, action TEXT NOT NULL,
        version INTEGER, note TEXT, by TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX flow_changes_flow ON flow_changes (flow_id, id);
    ALTER TABLE workshops ADD COLUMN updated_by TEXT;
    ALTER TABLE workshops ADD COLUMN updated_at TEXT;
    ALTER TABLE workshops ADD COLUMN cancelled_at TEXT;
    ALTER TABLE workshops ADD COLUMN cancelled_by TEXT;
    ALTER TABLE workshops ADD COLUMN cancel_reason TEXT;
    ALTER TABLE registrations ADD COLUMN cancelled_at TEXT;
    ALTER TABLE registrations ADD COLUMN cancelled_by TEXT;
    ALTER TABLE registrations ADD COLUMN moved_from INTEGER
    """,
]
