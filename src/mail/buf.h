/*
 * A growable byte buffer for building mail, private to src/mail. It
 * remembers running out of memory instead of failing each append, so a
 * builder appends freely and checks once at the end.
 */
#ifndef SB_MAIL_BUF_H
#define SB_MAIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct mail_buf {
	char *data; /* NUL-terminated while not failed */
	size_t len, cap;
	bool failed;
};

static inline void mail_buf_add(struct mail_buf *b, const char *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *more = realloc(b->data, cap);
		if (!more) {
			b->failed = true;
			return;
		}
		b->data = more;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void mail_buf_adds(struct mail_buf *b, const char *s)
{
	mail_buf_add(b, s, strlen(s));
}

static inline void mail_buf_addc(struct mail_buf *b, char c)
{
	mail_buf_add(b, &c, 1);
}

static inline void mail_buf_done(struct mail_buf *b)
{
	free(b->data);
	*b = (struct mail_buf){0};
}

#endif
