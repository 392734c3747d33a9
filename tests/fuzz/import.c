/*
 * Fuzz target: the import parser (src/dump/reader.c), which reads files
 * people carry between machines and may truncate or edit. Whatever the
 * input, the reader accepts it or fails with one printable line; every
 * value it hands on has the type its column declares; nothing leaks.
 */
#include <stdio.h>

#include "dump/dump.h"
#include "fuzz.h"

static int row(void *ctx, size_t table, const struct store_value *v, struct sb_error *err)
{
	size_t n;
	const struct store_table *t = &store_tables(&n)[table];
	if (table >= n)
		abort();
	for (size_t i = 0; t->types[i]; i++) {
		int want = t->types[i] == STORE_COL_INT    ? STORE_VALUE_INT
			   : t->types[i] == STORE_COL_TEXT ? STORE_VALUE_TEXT
							   : STORE_VALUE_BLOB;
		if (v[i].kind != STORE_VALUE_NULL && v[i].kind != want)
			abort();
		if (v[i].kind == STORE_VALUE_TEXT && strlen(v[i].p) != v[i].len)
			abort(); /* text never carries a NUL into the database */
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	static const struct dump_sink sink = {.row = row};
	struct sb_error err = {0};
	struct dump_counts counts;
	if (dump_read(in, &sink, NULL, &counts, &err) < 0)
		fuzz_check_message(err.message);
	fclose(in);
	return 0;
}
