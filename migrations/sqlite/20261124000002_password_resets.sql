-- Forgotten passwords (issue 11). A reset link carries 32 random bytes; only their SHA-256 (hex) is
-- stored. A link works once (`used_at`) and until `expires_at`; using one also retires every other
-- open link of that user. The admin outbox lists mails by status and kind, newest first.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Partners may turn off the non-essential notices (commission reviews); account notices always go.
ALTER TABLE partners ADD COLUMN email_commissions BOOLEAN NOT NULL DEFAULT TRUE;

CREATE INDEX emails_kind ON emails (kind, id);
