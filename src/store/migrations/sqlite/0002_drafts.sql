-- Schema version 2: drafts and followers.
--
-- Any contact may prepare a draft request; the organization's SPOC
-- completes it and files it, or sends it back with a comment. The draft's
-- fields are kept as the JSON the API received (a request in progress need
-- not be valid yet); filing validates them like any new ticket. Whoever
-- prepared a filed draft follows the ticket.

CREATE TABLE drafts (
  id              INTEGER PRIMARY KEY,
  org_id          BIGINT NOT NULL REFERENCES orgs (id),
  author_id       BIGINT NOT NULL REFERENCES users (id),
  fields          TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'returned', 'filed')),
  return_comment  TEXT,
  ticket_id       BIGINT REFERENCES tickets (id),
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX drafts_org ON drafts (org_id, state, id);

CREATE TABLE ticket_followers (
  ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
  user_id    BIGINT NOT NULL REFERENCES users (id),
  PRIMARY KEY (ticket_id, user_id)
);
