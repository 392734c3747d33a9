-- Schema version 4: the notifications that time brings, on-call people,
-- muting.
--
-- A team names an on-call person (alerted of the team's emergencies; the
-- team's leads when nobody is named).
--
-- The SLA timers are armed on the ticket itself (src/jobs/timers.c,
-- docs/mail.md): each column holds the instant its notification is due,
-- and is cleared, by the job that queues the notification, in the same
-- write transaction as the outbox rows, so that each is queued once
-- whatever the number of runners. NULL means nothing to send:
--
--   sla_warn_at            the warning at warn_percent of the first-response
--                          target (the ticket's sla_warn_at in the API)
--   sla_breach_at          the breach alert: the first-response target itself
--   emergency_quiet_since  an open emergency's last public agent reply (or
--                          filing, or return from awaiting the customer): an
--                          update reminder is due sla.emergency_update_minutes
--                          after it; NULL while not running (standard,
--                          awaiting the customer, resolved, closed)
--
-- Partial indexes keep the due checks to the armed rows only, so that an
-- idle pass reads a few index entries whatever the number of tickets.

ALTER TABLE teams ADD COLUMN on_call_id BIGINT REFERENCES users (id);

ALTER TABLE tickets ADD COLUMN sla_warn_at BIGINT;
ALTER TABLE tickets ADD COLUMN sla_breach_at BIGINT;
ALTER TABLE tickets ADD COLUMN emergency_quiet_since BIGINT;

-- Tickets waiting for their first response when this version arrives:
-- breach alerts and emergency warnings (round the clock, so computable
-- here) for targets still ahead; a standard ticket's warning counts
-- business time, which SQL cannot, and is not armed for them.
UPDATE tickets SET sla_breach_at = first_response_due_at
 WHERE first_response_at IS NULL AND first_response_due_at IS NOT NULL
   AND status NOT IN ('resolved', 'closed')
   AND first_response_due_at > CAST(extract(epoch FROM now()) AS BIGINT);
UPDATE tickets SET sla_warn_at = created_at + (first_response_due_at - created_at)
       * coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'sla.warn_percent'), 75)
       / 100
 WHERE sla_breach_at IS NOT NULL AND priority = 'emergency';
UPDATE tickets SET sla_warn_at = NULL
 WHERE sla_warn_at <= CAST(extract(epoch FROM now()) AS BIGINT);
UPDATE tickets SET emergency_quiet_since = coalesce(
   (SELECT max(c.created_at) FROM comments c JOIN users u ON u.id = c.author_id
     WHERE c.ticket_id = tickets.id AND c.kind <> 'note' AND u.role <> 'contact'),
   created_at)
 WHERE priority = 'emergency' AND status IN ('new', 'open', 'pending_engineering');

CREATE INDEX tickets_sla_warn ON tickets (sla_warn_at) WHERE sla_warn_at IS NOT NULL;
CREATE INDEX tickets_sla_breach ON tickets (sla_breach_at) WHERE sla_breach_at IS NOT NULL;
CREATE INDEX tickets_emergency_quiet ON tickets (emergency_quiet_since)
  WHERE emergency_quiet_since IS NOT NULL;

-- The admins' view of mail that did not go out: by state, newest first.
CREATE INDEX outbox_state_id ON outbox (state, id);
