-- Schema version 3: admins rename teams.
--
-- The seed refreshes the built-in team names on every run, so that a
-- corrected translation reaches existing deployments; a team an admin has
-- renamed (renamed_at set) keeps the admin's names.

ALTER TABLE teams ADD COLUMN renamed_at BIGINT;
