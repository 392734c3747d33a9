-- Schema version 7: attachment bytes in the database.
--
-- Several servers share one PostgreSQL and nothing else: an attachment
-- uploaded through one must download through any other, so its bytes live
-- here rather than in one server's data directory. Rows are named by the
-- SHA-256 of their bytes (identical uploads share one row) and written,
-- committed, before the attachment row that names them.

CREATE TABLE blobs (
  sha256  TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size    BIGINT NOT NULL,
  bytes   BYTEA NOT NULL
);

-- Attachment bytes are written once and read whole: no compression (most
-- are images and archives, compressed already) and out of line.
ALTER TABLE blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;
