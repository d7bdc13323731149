/* test-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ts-cache.h"

/* The output cache: memory LRU, the store on disk (read back by a new cache, capped,
 * least recently used first out, damaged files removed), and its place in the user's
 * cache directory. */

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
    g_assert_false (g_file_test (damaged_path, G_FILE_TEST_EXISTS));
  }
  g_assert_true (g_file_set_contents (damaged_path, "not a cache file", -1, NULL));
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);

    g_assert_null (ts_cache_lookup (cache, damaged));
    g_assert_false (g_file_test (damaged_path, G_FILE_TEST_EXISTS));
  }

  /* The cap: the least recently used values go first. */
  remove_tree (directory);
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, 1024 * 1024);

    ts_cache_store (cache, a, value_of_size (10000));
    one_value = ts_cache_get_disk_bytes (cache);
  }
  remove_tree (directory);
  {
    g_autoptr(TsCache) cache = ts_cache_new (directory, one_value * 2 + one_value / 2);
    g_autofree char *path_a = g_build_filename (directory, a, NULL);
    g_autofree char *path_b = g_build_filename (directory, b, NULL);
    g_autofree char *path_c = g_build_filename (directory, c, NULL);

    /* Memory holds nothing here, so every lookup reads the disk. */
    ts_cache_set_max_memory_bytes (cache, 0);
    ts_cache_store (cache, a, value_of_size (10000));
    ts_cache_store (cache, b, value_of_size (10000));
    found = ts_cache_lookup (cache, a);
    g_assert_nonnull (found);
    g_clear_pointer (&found, g_variant_unref);
    ts_cache_store (cache, c, value_of_size (10000));

    g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (ts_cache_get_disk_bytes (cache), ==, one_value * 2);
    g_assert_null (ts_cache_lookup (cache, b));
  }

  remove_tree (directory);
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

  status = g_test_run ();
  g_rmdir (home);
  return status;
}
