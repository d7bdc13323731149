/* test-cli-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cjson/cJSON.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fake-provider.h"
#include "ts-format.h"

/* tessera-cli run, end to end: the real command line code in tessera-cli-fake, whose
 * providers are the scripted fakes, run as a user or a script would run it. */

static char *cli_path;

typedef struct
{
  int    status;
  char  *out;
  char  *err;
  char  *dir;     /* a fresh directory for the run's files, removed afterwards */
  char **env;
} Run;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->env, g_strfreev);
  if (run->dir != NULL)
    remove_tree (run->dir);
  g_clear_pointer (&run->dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_init (Run *run)
{
  g_autofree char *cache = NULL;

  run->dir = g_dir_make_tmp ("tessera-cli-run-XXXXXX", NULL);
  g_assert_nonnull (run->dir);
  cache = g_build_filename (run->dir, "cache", NULL);
  run->env = g_environ_setenv (g_get_environ (), "XDG_CACHE_HOME", cache, TRUE);
}

static char *
path_in (Run        *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, run->dir);
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static void
run_cli (Run        *run,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int wait_status;

  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);

  g_ptr_array_add (argv, cli_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (run->dir, (char **) argv->pdata, run->env, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_test_message ("stderr: %s", run->err);
}

static char *
read_file (Run        *run,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *path = NULL;
  char *contents = NULL;
  va_list args;

  g_ptr_array_add (parts, run->dir);
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  path = g_build_filenamev ((char **) parts->pdata);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  return contents;
}

static char *
save_playground (Run          *run,
                 TsPlayground *playground)
{
  g_autofree char *path = path_in (run, "test.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  ts_playground_set_title (playground, "Test");
  g_assert_true (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static const cJSON *
find_widget (const cJSON *widgets,
             const char  *title)
{
  const cJSON *widget;

  cJSON_ArrayForEach (widget, widgets)
    if (g_str_equal (cJSON_GetObjectItem (widget, "title")->valuestring, title))
      return widget;

  g_assert_not_reached ();
}

static const cJSON *
run_item (const cJSON *widget,
          const char  *key)
{
  const cJSON *item = cJSON_GetObjectItem (cJSON_GetObjectItem (widget, "run"), key);

  g_assert_nonnull (item);
  return item;
}

static char *
story_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "resources", "examples", "story-writer.tessera", NULL);
}

static void
test_story (void)
{
  g_autofree char *story = story_path ();
  g_auto(Run) run = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *brief = NULL;
  g_autofree char *png = NULL;
  gsize png_size;
  g_autofree char *png_path = NULL;
  g_autoptr(GBytes) expected = ts_fake_png ();

  run_init (&run);
  run_cli (&run, "run", story, "--text-model", "m", "--image-model", "p", "--out", "out",
           "--set", "Story idea=a brave mouse", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");

  text = read_file (&run, "out", "Story.md", NULL);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "[m] Write a short story of about 400 words for children aged 6 to 9, based on this idea: a brave mouse"));
  brief = read_file (&run, "out", "Illustration brief.md", NULL);
  g_assert_true (strstr (brief, text) != NULL);

  png_path = path_in (&run, "out", "Illustration-1.png", NULL);
  g_assert_true (g_file_get_contents (png_path, &png, &png_size, NULL));
  g_assert_cmpmem (png, png_size, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  g_assert_true (strstr (run.err, "Story: running\n") != NULL);
  g_assert_true (strstr (run.err, "Story: done in ") != NULL);
  g_assert_true (strstr (run.err, "Illustration: done in ") != NULL);
  g_assert_true (strstr (run.err, "seed 4242") != NULL);

  /* Without --out, the text comes on stdout. */
  run_cli (&run, "run", story, "--text-model", "m", "--image-model", "p", "--only", "Story", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "## Story\n\n[m] Write a short story"));
  g_assert_null (strstr (run.out, "Illustration"));
}

static void
test_json_and_cache (void)
{
  g_autofree char *story = story_path ();
  g_auto(Run) run = { 0 };
  cJSON *summary;
  const cJSON *widget;

  run_init (&run);
  run_cli (&run, "run", story, "--text-model", "m", "--image-model", "p", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  summary = cJSON_Parse (run.out);
  g_assert_nonnull (summary);
  g_assert_cmpstr (cJSON_GetObjectItem (summary, "status")->valuestring, ==, "ok");
  widget = find_widget (cJSON_GetObjectItem (summary, "widgets"), "Story");
  g_assert_cmpstr (run_item (widget, "outcome")->valuestring, ==, "succeeded");
  g_assert_cmpstr (run_item (widget, "provider")->valuestring, ==, "ollama");
  g_assert_cmpint (run_item (widget, "input_tokens")->valueint, ==, 11);
  g_assert_cmpint (run_item (widget, "output_tokens")->valueint, ==, 7);
  g_assert_true (cJSON_IsNumber (run_item (widget, "total_ms")));
  g_assert_true (g_str_has_prefix (cJSON_GetObjectItem (widget, "text")->valuestring, "[m] Write"));
  g_assert_true (cJSON_IsNull (cJSON_GetObjectItem (widget, "error")));
  widget = find_widget (cJSON_GetObjectItem (summary, "widgets"), "Illustration");
  g_assert_cmpint (run_item (widget, "seed")->valueint, ==, 4242);
  cJSON_Delete (summary);

  /* The second run finds everything in the cache on disk. */
  run_cli (&run, "run", story, "--text-model", "m", "--image-model", "p", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  summary = cJSON_Parse (run.out);
  widget = find_widget (cJSON_GetObjectItem (summary, "widgets"), "Illustration brief");
  g_assert_cmpstr (run_item (widget, "outcome")->valuestring, ==, "cached");
  widget = find_widget (cJSON_GetObjectItem (summary, "widgets"), "Illustration");
  g_assert_cmpstr (run_item (widget, "outcome")->valuestring, ==, "cached");
  g_assert_cmpint (run_item (widget, "seed")->valueint, ==, 4242);
  cJSON_Delete (summary);

  /* Unless it is told not to use it. */
  run_cli (&run, "run", story, "--text-model", "m", "--image-model", "p", "--json", "--no-cache", NULL);
  summary = cJSON_Parse (run.out);
  widget = find_widget (cJSON_GetObjectItem (summary, "widgets"), "Story");
  g_assert_cmpstr (run_item (widget, "outcome")->valuestring, ==, "succeeded");
  cJSON_Delete (summary);
}

static void
test_failure (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_auto(Run) run = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *free_text = NULL;
  g_autofree char *after = NULL;
  cJSON *summary;

  run_init (&run);
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Broken", "FAIL now");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "After", "after {Broken}");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Free", "free");
  path = save_playground (&run, playground);

  run_cli (&run, "run", path, "--out", "out", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (strstr (run.err, "Broken: failed: the server failed (scripted)\n") != NULL);
  g_assert_true (strstr (run.err, "After: waiting on Broken\n") != NULL);
  free_text = read_file (&run, "out", "Free.md", NULL);
  g_assert_cmpstr (free_text, ==, "[m] free");
  after = read_file (&run, "out", "After.md", NULL);
  g_assert_null (after);

  run_cli (&run, "run", path, "--json", NULL);
  g_assert_cmpint (run.status, ==, 1);
  summary = cJSON_Parse (run.out);
  g_assert_cmpstr (cJSON_GetObjectItem (summary, "status")->valuestring, ==, "failed");
  g_assert_cmpstr (cJSON_GetObjectItem (find_widget (cJSON_GetObjectItem (summary, "widgets"), "After"),
                                        "error")->valuestring, ==, "waiting on Broken");
  cJSON_Delete (summary);
}

static void
test_usage_errors (void)
{
  g_autofree char *story = story_path ();
  g_autofree char *invalid = g_test_build_filename (G_TEST_DIST, "data", "invalid", "empty.tessera", NULL);
  g_auto(Run) run = { 0 };
  static const struct {
    const char *args[4];
    const char *message;
  } cases[] = {
    { { NULL }, "run needs a FILE" },
    { { "--fast" }, "Unknown option --fast" },
    { { "--set", "Nobody=1" }, "--set: no input widget is titled “Nobody”" },
    { { "--set", "Story" }, "--set takes “Title=value”" },
    { { "--set", "Story=x" }, "--set: no input widget is titled “Story”" },
    { { "--concurrency", "0" }, "--concurrency is 0; it must be from 1 to 64" },
    { { "--batch", "rows.csv" }, "--batch needs --out DIR" },
    { { "--only", "Audience" }, "--only: no text or image widget is titled “Audience”" },
    { { "--text-provider", "nope" }, "--text-provider: unknown provider “nope”" },
    { { "--endpoint", "nope=http://127.0.0.1:1" }, "--endpoint: unknown provider “nope”" },
    { { "--endpoint", "ollama" }, "--endpoint: expected ID=URL, not “ollama”" },
    { { "--endpoint", "ollama=file:///etc/passwd" }, "--endpoint: “file:///etc/passwd” is not an http or https address" },
  };

  run_init (&run);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const *a = cases[i].args;

      if (i == 0)
        run_cli (&run, "run", NULL);
      else
        run_cli (&run, "run", story, a[0], a[1], a[2], NULL);
      g_test_message ("case %u", i);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (strstr (run.err, cases[i].message) != NULL);
    }

  run_cli (&run, "run", "missing.tessera", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (strstr (run.err, "missing.tessera") != NULL);

  run_cli (&run, "run", invalid, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (strstr (run.err, "empty.tessera: ") != NULL);

  run_cli (&run, "run", "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (strstr (run.out, "--batch") != NULL);
}

static void
test_batch (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_auto(Run) run = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *first = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fixed = NULL;
  TsBlock *name;
  cJSON *summary;
  const cJSON *rows;

  run_init (&run);
  name = ts_fake_add_block (playground, TS_BLOCK_KIND_INPUT, "Name", NULL);
  ts_fake_add_block (playground, TS_BLOCK_KIND_INPUT, "Greeting word", NULL);
  ts_block_set_string (name, TS_FIELD_DEFAULT_VALUE, "nobody");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Greeting", "{Greeting word} {Name}");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Fixed", "constant");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Echo", "echo {Greeting}");
  path = save_playground (&run, playground);
  csv = path_in (&run, "rows.csv", NULL);
  g_assert_true (g_file_set_contents (csv,
                                      "Name,Greeting word\r\n"
                                      "Ann,hello\r\n"
                                      "Bo,hi\r\n"
                                      "\"Smith, \"\"Jo\"\"\",hey\r\n", -1, NULL));

  run_cli (&run, "run", path, "--batch", "rows.csv", "--out", "out", "--json", "--no-cache", NULL);
  g_assert_cmpint (run.status, ==, 0);

  first = read_file (&run, "out", "row-1", "Echo.md", NULL);
  g_assert_cmpstr (first, ==, "[m] echo [m] hello Ann");
  third = read_file (&run, "out", "row-3", "Greeting.md", NULL);
  g_assert_cmpstr (third, ==, "[m] hey Smith, \"Jo\"");
  fixed = read_file (&run, "out", "row-2", "Fixed.md", NULL);
  g_assert_cmpstr (fixed, ==, "[m] constant");

  /* Later rows rerun only what their inputs changed. */
  summary = cJSON_Parse (run.out);
  rows = cJSON_GetObjectItem (summary, "rows");
  g_assert_cmpint (cJSON_GetArraySize (rows), ==, 3);
  g_assert_false (cJSON_IsTrue (cJSON_GetObjectItem (find_widget (cJSON_GetObjectItem (cJSON_GetArrayItem (rows, 0), "widgets"), "Fixed"), "reused")));
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItem (find_widget (cJSON_GetObjectItem (cJSON_GetArrayItem (rows, 1), "widgets"), "Fixed"), "reused")));
  g_assert_false (cJSON_IsTrue (cJSON_GetObjectItem (find_widget (cJSON_GetObjectItem (cJSON_GetArrayItem (rows, 2), "widgets"), "Echo"), "reused")));
  cJSON_Delete (summary);

  /* A header that names no input widget. */
  g_assert_true (g_file_set_contents (csv, "Name,Colour\nAnn,red\n", -1, NULL));
  run_cli (&run, "run", path, "--batch", "rows.csv", "--out", "out", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (strstr (run.err, "column 2, “Colour”, names no input widget") != NULL);

  g_assert_true (g_file_set_contents (csv, "Name\n\"Ann\n", -1, NULL));
  run_cli (&run, "run", path, "--batch", "rows.csv", "--out", "out", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (strstr (run.err, "rows.csv: line 2: a quoted field is not closed") != NULL);
}

static void
test_interrupt (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_auto(Run) run = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *quick = NULL;
  g_autofree char *slow = NULL;
  g_autoptr(GError) error = NULL;
  FILE *lines;
  char *line = NULL;
  size_t line_size = 0;
  TsBlock *slow_block;
  const char *argv[] = { cli_path, "run", "test.tessera", "--out", "out", NULL };
  GPid pid;
  int err_fd;
  int wait_status;
  gboolean quick_done = FALSE;

  run_init (&run);
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Quick", "quick");
  slow_block = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Slow", "slow");
  ts_block_set_string (slow_block, TS_FIELD_MODEL, "slow");
  path = save_playground (&run, playground);

  g_assert_true (g_spawn_async_with_pipes (run.dir, (char **) argv, run.env, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);

  /* Interrupt once the quick widget is done and the slow one still runs. */
  lines = fdopen (err_fd, "r");
  g_assert_nonnull (lines);
  while (!quick_done)
    {
      g_assert_cmpint (getline (&line, &line_size, lines), >, 0);
      quick_done = g_str_has_prefix (line, "Quick: done");
    }
  kill (pid, SIGINT);
  while (getline (&line, &line_size, lines) > 0)
    g_test_message ("stderr: %s", line);
  free (line);
  fclose (lines);

  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);

  quick = read_file (&run, "out", "Quick.md", NULL);
  g_assert_cmpstr (quick, ==, "[m] quick");
  slow = read_file (&run, "out", "Slow.md", NULL);
  g_assert_null (slow);
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
    g_error ("usage: test-cli-run --cli PATH-TO-TESSERA-CLI-FAKE");

  g_test_add_func ("/cli/run/story", test_story);
  g_test_add_func ("/cli/run/json-and-cache", test_json_and_cache);
  g_test_add_func ("/cli/run/failure", test_failure);
  g_test_add_func ("/cli/run/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/run/batch", test_batch);
  g_test_add_func ("/cli/run/interrupt", test_interrupt);

  return g_test_run ();
}
