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
    // 4 (reliability): the id a client chose for its submit, so a submit sent again after a lost
    // connection finds the task the first one queued.
    "ALTER TABLE tasks ADD COLUMN request_id TEXT;
     CREATE UNIQUE INDEX tasks_by_request_id ON tasks(request_id);",
    // 5 (flows): flows (a plan of step tasks run as one); each step task names its flow and step.
    "CREATE TABLE flows (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        file        TEXT NOT NULL,
        plan        TEXT NOT NULL,
        cwd         TEXT NOT NULL,
        env_hash    TEXT,
        state       TEXT NOT NULL,
        reason      TEXT,
        attempt     INTEGER NOT NULL DEFAULT 1,
        created_at  INTEGER NOT NULL,
        finished_at INTEGER
     );
     ALTER TABLE tasks ADD COLUMN flow_id TEXT;
     ALTER TABLE tasks ADD COLUMN step_name TEXT;
     CREATE INDEX tasks_by_flow ON tasks(flow_id) WHERE flow_id IS NOT NULL;",
    // 6 (delegation): a task started from inside another is its child.
    "ALTER TABLE tasks ADD COLUMN parent_id TEXT;
     CREATE INDEX tasks_by_parent ON tasks(parent_id) WHERE parent_id IS NOT NULL;",
    // 7 (executors): the cluster's id of a task's current attempt (a Slurm job id), for executors other
    // than local.
    "ALTER TABLE tasks ADD COLUMN external_id TEXT;",
    // 8 (admission): each task's expected footprint and its last attempt's peak, shown by
    // `status`; and what every attempt used, by kind, to learn footprints from.
    r#"
    ALTER TABLE tasks ADD COLUMN footprint TEXT;
    ALTER TABLE tasks ADD COLUMN peak TEXT;
    CREATE TABLE attempts (
        task_id      TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        finished_at  INTEGER NOT NULL,
        rss_bytes    INTEGER NOT NULL,
        cpu_seconds  REAL NOT NULL,
        wall_seconds REAL NOT NULL,
        PRIMARY KEY (task_id, attempt)
    );
    CREATE INDEX attempts_by_kind ON attempts(kind, finished_at);
    "#,
    // 9 (history): who caused each event (audit), and indexes for history by time (events, stats, prune).
    r#"
    ALTER TABLE events ADD COLUMN uid INTEGER;
    ALTER TABLE events ADD COLUMN client TEXT;
    ALTER TABLE events ADD COLUMN pid INTEGER;
    ALTER TABLE events ADD COLUMN cwd TEXT;
    CREATE INDEX events_by_time ON events(at);
    CREATE INDEX tasks_by_finished ON tasks(finished_at);
    "#,
    // 10 (secrets): an environment's secret variables, sealed (`data` keeps only the
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
    // Usage limits (issue 14): one row per held account (the hold as JSON), and each local
    // day's spend per account, so holds and budgets survive a worker restart.
    r#"
    CREATE TABLE IF NOT EXISTS account_holds (
        account TEXT PRIMARY KEY,
        hold    TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS spend (
        day     TEXT NOT NULL,
        account TEXT NOT NULL,
        usd     REAL NOT NULL,
        PRIMARY KEY (day, account)
    );
    "#,
    // 12 (history speed): what `stats` reads of an ended task, in one index it reads alone:
    // no table rows, no JSON parsed per query. The JSON fields are indexed expressions, computed
    // once when a task ends (partial: pending and running tasks cost it nothing); `stats`
    // selects the very same expressions (src/stats/mod.rs). Malformed JSON reads as NULL.
    r#"
    CREATE INDEX tasks_ended ON tasks(finished_at, state, agent, class, created_at, started_at,
        CASE WHEN json_valid(metrics) THEN json_extract(metrics, '$.tokens_used') END,
        CASE WHEN json_valid(metrics) THEN json_extract(metrics, '$.cost_usd') END,
        CASE WHEN json_valid(spec) THEN json_extract(spec, '$.executor') END)
        WHERE finished_at IS NOT NULL;
    "#,
    // Drift (issue 27): event and item types an agent CLI printed that its parser does not
    // know, per agent, for `agents show`.
    r#"
    CREATE TABLE IF NOT EXISTS unknown_events (
        agent     TEXT NOT NULL,
        type      TEXT NOT NULL,
        count     INTEGER NOT NULL,
        example   TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (agent, type)
    );
    "#,
    // Schedules (issue 32): one row per schedule, its definition as JSON and where it stands.
    r#"
    CREATE TABLE IF NOT EXISTS schedules (
        name         TEXT PRIMARY KEY,
        def          TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        paused       INTEGER NOT NULL DEFAULT 0,
        pause_reason TEXT,
        paused_until INTEGER,
        next_at      INTEGER,
        missed       INTEGER NOT NULL DEFAULT 0,
        backlog      INTEGER NOT NULL DEFAULT 0,
        catch_ups    INTEGER NOT NULL DEFAULT 0,
        day          TEXT NOT NULL DEFAULT '',
        runs_today   INTEGER NOT NULL DEFAULT 0,
        last_task    TEXT
    );
    "#,
    // Needs you (issue 30): what a task asked a person, the answer not yet delivered, the time
    // spent waiting and the rules "allow always" left, as JSON.
    "ALTER TABLE tasks ADD COLUMN asks TEXT;",
    // Channels (issue 31): the durable outbox of pushed notifications. A delivery is written
    // before it is sent and keeps its id (the webhook-id) across retries and restarts; `next_at`
    // is when it may be tried, `expires_at` when it is given up. Which events were already
    // turned into deliveries is the meta row `notify.events_seq`.
    r#"
    CREATE TABLE IF NOT EXISTS deliveries (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        channel    TEXT NOT NULL,
        event      TEXT NOT NULL,
        subject    TEXT NOT NULL,
        payload    TEXT NOT NULL,
        state      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        next_at    INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        done_at    INTEGER
    );
    CREATE INDEX IF NOT EXISTS deliveries_by_channel ON deliveries(channel, state, seq);
    "#,
];
