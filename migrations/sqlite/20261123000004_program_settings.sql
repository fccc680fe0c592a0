-- The referral rate and the new-customer discount become program settings (one row) with a
-- per-partner override. Rates are whole basis points (500 = 5%), amounts integer cents: both exact.
CREATE TABLE program_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    referral_rate_bps INTEGER NOT NULL DEFAULT 500 CHECK (referral_rate_bps BETWEEN 0 AND 5000),
    discount_cents    BIGINT  NOT NULL DEFAULT 500 CHECK (discount_cents BETWEEN 1 AND 100000),
    updated_at        TEXT,
    updated_by        INTEGER REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO program_settings (id) VALUES (1);

-- NULL: the partner gets the program setting.
ALTER TABLE partners ADD COLUMN referral_rate_bps INTEGER CHECK (referral_rate_bps BETWEEN 0 AND 5000);
ALTER TABLE partners ADD COLUMN discount_cents BIGINT CHECK (discount_cents BETWEEN 1 AND 100000);

-- A code's own amount becomes the partner's override where it differed from the old default, then
-- goes: one place holds a partner's discount.
UPDATE partners SET discount_cents = (
    SELECT c.discount_cents FROM discount_codes c WHERE c.partner_id = partners.id AND c.discount_cents <> 500
);
ALTER TABLE discount_codes DROP COLUMN discount_cents;

-- The rate a referral commission was computed with; commissions from before were all at 5%.
ALTER TABLE commissions ADD COLUMN rate_bps INTEGER CHECK (rate_bps BETWEEN 0 AND 5000);
UPDATE commissions SET rate_bps = 500 WHERE commission_type = 'referral';
