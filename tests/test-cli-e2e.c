/* test-cli-e2e.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The shipped tessera-cli, with the shipped providers, runs the bundled story example end
 * to end against the protocol mocks (tests/mock-serve): Ollama and the Stable Diffusion
 * WebUI, an OpenAI-compatible server for both text and images, and Amazon Bedrock. Each
 * run must write the story, the brief and a real PNG. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ts-png.h"

static const char *cli_path;
static const char *mock_path;

typedef struct
{
  GSubprocess *mock;
  char        *url;
  char        *dir;
} Fixture;

static void
fixture_start_mock (Fixture    *f,
                    const char *protocol)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gsize length;

  f->mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, mock_path, protocol, "--lifetime", "60", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->mock));
  f->url = g_data_input_stream_read_line_utf8 (lines, &length, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tessera-e2e-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->mock != NULL)
    {
      /* Closing its stdin stops the mock. */
      g_output_stream_close (g_subprocess_get_stdin_pipe (f->mock), NULL, NULL);
      g_subprocess_wait (f->mock, NULL, NULL);
      g_clear_object (&f->mock);
    }
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->url);
}

/* Runs tessera-cli in a clean environment: a home, cache and config of its own, no
 * provider or AWS settings but those given. */
static int
run_cli (Fixture            *f,
         const char * const *env,
         const char * const *args,
         char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *example = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out", NULL);
  g_auto(GStrv) environ = g_get_environ ();

  for (char **e = environ; *e != NULL; e++)
    {
      g_autofree char *name = g_strndup (*e, strcspn (*e, "="));

      if (g_str_has_prefix (name, "AWS_") || g_str_has_prefix (name, "OPENAI_") ||
          g_str_equal (name, "OLLAMA_HOST"))
        g_subprocess_launcher_unsetenv (launcher, name);
    }
  g_subprocess_launcher_setenv (launcher, "HOME", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->dir, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  example = g_test_build_filename (G_TEST_DIST, "..", "resources", "examples",
                                   "story-writer.tessera", NULL);
  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, "run");
  g_ptr_array_add (argv, example);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, out);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_exit_status (process);
}

static char *
read_output (Fixture    *f,
             const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, "out", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return text;
}

/* @expected_text: what both text widgets hold, or %NULL when the server echoes prompts */
static void
assert_story_written (Fixture    *f,
                      const char *expected_text)
{
  const char *texts[] = { "Story.md", "Illustration brief.md" };
  g_autofree char *png_path = g_build_filename (f->dir, "out", "Illustration-1.png", NULL);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png_data = NULL;
  gsize png_size;
  guint width, height;

  for (guint i = 0; i < G_N_ELEMENTS (texts) && expected_text != NULL; i++)
    {
      g_autofree char *text = read_output (f, texts[i]);

      g_assert_cmpstr (text, ==, expected_text);
    }

  if (expected_text == NULL)
    {
      g_autofree char *story = read_output (f, "Story.md");
      g_autofree char *brief = read_output (f, "Illustration brief.md");

      /* The story's prompt got the inputs' values, and the brief's prompt the story. */
      g_assert_true (g_str_has_prefix (story, "Echo: Write a short story of about 400 words "
                                              "for children aged 6 to 9, based on this idea: "
                                              "A shy dragon who is afraid of heights"));
      g_assert_true (g_str_has_prefix (brief, "Echo: "));
      g_assert_nonnull (strstr (brief, story));
    }

  g_file_get_contents (png_path, &png_data, &png_size, &error);
  g_assert_no_error (error);
  png = g_bytes_new_take (g_steal_pointer (&png_data), png_size);
  g_assert_true (ts_png_validate (png, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (width, >, 0);
  g_assert_cmpuint (height, >, 0);
}

static void
test_ollama_and_webui (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ollama = NULL;
  g_autofree char *webui = NULL;
  g_autofree char *err = NULL;

  fixture_start_mock (f, "all");
  ollama = g_strdup_printf ("ollama=%s", f->url);
  webui = g_strdup_printf ("sd-webui=%s", f->url);

  /* The example names llama3.2 and no image model: the WebUI's loaded checkpoint. */
  g_assert_cmpint (run_cli (f, NULL, (const char *[]) { "--endpoint", ollama, "--endpoint", webui, NULL },
                            &err), ==, 0);
  g_assert_nonnull (strstr (err, "Illustration: done"));
  assert_story_written (f, "The sky is blue — ünïcödé ✓");
}

/* A model that is not pulled fails the story with Ollama's own remedy, and everything
 * downstream waits on it, naming it. */
static void
test_missing_model (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ollama = NULL;
  g_autofree char *webui = NULL;
  g_autofree char *err = NULL;
  g_autofree char *story = g_build_filename (f->dir, "out", "Story.md", NULL);

  fixture_start_mock (f, "all");
  ollama = g_strdup_printf ("ollama=%s", f->url);
  webui = g_strdup_printf ("sd-webui=%s", f->url);

  g_assert_cmpint (run_cli (f, NULL, (const char *[]) { "--endpoint", ollama, "--endpoint", webui,
                                                         "--text-model", "missing", NULL },
                            &err), ==, 1);
  g_assert_nonnull (strstr (err, "Story: failed: "));
  g_assert_nonnull (strstr (err, "ollama pull missing"));
  g_assert_nonnull (strstr (err, "Illustration brief: waiting on Story"));
  g_assert_nonnull (strstr (err, "Illustration: waiting on Story"));
  g_assert_false (g_file_test (story, G_FILE_TEST_EXISTS));
}

static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *err = NULL;

  fixture_start_mock (f, "openai");
  endpoint = g_strdup_printf ("openai=%s", f->url);

  g_assert_cmpint (run_cli (f, NULL, (const char *[]) {
                              "--endpoint", endpoint,
                              "--text-provider", "openai", "--text-model", "stories260K",
                              "--image-provider", "openai", "--image-model", "image-model",
                              NULL }, &err), ==, 0);
  assert_story_written (f, "Once upon a time, a fox — ünïcödé ✓");
}

static void
test_bedrock (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *err = NULL;

  fixture_start_mock (f, "bedrock");

  g_assert_cmpint (run_cli (f, (const char *[]) {
                              "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                              "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                              "AWS_REGION", "us-east-1",
                              "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", f->url,
                              "AWS_ENDPOINT_URL_BEDROCK", f->url,
                              NULL },
                            (const char *[]) {
                              "--text-provider", "bedrock",
                              "--text-model", "anthropic.claude-3-5-haiku-20241022-v1:0",
                              "--image-provider", "bedrock",
                              "--image-model", "amazon.nova-canvas-v1:0",
                              NULL }, &err), ==, 0);
  g_assert_null (strstr (err, "wJalrXUtnFEMI"));
  g_assert_nonnull (strstr (err, "Illustration: done"));
  assert_story_written (f, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--cli") && i + 1 < argc)
        cli_path = argv[++i];
      else if (g_str_equal (argv[i], "--mock") && i + 1 < argc)
        mock_path = argv[++i];
    }
  g_assert_nonnull (cli_path);
  g_assert_nonnull (mock_path);

  g_test_add ("/cli/e2e/ollama-and-webui", Fixture, NULL,
              fixture_set_up, test_ollama_and_webui, fixture_tear_down);
  g_test_add ("/cli/e2e/missing-model", Fixture, NULL,
              fixture_set_up, test_missing_model, fixture_tear_down);
  g_test_add ("/cli/e2e/openai", Fixture, NULL,
              fixture_set_up, test_openai, fixture_tear_down);
  g_test_add ("/cli/e2e/bedrock", Fixture, NULL,
              fixture_set_up, test_bedrock, fixture_tear_down);

  return g_test_run ();
}
