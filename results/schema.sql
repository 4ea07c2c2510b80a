-- gupbench result database. Applied by results/db.c on open; the version
-- lives in PRAGMA user_version and db.c migrates older files forward.
-- Raw samples are kept forever: every statistic is computed from them.
-- schema version 1

CREATE TABLE kernels (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,   -- e.g. linux-6.12, linux-6.12+gupbench-no-thp-batch
	release       TEXT,                   -- uname -r of the built kernel
	source        TEXT,                   -- tarball path, directory, or git tree@rev
	series        TEXT,                   -- patch series applied, NULL for a base
	cache_key     TEXT,                   -- content hash of the kernel cache entry
	config_hash   TEXT,
	arch          TEXT,
	compiler      TEXT,
	build_seconds REAL,
	meta          TEXT                    -- the cache entry's metadata JSON
);
-- The migration to version 5 (results/db.c) rebuilds kernels: one row per
-- build, UNIQUE (name, cache_key) instead of a unique name (a name is an
-- alias that can move; its older builds keep their rows), and a column
-- build TEXT NOT NULL DEFAULT 'exact' CHECK (build IN ('exact', 'unknown')):
-- 'unknown' marks a row holding boots of one run that version 4 could no
-- longer tell apart (their name was re-pointed to a later build).

CREATE TABLE hosts (
	id            INTEGER PRIMARY KEY,
	hostname      TEXT NOT NULL,
	cpu_model     TEXT NOT NULL,
	ncpus         INTEGER,
	qemu_version  TEXT NOT NULL DEFAULT '', -- '' for bare-metal imports
	UNIQUE (hostname, cpu_model, qemu_version)
);

CREATE TABLE runs (
	id            INTEGER PRIMARY KEY,
	uuid          TEXT NOT NULL UNIQUE,   -- stable across db merge
	label         TEXT,
	host_id       INTEGER REFERENCES hosts(id),
	started       TEXT NOT NULL,          -- ISO-8601 UTC
	ended         TEXT,
	status        TEXT NOT NULL DEFAULT 'running'
	              CHECK (status IN ('running', 'complete', 'incomplete', 'failed')),
	matrix_name   TEXT,
	matrix        TEXT,                   -- the matrix JSON as given
	tool_version  TEXT,
	cmdline       TEXT,
	run_dir       TEXT,                   -- console.log, qemu-cmd, plan, results stream
	accel         TEXT,                   -- kvm, tcg, bare-metal
	noise         TEXT                    -- JSON: vCPU pinning, guest SCHED_FIFO, ...
);

CREATE TABLE boots (
	id            INTEGER PRIMARY KEY,
	run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kernel_id     INTEGER NOT NULL REFERENCES kernels(id),
	boot_index    INTEGER NOT NULL DEFAULT 0,
	stream_sha    TEXT NOT NULL UNIQUE,   -- SHA-256 of the ingested stream: idempotence
	accel         TEXT,
	started       TEXT,
	ended         TEXT,
	status        TEXT NOT NULL
	              CHECK (status IN ('complete', 'incomplete', 'panic', 'timeout', 'truncated', 'error')),
	guest_release TEXT,
	guest_cmdline TEXT,
	guest_env     TEXT                    -- the stream's env record (THP, hugetlb, page sizes)
	-- clock TEXT NOT NULL DEFAULT 'wall': 'wall' or 'icount', added by the
	-- migration to version 2 in results/db.c (how guest time was counted)
);
-- boots.vcpus INTEGER: the vCPUs QEMU gave the guest (-smp N; the guest's
-- own count is guest_env's "cpus"), added by the migration to version 4;
-- NULL when not recorded (imports, boots before version 4). (Said here, not
-- inside the CREATE TABLE, whose text SQLite keeps: a migrated file's schema
-- must read exactly like a new one's.)
CREATE INDEX boots_run ON boots(run_id);
CREATE INDEX boots_kernel ON boots(kernel_id);

CREATE TABLE cases (
	id            INTEGER PRIMARY KEY,
	boot_id       INTEGER NOT NULL REFERENCES boots(id) ON DELETE CASCADE,
	case_id       TEXT NOT NULL,          -- the plan's id for the case
	key           TEXT NOT NULL,          -- canonical identity across runs, e.g. "-L -m 512 -n 1024 -t"
	cmd           TEXT NOT NULL,          -- gup_fast, pin_fast, pin_longterm, gup_basic, ...
	size_mb       REAL,
	nr_pages      INTEGER,
	thp           TEXT,                   -- on, off, system
	hugetlb_kb    INTEGER,                -- 0 when not hugetlb
	write         INTEGER,
	shared        INTEGER,
	numa_node     INTEGER,                -- -1 when unbound
	threads       INTEGER,
	file          TEXT,
	repeats       INTEGER,
	warmup        INTEGER,
	status        TEXT NOT NULL CHECK (status IN ('ok', 'skip', 'error')),
	reason        TEXT,
	argv          TEXT,                   -- JSON array: the bench command line
	params        TEXT,                   -- JSON: everything the bench reported
	UNIQUE (boot_id, case_id)
);
CREATE INDEX cases_key ON cases(key);

CREATE TABLE samples (
	case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	idx           INTEGER NOT NULL,       -- repeat number, warm-ups first
	get_us        INTEGER,
	put_us        INTEGER,
	truncated     INTEGER NOT NULL DEFAULT 0,
	warmup        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (case_id, idx)
) WITHOUT ROWID;

CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	run_id        INTEGER REFERENCES runs(id) ON DELETE CASCADE,
	boot_id       INTEGER REFERENCES boots(id) ON DELETE CASCADE,
	kernel_id     INTEGER REFERENCES kernels(id),
	kind          TEXT NOT NULL
	              CHECK (kind IN ('panic', 'oops', 'timeout', 'crash', 'truncated', 'bad_stream',
	                              'build_failed', 'interrupted', 'error')),
	              -- version 1's list; the migration to version 3 in results/db.c
	              -- rebuilds the table to add the console kinds (gpf, bug,
	              -- sanitizer, warning, rcu_stall, soft_lockup, hard_lockup,
	              -- hung_task, call_trace): results/events.c has the whole list
	case_id       TEXT,                   -- plan case id when the event belongs to one
	message       TEXT NOT NULL,
	excerpt       TEXT,                   -- console lines around the event
	at            TEXT NOT NULL
);
CREATE INDEX events_run ON events(run_id);

-- Published figures from cover letters (results/references.json), for charts
-- and reports. key matches cases.key when the case is one we can run.
CREATE TABLE reference_results (
	id            INTEGER PRIMARY KEY,
	series        TEXT NOT NULL,
	author        TEXT,
	year          INTEGER,
	merged_in     TEXT,
	command       TEXT NOT NULL,
	key           TEXT,
	metric        TEXT NOT NULL DEFAULT 'get',
	before_us     REAL NOT NULL,
	after_us      REAL NOT NULL,
	environment   TEXT,                   -- e.g. "bare metal, x86_64"
	link          TEXT,
	UNIQUE (series, command)
);
