-- Money after the fact (DESIGN §4 "Payments after the fact"): payments that wait for an admin
-- (amount or currency differs from what we asked), refunds and lost disputes recorded per charge
-- (also when they arrive before the payment they reverse), the "payment starting" mark that fixes
-- an order's amount before the gateway is called, and subscription cancellation.

-- SQLite cannot change a CHECK in place: the payments table is rebuilt (the documented 12-step
-- procedure). Foreign keys from events, discount_usages and commissions point at the name
-- `payments`; deferring their checks to COMMIT lets the rebuilt table take the name first.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE payments_rebuilt (
    id                       INTEGER PRIMARY KEY,
    user_id                  INTEGER NOT NULL REFERENCES users (id),
    order_id                 INTEGER NOT NULL REFERENCES orders (id),
    stripe_payment_intent_id TEXT    UNIQUE,
    stripe_invoice_id        TEXT    UNIQUE,
    -- What was actually received (for a PaymentIntent, the amount asked until it settles).
    amount_cents             BIGINT  NOT NULL CHECK (amount_cents > 0),
    currency                 TEXT    NOT NULL,
    status                   TEXT    NOT NULL
                             CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded', 'needs_review')),
    -- Set when the amount or currency received differs from what we asked: what we asked.
    expected_cents           BIGINT,
    expected_currency        TEXT,
    review_reason            TEXT    NOT NULL DEFAULT '',
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    CHECK (stripe_payment_intent_id IS NOT NULL OR stripe_invoice_id IS NOT NULL),
    CHECK (status <> 'needs_review' OR review_reason <> '')
);
INSERT INTO payments_rebuilt (id, user_id, order_id, stripe_payment_intent_id, stripe_invoice_id, amount_cents,
    currency, status, created_at, updated_at)
SELECT id, user_id, order_id, stripe_payment_intent_id, stripe_invoice_id, amount_cents,
    currency, status, created_at, updated_at FROM payments;
DROP TABLE payments;
ALTER TABLE payments_rebuilt RENAME TO payments;
CREATE INDEX payments_order_id ON payments (order_id);
CREATE INDEX payments_user_status ON payments (user_id, status);
CREATE INDEX payments_needs_review ON payments (status) WHERE status = 'needs_review';

-- One row per refunded charge (its cumulative refunded amount, as Stripe reports it) or lost
-- dispute. `payment_id` is NULL while the payment it reverses is not known yet (a refund that
-- arrives before its invoice); the payment, once recorded, claims it by PaymentIntent or invoice id.
CREATE TABLE payment_reversals (
    id                       INTEGER PRIMARY KEY,
    payment_id               INTEGER REFERENCES payments (id),
    kind                     TEXT    NOT NULL CHECK (kind IN ('refund', 'dispute_lost')),
    -- The charge (refunds) or the dispute (lost disputes): one row each.
    stripe_object_id         TEXT    NOT NULL,
    stripe_payment_intent_id TEXT,
    stripe_invoice_id        TEXT,
    amount_cents             BIGINT  NOT NULL CHECK (amount_cents > 0),
    is_full                  BOOLEAN NOT NULL,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    UNIQUE (kind, stripe_object_id),
    CHECK (payment_id IS NOT NULL OR stripe_payment_intent_id IS NOT NULL OR stripe_invoice_id IS NOT NULL)
);
CREATE INDEX payment_reversals_payment ON payment_reversals (payment_id);
CREATE INDEX payment_reversals_unclaimed_intent ON payment_reversals (stripe_payment_intent_id) WHERE payment_id IS NULL;
CREATE INDEX payment_reversals_unclaimed_invoice ON payment_reversals (stripe_invoice_id) WHERE payment_id IS NULL;

-- Set (with the amount then fixed) just before the gateway is asked for a PaymentIntent or
-- subscription; cleared only when the gateway definitely made nothing.
ALTER TABLE orders ADD COLUMN payment_started_at TEXT;
-- A subscription we want ended at the gateway (customer, admin or refund), and when the gateway
-- confirmed it. A maintenance pass retries requests the gateway has not confirmed.
ALTER TABLE orders ADD COLUMN cancel_requested_at TEXT;
ALTER TABLE orders ADD COLUMN gateway_cancelled_at TEXT;

-- Orders whose payment had started before this migration keep their amount fixed. Where an old race
-- left two discounted orders of one customer started, only the first keeps the mark.
UPDATE orders SET payment_started_at = created_at
WHERE (stripe_subscription_id IS NOT NULL OR EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id))
  AND (discount_cents = 0 OR id = (
        SELECT MIN(o2.id) FROM orders o2
        WHERE o2.user_id = orders.user_id AND o2.discount_cents > 0
          AND (o2.stripe_subscription_id IS NOT NULL OR EXISTS (SELECT 1 FROM payments p2 WHERE p2.order_id = o2.id))));

-- The first-order discount, at most once per customer: one discounted order may start payment.
CREATE UNIQUE INDEX orders_one_discounted_payment ON orders (user_id)
    WHERE discount_cents > 0 AND payment_started_at IS NOT NULL;
CREATE INDEX orders_cancel_pending ON orders (cancel_requested_at)
    WHERE cancel_requested_at IS NOT NULL AND gateway_cancelled_at IS NULL;
