-- The shop slice: orders, their deliveries (events), payments, and received Stripe events.
-- Money is integer cents. Every "at most once" is a constraint here, not only a check in code.
CREATE TABLE orders (
    id                     INTEGER PRIMARY KEY,
    user_id                INTEGER NOT NULL REFERENCES users (id),
    kind                   TEXT    NOT NULL CHECK (kind IN ('single_delivery', 'upfront', 'subscription')),
    budget_cents           BIGINT  NOT NULL CHECK (budget_cents > 0),
    frequency              TEXT    CHECK (frequency IN ('weekly', 'fortnightly', 'monthly', 'quarterly', 'bi_annually', 'annually')),
    years                  INTEGER NOT NULL DEFAULT 1 CHECK (years BETWEEN 1 AND 25),
    recipient_name         TEXT    NOT NULL,
    street_address         TEXT    NOT NULL,
    suburb                 TEXT    NOT NULL,
    city                   TEXT    NOT NULL,
    state                  TEXT    NOT NULL DEFAULT '',
    postcode               TEXT    NOT NULL,
    country                TEXT    NOT NULL,
    delivery_notes         TEXT    NOT NULL DEFAULT '',
    message                TEXT    NOT NULL DEFAULT '',
    first_delivery_date    TEXT    NOT NULL,
    subtotal_cents         BIGINT  NOT NULL CHECK (subtotal_cents > 0),
    discount_cents         BIGINT  NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
    total_cents            BIGINT  NOT NULL CHECK (total_cents > 0 AND total_cents <= subtotal_cents),
    status                 TEXT    NOT NULL DEFAULT 'pending_payment'
                           CHECK (status IN ('pending_payment', 'active', 'completed', 'cancelled', 'refunded')),
    stripe_customer_id     TEXT,
    stripe_subscription_id TEXT    UNIQUE,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    CHECK ((kind = 'single_delivery') = (frequency IS NULL))
);
CREATE INDEX orders_user_id ON orders (user_id, created_at);

CREATE TABLE payments (
    id                       INTEGER PRIMARY KEY,
    user_id                  INTEGER NOT NULL REFERENCES users (id),
    order_id                 INTEGER NOT NULL REFERENCES orders (id),
    stripe_payment_intent_id TEXT    UNIQUE,
    stripe_invoice_id        TEXT    UNIQUE,
    amount_cents             BIGINT  NOT NULL CHECK (amount_cents > 0),
    currency                 TEXT    NOT NULL,
    status                   TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    CHECK (stripe_payment_intent_id IS NOT NULL OR stripe_invoice_id IS NOT NULL)
);
CREATE INDEX payments_order_id ON payments (order_id);
CREATE INDEX payments_user_status ON payments (user_id, status);

-- One row per delivery. A date appears once per order, and a subscription invoice pays for exactly
-- one delivery (unique payment_id), so a redelivered webhook can never add deliveries.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    payment_id    INTEGER UNIQUE REFERENCES payments (id),
    delivery_date TEXT    NOT NULL,
    message       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'delivered', 'cancelled')),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (order_id, delivery_date)
);
CREATE INDEX events_delivery_date ON events (delivery_date, status);

-- Stripe event ids are recorded (in the same transaction as their effects) before acting: a
-- redelivery finds its id here and changes nothing.
CREATE TABLE webhook_events (
    id          TEXT PRIMARY KEY,
    event_type  TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    received_at TEXT NOT NULL
);
