/* ts-cache-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-cache.h"

G_BEGIN_DECLS

/* What every file of the store starts with. */
#define TS_CACHE_MAGIC "tessera-cache 1\n"
#define TS_CACHE_MAGIC_LENGTH (sizeof TS_CACHE_MAGIC - 1)

typedef enum
{
  CACHE_OP_WRITE,
  CACHE_OP_DELETE,
  CACHE_OP_TOUCH,
} CacheOpKind;

/* One operation on a file of the store, for the writer thread. */
typedef struct
{
  CacheOpKind  kind;
  char        *key;
  GVariant    *wrapped;  /* CACHE_OP_WRITE: the value, wrapped in a variant as stored */
  guint64      serial;   /* CACHE_OP_WRITE: which write of the cache this is */
} CacheOp;

/* The writer thread and what it shares with the cache's thread, all under lock. */
typedef struct
{
  GMutex      lock;
  GCond       cond;
  GThread    *thread;      /* started at the first operation */
  const char *directory;   /* the cache's, which outlives the thread */
  GQueue      queue;       /* of CacheOp, oldest first */
  GHashTable *pending;     /* key → the latest CacheOp writing it, until it is written */
  GPtrArray  *failed;      /* of CacheOp: writes that failed, for the bookkeeping */
  gboolean    busy;        /* an operation is under way */
  gboolean    held;        /* the thread takes no operation (tests) */
  gboolean    stopping;    /* finish the queue, then end */
} CacheWriter;

/* ts-cache-writer.c */
CacheOp   *_ts_cache_op_new             (CacheOpKind  kind,
                                         const char  *key);
void       _ts_cache_op_free            (gpointer     data);
void       _ts_cache_writer_init        (CacheWriter *writer,
                                         const char  *directory);
void       _ts_cache_writer_clear       (CacheWriter *writer);
void       _ts_cache_writer_push        (CacheWriter *writer,
                                         CacheOp     *op);
GVariant  *_ts_cache_writer_lookup      (CacheWriter *writer,
                                         const char  *key);
GPtrArray *_ts_cache_writer_take_failed (CacheWriter *writer);
void       _ts_cache_writer_flush       (CacheWriter *writer);
void       _ts_cache_writer_hold        (CacheWriter *writer,
                                         gboolean     hold);

/* ts-cache.c, for tests */
void       _ts_cache_hold_writes        (TsCache     *self,
                                         gboolean     hold);

G_END_DECLS
