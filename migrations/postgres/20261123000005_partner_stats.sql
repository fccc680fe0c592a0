-- A partner's dashboard cache version, spread over 16 slots. Every change to a partner's uses,
-- referrals or commissions bumps one slot in the same transaction, and the version is the sum of
-- the slots: it still grows with every committed change, but concurrent webhook transactions for
-- one partner (PostgreSQL) take one of 16 row locks instead of all queuing on the partner's row.
CREATE TABLE partner_stats (
    partner_id BIGINT  NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    slot       INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 15),
    version    BIGINT  NOT NULL CHECK (version > 0),
    PRIMARY KEY (partner_id, slot)
);
INSERT INTO partner_stats (partner_id, slot, version)
    SELECT id, 0, stats_version FROM partners WHERE stats_version > 0;
ALTER TABLE partners DROP COLUMN stats_version;
