-- Schema version 5: mail in (switchboard mailgate).
--
-- inbound_messages remembers every message the mailgate stored, by its
-- Message-ID (or, for a message without one, "sha256:" and the hash of its
-- bytes), in the same transaction as the comment or ticket it made: an MTA
-- that delivers the same message again (a retry after a temporary failure)
-- finds it here and nothing is stored twice. The rows, in seq order, are
-- also how `serve` learns of what another process (the mailgate) stored,
-- for its live events; OUTCOME says what it was: reply, note, ticket,
-- follow_up.
--
-- tickets.missing_required lists (comma-separated API keys) the required
-- fields of its request type that a ticket lacks: a request that came by
-- mail has a subject and a description but not, say, the impact. Such a
-- ticket is "incomplete" until the customer completes it in the portal;
-- "" (every ticket filed through the API) means complete.

CREATE TABLE inbound_messages (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, -- SQLite's rowid
  message_id  TEXT PRIMARY KEY,
  ticket_id   BIGINT NOT NULL REFERENCES tickets(id),
  comment_id  BIGINT REFERENCES comments(id),
  outcome     TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

ALTER TABLE tickets ADD COLUMN missing_required TEXT NOT NULL DEFAULT '';
