/*
 * Errors: one small set of codes shared by every layer.
 *
 * A function that can fail returns 0 or a negative code from enum sb_code
 * and, when the caller passed a struct sb_error, writes a one-line message
 * there. Only the layer that talks to people (the CLI, later the API) turns
 * codes into exit statuses or HTTP statuses; lower layers never print or log.
 */
#ifndef SB_UTIL_ERROR_H
#define SB_UTIL_ERROR_H

#include <stddef.h>

enum sb_code {
	SB_OK = 0,
	SB_EINVAL = 1, /* input does not follow its grammar or rules */
	SB_ENOTFOUND,  /* a named thing does not exist */
	SB_EPERM,      /* not allowed */
	SB_ECONFLICT,  /* state does not allow it */
	SB_EBUSY,      /* try again later */
	SB_EIO,        /* the operating system failed us */
	SB_ENOMEM,     /* allocation failed */
	SB_ERANGE,     /* a value outside what the engine supports */
};

#define SB_ERROR_MESSAGE_MAX 256

struct sb_error {
	int code;
	char message[SB_ERROR_MESSAGE_MAX];
};

/*
 * Records CODE and a printf-style message in ERR (which may be NULL) and
 * returns -CODE, so that a failing path reads `return sb_error_set(...)`.
 */
int sb_error_set(struct sb_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bytes sb_quote() writes at most, with its NUL. */
#define SB_QUOTE_SIZE 72

/*
 * Prepares outside text for quoting in a message: copies at most 64 bytes of
 * P (up to N bytes or its NUL, whichever comes first; N = SIZE_MAX for a C
 * string) into BUF, shows bytes outside printable ASCII as '?', and ends
 * cut text with "...". Messages stay one readable line whatever the input.
 * Returns BUF.
 */
const char *sb_quote(char buf[SB_QUOTE_SIZE], const char *p, size_t n);

/* Human name of a code ("invalid argument"...); never NULL. */
const char *sb_code_name(int code);

#endif
