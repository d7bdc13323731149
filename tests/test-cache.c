/* test-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ts-cache.h"
#include "ts-cache-private.h"

/* The output cache: memory LRU, the store on disk (read back by a new cache, capped,
 * least recently used first out, damaged files removed), its place in the user's cache
 * directory, and its writer thread: a store returns before its file is written, the file
 * then appears whole, evictions delete later too, a failed write leaves the bookkeeping,
 * and dropping the cache waits for what is queued. */

#define MIB (1024 * 1024)

static char *
key_of (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static GVariant *
value_of_size (gsize size)
{
  g_autofree char *bytes = g_malloc (size);

  memset (bytes, 'x', size);
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, size, 1);
}

/* Bytes that differ from one offset to the next, so a torn or shifted file shows. */
static GVariant *
patterned_value (gsize size)
{
  g_autofree guint8 *bytes = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) ((i * 2654435761u) >> 24);
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, size, 1);
}

/* Compares the bytes themselves: g_variant_equal() prints a value it does not trust. */
static void
assert_same_bytes (GVariant *found,
                   GVariant *expected)
{
  gconstpointer found_data;
  gconstpointer expected_data;
  gsize found_length = 0;
  gsize expected_length = 0;

  g_assert_nonnull (found);
  g_assert_true (g_variant_is_of_type (found, G_VARIANT_TYPE_BYTESTRING));
  found_data = g_variant_get_fixed_array (found, &found_length, 1);
  expected_data = g_variant_get_fixed_array (expected, &expected_length, 1);
  g_assert_cmpmem (found_data, found_length, expected_data, expected_length);
}

static void
remove_tree (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_rmdir (directory);
}

/* A cache in the emptied @directory with room for two and a half values of 10,000
 * bytes and none in memory, holding @a and then @b; @one_value is what each takes. */
static TsCache *
new_cache_of_two (const char *directory,
                  const char *a,
                  const char *b,
                  guint64    *one_value)
{
  TsCache *cache;

  remove_tree (directory);
  cache = ts_cache_new (directory, 1024 * 1024);
  ts_cache_store (cache, a, value_of_size (10000));
  *one_value = ts_cache_get_disk_bytes (cache);
  g_assert_finalize_object (cache);
  remove_tree (directory);

  cache = ts_cache_new (directory, *one_value * 2 + *one_value / 2);
  ts_cache_set_max_memory_bytes (cache, 0);
  ts_cache_store (cache, a, value_of_size (10000));
  ts_cache_store (cache, b, value_of_size (10000));

  return cache;
}

static void
test_keys (void)
{
  g_autofree char *key = key_of ("a");

  g_assert_true (ts_cache_key_is_valid (key));
  g_assert_false (ts_cache_key_is_valid (NULL));
  g_assert_false (ts_cache_key_is_valid ("../../etc/passwd"));
  g_assert_false (ts_cache_key_is_valid ("ABCDEF0123456789ABCDEF"));
  g_assert_false (ts_cache_key_is_valid ("abc"));
}

static void
test_memory_lru (void)
{
  g_autoptr(TsCache) cache = ts_cache_new (NULL, 0);
  g_autofree char *a = key_of ("a");
  g_autofree char *b = key_of ("b");
  g_autofree char *c = key_of ("c");
  g_autoptr(GVariant) found = NULL;

  ts_cache_set_max_memory_bytes (cache, 2500);
  g_assert_null (ts_cache_lookup (cache, a));
  ts_cache_store (cache, a, value_of_size (1000));
  ts_cache_store (cache, b, value_of_size (1000));

  /* Using a makes b the least recently used, so c pushes b out. */
  found = ts_cache_lookup (cache, a);
  g_assert_nonnull (found);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1000);
  ts_cache_store (cache, c, value_of_size (1000));

  g_assert_null (ts_cache_lookup (cache, b));
  g_clear_pointer (&found, g_variant_unref);
  found = ts_cache_lookup (cache, a);
  g_assert_nonnull (found);
  g_assert_cmpuint (ts_cache_get_memory_bytes (cache), <=, 2500);
  g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, 0);
}

static void
test_disk (void)
{
  g_autofree char *directory = ts_cache_dup_default_directory ();
  g_autofree char *a = key_of ("a");
  g_autofree char *b = key_of ("b");
  g_autofree char *c = key_of ("c");
  g_autofree char *damaged = key_of ("damaged");
  g_autofree char *damaged_path = NULL;
  g_autoptr(GVariant) found = NULL;
  guint64 one_value;

  /* The test points XDG_CACHE_HOME at a temporary directory. */
  g_assert_true (g_str_has_prefix (directory, g_getenv ("XDG_CACHE_HOME")));
  g_assert_true (g_str_has_suffix (directory, "/tessera"));

  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);

    ts_cache_store (cache, a, g_variant_new ("(sx)", "alpha", (gint64) 1));
    ts_cache_store (cache, b, g_variant_new ("(sx)", "beta", (gint64) 2));
    ts_cache_flush (cache);
    g_assert_true (g_file_test (directory, G_FILE_TEST_IS_DIR));
  }

  /* A new cache, as in the next run of the program, reads the values back. */
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);
    const char *text;
    gint64 number;

    found = ts_cache_lookup (cache, b);
    g_assert_nonnull (found);
    g_variant_get (found, "(&sx)", &text, &number);
    g_assert_cmpstr (text, ==, "beta");
    g_assert_cmpint (number, ==, 2);
    g_clear_pointer (&found, g_variant_unref);
    g_assert_null (ts_cache_lookup (cache, c));
  }

  /* A file that is not a value of ours is removed, never trusted. */
  damaged_path = g_build_filename (directory, damaged, NULL);
  g_assert_true (g_file_set_contents (damaged_path, "tessera-cache 1\n\x01\x02\x03", -1, NULL));
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);

    g_assert_null (ts_cache_lookup (cache, damaged));
    ts_cache_flush (cache);
    g_assert_false (g_file_test (damaged_path, G_FILE_TEST_EXISTS));
  }
  g_assert_true (g_file_set_contents (damaged_path, "not a cache file", -1, NULL));
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);

    g_assert_null (ts_cache_lookup (cache, damaged));
    ts_cache_flush (cache);
    g_assert_false (g_file_test (damaged_path, G_FILE_TEST_EXISTS));
  }

  /* The cap: the least recently used values go first. Memory holds nothing here, so
   * every lookup reads the disk. */
  {
    g_autoptr(TsCache) cache = new_cache_of_two (directory, a, b, &one_value);
    g_autofree char *path_a = g_build_filename (directory, a, NULL);
    g_autofree char *path_b = g_build_filename (directory, b, NULL);
    g_autofree char *path_c = g_build_filename (directory, c, NULL);

    found = ts_cache_lookup (cache, a);
    g_assert_nonnull (found);
    g_clear_pointer (&found, g_variant_unref);
    ts_cache_store (cache, c, value_of_size (10000));
    ts_cache_flush (cache);

    g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, one_value * 2);
    g_assert_null (ts_cache_lookup (cache, b));
  }

  remove_tree (directory);
}

/* A store of a multi-MiB value returns before anything is on disk; the value is answered
 * while its write waits, and the file then appears whole. */
static void
test_disk_background_write (void)
{
  g_autofree char *directory = ts_cache_dup_default_directory ();
  g_autofree char *key = key_of ("large");
  g_autofree char *path = g_build_filename (directory, key, NULL);
  g_autoptr(GVariant) value = g_variant_ref_sink (patterned_value (8 * MIB));
  guint64 expected;

  remove_tree (directory);
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 64 * MIB);
    g_autoptr(GVariant) found = NULL;
    g_autofree char *contents = NULL;
    gsize length = 0;

    /* Memory keeps nothing, so the lookup below has to come from the store. */
    ts_cache_set_max_memory_bytes (cache, 0);
    _ts_cache_hold_writes (cache, TRUE);

    ts_cache_store (cache, key, value);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));

    found = ts_cache_lookup (cache, key);
    assert_same_bytes (found, value);
    expected = ts_cache_get_disk_bytes (cache);
    g_assert_cmpuint (expected, >, 8 * MIB);

    _ts_cache_hold_writes (cache, FALSE);
    ts_cache_flush (cache);
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_cmpuint (length, ==, expected);
    g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, expected);
  }

  /* Whole: a new cache reads back the same value. */
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 64 * MIB);
    g_autoptr(GVariant) found = ts_cache_lookup (cache, key);

    assert_same_bytes (found, value);
  }

  remove_tree (directory);
}

/* Eviction decides at once and deletes later, in order with the writes. */
static void
test_disk_background_evict (void)
{
  g_autofree char *directory = ts_cache_dup_default_directory ();
  g_autofree char *a = key_of ("a");
  g_autofree char *b = key_of ("b");
  g_autofree char *c = key_of ("c");
  g_autofree char *path_a = g_build_filename (directory, a, NULL);
  g_autofree char *path_c = g_build_filename (directory, c, NULL);
  guint64 one_value;

  {
    g_autoptr(TsCache) cache = new_cache_of_two (directory, a, b, &one_value);

    ts_cache_flush (cache);
    g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));

    _ts_cache_hold_writes (cache, TRUE);
    ts_cache_store (cache, c, value_of_size (10000));

    /* a, the least recently used, is out of the count and of the lookups at once... */
    g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, one_value * 2);
    g_assert_null (ts_cache_lookup (cache, a));
    /* ...while its file waits for the writer. */
    g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (path_c, G_FILE_TEST_EXISTS));

    _ts_cache_hold_writes (cache, FALSE);
    ts_cache_flush (cache);
    g_assert_false (g_file_test (path_a, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));
  }

  remove_tree (directory);
}

/* Dropping the cache finishes what is queued, even a held write: nothing is left to
 * write after it. */
static void
test_disk_finalize_waits (void)
{
  g_autofree char *directory = ts_cache_dup_default_directory ();
  g_autofree char *key = key_of ("last");
  g_autofree char *path = g_build_filename (directory, key, NULL);
  g_autoptr(GVariant) value = g_variant_ref_sink (patterned_value (4 * MIB));
  TsCache *cache;

  remove_tree (directory);
  cache = ts_cache_new (directory, 64 * MIB);
  _ts_cache_hold_writes (cache, TRUE);
  ts_cache_store (cache, key, value);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (cache);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  cache = ts_cache_new (directory, 64 * MIB);
  {
    g_autoptr(GVariant) found = ts_cache_lookup (cache, key);

    assert_same_bytes (found, value);
  }
  g_assert_finalize_object (cache);

  remove_tree (directory);
}

/* A write that fails (here the directory is a file) leaves the count, not the memory. */
static void
test_disk_write_fails (void)
{
  g_autofree char *directory = ts_cache_dup_default_directory ();
  g_autofree char *key = key_of ("nowhere");
  g_autoptr(TsCache) cache = NULL;
  g_autoptr(GVariant) found = NULL;

  remove_tree (directory);
  g_assert_true (g_file_set_contents (directory, "not a directory", -1, NULL));

  cache = ts_cache_new (directory, 1024 * 1024);
  ts_cache_store (cache, key, value_of_size (10000));
  g_assert_cmpuint (ts_cache_get_disk_bytes (cache), >, 10000);

  ts_cache_flush (cache);
  g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, 0);
  found = ts_cache_lookup (cache, key);
  g_assert_nonnull (found);
  g_assert_cmpuint (g_variant_n_children (found), ==, 10000);

  g_clear_object (&cache);
  g_assert_cmpint (g_remove (directory), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("tessera-cache-XXXXXX", NULL);
  int status;

  /* Before anything asks GLib for the user's cache directory. */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cache/keys", test_keys);
  g_test_add_func ("/cache/memory-lru", test_memory_lru);
  g_test_add_func ("/cache/disk", test_disk);
  g_test_add_func ("/cache/disk-background-write", test_disk_background_write);
  g_test_add_func ("/cache/disk-background-evict", test_disk_background_evict);
  g_test_add_func ("/cache/disk-finalize-waits", test_disk_finalize_waits);
  g_test_add_func ("/cache/disk-write-fails", test_disk_write_fails);

  status = g_test_run ();
  g_rmdir (home);
  return status;
}
