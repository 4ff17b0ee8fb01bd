//! Schema migrations, keyed on SQLite's `user_version`. Append to `MIGRATIONS`; never edit one
//! that has shipped.

pub const MIGRATIONS: &[&str] = &[
    // 1: tasks (current state), events (append-only history), shared environments, flags.
    r#"
    CREATE TABLE tasks (
        seq            INTEGER PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        description    TEXT NOT NULL,
        agent          TEXT NOT NULL,
        spec           TEXT NOT NULL,
        env_hash       TEXT,
        priority       INTEGER NOT NULL,
        class          TEXT,
        state          TEXT NOT NULL,
        waiting_reason TEXT,
        reason         TEXT,
        progress       REAL,
        step           TEXT,
        eta_seconds    INTEGER,
        attempt        INTEGER NOT NULL DEFAULT 1,
        created_at     INTEGER NOT NULL,
        started_at     INTEGER,
        finished_at    INTEGER,
        not_before     INTEGER,
        exit_code      INTEGER,
        pid            INTEGER,
        pid_start      INTEGER,
        log_offset     INTEGER,
        session_id     TEXT,
        output         TEXT,
        metrics        TEXT,
        artifacts      TEXT
    );
    CREATE INDEX tasks_by_state ON tasks(state, seq);
    CREATE TABLE events (
        seq     INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        data    TEXT
    );
    CREATE INDEX events_by_task ON events(task_id, seq);
    -- The caller's environment is kept once per distinct set: most tasks come from one shell.
    CREATE TABLE envs (
        hash TEXT PRIMARY KEY,
        data TEXT NOT NULL
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 2: the typical duration of finished tasks like this one (same agent and class), noted at
    // start, so every reader can check a progress-rate ETA against history.
    "ALTER TABLE tasks ADD COLUMN typical_ms INTEGER;",
    // 3: the agent's todo list, so `status` shows the steps (not only the live view).
    "ALTER TABLE tasks ADD COLUMN todos TEXT;",
    // 4 (issue 11): the id a client chose for its submit, so a submit sent again after a lost
    // connection finds the task the first one queued.
    "ALTER TABLE tasks ADD COLUMN request_id TEXT;
     CREATE UNIQUE INDEX tasks_by_request_id ON tasks(request_id);",
    // 5 (secrets, issue 18): an environment's secret variables, sealed (`data` keeps only the
    // ordinary ones), and where a finished task's log printed a secret value, so it can be
    // masked after the values themselves are gone.
    r#"
    ALTER TABLE envs ADD COLUMN secrets TEXT;
    CREATE TABLE log_masks (
        task_id TEXT NOT NULL,
        start   INTEGER NOT NULL,
        len     INTEGER NOT NULL,
        name    TEXT NOT NULL
    );
    CREATE INDEX log_masks_by_task ON log_masks(task_id, start);
    "#,
];
