/* Error codes and messages; see error.h for the convention. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int sb_error_set(struct sb_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return -abs(code);
}

const char *sb_quote(char buf[SB_QUOTE_SIZE], const char *p, size_t n)
{
	const size_t max = SB_QUOTE_SIZE - 8;
	size_t i = 0;
	for (; i < n && p[i] && i < max; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	if (i < n && p[i]) {
		buf[i++] = '.';
		buf[i++] = '.';
		buf[i++] = '.';
	}
	buf[i] = '\0';
	return buf;
}

const char *sb_code_name(int code)
{
	switch (abs(code)) {
	case SB_OK: return "ok";
	case SB_EINVAL: return "invalid argument";
	case SB_ENOTFOUND: return "not found";
	case SB_EPERM: return "not permitted";
	case SB_ECONFLICT: return "conflict";
	case SB_EBUSY: return "busy";
	case SB_EIO: return "input/output error";
	case SB_ENOMEM: return "out of memory";
	case SB_ERANGE: return "out of range";
	default: return "unknown error";
	}
}
