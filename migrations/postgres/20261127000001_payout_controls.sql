-- Issue 14: payout controls and the partner ledger. Holding period and minimum payout (program
-- settings with per-partner overrides), approval of payout batches, negative adjustments for
-- commissions clawed back after they were paid, risk flags that hold a partner's commissions, and
-- the append-only audit log. (Same schema as the SQLite migration; comments there.)

ALTER TABLE program_settings ADD COLUMN holding_days BIGINT NOT NULL DEFAULT 7 CHECK (holding_days BETWEEN 0 AND 365);
ALTER TABLE program_settings ADD COLUMN minimum_payout_cents BIGINT NOT NULL DEFAULT 2000
    CHECK (minimum_payout_cents BETWEEN 0 AND 100000000);
ALTER TABLE program_settings ADD COLUMN approve_payouts BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE partners ADD COLUMN holding_days BIGINT CHECK (holding_days BETWEEN 0 AND 365);
ALTER TABLE partners ADD COLUMN minimum_payout_cents BIGINT CHECK (minimum_payout_cents BETWEEN 0 AND 100000000);

ALTER TABLE users ADD COLUMN signup_ip TEXT;
CREATE INDEX users_signup_ip ON users (signup_ip, created_at) WHERE signup_ip IS NOT NULL;
ALTER TABLE payments ADD COLUMN card_fingerprint TEXT;
CREATE INDEX payments_card_fingerprint ON payments (card_fingerprint) WHERE card_fingerprint IS NOT NULL;

CREATE TABLE risk_flags (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id  BIGINT      NOT NULL REFERENCES partners (id),
    kind        TEXT        NOT NULL CHECK (kind IN ('same_email', 'same_card', 'same_ip', 'ip_burst')),
    customer_id BIGINT      REFERENCES users (id),
    detail      TEXT        NOT NULL CHECK (detail <> ''),
    status      TEXT        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'confirmed')),
    created_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    resolved_by BIGINT      REFERENCES users (id),
    CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX risk_flags_one_open ON risk_flags (partner_id) WHERE status = 'open';
CREATE INDEX risk_flags_status ON risk_flags (status, created_at);
ALTER TABLE commissions ADD COLUMN risk_flag_id BIGINT REFERENCES risk_flags (id);
CREATE INDEX commissions_risk_flag ON commissions (risk_flag_id) WHERE risk_flag_id IS NOT NULL;

CREATE TABLE adjustments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    BIGINT      NOT NULL REFERENCES partners (id),
    commission_id BIGINT      REFERENCES commissions (id),
    amount_cents  BIGINT      NOT NULL CHECK (amount_cents < 0),
    reason        TEXT        NOT NULL CHECK (reason <> ''),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX adjustments_one_per_commission ON adjustments (commission_id) WHERE commission_id IS NOT NULL;
CREATE INDEX adjustments_partner ON adjustments (partner_id, created_at);

ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
ALTER TABLE payouts ADD CONSTRAINT payouts_status_check
    CHECK (status IN ('awaiting_approval', 'pending', 'processing', 'completed', 'failed', 'on_hold'));
ALTER TABLE payouts ADD COLUMN approved_by BIGINT REFERENCES users (id);
ALTER TABLE payouts ADD COLUMN approved_at TIMESTAMPTZ;
ALTER TABLE payouts ADD COLUMN held_by BIGINT REFERENCES users (id);
ALTER TABLE payouts ADD CONSTRAINT payouts_awaiting_unsent CHECK (status <> 'awaiting_approval' OR attempts = 0);

ALTER TABLE payout_items ADD COLUMN adjustment_id BIGINT REFERENCES adjustments (id);
ALTER TABLE payout_items DROP CONSTRAINT payout_items_amount_cents_check;
ALTER TABLE payout_items DROP CONSTRAINT payout_items_check;
ALTER TABLE payout_items ADD CONSTRAINT payout_items_one_item CHECK (
    (commission_id IS NOT NULL)::int + (delivery_request_id IS NOT NULL)::int + (adjustment_id IS NOT NULL)::int = 1);
ALTER TABLE payout_items ADD CONSTRAINT payout_items_sign CHECK (amount_cents <> 0 AND (adjustment_id IS NULL) = (amount_cents > 0));
CREATE UNIQUE INDEX payout_items_live_adjustment ON payout_items (adjustment_id) WHERE live AND adjustment_id IS NOT NULL;
CREATE INDEX payout_items_adjustment ON payout_items (adjustment_id) WHERE adjustment_id IS NOT NULL;

CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id     BIGINT,
    actor        TEXT        NOT NULL,
    action       TEXT        NOT NULL,
    subject_type TEXT        NOT NULL,
    subject_id   BIGINT      NOT NULL,
    partner_id   BIGINT,
    before_value TEXT        NOT NULL DEFAULT '',
    after_value  TEXT        NOT NULL DEFAULT '',
    request_id   TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_partner ON audit_log (partner_id, created_at) WHERE partner_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (action, created_at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
