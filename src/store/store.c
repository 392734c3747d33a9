/*
 * The store's machinery: opening, connections per thread, transactions,
 * migrations, and the statement helpers of driver.h.
 *
 * A thread's connection is found through a pthread key, so a handler never
 * passes one around nor takes a lock to find it. The store also keeps every
 * connection on a list so store_close() can close those of threads that are
 * still alive (the HTTP pool threads outlive no store, but tests do).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/driver.h"
#include "store/migrations.h"

const char *const store_statement_sql[STMT__COUNT] = {
#define STMT_SQL(id, sql) sql,
	STORE_STATEMENTS(STMT_SQL)
#undef STMT_SQL
};

struct conn_node {
	struct store_conn *conn;
	struct conn_node *next;
};

struct store {
	const struct store_driver *driver;
	char *location;
	char *data_dir;
	pthread_key_t key;
	pthread_mutex_t lock; /* guards conns */
	struct conn_node *conns;
	pthread_mutex_t writer; /* one writer at a time in this process */
};

static void conn_free(struct store_conn *c)
{
	for (int i = 0; i < STMT__COUNT; i++)
		c->driver->finalize(c->stmts[i]);
	c->driver->disconnect(c->handle);
	free(c);
}

int store_open(const char *data_dir, struct store **out, struct sb_error *err)
{
	if (mkdir(data_dir, 0700) < 0 && errno != EEXIST)
		return sb_error_set(err, SB_EIO, "cannot create data directory %s: %s", data_dir,
				    strerror(errno));
	struct store *s = calloc(1, sizeof(*s));
	if (!s)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	s->driver = &store_driver_sqlite;
	size_t n = strlen(data_dir) + sizeof("/switchboard.db");
	s->location = malloc(n);
	if (!s->location || pthread_key_create(&s->key, NULL) != 0) {
		free(s->location);
		free(s);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	snprintf(s->location, n, "%s/switchboard.db", data_dir);
	s->data_dir = strdup(data_dir);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->writer, NULL);

	/* Connect once now, so that a bad location fails here and not in a handler. */
	struct store_conn *c;
	int rc = store_conn(s, &c, err);
	if (rc < 0) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (struct conn_node *n = s->conns, *next; n; n = next) {
		next = n->next;
		conn_free(n->conn);
		free(n);
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->writer);
	free(s->location);
	free(s->data_dir);
	free(s);
}

const char *store_data_dir(const struct store *s)
{
	return s->data_dir;
}

int store_conn(struct store *s, struct store_conn **out, struct sb_error *err)
{
	struct store_conn *c = pthread_getspecific(s->key);
	if (c) {
		*out = c;
		return 0;
	}
	c = calloc(1, sizeof(*c));
	struct conn_node *node = malloc(sizeof(*node));
	if (!c || !node) {
		free(c);
		free(node);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	c->store = s;
	c->driver = s->driver;
	int rc = c->driver->connect(s->location, &c->handle, err);
	if (rc < 0) {
		free(c);
		free(node);
		return rc;
	}
	pthread_setspecific(s->key, c);
	node->conn = c;
	pthread_mutex_lock(&s->lock);
	node->next = s->conns;
	s->conns = node;
	pthread_mutex_unlock(&s->lock);
	*out = c;
	return 0;
}

/* ---- statements --------------------------------------------------------- */

int db_stmt(struct store_conn *c, enum stmt_id id, struct db_stmt **out, struct sb_error *err)
{
	if (!c->stmts[id]) {
		int rc = c->driver->prepare(c->handle, store_statement_sql[id], &c->stmts[id], err);
		if (rc < 0)
			return rc;
	} else {
		c->driver->reset(c->stmts[id]);
	}
	*out = c->stmts[id];
	return 0;
}

int db_bind_int(struct store_conn *c, struct db_stmt *s, int n, int64_t v)
{
	return c->driver->bind_int(s, n, v);
}

int db_bind_opt_int(struct store_conn *c, struct db_stmt *s, int n, int64_t v)
{
	return v ? c->driver->bind_int(s, n, v) : c->driver->bind_null(s, n);
}

int db_bind_text(struct store_conn *c, struct db_stmt *s, int n, const char *text)
{
	return text ? c->driver->bind_text(s, n, text, strlen(text)) : c->driver->bind_null(s, n);
}

int db_bind_blob(struct store_conn *c, struct db_stmt *s, int n, const void *p, size_t len)
{
	return c->driver->bind_blob(s, n, p, len);
}

int db_step(struct store_conn *c, struct db_stmt *s, struct sb_error *err)
{
	return c->driver->step(s, err);
}

int64_t db_int(struct store_conn *c, struct db_stmt *s, int col)
{
	return c->driver->column_int(s, col);
}

const char *db_text(struct store_conn *c, struct db_stmt *s, int col)
{
	return c->driver->column_text(s, col);
}

char *db_text_dup(struct store_conn *c, struct db_stmt *s, int col, struct arena *a)
{
	if (c->driver->column_null(s, col))
		return NULL;
	return arena_strdup(a, c->driver->column_text(s, col));
}

int db_exec_stmt(struct store_conn *c, struct db_stmt *s, struct sb_error *err)
{
	int rc = c->driver->step(s, err);
	c->driver->reset(s);
	return rc < 0 ? rc : 0;
}

static int run(struct store_conn *c, enum stmt_id id, struct sb_error *err)
{
	struct db_stmt *s;
	int rc = db_stmt(c, id, &s, err);
	return rc < 0 ? rc : db_exec_stmt(c, s, err);
}

/* ---- transactions ------------------------------------------------------- */

int store_write_begin(struct store_conn *c, struct sb_error *err)
{
	pthread_mutex_lock(&c->store->writer);
	int rc = run(c, STMT_BEGIN_WRITE, err);
	if (rc < 0) {
		pthread_mutex_unlock(&c->store->writer);
		return rc;
	}
	c->in_write = true;
	return 0;
}

int store_write_commit(struct store_conn *c, struct sb_error *err)
{
	int rc = run(c, STMT_COMMIT, err);
	if (rc < 0) {
		store_write_rollback(c);
		return rc;
	}
	c->in_write = false;
	pthread_mutex_unlock(&c->store->writer);
	return 0;
}

void store_write_rollback(struct store_conn *c)
{
	if (!c->in_write)
		return;
	/* Statements left mid-step would keep the transaction's locks. */
	for (int i = 0; i < STMT__COUNT; i++)
		if (c->stmts[i])
			c->driver->reset(c->stmts[i]);
	run(c, STMT_ROLLBACK, NULL);
	c->in_write = false;
	pthread_mutex_unlock(&c->store->writer);
}

int store_read_begin(struct store_conn *c, struct sb_error *err)
{
	return run(c, STMT_BEGIN_READ, err);
}

void store_read_end(struct store_conn *c)
{
	run(c, STMT_COMMIT, NULL);
}

/* ---- migrations --------------------------------------------------------- */

int store_schema_version(void)
{
	return store_migrations_count;
}

static int ensure_version_table(struct store_conn *c, struct sb_error *err)
{
	return c->driver->exec(c->handle,
			       "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
			       err);
}

/* Version of the schema on connection C; 0 before the first migration. */
static int version_on(struct store_conn *c, int *version_out, struct sb_error *err)
{
	struct db_stmt *st;
	int rc;
	/* The cached statement exists only once the table does: /healthz stays a lookup. */
	if (!c->stmts[STMT_SCHEMA_VERSION] && (rc = ensure_version_table(c, err)) < 0)
		return rc;
	if ((rc = db_stmt(c, STMT_SCHEMA_VERSION, &st, err)) < 0)
		return rc;
	rc = db_step(c, st, err);
	if (rc == DB_ROW)
		*version_out = (int)db_int(c, st, 0);
	c->driver->reset(st);
	return rc < 0 ? rc : 0;
}

int store_current_version(struct store *s, int *version_out, struct sb_error *err)
{
	struct store_conn *c;
	int rc = store_conn(s, &c, err);
	return rc < 0 ? rc : version_on(c, version_out, err);
}

int store_migrate(struct store *s, int *from_out, int *to_out, struct sb_error *err)
{
	struct store_conn *c;
	int version = 0, rc;
	if ((rc = store_conn(s, &c, err)) < 0 || (rc = store_current_version(s, &version, err)) < 0)
		return rc;
	if (from_out)
		*from_out = version;
	if (version > store_migrations_count)
		return sb_error_set(err, SB_ECONFLICT,
				    "the database is at schema version %d, newer than this "
				    "binary's %d: upgrade switchboard",
				    version, store_migrations_count);
	for (int v = version + 1; v <= store_migrations_count; v++) {
		struct db_stmt *st;
		if ((rc = store_write_begin(c, err)) < 0)
			return rc;
		/* Another process may have migrated while we waited for the lock. */
		int now_at = 0;
		if ((rc = db_stmt(c, STMT_SCHEMA_VERSION, &st, err)) < 0 ||
		    (rc = db_step(c, st, err)) < 0)
			goto fail;
		now_at = (int)db_int(c, st, 0);
		c->driver->reset(st);
		if (now_at >= v) {
			store_write_rollback(c);
			continue;
		}
		if ((rc = c->driver->exec(c->handle, store_migrations[v - 1], err)) < 0)
			goto fail;
		if ((rc = db_stmt(c, STMT_SCHEMA_RECORD, &st, err)) < 0 ||
		    (rc = db_bind_int(c, st, 1, v)) < 0 ||
		    (rc = db_bind_int(c, st, 2, (int64_t)time(NULL))) < 0 ||
		    (rc = db_exec_stmt(c, st, err)) < 0)
			goto fail;
		if ((rc = store_write_commit(c, err)) < 0)
			return rc;
		continue;
	fail:
		store_write_rollback(c);
		if (err) {
			char why[SB_ERROR_MESSAGE_MAX];
			memcpy(why, err->message, sizeof(why));
			return sb_error_set(err, err->code, "migration %d failed: %s", v, why);
		}
		return rc;
	}
	if (to_out)
		*to_out = store_migrations_count;
	return store_seed_defaults(c, (int64_t)time(NULL), err);
}
