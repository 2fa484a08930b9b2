/// The member-local schema: facts about this member only, never replicated (its identity and
/// addresses, the side effects it has carried out, and intents for multi-step local work).
public enum LocalSchema {
    public static let updates: [SchemaUpdate] = [
        SchemaUpdate(
            version: 1,
            sql: """
                CREATE TABLE member (
                    id INTEGER PRIMARY KEY CHECK (id = 0),
                    name TEXT NOT NULL,
                    address TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE local_config (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE held_instances (
                    uuid TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    etag TEXT NOT NULL
                );
                CREATE TABLE intents (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    created_at INTEGER NOT NULL
                );
                """
        )
    ]
}
