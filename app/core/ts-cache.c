/* ts-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "ts-cache.h"

/* An output cache: values (GVariants) by key (a hex digest of a fully expanded request).
 * The memory keeps the most recently used values up to a byte cap. An optional store in
 * a directory keeps them across runs, also capped and evicted least recently used first:
 * each value is one file named by its key, written to a temporary file and renamed, so
 * a reader never sees half a value. A file's modification time is its last use. Files
 * that do not read back as a value of ours are removed, never trusted. */

#define DISK_MAGIC "tessera-cache 1\n"
#define DISK_MAGIC_LENGTH (sizeof DISK_MAGIC - 1)
#define KEY_MIN_LENGTH 16
#define KEY_MAX_LENGTH 128

typedef struct
{
  char     *key;
  GVariant *value;
  gsize     size;
  GList     link;
} MemoryEntry;

typedef struct
{
  guint64 size;
  gint64  used;     /* seconds since the epoch */
  guint64 order;    /* breaks ties between uses in the same second */
} DiskEntry;

struct _TsCache
{
  GObject     parent_instance;

  GHashTable *memory;         /* key → MemoryEntry */
  GQueue      lru;            /* of MemoryEntry, most recent first */
  guint64     memory_bytes;
  guint64     max_memory_bytes;

  char       *directory;      /* nullable */
  GHashTable *disk;           /* key → DiskEntry, read at the first use */
  guint64     disk_bytes;
  guint64     max_disk_bytes;
  guint64     next_order;
};

G_DEFINE_FINAL_TYPE (TsCache, ts_cache, G_TYPE_OBJECT)

static void
memory_entry_free (gpointer data)
{
  MemoryEntry *entry = data;

  g_free (entry->key);
  g_variant_unref (entry->value);
  g_free (entry);
}

static void
ts_cache_finalize (GObject *object)
{
  TsCache *self = (TsCache *) object;

  g_queue_init (&self->lru);
  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_clear_pointer (&self->disk, g_hash_table_unref);
  g_clear_pointer (&self->directory, g_free);

  G_OBJECT_CLASS (ts_cache_parent_class)->finalize (object);
}

static void
ts_cache_class_init (TsCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_cache_finalize;
}

static void
ts_cache_init (TsCache *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, memory_entry_free);
  self->max_memory_bytes = TS_CACHE_DEFAULT_MEMORY_BYTES;
}

/**
 * ts_cache_new:
 * @directory: (nullable): where to keep values across runs, created when needed; %NULL
 *   for a cache in memory only
 * @max_disk_bytes: the most the directory may hold
 *
 * Returns: (transfer full): a new cache
 */
TsCache *
ts_cache_new (const char *directory,
              guint64     max_disk_bytes)
{
  TsCache *self = g_object_new (TS_TYPE_CACHE, NULL);

  self->directory = g_strdup (directory);
  self->max_disk_bytes = max_disk_bytes;

  return self;
}

/**
 * ts_cache_dup_default_directory:
 *
 * Returns: (transfer full): `tessera` in the user's cache directory
 */
char *
ts_cache_dup_default_directory (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tessera", NULL);
}

/**
 * ts_cache_key_is_valid:
 * @key: (nullable): a key
 *
 * Keys are lowercase hex digests, so they are safe as file names.
 *
 * Returns: %TRUE if @key can be a key
 */
gboolean
ts_cache_key_is_valid (const char *key)
{
  gsize length = 0;

  if (key == NULL)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++, length++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;

  return length >= KEY_MIN_LENGTH && length <= KEY_MAX_LENGTH;
}

const char *
ts_cache_get_directory (TsCache *self)
{
  g_return_val_if_fail (TS_IS_CACHE (self), NULL);

  return self->directory;
}

guint64
ts_cache_get_memory_bytes (TsCache *self)
{
  g_return_val_if_fail (TS_IS_CACHE (self), 0);

  return self->memory_bytes;
}

/* Memory */

static void
memory_remove (TsCache     *self,
               MemoryEntry *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  self->memory_bytes -= entry->size;
  g_hash_table_remove (self->memory, entry->key);
}

static void
memory_trim (TsCache *self)
{
  while (self->memory_bytes > self->max_memory_bytes && self->lru.tail != NULL)
    memory_remove (self, self->lru.tail->data);
}

static void
memory_store (TsCache    *self,
              const char *key,
              GVariant   *value)
{
  MemoryEntry *entry = g_hash_table_lookup (self->memory, key);
  gsize size = g_variant_get_size (value) + strlen (key) + sizeof *entry;

  if (entry != NULL)
    memory_remove (self, entry);

  /* A value larger than the whole memory cap is only kept on disk. */
  if (size > self->max_memory_bytes)
    return;

  entry = g_new0 (MemoryEntry, 1);
  entry->key = g_strdup (key);
  entry->value = g_variant_ref_sink (value);
  entry->size = size;
  entry->link.data = entry;
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->memory, entry->key, entry);
  self->memory_bytes += size;

  memory_trim (self);
}

void
ts_cache_set_max_memory_bytes (TsCache *self,
                               guint64  max_bytes)
{
  g_return_if_fail (TS_IS_CACHE (self));

  self->max_memory_bytes = max_bytes;
  memory_trim (self);
}

/* Disk */

static char *
disk_path (TsCache    *self,
           const char *key)
{
  return g_build_filename (self->directory, key, NULL);
}

static void
disk_scan (TsCache *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (self->disk != NULL)
    return;

  self->disk = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  dir = g_dir_open (self->directory, 0, NULL);
  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;
      DiskEntry *entry;

      if (!ts_cache_key_is_valid (name))
        continue;

      path = disk_path (self, name);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      entry = g_new0 (DiskEntry, 1);
      entry->size = st.st_size;
      entry->used = st.st_mtime;
      g_hash_table_insert (self->disk, g_strdup (name), entry);
      self->disk_bytes += entry->size;
    }
}

guint64
ts_cache_get_disk_bytes (TsCache *self)
{
  g_return_val_if_fail (TS_IS_CACHE (self), 0);

  if (self->directory == NULL)
    return 0;

  disk_scan (self);
  return self->disk_bytes;
}

static void
disk_forget (TsCache    *self,
             const char *key)
{
  DiskEntry *entry = g_hash_table_lookup (self->disk, key);
  g_autofree char *path = disk_path (self, key);

  g_unlink (path);
  if (entry != NULL)
    {
      self->disk_bytes -= entry->size;
      g_hash_table_remove (self->disk, key);
    }
}

static gboolean
is_older (const DiskEntry *a,
          const DiskEntry *b)
{
  return a->used < b->used || (a->used == b->used && a->order < b->order);
}

static void
disk_trim (TsCache    *self,
           const char *keep)
{
  while (self->disk_bytes > self->max_disk_bytes)
    {
      GHashTableIter iter;
      const char *key;
      DiskEntry *entry;
      const char *oldest = NULL;
      DiskEntry *oldest_entry = NULL;

      g_hash_table_iter_init (&iter, self->disk);
      while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &entry))
        {
          if (g_strcmp0 (key, keep) == 0)
            continue;
          if (oldest == NULL || is_older (entry, oldest_entry))
            {
              oldest = key;
              oldest_entry = entry;
            }
        }

      if (oldest == NULL)
        break;

      disk_forget (self, oldest);
    }
}

static void
disk_touch (TsCache    *self,
            const char *key,
            DiskEntry  *entry)
{
  g_autofree char *path = disk_path (self, key);

  entry->used = g_get_real_time () / G_USEC_PER_SEC;
  entry->order = ++self->next_order;
  utime (path, NULL);
}

static GVariant *
disk_lookup (TsCache    *self,
             const char *key)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) wrapped = NULL;
  DiskEntry *entry;
  gsize length;

  disk_scan (self);
  entry = g_hash_table_lookup (self->disk, key);
  if (entry == NULL)
    return NULL;

  path = disk_path (self, key);
  if (!g_file_get_contents (path, &contents, &length, NULL) ||
      length < DISK_MAGIC_LENGTH ||
      memcmp (contents, DISK_MAGIC, DISK_MAGIC_LENGTH) != 0)
    {
      disk_forget (self, key);
      return NULL;
    }

  data = g_bytes_new (contents + DISK_MAGIC_LENGTH, length - DISK_MAGIC_LENGTH);
  wrapped = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARIANT, data, FALSE));
  if (!g_variant_is_normal_form (wrapped))
    {
      disk_forget (self, key);
      return NULL;
    }

  disk_touch (self, key, entry);
  return g_variant_get_variant (wrapped);
}

static void
disk_store (TsCache    *self,
            const char *key,
            GVariant   *value)
{
  g_autoptr(GVariant) wrapped = g_variant_ref_sink (g_variant_new_variant (value));
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = g_variant_get_size (wrapped);
  g_autofree char *contents = NULL;
  DiskEntry *entry;

  disk_scan (self);

  if (DISK_MAGIC_LENGTH + size > self->max_disk_bytes)
    return;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      g_message ("Cannot create the cache directory %s: %s", self->directory,
                 g_strerror (errno));
      return;
    }

  contents = g_malloc (DISK_MAGIC_LENGTH + size);
  memcpy (contents, DISK_MAGIC, DISK_MAGIC_LENGTH);
  g_variant_store (wrapped, contents + DISK_MAGIC_LENGTH);

  /* A cache needs no durability, only that a reader never sees a torn file. */
  path = disk_path (self, key);
  if (!g_file_set_contents_full (path, contents, DISK_MAGIC_LENGTH + size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_message ("Cannot write to the cache: %s", error->message);
      return;
    }

  entry = g_hash_table_lookup (self->disk, key);
  if (entry != NULL)
    self->disk_bytes -= entry->size;
  else
    {
      entry = g_new0 (DiskEntry, 1);
      g_hash_table_insert (self->disk, g_strdup (key), entry);
    }

  entry->size = DISK_MAGIC_LENGTH + size;
  self->disk_bytes += entry->size;
  disk_touch (self, key, entry);
  disk_trim (self, key);
}

/**
 * ts_cache_lookup:
 * @key: a key, see ts_cache_key_is_valid()
 *
 * Returns: (transfer full) (nullable): the value stored under @key
 */
GVariant *
ts_cache_lookup (TsCache    *self,
                 const char *key)
{
  MemoryEntry *entry;
  GVariant *value;

  g_return_val_if_fail (TS_IS_CACHE (self), NULL);
  g_return_val_if_fail (ts_cache_key_is_valid (key), NULL);

  entry = g_hash_table_lookup (self->memory, key);
  if (entry != NULL)
    {
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
      if (self->directory != NULL)
        {
          DiskEntry *disk_entry;

          disk_scan (self);
          disk_entry = g_hash_table_lookup (self->disk, key);
          if (disk_entry != NULL)
            disk_touch (self, key, disk_entry);
        }
      return g_variant_ref (entry->value);
    }

  if (self->directory == NULL)
    return NULL;

  value = disk_lookup (self, key);
  if (value != NULL)
    memory_store (self, key, value);

  return value;
}

/**
 * ts_cache_store:
 * @key: a key, see ts_cache_key_is_valid()
 * @value: the value; a floating reference is taken
 *
 * Stores @value in memory and, for a cache with a directory, on disk.
 */
void
ts_cache_store (TsCache    *self,
                const char *key,
                GVariant   *value)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_if_fail (TS_IS_CACHE (self));
  g_return_if_fail (ts_cache_key_is_valid (key));
  g_return_if_fail (value != NULL);

  owned = g_variant_ref_sink (value);
  memory_store (self, key, owned);

  if (self->directory != NULL)
    disk_store (self, key, owned);
}
