/// The replicated schema: state every member holds an identical copy of, changed only by applying
/// committed commands (instances, profiles, cluster-wide config, the applied index and the
/// request-deduplication table).
public enum ClusterSchema {
    public static let updates: [SchemaUpdate] = [
        SchemaUpdate(
            version: 1,
            sql: """
                CREATE TABLE applied (
                    id INTEGER PRIMARY KEY CHECK (id = 0),
                    log_index INTEGER NOT NULL
                );
                INSERT INTO applied (id, log_index) VALUES (0, 0);
                CREATE TABLE requests (
                    request_id TEXT PRIMARY KEY,
                    log_index INTEGER NOT NULL,
                    result BLOB NOT NULL
                );
                CREATE INDEX requests_log_index ON requests (log_index);
                CREATE TABLE config (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE profiles (
                    id INTEGER PRIMARY KEY,
                    project TEXT NOT NULL DEFAULT 'default',
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    config BLOB NOT NULL,
                    devices BLOB NOT NULL,
                    UNIQUE (project, name)
                );
                CREATE TABLE instances (
                    id INTEGER PRIMARY KEY,
                    project TEXT NOT NULL DEFAULT 'default',
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    architecture TEXT NOT NULL,
                    ephemeral INTEGER NOT NULL,
                    stateful INTEGER NOT NULL,
                    description TEXT NOT NULL,
                    config BLOB NOT NULL,
                    devices BLOB NOT NULL,
                    location TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER NOT NULL,
                    UNIQUE (project, name)
                );
                CREATE TABLE instances_profiles (
                    instance_id INTEGER NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
                    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE RESTRICT,
                    apply_order INTEGER NOT NULL,
                    PRIMARY KEY (instance_id, profile_id)
                );
                CREATE INDEX instances_profiles_profile ON instances_profiles (profile_id);
                INSERT INTO profiles (project, name, description, config, devices)
                VALUES ('default', 'default', 'Default Roost profile', x'', x'');
                """
        ),
        SchemaUpdate(
            version: 2,
            sql: """
                ALTER TABLE requests ADD COLUMN action_hash TEXT NOT NULL DEFAULT '';
                ALTER TABLE instances ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
                """
        ),
        // An instance's uuid names its directories on its member: two instances must never share
        // one. (Before version 3 a client could reuse a uuid; such a database stops here with
        // SQLite's unique-constraint error rather than start with two instances on one directory.)
        SchemaUpdate(
            version: 3,
            sql: """
                CREATE UNIQUE INDEX instances_uuid ON instances (uuid) WHERE uuid != '';
                """
        ),
    ]
}
