-- Schema version 6: webhooks and their deliveries.
--
-- Admins register URLs for event types (docs/webhooks.md). Every change
-- that an active webhook subscribed to writes one delivery row per
-- webhook in the same transaction as the change, like the outbox; the
-- job runner claims due rows under a lease, POSTs them signed, and
-- records the outcome. The rows are the queue and the delivery log.

CREATE TABLE webhooks (
  id                    INTEGER PRIMARY KEY,
  url                   TEXT NOT NULL,
  events                TEXT NOT NULL,              -- event types, comma-separated
  secret                TEXT NOT NULL,              -- whsec_...; the key that signs
  previous_secret       TEXT,                       -- also signs until it expires
  previous_expires_at   BIGINT,
  active                INTEGER NOT NULL DEFAULT 1,
  description           TEXT NOT NULL DEFAULT '',
  created_by            BIGINT REFERENCES users (id),
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  webhook_id       BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event            TEXT NOT NULL,
  msg_id           TEXT NOT NULL,                   -- webhook-id: the same on every attempt
  payload          TEXT NOT NULL,                   -- the exact body sent
  ticket_id        BIGINT,
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at       BIGINT NOT NULL,                 -- when the event happened
  queued_at        BIGINT NOT NULL,                 -- created, or retried by an admin: the give-up clock
  next_attempt_at  BIGINT NOT NULL,
  lease_until      BIGINT,
  last_attempt_at  BIGINT,
  delivered_at     BIGINT,
  last_status      INTEGER,                         -- the receiver's HTTP status; NULL without one
  last_error       TEXT,
  response_excerpt TEXT                             -- the start of the receiver's answer
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
