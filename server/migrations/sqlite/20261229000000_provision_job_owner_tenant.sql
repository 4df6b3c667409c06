-- A person is their Entra tenant and object id together (an object id is unique only within its
-- tenant). Jobs written before this column exist keep '' and are matched by object id alone, so
-- their owners keep them (shared::caller::Caller::is).
ALTER TABLE provision_jobs ADD COLUMN owner_tenant_id TEXT NOT NULL DEFAULT '';
