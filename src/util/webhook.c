/*
 * Standard Webhooks secrets, message ids and signatures. The MAC is
 * computed incrementally (id, ".", timestamp, ".", body) so that a large
 * body is never copied to be signed.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/webhook.h"

void webhook_secret_new(char out[WEBHOOK_SECRET_SIZE])
{
	unsigned char key[WEBHOOK_SECRET_BYTES];
	randombytes_buf(key, sizeof(key));
	memcpy(out, WEBHOOK_SECRET_PREFIX, sizeof(WEBHOOK_SECRET_PREFIX) - 1);
	sodium_bin2base64(out + sizeof(WEBHOOK_SECRET_PREFIX) - 1,
			  WEBHOOK_SECRET_SIZE - (sizeof(WEBHOOK_SECRET_PREFIX) - 1), key,
			  sizeof(key), sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
}

int webhook_secret_decode(const char *secret, unsigned char key[WEBHOOK_KEY_MAX], size_t *len_out,
			  struct sb_error *err)
{
	size_t plen = sizeof(WEBHOOK_SECRET_PREFIX) - 1;
	if (strncmp(secret, WEBHOOK_SECRET_PREFIX, plen) == 0)
		secret += plen;
	size_t len = 0;
	const char *end = NULL;
	/* At most WEBHOOK_KEY_MAX bytes fit: a longer secret fails here too. */
	if (!*secret ||
	    sodium_base642bin(key, WEBHOOK_KEY_MAX, secret, strlen(secret), NULL, &len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    *end != '\0' || len < 16)
		return sb_error_set(err, SB_EINVAL, "not a webhook secret (whsec_ and base64)");
	*len_out = len;
	return 0;
}

void webhook_msg_id_new(char out[WEBHOOK_MSG_ID_SIZE])
{
	unsigned char raw[18]; /* 18 bytes: 24 base64 characters, no padding */
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "msg_", 4);
	sodium_bin2base64(out + 4, WEBHOOK_MSG_ID_SIZE - 4, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
		 size_t len, char out[WEBHOOK_SIGNATURE_SIZE], struct sb_error *err)
{
	unsigned char key[WEBHOOK_KEY_MAX], mac[crypto_auth_hmacsha256_BYTES];
	size_t klen;
	int rc = webhook_secret_decode(secret, key, &klen, err);
	if (rc < 0)
		return rc;
	char ts[24];
	int n = snprintf(ts, sizeof(ts), "%" PRId64, timestamp);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, WEBHOOK_SIGNATURE_SIZE - 3, mac, sizeof(mac),
			  sodium_base64_VARIANT_ORIGINAL);
	return 0;
}
