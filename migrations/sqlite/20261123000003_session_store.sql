-- Sessions move to tower-sessions under axum-login: a row now holds the session's data as JSON and,
-- only while someone is signed in, their user id. Rows from before carry no data a store could load,
-- so they are dropped: everyone signs in once more after this release.
DROP TABLE sessions;
-- Keyed by the SHA-256 digest of the session id; the id itself lives in the cookie alone.
CREATE TABLE sessions (
    digest     TEXT    PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT    NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
