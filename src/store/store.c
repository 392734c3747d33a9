/*
 * The store's machinery: opening, connections per thread, transactions,
 * migrations, and the statement helpers of driver.h.
 *
 * A thread's connection is found through a pthread key, so a handler never
 * passes one around nor takes a lock to find it. The store also keeps every
 * connection on a list so store_close() can close those of threads that are
 * still alive (the HTTP pool threads outlive no store, but tests do).
 *
 * Group commit. A durable commit costs an fsync and rewrites the pages it
 * touched (the ticket's table and index pages, history, outbox), and that
 * I/O, not our code, is what a create spends its time on. So writes share
 * transactions: the process has one writer connection; a request's write
 * runs in a savepoint inside the open batch transaction, holding the writer
 * mutex only while it runs its statements; when it is done it commits the
 * batch if nobody else is waiting to write (or the batch is full), and
 * otherwise leaves that to the last writer and waits. Nobody is answered
 * before the COMMIT that holds their write has returned, so a 201 is still
 * durable; a request that fails rolls back its savepoint alone.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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
	/* Group commit (see the top of the file); all under WRITER but PENDING. */
	pthread_mutex_t writer; /* held while a request runs its statements */
	pthread_cond_t committed_cond;
	struct store_conn *wconn; /* the process's writer connection */
	atomic_int pending;       /* requests waiting for WRITER to start a write */
	bool txn_open;            /* the batch's BEGIN is issued */
	int members;              /* writes released into the open batch */
	uint64_t batch;           /* the open (or next) batch */
	uint64_t committed;       /* the last batch whose COMMIT returned */
	struct {
		uint64_t batch;
		struct sb_error err;
	} failed[16]; /* recent batches whose COMMIT failed, by batch % 16 */
};

/* A batch commits once this many writes joined it, waiting or not. */
#define BATCH_MAX 64

static int conn_new(struct store *s, struct store_conn **out, struct sb_error *err);

static void conn_free(struct store_conn *c)
{
	for (int i = 0; i < STMT__COUNT; i++)
		c->driver->finalize(c->stmts[i]);
	c->driver->disconnect(c->handle);
	free(c);
}

int store_open(const char *data_dir, struct store **out, struct sb_error *err)
{
	return store_open_database(data_dir, NULL, out, err);
}

/* Whether DATABASE names a PostgreSQL database (a libpq URL). */
static bool is_postgres_url(const char *database)
{
	return strncmp(database, "postgres://", 11) == 0 ||
	       strncmp(database, "postgresql://", 13) == 0;
}

int store_open_database(const char *data_dir, const char *database, struct store **out,
			struct sb_error *err)
{
	if (database && *database && !is_postgres_url(database))
		return sb_error_set(err, SB_EINVAL,
				    "the database must be a postgres:// or postgresql:// URL");
	/* The data directory holds the attachments' files on every engine. */
	if (mkdir(data_dir, 0700) < 0 && errno != EEXIST)
		return sb_error_set(err, SB_EIO, "cannot create data directory %s: %s", data_dir,
				    strerror(errno));
	struct store *s = calloc(1, sizeof(*s));
	if (!s)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	bool pg = database && *database;
	s->driver = pg ? &store_driver_postgres : &store_driver_sqlite;
	size_t n = pg ? strlen(database) + 1 : strlen(data_dir) + sizeof("/switchboard.db");
	s->location = malloc(n);
	if (!s->location || pthread_key_create(&s->key, NULL) != 0) {
		free(s->location);
		free(s);
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	}
	if (pg)
		memcpy(s->location, database, n);
	else
		snprintf(s->location, n, "%s/switchboard.db", data_dir);
	s->data_dir = strdup(data_dir);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->writer, NULL);
	pthread_cond_init(&s->committed_cond, NULL);
	s->batch = 1;

	/* Connect now, so that a bad location fails here and not in a handler. */
	struct store_conn *c;
	int rc = store_conn(s, &c, err);
	if (rc < 0 || (rc = conn_new(s, &s->wconn, err)) < 0) {
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
	pthread_cond_destroy(&s->committed_cond);
	free(s->location);
	free(s->data_dir);
	free(s);
}

const char *store_engine_name(const struct store *s)
{
	return s->driver->name;
}

const char *store_data_dir(const struct store *s)
{
	return s->data_dir;
}

const struct store_driver *store_driver_of(const struct store *s)
{
	return s->driver;
}

/* ---- messages between servers ------------------------------------------- */

struct store_listener {
	const struct store_driver *driver;
	void *handle;
};

int store_notify(struct store_conn *c, const char *channel, const char *payload,
		 struct sb_error *err)
{
	struct db_stmt *st;
	int rc;
	if (!c->driver->listen)
		return 0;
	if (strlen(payload) >= STORE_NOTIFY_MAX)
		return sb_error_set(err, SB_ERANGE, "a message between servers is too long");
	if ((rc = db_stmt(c, STMT_NOTIFY, &st, err)) < 0)
		return rc;
	db_bind_text(c, st, 1, channel);
	db_bind_text(c, st, 2, payload);
	rc = db_step(c, st, err);
	c->driver->reset(st);
	return rc < 0 ? rc : 0;
}

int store_listener_open(struct store *s, const char *channel, struct store_listener **out,
			struct sb_error *err)
{
	*out = NULL;
	if (!s->driver->listen)
		return 0;
	/* Not one of the store's connections: it waits in its own thread, never runs statements. */
	struct store_listener *l = calloc(1, sizeof(*l));
	if (!l)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	l->driver = s->driver;
	int rc = l->driver->connect(s->location, &l->handle, err);
	if (rc == 0 && (rc = l->driver->listen(l->handle, channel, err)) < 0)
		l->driver->disconnect(l->handle);
	if (rc < 0) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int store_listener_wait(struct store_listener *l, int timeout_ms, char **payload_out,
			struct sb_error *err)
{
	return l->driver->wait_notification(l->handle, timeout_ms, payload_out, err);
}

void store_listener_close(struct store_listener *l)
{
	if (!l)
		return;
	l->driver->disconnect(l->handle);
	free(l);
}

/* A new connection, on the store's list (closed by store_close()). */
static int conn_new(struct store *s, struct store_conn **out, struct sb_error *err)
{
	struct store_conn *c = calloc(1, sizeof(*c));
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
	node->conn = c;
	pthread_mutex_lock(&s->lock);
	node->next = s->conns;
	s->conns = node;
	pthread_mutex_unlock(&s->lock);
	*out = c;
	return 0;
}

int store_conn(struct store *s, struct store_conn **out, struct sb_error *err)
{
	struct store_conn *c = pthread_getspecific(s->key);
	if (c) {
		*out = c;
		return 0;
	}
	int rc = conn_new(s, &c, err);
	if (rc < 0)
		return rc;
	pthread_setspecific(s->key, c);
	*out = c;
	return 0;
}

/* ---- statements --------------------------------------------------------- */

int db_stmt(struct store_conn *c, enum stmt_id id, struct db_stmt **out, struct sb_error *err)
{
	struct store_conn *on = db_on(c);
	if (!on->stmts[id]) {
		const char *sql = c->driver->statements && c->driver->statements[id]
					  ? c->driver->statements[id]
					  : store_statement_sql[id];
		int rc = c->driver->prepare(on->handle, sql, &on->stmts[id], err);
		if (rc < 0)
			return rc;
	} else {
		c->driver->reset(on->stmts[id]);
	}
	*out = on->stmts[id];
	return 0;
}

void *db_list_slot(struct arena *a, void **list, size_t n, size_t *cap, size_t size)
{
	if (n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char *more = arena_alloc(a, ncap * size);
		if (!more)
			return NULL;
		if (n)
			memcpy(more, *list, n * size);
		*list = more;
		*cap = ncap;
	}
	return (char *)*list + n * size;
}

bool store_in_write(const struct store_conn *c)
{
	return c->in_write;
}

int64_t db_last_insert_id(struct store_conn *c)
{
	return c->driver->last_insert_id(db_on(c)->handle);
}

int64_t db_changes(struct store_conn *c)
{
	return c->driver->changes(db_on(c)->handle);
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

/*
 * Commits the open batch (WRITER held). Failure is recorded for the batch so
 * that every write in it reports it.
 */
static void commit_batch(struct store *s)
{
	struct sb_error err = {0};
	uint64_t b = s->batch;
	if (run(s->wconn, STMT_COMMIT, &err) < 0) {
		run(s->wconn, STMT_ROLLBACK, NULL);
		s->failed[b % 16].batch = b;
		s->failed[b % 16].err = err;
	}
	s->txn_open = false;
	s->members = 0;
	s->committed = b;
	s->batch = b + 1;
	pthread_cond_broadcast(&s->committed_cond);
}

/* Commits when no other write waits to join, or the batch is full (WRITER held). */
static void maybe_commit(struct store *s)
{
	if (s->txn_open && (atomic_load(&s->pending) == 0 || s->members >= BATCH_MAX))
		commit_batch(s);
}

int store_write_begin(struct store_conn *c, struct sb_error *err)
{
	struct store *s = c->store;
	atomic_fetch_add(&s->pending, 1);
	pthread_mutex_lock(&s->writer);
	atomic_fetch_sub(&s->pending, 1);
	int rc = 0;
	if (!s->txn_open) {
		if ((rc = run(s->wconn, STMT_BEGIN_WRITE, err)) < 0)
			goto fail;
		s->txn_open = true;
	}
	if ((rc = run(s->wconn, STMT_SAVEPOINT, err)) < 0)
		goto fail;
	c->writer = s->wconn;
	c->in_write = true;
	c->batch = s->batch;
	return 0;
fail:
	maybe_commit(s);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

int store_write_commit(struct store_conn *c, struct sb_error *err)
{
	struct store *s = c->store;
	int rc = run(s->wconn, STMT_RELEASE, err);
	if (rc < 0) {
		store_write_rollback(c);
		return rc;
	}
	c->writer = NULL;
	c->in_write = false;
	s->members++;
	uint64_t mine = c->batch;
	maybe_commit(s);
	/* Answer nobody before the COMMIT holding their write has returned. */
	while (s->committed < mine)
		pthread_cond_wait(&s->committed_cond, &s->writer);
	if (s->failed[mine % 16].batch == mine) {
		if (err)
			*err = s->failed[mine % 16].err;
		rc = -abs(s->failed[mine % 16].err.code ? s->failed[mine % 16].err.code : SB_EIO);
	}
	pthread_mutex_unlock(&s->writer);
	return rc;
}

void store_write_rollback(struct store_conn *c)
{
	if (!c->in_write)
		return;
	struct store *s = c->store;
	/* Statements left mid-step would keep their cursors open in the savepoint. */
	for (int i = 0; i < STMT__COUNT; i++)
		if (s->wconn->stmts[i])
			c->driver->reset(s->wconn->stmts[i]);
	run(s->wconn, STMT_ROLLBACK_TO, NULL);
	run(s->wconn, STMT_RELEASE, NULL);
	c->writer = NULL;
	c->in_write = false;
	maybe_commit(s); /* the others' writes in the batch still need their COMMIT */
	pthread_mutex_unlock(&s->writer);
}

void store_write_settle(struct store_conn *c)
{
	struct store *s = c->store;
	pthread_mutex_lock(&s->writer);
	/* The open batch holds the finished writes not yet committed; its last
	 * member commits it, or nobody is left to and it is committed here. */
	uint64_t target = s->txn_open ? s->batch : s->committed;
	maybe_commit(s);
	while (s->committed < target)
		pthread_cond_wait(&s->committed_cond, &s->writer);
	pthread_mutex_unlock(&s->writer);
}

/* ---- migrations --------------------------------------------------------- */

int store_schema_version(void)
{
	/* Every engine's list has the same versions (store/migrations.h). */
	return store_migrations_sqlite_count;
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

static int migrate_locked(struct store_conn *c, int *from_out, int *to_out, struct sb_error *err)
{
	int version = 0, rc;
	if ((rc = version_on(c, &version, err)) < 0)
		return rc;
	if (from_out)
		*from_out = version;
	if (version > *c->driver->migrations_count)
		return sb_error_set(err, SB_ECONFLICT,
				    "the database is at schema version %d, newer than this "
				    "binary's %d: upgrade switchboard",
				    version, *c->driver->migrations_count);
	for (int v = version + 1; v <= *c->driver->migrations_count; v++) {
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
		if ((rc = c->driver->exec(db_on(c)->handle, c->driver->migrations[v - 1], err)) < 0)
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
		*to_out = *c->driver->migrations_count;
	return store_seed_defaults(c, (int64_t)time(NULL), err);
}

int store_migrate(struct store *s, int *from_out, int *to_out, struct sb_error *err)
{
	struct store_conn *c;
	int rc = store_conn(s, &c, err);
	if (rc < 0)
		return rc;
	/*
	 * Processes that start together on a new database (several servers, a
	 * jobs runner) would each create the version table and run migration 1:
	 * on an engine whose write transaction does not lock the database, the
	 * driver serializes them.
	 */
	if (c->driver->migrate_lock && (rc = c->driver->migrate_lock(c->handle, err)) < 0)
		return rc;
	rc = migrate_locked(c, from_out, to_out, err);
	if (c->driver->migrate_unlock)
		c->driver->migrate_unlock(c->handle);
	return rc;
}
