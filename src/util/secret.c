/*
 * Secrets on libsodium. Argon2id at libsodium's "interactive" limits
 * (2 passes over 64 MiB): about 50-100 ms a login on this class of machine,
 * which is the point, and well within a login's budget.
 */
#include "secret.h"

#include <sodium.h>
#include <string.h>

int secret_init(struct sb_error *err)
{
	if (sodium_init() < 0)
		return sb_error_set(err, SB_EIO, "libsodium failed to initialize");
	return 0;
}

int secret_password_hash(const char *password, char out[SECRET_PWHASH_SIZE], struct sb_error *err)
{
	_Static_assert(SECRET_PWHASH_SIZE >= crypto_pwhash_STRBYTES, "room for the hash");
	if (crypto_pwhash_str_alg(
		    out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return sb_error_set(err, SB_ENOMEM, "not enough memory to hash a password");
	return 0;
}

bool secret_password_verify(const char *hash, const char *password)
{
	if (!hash || strncmp(hash, "$argon2id$", 10) != 0)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void secret_token_new(const char *prefix, char out[SECRET_TOKEN_SIZE])
{
	unsigned char raw[32];
	size_t plen = strnlen(prefix, 8);
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, SECRET_TOKEN_SIZE - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void secret_token_hash(const char *token, unsigned char out[SECRET_HASH_LEN])
{
	crypto_generichash(out, SECRET_HASH_LEN, (const unsigned char *)token, strlen(token), NULL,
			   0);
}

bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
