/*
 * Tests for src/http/multipart.c: bodies as browsers and curl send them,
 * the looser forms the parser accepts on purpose (bare LF, padding, a part
 * with no line before the next boundary), and each kind of malformed body,
 * whose message must name the problem on one printable line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

struct parsed {
	struct arena *arena;
	struct http_part *parts;
	size_t n;
	struct sb_error err;
	int rc;
};

static struct parsed parse_n(const char *content_type, const char *body, size_t len,
			     size_t max_parts)
{
	struct parsed p = {.arena = arena_new()};
	cr_assert_not_null(p.arena);
	p.rc = http_multipart_parse(content_type, body, len, p.arena, max_parts, &p.parts, &p.n,
				    &p.err);
	return p;
}

static struct parsed parse(const char *content_type, const char *body)
{
	return parse_n(content_type, body, strlen(body), 100);
}

static void assert_part(const struct http_part *part, const char *name, const char *filename,
			const char *content_type, const char *data, size_t len)
{
	cr_assert_str_eq(part->name, name);
	if (filename)
		cr_assert_str_eq(part->filename, filename);
	else
		cr_assert_null(part->filename, "%s", part->filename);
	cr_assert_str_eq(part->content_type, content_type);
	cr_assert_eq(part->len, len, "%s: %zu bytes, want %zu", name, part->len, len);
	cr_assert_eq(memcmp(part->data, data, len), 0, "%s: %.*s", name, (int)part->len,
		     part->data);
}

static void assert_ok(const struct parsed *p, size_t n)
{
	cr_assert_eq(p->rc, 0, "%s", p->err.message);
	cr_assert_eq(p->n, n);
}

static void assert_message_is_one_line(const char *m)
{
	cr_assert_neq(m[0], '\0');
	for (const char *c = m; *c; c++)
		cr_assert((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f, "%s", m);
}

/* Refused with -SB_EINVAL, a message containing WANT, and no parts. */
static void assert_refused_n(const char *content_type, const char *body, size_t len,
			     size_t max_parts, const char *want)
{
	struct parsed p = parse_n(content_type, body, len, max_parts);
	cr_assert_eq(p.rc, -SB_EINVAL, "accepted: %s", body);
	cr_assert_null(p.parts);
	cr_assert_eq(p.n, 0);
	assert_message_is_one_line(p.err.message);
	cr_assert(strstr(p.err.message, want), "message \"%s\" lacks \"%s\"", p.err.message, want);
	arena_free(p.arena);
}

static void assert_refused(const char *content_type, const char *body, const char *want)
{
	assert_refused_n(content_type, body, strlen(body), 100, want);
}

/* ---- good bodies ---- */

Test(http_multipart, a_field_and_a_file_as_a_browser_sends_them)
{
	const char *body =
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"subject\"\r\n"
		"\r\n"
		"Printer on fire\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"attachment\"; filename=\"log.txt\"\r\n"
		"Content-Type: application/octet-stream\r\n"
		"\r\n"
		"line 1\r\nline 2\r\n"
		"\r\n"
		"--XyZ--\r\n";
	struct parsed p = parse(CT, body);
	assert_ok(&p, 2);
	assert_part(&p.parts[0], "subject", NULL, "text/plain", "Printer on fire", 15);
	assert_part(&p.parts[1], "attachment", "log.txt", "application/octet-stream",
		    "line 1\r\nline 2\r\n", 16);
	cr_assert(p.parts[1].data > body && p.parts[1].data < body + strlen(body),
		  "data points into the body");
	arena_free(p.arena);
}

Test(http_multipart, quoted_and_unquoted_boundaries)
{
	const char *body = "--a'()+_,-./:=? b\r\n"
			   "Content-Disposition: form-data; name=x\r\n\r\n"
			   "1\r\n"
			   "--a'()+_,-./:=? b--";
	struct parsed p = parse("multipart/form-data; boundary=\"a'()+_,-./:=? b\"", body);
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "x", NULL, "text/plain", "1", 1);
	arena_free(p.arena);

	p = parse(
		"Multipart/Form-Data;charset=utf-8;BOUNDARY=----WebKitFormBoundary7MA4YWxkTrZu0gW;",
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"content-disposition: FORM-DATA; NAME=\"a\"\r\n\r\n"
		"v\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n");
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "a", NULL, "text/plain", "v", 1);
	arena_free(p.arena);
}

Test(http_multipart, quoted_filenames_with_escaped_quotes_and_windows_paths)
{
	struct parsed p = parse(
		CT,
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"f\"; filename=\"say \\\"hi\\\" "
		"\\\\o/.txt\"\r\n"
		"\r\n"
		"a\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"g\"; filename=\"C:\\Users\\me\\b.txt\"\r\n"
		"\r\n"
		"b\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"semi;colon\"; filename=\"\"\r\n"
		"\r\n"
		"\r\n"
		"--XyZ--");
	assert_ok(&p, 3);
	assert_part(&p.parts[0], "f", "say \"hi\" \\o/.txt", "text/plain", "a", 1);
	assert_part(&p.parts[1], "g", "C:\\Users\\me\\b.txt", "text/plain", "b", 1);
	assert_part(&p.parts[2], "semi;colon", "", "text/plain", "", 0);
	arena_free(p.arena);
}

Test(http_multipart, bare_lf_line_ends_are_read_like_crlf)
{
	struct parsed p = parse(CT, "--XyZ\n"
				    "Content-Disposition: form-data; name=\"a\"\n"
				    "Content-Type: text/csv\n"
				    "\n"
				    "x,y\n1,2\n"
				    "--XyZ\n"
				    "Content-Disposition: form-data; name=\"b\"\n"
				    "\n"
				    "two\n"
				    "--XyZ--\n");
	assert_ok(&p, 2);
	assert_part(&p.parts[0], "a", NULL, "text/csv", "x,y\n1,2", 7);
	assert_part(&p.parts[1], "b", NULL, "text/plain", "two", 3);
	arena_free(p.arena);
}

Test(http_multipart, preamble_and_epilogue_are_ignored)
{
	struct parsed p = parse(CT, "This is a preamble.\r\n--XyZ is not here\r\n"
				    "--XyZ\r\n"
				    "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
				    "kept\r\n"
				    "--XyZ--\r\n"
				    "An epilogue.\r\n--XyZ\r\nContent-Disposition: junk\r\n");
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "a", NULL, "text/plain", "kept", 4);
	arena_free(p.arena);

	p = parse(CT,
		  "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--");
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "a", NULL, "text/plain", "v", 1);
	arena_free(p.arena);
}

Test(http_multipart, boundary_lookalikes_in_the_data_are_data)
{
	const char data[] = "--XyZ at the start is fine\r\n"
			    "--XyZX\r\n"
			    "--XyZ-\r\n"
			    "--XyZ--more\r\n"
			    "x--XyZ\r\n"
			    "--XyZ\rno";
	char body[512];
	snprintf(body, sizeof(body),
		 "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n%s\r\n--XyZ--", data);
	struct parsed p = parse(CT, body);
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "a", NULL, "text/plain", data, strlen(data));
	arena_free(p.arena);
}

Test(http_multipart, binary_data_with_nul_and_line_ends_is_kept_exactly)
{
	const char head[] = "--XyZ\r\nContent-Disposition: form-data; name=\"bin\"; "
			    "filename=\"b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
	const char data[] = {'\0', '\r', '\n', '-', '-', '\r', '\0', '\n', 'X', '\xff', '\r', '\r'};
	const char tail[] = "\r\n--XyZ--\r\n";
	char body[256];
	size_t n = 0;
	memcpy(body + n, head, sizeof(head) - 1);
	n += sizeof(head) - 1;
	memcpy(body + n, data, sizeof(data));
	n += sizeof(data);
	memcpy(body + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	struct parsed p = parse_n(CT, body, n, 10);
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "bin", "b.bin", "application/octet-stream", data, sizeof(data));
	arena_free(p.arena);
}

Test(http_multipart, empty_parts_with_or_without_the_line_before_the_boundary)
{
	struct parsed p =
		parse(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
			  "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n"
			  "--XyZ--");
	assert_ok(&p, 2);
	assert_part(&p.parts[0], "a", NULL, "text/plain", "", 0);
	assert_part(&p.parts[1], "b", NULL, "text/plain", "", 0);
	arena_free(p.arena);
}

Test(http_multipart, padding_after_boundaries_and_other_headers_are_allowed)
{
	struct parsed p = parse(
		CT,
		"--XyZ \t\r\n"
		"Content-Disposition: form-data ; name = \"a\" ; filename*=UTF-8''%e2%82%ac.txt\r\n"
		"Content-Transfer-Encoding: binary\r\n"
		"X-Other:   spaced   \r\n"
		"Content-Type:  image/png  \r\n"
		"\r\n"
		"png\r\n"
		"--XyZ-- \r\n");
	assert_ok(&p, 1);
	assert_part(&p.parts[0], "a", NULL, "image/png", "png", 3);
	arena_free(p.arena);
}

Test(http_multipart, exactly_max_parts_is_accepted)
{
	const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"1\"\r\n\r\none\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"2\"\r\n\r\ntwo\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"3\"\r\n\r\nthree\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"4\"\r\n\r\nfour\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"5\"\r\n\r\nfive\r\n"
			   "--XyZ--\r\n";
	struct parsed p = parse_n(CT, body, strlen(body), 5);
	assert_ok(&p, 5);
	assert_part(&p.parts[4], "5", NULL, "text/plain", "five", 4);
	arena_free(p.arena);
	assert_refused_n(CT, body, strlen(body), 4, "more than 4 parts");
}

/* ---- malformed ---- */

#define ONE_PART "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--\r\n"

Test(http_multipart, a_content_type_that_is_not_form_data_with_a_boundary_is_refused)
{
	assert_refused(NULL, ONE_PART, "no Content-Type");
	assert_refused("application/json", ONE_PART, "is not multipart/form-data");
	assert_refused("multipart/mixed; boundary=XyZ", ONE_PART, "is not multipart/form-data");
	assert_refused("multipart/form-datax; boundary=XyZ", ONE_PART,
		       "is not multipart/form-data");
	assert_refused("multipart", ONE_PART, "is not multipart/form-data");
	assert_refused("multipart/form-data", ONE_PART, "no boundary");
	assert_refused("multipart/form-data; charset=utf-8", ONE_PART, "no boundary");
	assert_refused("multipart/form-data; boundary=\"\"", ONE_PART, "is not 1 to 70");
	assert_refused("multipart/form-data; boundary=\"abc \"", ONE_PART, "is not 1 to 70");
	assert_refused("multipart/form-data; boundary=\"a<b\"", ONE_PART, "is not 1 to 70");
	assert_refused("multipart/form-data; boundary="
		       "12345678901234567890123456789012345678901234567890123456789012345678901",
		       ONE_PART, "is not 1 to 70");
	assert_refused("multipart/form-data; boundary=XyZ; boundary=XyZ", ONE_PART,
		       "more than one boundary");
	assert_refused("multipart/form-data; boundary", ONE_PART, "has no value");
	assert_refused("multipart/form-data; =XyZ", ONE_PART, "has no name");
	assert_refused("multipart/form-data; boundary=\"XyZ", ONE_PART, "no closing quote");
	assert_refused("multipart/form-data; boundary=XyZ junk", ONE_PART, "expected ';'");
	assert_refused("multipart/form-data; boundary=;", ONE_PART, "neither a token");
}

Test(http_multipart, a_body_without_its_boundaries_is_refused)
{
	assert_refused(CT, "", "no boundary line \"--XyZ\"");
	assert_refused(CT, "just text", "no boundary line");
	assert_refused(CT, "--XyZX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n",
		       "no boundary line");
	assert_refused(CT, "--XyZ", "no boundary line");
	assert_refused(CT, "--XyZ--\r\n", "no parts");
	assert_refused(CT, "preamble\r\n--XyZ--", "no parts");
}

Test(http_multipart, a_missing_final_boundary_is_refused)
{
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n",
		       "part 1: the body ends before the closing boundary");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ",
		       "part 1: the body ends before the closing boundary");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
		       "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\ncut sho",
		       "part 2: the body ends before the closing boundary");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--x",
		       "closing boundary");
}

Test(http_multipart, malformed_part_headers_are_refused)
{
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
		       "part 1: the headers do not end with a blank line");
	assert_refused(CT, "--XyZ\r\nContent-Disposition form-data\r\n\r\nv\r\n--XyZ--",
		       "part 1: the header line \"Content-Disposition form-data\" has no colon");
	assert_refused(
		CT, "--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nv\r\n--XyZ--",
		"folded header lines");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition : form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--",
		       "header name \"Content-Disposition \" is not valid");
	assert_refused(CT, "--XyZ\r\n: x\r\n\r\nv\r\n--XyZ--", "is not valid");
	assert_refused(
		CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nv\r\n--XyZ--",
		"control character");
	assert_refused_n(
		CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nv\r\n--XyZ--",
		62, 10, "control character");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
		       "Content-Type:\r\n\r\nv\r\n--XyZ--",
		       "the Content-Type header is empty");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
		       "Content-Type: text/plain\r\nContent-Type: text/html\r\n\r\nv\r\n--XyZ--",
		       "two Content-Type headers");
}

Test(http_multipart, a_part_without_a_usable_content_disposition_is_refused)
{
	assert_refused(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--",
		       "part 1 has no Content-Disposition header");
	assert_refused(CT, "--XyZ\r\n\r\nv\r\n--XyZ--", "part 1 has no Content-Disposition header");
	assert_refused(
		CT,
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
		"--XyZ\r\nContent-Disposition: attachment; name=\"b\"\r\n\r\nv\r\n--XyZ--",
		"part 2: the Content-Disposition \"attachment; name=\"b\"\" is not form-data");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--",
		       "part 1: the Content-Disposition has no name");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; filename=\"a.txt\"\r\n\r\nv\r\n"
		       "--XyZ--",
		       "has no name");
	assert_refused(
		CT, "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nv\r\n--XyZ--",
		"two name parameters");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; "
		       "filename=y\r\n\r\nv\r\n--XyZ--",
		       "two filename parameters");
	assert_refused(CT,
		       "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
		       "Content-Disposition: form-data; name=b\r\n\r\nv\r\n--XyZ--",
		       "two Content-Disposition headers");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--",
		       "part 1: the Content-Disposition is malformed: a quoted value has no "
		       "closing quote");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\r\n\r\nv\r\n--XyZ--",
		       "neither a token nor a quoted string");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data name=a\r\n\r\nv\r\n--XyZ--",
		       "expected ';'");
}

Test(http_multipart, more_parts_than_allowed_are_refused)
{
	assert_refused_n(CT, ONE_PART, strlen(ONE_PART), 0, "more than 0 parts");
}

Test(http_multipart, a_long_boundary_and_a_large_body_parse)
{
	char boundary[71], ct[128];
	memset(boundary, 'b', 70);
	boundary[70] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", boundary);
	size_t n = 1 << 20;
	size_t cap = n + 512;
	char *body = malloc(cap);
	size_t len = (size_t)snprintf(
		body, cap, "--%s\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n",
		boundary);
	for (size_t i = 0; i < n; i++)
		body[len + i] = (i % 64 == 63) ? '\n' : '-'; /* many near-boundaries */
	len += n;
	len += (size_t)snprintf(body + len, cap - len, "\r\n--%s--\r\n", boundary);
	struct parsed p = parse_n(ct, body, len, 1);
	assert_ok(&p, 1);
	cr_assert_eq(p.parts[0].len, n);
	arena_free(p.arena);
	free(body);
}
