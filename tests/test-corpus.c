/* test-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-format.h"
#include "ts-problem.h"

/* Every file in data/invalid/ must fail to load with exactly the problems in its
 * .expected file, written as `tessera-cli validate` prints them. */

static GPtrArray *
list_files (const char *dir_path,
            const char *suffix)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

static void
test_invalid_file (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "invalid", name, NULL);
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".tessera"));
  g_autofree char *expected_name = g_strconcat (stem, ".expected", NULL);
  g_autofree char *expected_path = g_test_build_filename (G_TEST_DIST, "data", "invalid",
                                                          expected_name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *actual = NULL;

  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));

  playground = ts_format_load_file (file, NULL, problems, &error);
  g_assert_null (playground);
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);
  g_assert_cmpuint (ts_problems_count (problems, TS_SEVERITY_ERROR), >, 0);

  actual = ts_problems_format (problems, name);
  g_assert_cmpstr (actual, ==, expected);
}

static void
test_corpus_size (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "invalid", NULL);
  g_autoptr(GPtrArray) files = list_files (dir, ".tessera");
  g_autoptr(GPtrArray) expected = list_files (dir, ".expected");

  g_assert_cmpuint (files->len, >=, 25);
  g_assert_cmpuint (files->len, ==, expected->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_test_init (&argc, &argv, NULL);

  dir = g_test_build_filename (G_TEST_DIST, "data", "invalid", NULL);
  files = list_files (dir, ".tessera");

  g_test_add_func ("/data/invalid/corpus-size", test_corpus_size);
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *test_path = g_strdup_printf ("/data/invalid/%s", name);

      g_test_add_data_func (test_path, name, test_invalid_file);
    }

  return g_test_run ();
}
