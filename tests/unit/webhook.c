/*
 * Tests for src/util/webhook.c: Standard Webhooks signatures against the
 * specification's reference vector (checked independently with node's
 * crypto.createHmac), secrets and message ids.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/secret.h"
#include "util/webhook.h"

#define REF_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define REF_ID     "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define REF_TS     1614265330
#define REF_BODY   "{\"test\": 2432232314}"
#define REF_SIG    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void init(void)
{
	cr_assert_eq(secret_init(NULL), 0);
}

Test(webhook, the_reference_vector_signs_as_the_specification_says, .init = init)
{
	char sig[WEBHOOK_SIGNATURE_SIZE];
	struct sb_error err = {0};
	cr_assert_eq(
		webhook_sign(REF_SECRET, REF_ID, REF_TS, REF_BODY, strlen(REF_BODY), sig, &err), 0,
		"%s", err.message);
	cr_assert_str_eq(sig, REF_SIG);
	/* The prefix is optional, as in the reference libraries. */
	cr_assert_eq(
		webhook_sign(&REF_SECRET[6], REF_ID, REF_TS, REF_BODY, strlen(REF_BODY), sig, &err),
		0);
	cr_assert_str_eq(sig, REF_SIG);
}

Test(webhook, any_change_to_id_timestamp_or_body_changes_the_signature, .init = init)
{
	char sig[WEBHOOK_SIGNATURE_SIZE];
	const char *body = REF_BODY;
	cr_assert_eq(webhook_sign(REF_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJeL", REF_TS, body,
				  strlen(body), sig, NULL),
		     0);
	cr_assert_str_neq(sig, REF_SIG);
	cr_assert_eq(webhook_sign(REF_SECRET, REF_ID, REF_TS + 1, body, strlen(body), sig, NULL),
		     0);
	cr_assert_str_neq(sig, REF_SIG);
	cr_assert_eq(webhook_sign(REF_SECRET, REF_ID, REF_TS, body, strlen(body) - 1, sig, NULL),
		     0);
	cr_assert_str_neq(sig, REF_SIG);
	cr_assert_eq(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx", REF_ID, REF_TS, body,
				  strlen(body), sig, NULL),
		     0);
	cr_assert_str_neq(sig, REF_SIG);
}

Test(webhook, a_bad_secret_is_refused, .init = init)
{
	char sig[WEBHOOK_SIGNATURE_SIZE];
	struct sb_error err = {0};
	const char *bad[] = {"", "whsec_", "whsec_not base64!", "whsec_c2hvcnQ=",
			     "whsec_"
			     "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQ"
			     "UFBQUFBQUFBQUFBQUFB"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(webhook_sign(bad[i], REF_ID, REF_TS, "{}", 2, sig, &err), -SB_EINVAL,
			     "secret %zu", i);
		cr_assert_eq(err.code, SB_EINVAL);
	}
}

Test(webhook, new_secrets_are_random_and_decode_to_24_bytes, .init = init)
{
	char a[WEBHOOK_SECRET_SIZE], b[WEBHOOK_SECRET_SIZE];
	unsigned char key[WEBHOOK_KEY_MAX];
	size_t len = 0;
	webhook_secret_new(a);
	webhook_secret_new(b);
	cr_assert_str_neq(a, b);
	cr_assert_eq(strncmp(a, "whsec_", 6), 0);
	cr_assert_eq(strlen(a), 6 + 32);
	cr_assert_eq(webhook_secret_decode(a, key, &len, NULL), 0);
	cr_assert_eq(len, WEBHOOK_SECRET_BYTES);
}

Test(webhook, message_ids_are_random_and_header_safe, .init = init)
{
	char a[WEBHOOK_MSG_ID_SIZE], b[WEBHOOK_MSG_ID_SIZE];
	webhook_msg_id_new(a);
	webhook_msg_id_new(b);
	cr_assert_str_neq(a, b);
	cr_assert_eq(strlen(a), 4 + 24);
	cr_assert_eq(strncmp(a, "msg_", 4), 0);
	cr_assert_eq(
		strspn(a + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		24);
}
