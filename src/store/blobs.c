/*
 * Attachment bytes, named by content hash; see store.h. On disk, writes go
 * through a temporary file and rename so that a crash never leaves a file
 * under a hash that its bytes do not have. In the database (drivers with
 * blobs_in_database), a row is its own atomic write.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/driver.h"

#define BLOB_MAX (64 * 1024 * 1024)

static int io_error(struct sb_error *err, const char *what, const char *path)
{
	return sb_error_set(err, SB_EIO, "%s %s: %s", what, path, strerror(errno));
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static bool hex_ok(const char *h)
{
	if (strlen(h) != 64)
		return false;
	for (; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return false;
	return true;
}

/*
 * The row for SHA256_HEX, on the caller's thread's connection: outside a
 * write it commits on its own (the API stores bytes before its
 * transaction); inside one (import) it commits with the rest.
 */
static int db_put(struct store *store, const char *sha256_hex, const void *data, size_t len,
		  struct sb_error *err)
{
	struct store_conn *c;
	struct db_stmt *st;
	int rc;
	if ((rc = store_conn(store, &c, err)) < 0 || (rc = db_stmt(c, STMT_BLOB_PUT, &st, err)) < 0)
		return rc;
	db_bind_text(c, st, 1, sha256_hex);
	db_bind_int(c, st, 2, (int64_t)len);
	db_bind_blob(c, st, 3, data, len);
	return db_exec_stmt(c, st, err);
}

/* The row for SHA256_HEX, or -SB_ENOTFOUND without one. */
static int db_get(struct store *store, const char *sha256_hex, struct arena *a,
		  const char **data_out, size_t *len_out, struct sb_error *err)
{
	struct store_conn *c;
	struct db_stmt *st;
	int rc;
	if ((rc = store_conn(store, &c, err)) < 0 || (rc = db_stmt(c, STMT_BLOB_GET, &st, err)) < 0)
		return rc;
	db_bind_text(c, st, 1, sha256_hex);
	if ((rc = db_step(c, st, err)) != DB_ROW) {
		c->driver->reset(st);
		return rc < 0 ? rc : -SB_ENOTFOUND;
	}
	size_t len = 0;
	const void *p = c->driver->column_blob(st, 0, &len);
	char *buf = arena_alloc(a, len + 1);
	if (buf) {
		memcpy(buf, p ? p : "", len);
		buf[len] = '\0';
	}
	c->driver->reset(st);
	if (!buf)
		return sb_error_set(err, SB_ENOMEM, "out of memory");
	*data_out = buf;
	*len_out = len;
	return 0;
}

int store_blob_put(struct store *store, const void *data, size_t len, char sha256_hex[65],
		   struct sb_error *err)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char dir[4096], path[4200], tmp[4300];
	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(sha256_hex, 65, digest, sizeof(digest));
	if (store_driver_of(store)->blobs_in_database)
		return db_put(store, sha256_hex, data, len, err);

	snprintf(dir, sizeof(dir), "%s/attachments", store_data_dir(store));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return io_error(err, "cannot create", dir);
	snprintf(dir, sizeof(dir), "%s/attachments/%.2s", store_data_dir(store), sha256_hex);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return io_error(err, "cannot create", dir);
	snprintf(path, sizeof(path), "%s/%s", dir, sha256_hex);
	if (access(path, F_OK) == 0)
		return 0; /* the same bytes are already stored */

	/* Random too, for a data directory on a filesystem that several
	 * machines mount: a process id and thread id are unique on one only. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d.%lx.%08x", path, (int)getpid(),
		 (unsigned long)pthread_self(), (unsigned)randombytes_random());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return io_error(err, "cannot create", tmp);
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = io_error(err, "cannot write", tmp);
			close(fd);
			unlink(tmp);
			return rc;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		int rc = io_error(err, "cannot sync", tmp);
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) < 0) {
		int rc = io_error(err, "cannot rename", tmp);
		unlink(tmp);
		return rc;
	}
	if (fsync_dir(dir) < 0)
		return io_error(err, "cannot sync", dir);
	return 0;
}

int store_blob_get(struct store *store, const char *sha256_hex, struct arena *a,
		   const char **data_out, size_t *len_out, struct sb_error *err)
{
	char path[4200];
	if (!hex_ok(sha256_hex))
		return sb_error_set(err, SB_ENOTFOUND, "no such attachment");
	if (store_driver_of(store)->blobs_in_database) {
		int rc = db_get(store, sha256_hex, a, data_out, len_out, err);
		if (rc != -SB_ENOTFOUND)
			return rc;
		/* Bytes stored before schema version 7 are still files: read on. */
	}
	snprintf(path, sizeof(path), "%s/attachments/%.2s/%s", store_data_dir(store), sha256_hex,
		 sha256_hex);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? sb_error_set(err, SB_ENOTFOUND, "attachment bytes missing")
				       : io_error(err, "cannot open", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size > BLOB_MAX) {
		close(fd);
		return io_error(err, "cannot read", path);
	}
	char *buf = arena_alloc(a, (size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size)
		return io_error(err, "cannot read", path);
	*data_out = buf;
	*len_out = got;
	return 0;
}
