-- Schema version 7: attachment bytes in the database, on engines that
-- share a database between servers (PostgreSQL's 0007_blobs.sql).
--
-- Nothing changes here: an SQLite database has one server, and its
-- attachment bytes stay files in the data directory beside it
-- (src/store/blobs.c), where `.backup` and rsync copy them. The version
-- still counts, so that both engines name the same schema by one number.
SELECT 1;
