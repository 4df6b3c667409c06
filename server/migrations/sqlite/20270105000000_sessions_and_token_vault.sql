-- Server-side sessions (issue 15). The layout is tower-sessions-sqlx-store's SqliteStore
-- (`id`, MessagePack `data`, `expiry_date` in epoch seconds), created here so the schema has one
-- history; the store's own `migrate()` would create the same table.
CREATE TABLE IF NOT EXISTS tower_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data BLOB NOT NULL,
    expiry_date INTEGER NOT NULL
);

-- The refresh-token vault: per person (tenant + object id), the token set encrypted with
-- AES-256-GCM (random 96-bit nonce per write; the person's key is the associated data).
CREATE TABLE token_vault (
    tenant_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object_id)
);
