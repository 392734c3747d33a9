/*
 * The schema migrations, numbered from 1, embedded from
 * src/store/migrations/ENGINE/NNNN_name.sql at build time (scripts/embed-sql),
 * one list per engine. Migration N brings a database from version N - 1 to
 * N, on every engine: the lists have the same length and the same meaning.
 * A migration, once released, is never edited: change the schema with a new
 * one.
 */
#ifndef SB_STORE_MIGRATIONS_H
#define SB_STORE_MIGRATIONS_H

extern const char *const store_migrations_sqlite[];
extern const int store_migrations_sqlite_count;
extern const char *const store_migrations_postgres[];
extern const int store_migrations_postgres_count;

#endif
