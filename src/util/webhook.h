/*
 * The Standard Webhooks primitives (https://www.standardwebhooks.com/):
 * endpoint secrets, message ids and signatures, on libsodium.
 *
 * A secret is "whsec_" + base64 (standard alphabet, padded) of 24 random
 * bytes; the bytes after decoding are the HMAC key. A message is signed as
 * HMAC-SHA256(key, id + "." + timestamp + "." + body), sent as
 * "v1,<base64 of the MAC>" in the webhook-signature header, next to
 * webhook-id and webhook-timestamp (Unix seconds). Receivers recompute it
 * over the exact bytes they received.
 *
 * Call secret_init() (util/secret.h) once before generating anything.
 */
#ifndef SB_UTIL_WEBHOOK_H
#define SB_UTIL_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define WEBHOOK_SECRET_PREFIX "whsec_"
/* Random bytes in a new secret (Svix uses 24; the spec allows 24 to 64). */
#define WEBHOOK_SECRET_BYTES 24
/* The longest key accepted from a secret, in bytes. */
#define WEBHOOK_KEY_MAX 64
/* Room for a secret: prefix, base64 of WEBHOOK_KEY_MAX bytes, NUL. */
#define WEBHOOK_SECRET_SIZE 104
/* Room for a message id: "msg_" + 24 base64url characters + NUL. */
#define WEBHOOK_MSG_ID_SIZE 32
/* Room for one signature: "v1," + 44 base64 characters + NUL. */
#define WEBHOOK_SIGNATURE_SIZE 48

/* A new random secret in OUT. */
void webhook_secret_new(char out[WEBHOOK_SECRET_SIZE]);

/*
 * The key of SECRET ("whsec_" + base64; the prefix may be left out, as
 * other implementations allow) into KEY, its length in *len_out.
 * -SB_EINVAL when it is not one.
 */
int webhook_secret_decode(const char *secret, unsigned char key[WEBHOOK_KEY_MAX], size_t *len_out,
			  struct sb_error *err);

/* A new random message id, "msg_" + 24 base64url characters, in OUT. */
void webhook_msg_id_new(char out[WEBHOOK_MSG_ID_SIZE]);

/*
 * The signature of BODY (LEN bytes) sent as message MSG_ID at TIMESTAMP
 * with SECRET, "v1,<base64>", in OUT. -SB_EINVAL for a bad secret.
 */
int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
		 size_t len, char out[WEBHOOK_SIGNATURE_SIZE], struct sb_error *err);

#endif
