/*
 * An SQLite extension for reading lifeline's SQLite captures in bulk: an aggregate that packs a
 * page of events into one BLOB, so that a page crosses into JavaScript as one buffer instead of
 * strings of decimal numbers (group_concat) that SQLite formats and the reader parses back, which
 * was most of the time spent reading a capture.
 *
 *   ll_pack_page(ts, cpu, kind, flags, tid, tid2, a, b, c, stack)
 *
 * gives, for the n rows it took, ts as n little-endian IEEE-754 doubles (exact below 2^53), then
 * each other column as n little-endian int32 (wrapped modulo 2^32, as JavaScript's typed arrays
 * store a number): n · (8 + 9 · 4) bytes. It gives NULL when a value is not an integer (NULL,
 * REAL, TEXT, BLOB): the reader reports the capture as damaged, as it does on the text path. It
 * takes the rows in the order SQLite visits them, as group_concat does (src/capture/sqlite/pages.ts
 * says why that is rowid order).
 *
 * Loaded by better-sqlite3's loadExtension; the entry point is the one SQLite derives from the file
 * name (sqlite_pack.node: sqlite3_sqlitepack_init)
 * (src/capture/sqlite-pack.ts).
 */
#include <stdint.h>
#include <string.h>

#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

#define PACK_COLUMNS 10

struct pack {
	double *ts;
	int32_t *cols[PACK_COLUMNS - 1];
	sqlite3_int64 n;
	sqlite3_int64 cap;
	int bad;
};

static void pack_free(struct pack *p)
{
	sqlite3_free(p->ts);
	p->ts = NULL;
	for (int i = 0; i < PACK_COLUMNS - 1; i++) {
		sqlite3_free(p->cols[i]);
		p->cols[i] = NULL;
	}
}

static int pack_grow(struct pack *p)
{
	sqlite3_int64 cap = p->cap ? p->cap * 2 : 4096;
	double *ts = sqlite3_realloc64(p->ts, (sqlite3_uint64)cap * sizeof(double));
	if (!ts)
		return -1;
	p->ts = ts;
	for (int i = 0; i < PACK_COLUMNS - 1; i++) {
		int32_t *col = sqlite3_realloc64(p->cols[i], (sqlite3_uint64)cap * sizeof(int32_t));
		if (!col)
			return -1;
		p->cols[i] = col;
	}
	p->cap = cap;
	return 0;
}

static void step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pack *p = sqlite3_aggregate_context(ctx, sizeof(struct pack));
	(void)argc; /* registered with PACK_COLUMNS arguments: SQLite checks the count */
	if (!p || p->bad)
		return;
	for (int i = 0; i < PACK_COLUMNS; i++) {
		if (sqlite3_value_type(argv[i]) != SQLITE_INTEGER) {
			p->bad = 1;
			return;
		}
	}
	if (p->n == p->cap && pack_grow(p)) {
		p->bad = 1;
		sqlite3_result_error_nomem(ctx);
		return;
	}
	p->ts[p->n] = (double)sqlite3_value_int64(argv[0]);
	for (int i = 1; i < PACK_COLUMNS; i++)
		p->cols[i - 1][p->n] = (int32_t)(uint32_t)(sqlite3_uint64)sqlite3_value_int64(argv[i]);
	p->n++;
}

static void final(sqlite3_context *ctx)
{
	struct pack *p = sqlite3_aggregate_context(ctx, 0);
	if (!p) {
		/* no row at all: an empty pack */
		sqlite3_result_zeroblob(ctx, 0);
		return;
	}
	if (p->bad) {
		sqlite3_result_null(ctx);
		pack_free(p);
		return;
	}
	sqlite3_uint64 n = (sqlite3_uint64)p->n;
	sqlite3_uint64 size = n * (sizeof(double) + (PACK_COLUMNS - 1) * sizeof(int32_t));
	unsigned char *out = sqlite3_malloc64(size ? size : 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		pack_free(p);
		return;
	}
	memcpy(out, p->ts, n * sizeof(double));
	for (int i = 0; i < PACK_COLUMNS - 1; i++)
		memcpy(out + n * sizeof(double) + (sqlite3_uint64)i * n * sizeof(int32_t), p->cols[i], n * sizeof(int32_t));
	pack_free(p);
	/* the buffer goes to SQLite, which frees it */
	sqlite3_result_blob64(ctx, out, size, sqlite3_free);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_sqlitepack_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	return sqlite3_create_function(db, "ll_pack_page", PACK_COLUMNS,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, NULL, step,
				       final);
}
