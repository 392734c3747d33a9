/*
 * Shared by the libFuzzer targets: the fuzzer's bytes as a NUL-terminated
 * string, since every parser here takes C strings from the command line, a
 * config file or an HTTP request.
 */
#ifndef SB_TESTS_FUZZ_H
#define SB_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'ed copy of DATA with a terminating NUL; the caller frees it. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Aborts unless MESSAGE is one non-empty line of printable text: whatever
 * the input, an error message must be fit to show a person as it is.
 */
static inline void fuzz_check_message(const char *message)
{
	if (message[0] == '\0')
		abort();
	for (const char *p = message; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

#endif
