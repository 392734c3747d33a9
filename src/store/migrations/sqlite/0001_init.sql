-- Schema version 1 (SQLite): accounts, organizations, request types,
-- tickets and everything that hangs off them, and the outbox.
--
-- Times are Unix seconds. Booleans are 0/1 integers. Rows are named by
-- INTEGER PRIMARY KEY ids, except teams and request types, named by their
-- stable keys. The PostgreSQL driver carries the same schema in its dialect.

CREATE TABLE teams (
  key         TEXT PRIMARY KEY,
  name_en     TEXT NOT NULL,
  name_es     TEXT NOT NULL
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'agent', 'account-rep', 'contact')),
  org_id        BIGINT,
  password_hash TEXT,
  language      TEXT NOT NULL DEFAULT 'en',
  muted         TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_teams (
  user_id   BIGINT NOT NULL REFERENCES users (id),
  team_key  TEXT NOT NULL REFERENCES teams (key),
  PRIMARY KEY (user_id, team_key)
);

CREATE TABLE orgs (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  member_id       TEXT NOT NULL,
  bidder_ids      TEXT NOT NULL DEFAULT '',
  spoc_id         BIGINT REFERENCES users (id),
  account_rep_id  BIGINT REFERENCES users (id),
  language        TEXT NOT NULL DEFAULT 'en',
  created_at      BIGINT NOT NULL
);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  user_id       BIGINT NOT NULL REFERENCES users (id),
  token_hash    BLOB NOT NULL UNIQUE,
  label         TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
  id_hash     BLOB PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users (id),
  csrf        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE request_types (
  key                   TEXT PRIMARY KEY,
  kind                  TEXT NOT NULL CHECK (kind IN ('routed', 'account')),
  team_key              TEXT REFERENCES teams (key),
  name_en               TEXT NOT NULL,
  name_es               TEXT NOT NULL,
  hint_en               TEXT NOT NULL DEFAULT '',
  hint_es               TEXT NOT NULL DEFAULT '',
  rules                 TEXT NOT NULL,
  required_object_type  TEXT,
  position              INTEGER NOT NULL DEFAULT 0,
  updated_at            BIGINT NOT NULL
);

CREATE TABLE tickets (
  id                         INTEGER PRIMARY KEY,
  org_id                     BIGINT NOT NULL REFERENCES orgs (id),
  requester_id               BIGINT NOT NULL REFERENCES users (id),
  request_type               TEXT NOT NULL REFERENCES request_types (key),
  kind                       TEXT NOT NULL CHECK (kind IN ('routed', 'account')),
  team_key                   TEXT REFERENCES teams (key),
  assignee_id                BIGINT REFERENCES users (id),
  status                     TEXT NOT NULL,
  priority                   TEXT NOT NULL CHECK (priority IN ('standard', 'emergency')),
  subject                    TEXT NOT NULL,
  description                TEXT NOT NULL,
  impact                     TEXT,
  steps                      TEXT,
  urls                       TEXT NOT NULL DEFAULT '',
  browser                    TEXT,
  os                         TEXT,
  business_justification     TEXT,
  emergency_criteria         TEXT NOT NULL DEFAULT '',
  emergency_phone            TEXT,
  member_id                  TEXT,
  completeness               INTEGER NOT NULL DEFAULT 100,
  missing_recommended        TEXT NOT NULL DEFAULT '',
  created_at                 BIGINT NOT NULL,
  updated_at                 BIGINT NOT NULL,
  first_response_due_at      BIGINT,
  first_response_at          BIGINT,
  response_business_seconds  BIGINT,
  response_clock_seconds     BIGINT,
  resolved_at                BIGINT,
  closed_at                  BIGINT,
  version                    INTEGER NOT NULL DEFAULT 1,
  idempotency_key            TEXT,
  UNIQUE (requester_id, idempotency_key)
);
CREATE INDEX tickets_org ON tickets (org_id, id);
CREATE INDEX tickets_team_status ON tickets (team_key, status, first_response_due_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_due ON tickets (first_response_due_at, id);

CREATE TABLE ticket_object_ids (
  ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
  type       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (ticket_id, type, value)
);
CREATE INDEX ticket_object_ids_value ON ticket_object_ids (type, value);

CREATE TABLE comments (
  id          INTEGER PRIMARY KEY,
  ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
  author_id   BIGINT NOT NULL REFERENCES users (id),
  kind        TEXT NOT NULL CHECK (kind IN ('reply', 'note', 'question')),
  body        TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX comments_ticket ON comments (ticket_id, id);

CREATE TABLE history (
  id          INTEGER PRIMARY KEY,
  ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
  actor_id    BIGINT REFERENCES users (id),
  at          BIGINT NOT NULL,
  field       TEXT NOT NULL,
  old_value   TEXT,
  new_value   TEXT,
  note        TEXT
);
CREATE INDEX history_ticket ON history (ticket_id, id);

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  ticket_id     BIGINT NOT NULL REFERENCES tickets (id),
  comment_id    BIGINT REFERENCES comments (id),
  uploader_id   BIGINT NOT NULL REFERENCES users (id),
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          BIGINT NOT NULL,
  sha256        TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE TABLE engineering_issues (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  url         TEXT NOT NULL DEFAULT '',
  title       TEXT NOT NULL DEFAULT '',
  fixed_at    BIGINT,
  created_at  BIGINT NOT NULL
);

CREATE TABLE ticket_engineering_links (
  ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
  issue_id   BIGINT NOT NULL REFERENCES engineering_issues (id),
  linked_at  BIGINT NOT NULL,
  PRIMARY KEY (ticket_id, issue_id)
);
CREATE INDEX ticket_engineering_links_issue ON ticket_engineering_links (issue_id);

-- Work that leaves the process (mail, webhooks), written in the same
-- transaction as the change it reports and delivered by a job.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  event            TEXT NOT NULL,
  ticket_id        BIGINT REFERENCES tickets (id),
  recipient_id     BIGINT REFERENCES users (id),
  payload          TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,
  lease_until      BIGINT,
  last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
