/*
 * UTF-8: strict validation and counting of code points.
 *
 * Everything a person types reaches the core as bytes; before a length limit
 * in characters or a store of text, the bytes must be well-formed UTF-8 as
 * RFC 3629 defines it: the shortest form only (no overlong encodings), no
 * UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF. A NUL byte is
 * refused too, because the text travels on as C strings and would be cut.
 */
#ifndef SB_UTIL_UTF8_H
#define SB_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the LEN bytes at S are well-formed UTF-8 without NUL bytes. */
bool utf8_valid(const char *s, size_t len);

/*
 * The number of code points in the LEN bytes at S, which should be valid
 * (utf8_valid()); on invalid input, the count of bytes that do not continue
 * a sequence, so the answer is never more than LEN.
 */
size_t utf8_chars(const char *s, size_t len);

#endif
