/* ts-cache.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Defaults: what the memory keeps, and what the disk store keeps. */
#define TS_CACHE_DEFAULT_MEMORY_BYTES ((guint64) 64 * 1024 * 1024)
#define TS_CACHE_DEFAULT_DISK_BYTES ((guint64) 512 * 1024 * 1024)

#define TS_TYPE_CACHE (ts_cache_get_type ())

G_DECLARE_FINAL_TYPE (TsCache, ts_cache, TS, CACHE, GObject)

TsCache  *ts_cache_new                   (const char *directory,
                                          guint64     max_disk_bytes);
char     *ts_cache_dup_default_directory (void);
gboolean  ts_cache_key_is_valid          (const char *key);
GVariant *ts_cache_lookup                (TsCache    *self,
                                          const char *key);
void      ts_cache_store                 (TsCache    *self,
                                          const char *key,
                                          GVariant   *value);
void      ts_cache_set_max_memory_bytes  (TsCache    *self,
                                          guint64     max_bytes);
guint64   ts_cache_get_memory_bytes      (TsCache    *self);
guint64   ts_cache_get_disk_bytes        (TsCache    *self);
const char *ts_cache_get_directory       (TsCache    *self);

G_END_DECLS
