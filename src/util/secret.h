/*
 * Secrets: passwords, API tokens and session ids, on libsodium.
 *
 * Passwords are stored as Argon2id strings (salt and cost inside, so the
 * cost can rise later without breaking old hashes). Tokens and session ids
 * are 32 random bytes shown to their owner once, base64url-encoded with a
 * prefix that says what they are ("sbt_" for API tokens, "sbs_" for
 * sessions); the database keeps only a BLAKE2b hash of them, so a stolen
 * database grants no access. Comparisons of secrets are constant-time.
 *
 * Call secret_init() once before any other function (it is idempotent).
 */
#ifndef SB_UTIL_SECRET_H
#define SB_UTIL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define SECRET_HASH_LEN    32
#define SECRET_TOKEN_SIZE  64  /* room for prefix + 43 base64url characters + NUL */
#define SECRET_PWHASH_SIZE 128 /* room for an Argon2id string + NUL */

int secret_init(struct sb_error *err);

/* Hashes PASSWORD with Argon2id into OUT. -SB_ENOMEM if the memory cost cannot be met. */
int secret_password_hash(const char *password, char out[SECRET_PWHASH_SIZE], struct sb_error *err);

/* Whether PASSWORD matches HASH (an Argon2id string); false for a malformed hash. */
bool secret_password_verify(const char *hash, const char *password);

/* A new random token "PREFIX" + base64url(32 random bytes) in OUT. PREFIX is at most 8 bytes. */
void secret_token_new(const char *prefix, char out[SECRET_TOKEN_SIZE]);

/* The hash under which TOKEN is stored. */
void secret_token_hash(const char *token, unsigned char out[SECRET_HASH_LEN]);

/* Constant-time comparison of two NUL-terminated strings of public length. */
bool secret_equal(const char *a, const char *b);

#endif
