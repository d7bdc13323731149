/* test-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* Runs the real tessera-cli binary, as a user or a script would. */

static char *cli_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run         *run,
         const char  *cwd,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, cli_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
test_help_and_version (void)
{
  g_auto(Run) help = { 0 };
  g_auto(Run) version = { 0 };
  g_auto(Run) nothing = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) no_files = { 0 };
  g_auto(Run) bad_option = { 0 };

  run_cli (&help, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_true (strstr (help.out, "validate FILE") != NULL);

  run_cli (&version, NULL, "--version", NULL);
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "tessera-cli " PACKAGE_VERSION "\n");

  run_cli (&nothing, NULL, NULL);
  g_assert_cmpint (nothing.status, ==, 2);
  g_assert_true (strstr (nothing.err, "Usage:") != NULL);

  run_cli (&unknown, NULL, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_true (strstr (unknown.err, "unknown command “frobnicate”") != NULL);

  run_cli (&no_files, NULL, "validate", NULL);
  g_assert_cmpint (no_files.status, ==, 2);

  run_cli (&bad_option, NULL, "validate", "--fast", "x.tessera", NULL);
  g_assert_cmpint (bad_option.status, ==, 2);
  g_assert_true (strstr (bad_option.err, "unknown option “--fast”") != NULL);
}

static void
test_validate_examples (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "resources", "examples", NULL);
  g_auto(Run) run = { 0 };

  run_cli (&run, dir, "validate", "story-writer.tessera", "meeting-notes.tessera",
           "knowledge-chatbot.tessera", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_validate_invalid (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "invalid", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *stem = NULL;
      g_autofree char *expected_path = NULL;
      g_autofree char *expected = NULL;
      g_auto(Run) run = { 0 };

      if (!g_str_has_suffix (name, ".tessera"))
        continue;

      stem = g_strndup (name, strlen (name) - strlen (".tessera"));
      expected_path = g_strconcat (dir, G_DIR_SEPARATOR_S, stem, ".expected", NULL);
      g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));

      run_cli (&run, dir, "validate", name, NULL);
      g_test_message ("%s", name);
      g_assert_cmpstr (run.out, ==, expected);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpint (run.status, ==, 1);
      n++;
    }

  g_assert_cmpuint (n, >=, 25);
}

static void
test_exit_codes_combine (void)
{
  g_autofree char *examples = g_test_build_filename (G_TEST_DIST, "..", "resources", "examples",
                                                     "story-writer.tessera", NULL);
  g_autofree char *invalid = g_test_build_filename (G_TEST_DIST, "data", "invalid",
                                                    "empty.tessera", NULL);
  g_autofree char *tmpdir = g_dir_make_tmp ("tessera-cli-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.tessera", NULL);
  g_auto(Run) valid_and_invalid = { 0 };
  g_auto(Run) with_missing = { 0 };
  g_auto(Run) directory = { 0 };

  run_cli (&valid_and_invalid, NULL, "validate", examples, invalid, NULL);
  g_assert_cmpint (valid_and_invalid.status, ==, 1);

  /* An unreadable file is an I/O error, which outranks an invalid one. */
  run_cli (&with_missing, NULL, "validate", invalid, missing, NULL);
  g_assert_cmpint (with_missing.status, ==, 2);
  g_assert_true (g_str_has_prefix (with_missing.err, "tessera-cli: "));
  g_assert_true (strstr (with_missing.err, "missing.tessera") != NULL);

  run_cli (&directory, NULL, "validate", tmpdir, NULL);
  g_assert_cmpint (directory.status, ==, 2);

  g_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--cli") && i + 1 < argc)
      cli_path = argv[i + 1];

  if (cli_path == NULL)
    g_error ("usage: test-cli --cli PATH-TO-TESSERA-CLI");

  g_test_add_func ("/cli/help-and-version", test_help_and_version);
  g_test_add_func ("/cli/validate-examples", test_validate_examples);
  g_test_add_func ("/cli/validate-invalid", test_validate_invalid);
  g_test_add_func ("/cli/exit-codes-combine", test_exit_codes_combine);

  return g_test_run ();
}
