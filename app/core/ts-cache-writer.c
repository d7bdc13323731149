/* ts-cache-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "ts-cache-private.h"

/* The writer of a cache's store: one thread that writes, deletes and touches the files in
 * the order the operations were queued, so the caller's thread decides everything at once
 * and never waits on the disk. Until a write is done, the value it carries is what a
 * lookup of its key finds. A failed write is kept for the cache to take out of its
 * bookkeeping. The thread ends when the writer is cleared, after the last operation. */

static gboolean
op_write (const char *directory,
          const char *key,
          GVariant   *wrapped)
{
  gsize size = g_variant_get_size (wrapped);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_message ("Cannot create the cache directory %s: %s", directory, g_strerror (errno));
      return FALSE;
    }

  contents = g_malloc (TS_CACHE_MAGIC_LENGTH + size);
  memcpy (contents, TS_CACHE_MAGIC, TS_CACHE_MAGIC_LENGTH);
  g_variant_store (wrapped, contents + TS_CACHE_MAGIC_LENGTH);

  /* A cache needs no durability, only that a reader never sees a torn file. */
  path = g_build_filename (directory, key, NULL);
  if (!g_file_set_contents_full (path, contents, TS_CACHE_MAGIC_LENGTH + size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_message ("Cannot write to the cache: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* Returns FALSE only for a write that failed: a file to delete or touch may well be gone. */
static gboolean
op_run (const char *directory,
        CacheOp    *op)
{
  g_autofree char *path = NULL;

  if (op->kind == CACHE_OP_WRITE)
    return op_write (directory, op->key, op->wrapped);

  path = g_build_filename (directory, op->key, NULL);
  if (op->kind == CACHE_OP_DELETE)
    g_unlink (path);
  else
    utime (path, NULL);

  return TRUE;
}

static gpointer
writer_thread (gpointer data)
{
  CacheWriter *writer = data;

  g_mutex_lock (&writer->lock);

  for (;;)
    {
      CacheOp *op;
      gboolean ok;

      while (!writer->stopping && (writer->held || g_queue_is_empty (&writer->queue)))
        g_cond_wait (&writer->cond, &writer->lock);

      /* Stopping drains the queue, held or not. */
      op = g_queue_pop_head (&writer->queue);
      if (op == NULL)
        break;

      writer->busy = TRUE;
      g_mutex_unlock (&writer->lock);

      ok = op_run (writer->directory, op);

      g_mutex_lock (&writer->lock);
      writer->busy = FALSE;
      if (op->kind == CACHE_OP_WRITE && g_hash_table_lookup (writer->pending, op->key) == op)
        g_hash_table_remove (writer->pending, op->key);
      if (ok)
        {
          _ts_cache_op_free (op);
        }
      else
        {
          g_clear_pointer (&op->wrapped, g_variant_unref);
          g_ptr_array_add (writer->failed, op);
        }
      g_cond_broadcast (&writer->cond);
    }

  g_mutex_unlock (&writer->lock);

  return NULL;
}

CacheOp *
_ts_cache_op_new (CacheOpKind  kind,
                  const char  *key)
{
  CacheOp *op = g_new0 (CacheOp, 1);

  op->kind = kind;
  op->key = g_strdup (key);

  return op;
}

void
_ts_cache_op_free (gpointer data)
{
  CacheOp *op = data;

  g_free (op->key);
  g_clear_pointer (&op->wrapped, g_variant_unref);
  g_free (op);
}

/* @directory must outlive the writer. */
void
_ts_cache_writer_init (CacheWriter *writer,
                       const char  *directory)
{
  g_mutex_init (&writer->lock);
  g_cond_init (&writer->cond);
  g_queue_init (&writer->queue);
  writer->directory = directory;
  writer->pending = g_hash_table_new (g_str_hash, g_str_equal);
  writer->failed = g_ptr_array_new_with_free_func (_ts_cache_op_free);
}

/* Finishes every queued operation, ends the thread and frees the rest. */
void
_ts_cache_writer_clear (CacheWriter *writer)
{
  if (writer->pending == NULL)
    return;

  if (writer->thread != NULL)
    {
      g_mutex_lock (&writer->lock);
      writer->stopping = TRUE;
      writer->held = FALSE;
      g_cond_broadcast (&writer->cond);
      g_mutex_unlock (&writer->lock);

      g_thread_join (g_steal_pointer (&writer->thread));
    }

  g_assert (g_queue_is_empty (&writer->queue));
  g_clear_pointer (&writer->pending, g_hash_table_unref);
  g_clear_pointer (&writer->failed, g_ptr_array_unref);
  g_mutex_clear (&writer->lock);
  g_cond_clear (&writer->cond);
}

/* Queues @op (taking it) after every operation queued before. */
void
_ts_cache_writer_push (CacheWriter *writer,
                       CacheOp     *op)
{
  g_mutex_lock (&writer->lock);

  g_assert (!writer->stopping);

  /* What a lookup finds until the file is written: the latest write, and nothing once
   * the key is deleted. */
  if (op->kind == CACHE_OP_WRITE)
    g_hash_table_replace (writer->pending, op->key, op);
  else if (op->kind == CACHE_OP_DELETE)
    g_hash_table_remove (writer->pending, op->key);

  g_queue_push_tail (&writer->queue, op);
  if (writer->thread == NULL)
    writer->thread = g_thread_new ("tessera-cache", writer_thread, writer);
  g_cond_broadcast (&writer->cond);

  g_mutex_unlock (&writer->lock);
}

/* Returns: (transfer full) (nullable): the value a queued write of @key holds */
GVariant *
_ts_cache_writer_lookup (CacheWriter *writer,
                         const char  *key)
{
  GVariant *value = NULL;
  CacheOp *op;

  g_mutex_lock (&writer->lock);
  op = g_hash_table_lookup (writer->pending, key);
  if (op != NULL)
    value = g_variant_get_variant (op->wrapped);
  g_mutex_unlock (&writer->lock);

  return value;
}

/* Returns: (transfer container) (element-type CacheOp) (nullable): the writes that failed
 * since the last call, or %NULL if none did */
GPtrArray *
_ts_cache_writer_take_failed (CacheWriter *writer)
{
  GPtrArray *failed = NULL;

  g_mutex_lock (&writer->lock);
  if (writer->failed->len > 0)
    {
      failed = g_steal_pointer (&writer->failed);
      writer->failed = g_ptr_array_new_with_free_func (_ts_cache_op_free);
    }
  g_mutex_unlock (&writer->lock);

  return failed;
}

/* Waits until the queue is empty and nothing is under way; at once while held. */
void
_ts_cache_writer_flush (CacheWriter *writer)
{
  g_mutex_lock (&writer->lock);
  g_warn_if_fail (!writer->held);
  while (!writer->held && (writer->busy || !g_queue_is_empty (&writer->queue)))
    g_cond_wait (&writer->cond, &writer->lock);
  g_mutex_unlock (&writer->lock);
}

void
_ts_cache_writer_hold (CacheWriter *writer,
                       gboolean     hold)
{
  g_mutex_lock (&writer->lock);
  writer->held = hold;
  g_cond_broadcast (&writer->cond);
  g_mutex_unlock (&writer->lock);
}
