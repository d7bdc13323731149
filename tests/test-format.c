/* test-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ts-format.h"
#include "ts-problem.h"

static const char * const examples[] = {
  "story-writer.tessera", "meeting-notes.tessera", "knowledge-chatbot.tessera",
};

static char *
example_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "resources", "examples", name, NULL);
}

static TsPlayground *
load_string (const char *text,
             GPtrArray  *problems)
{
  return ts_format_load_data (text, strlen (text), problems);
}

static void
test_examples_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = example_path (examples[i]);
      g_autofree char *original = NULL;
      gsize length;
      g_autoptr(GPtrArray) problems = ts_problems_new ();
      g_autoptr(TsPlayground) first = NULL;
      g_autoptr(TsPlayground) second = NULL;
      g_autoptr(GBytes) saved = NULL;
      g_autoptr(GBytes) saved_again = NULL;
      guint chained = 0;

      g_assert_true (g_file_get_contents (path, &original, &length, NULL));
      first = ts_format_load_data (original, length, problems);
      g_assert_cmpuint (problems->len, ==, 0);
      g_assert_nonnull (first);

      /* Examples are stored as the saver writes them, so a round trip is exact. */
      saved = ts_format_save_bytes (first, TS_FORMAT_SAVE_DEFINITION);
      g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), original, length);

      second = ts_format_load_data (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), problems);
      g_assert_nonnull (second);
      saved_again = ts_format_save_bytes (second, TS_FORMAT_SAVE_DEFINITION);
      g_assert_true (g_bytes_equal (saved, saved_again));

      /* Every example chains widgets. */
      for (guint b = 0; b < ts_playground_get_n_blocks (first); b++)
        {
          g_auto(GStrv) upstream = ts_block_dup_upstream_ids (ts_playground_get_block (first, b));

          chained += g_strv_length (upstream);
        }
      g_assert_cmpuint (chained, >=, 2);
    }
}

static void
test_story_illustration_chain (void)
{
  /* The Story writer's image panel must illustrate the generated story. */
  g_autofree char *path = example_path ("story-writer.tessera");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = ts_format_load_file (file, NULL, problems, NULL);
  TsBlock *illustration;
  g_auto(GStrv) upstream = NULL;

  g_assert_nonnull (playground);
  illustration = ts_playground_find_block_by_title (playground, "Illustration");
  g_assert_nonnull (illustration);
  g_assert_cmpint (ts_block_get_kind (illustration), ==, TS_BLOCK_KIND_IMAGE);
  upstream = ts_block_dup_upstream_ids (illustration);
  g_assert_cmpuint (g_strv_length (upstream), ==, 1);
  g_assert_cmpint (ts_block_get_kind (ts_playground_lookup_block (playground, upstream[0])), ==,
                   TS_BLOCK_KIND_TEXT);
}

static GBytes *
fake_png (guint size)
{
  guchar *data = g_malloc (size);

  memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  for (guint i = 8; i < size; i++)
    data[i] = (guchar) (i * 7);

  return g_bytes_new_take (data, size);
}

static TsPlayground *
make_snapshot (void)
{
  TsPlayground *playground = ts_playground_new ();
  TsBlock *input = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *text = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *image = ts_playground_add_block (playground, TS_BLOCK_KIND_IMAGE);
  TsBlock *chat = ts_playground_add_block (playground, TS_BLOCK_KIND_CHAT);
  TsBlock *doc = ts_playground_add_block (playground, TS_BLOCK_KIND_DOCUMENT);
  g_autoptr(TsOutput) input_out = ts_output_new ();
  g_autoptr(TsOutput) text_out = ts_output_new ();
  g_autoptr(TsOutput) image_out = ts_output_new ();
  g_autoptr(TsOutput) chat_out = ts_output_new ();
  g_autoptr(GBytes) png = fake_png (300);
  const char * const stops[] = { "\n\n", "THE END", NULL };

  ts_playground_set_title (playground, "Snapshot \"quoted\" ünïcødé");
  ts_playground_set_description (playground, "Line one\nLine two\twith tab\\backslash");
  ts_block_set_string (text, TS_FIELD_PROMPT, "Tell me about @[w1] (@@ me@example.com)");
  ts_block_set_strv (text, TS_FIELD_STOP_SEQUENCES, stops);
  ts_block_set_double (text, TS_FIELD_TEMPERATURE, 0.1 + 0.2);
  ts_block_set_string (image, TS_FIELD_PROMPT, "Picture of @[w2]");
  ts_block_set_int (image, TS_FIELD_SEED, 4294967295);
  ts_block_set_double (image, TS_FIELD_CFG_SCALE, 6.5);
  ts_block_set_string (chat, TS_FIELD_CONTEXT, "@[w5]");
  ts_block_set_string (doc, TS_FIELD_FILE_NAME, "/home/someone/Private/notes.txt");
  ts_block_set_int (doc, TS_FIELD_FILE_SIZE, 48213);
  ts_block_set_string (doc, TS_FIELD_CONTENT, "Notes with a \x01 control? no: plain.");

  ts_output_set_text (input_out, "otters");
  ts_block_set_output (input, input_out);
  ts_output_set_text (text_out, "# Otters\n\nThey hold hands.");
  ts_block_set_output (text, text_out);
  ts_output_add_image (image_out, png, 1234);
  ts_output_add_image (image_out, png, TS_SEED_RANDOM);
  ts_block_set_output (image, image_out);
  ts_output_add_message (chat_out, TS_CHAT_ROLE_USER, "Hi?");
  ts_output_add_message (chat_out, TS_CHAT_ROLE_ASSISTANT, "Hello!");
  ts_block_set_output (chat, chat_out);

  return playground;
}

static void
test_snapshot_round_trip (void)
{
  g_autoptr(TsPlayground) playground = make_snapshot ();
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GBytes) saved = ts_format_save_bytes (playground, TS_FORMAT_SAVE_OUTPUTS);
  g_autoptr(GBytes) definition = ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
  g_autoptr(TsPlayground) loaded = NULL;
  g_autoptr(GBytes) saved_again = NULL;
  g_autofree char *text = NULL;
  TsOutput *output;
  gint64 seed;

  /* The control character in the document content makes the file invalid, so fix it
   * first: the point of this test is the round trip. */
  ts_block_set_string (ts_playground_get_block (playground, 4), TS_FIELD_CONTENT, "Plain notes.");
  g_clear_pointer (&saved, g_bytes_unref);
  saved = ts_format_save_bytes (playground, TS_FORMAT_SAVE_OUTPUTS);

  loaded = ts_format_load_data (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), problems);
  text = ts_problems_format (problems, NULL);
  g_assert_cmpstr (text, ==, "");
  g_assert_nonnull (loaded);

  saved_again = ts_format_save_bytes (loaded, TS_FORMAT_SAVE_OUTPUTS);
  g_assert_true (g_bytes_equal (saved, saved_again));

  g_assert_cmpstr (ts_playground_get_title (loaded), ==, "Snapshot \"quoted\" ünïcødé");
  g_assert_cmpfloat (ts_block_get_double (ts_playground_get_block (loaded, 1), TS_FIELD_TEMPERATURE),
                     ==, 0.1 + 0.2);
  g_assert_cmpint (ts_block_get_int (ts_playground_get_block (loaded, 2), TS_FIELD_SEED), ==,
                   4294967295);
  g_assert_cmpint (ts_block_get_int (ts_playground_get_block (loaded, 4), TS_FIELD_FILE_SIZE), ==,
                   48213);

  output = ts_block_get_output (ts_playground_get_block (loaded, 2));
  g_assert_nonnull (output);
  g_assert_cmpuint (ts_output_get_n_images (output), ==, 2);
  g_assert_true (g_bytes_equal (ts_output_get_image (output, 0, &seed),
                                ts_output_get_image (ts_block_get_output (ts_playground_get_block (playground, 2)), 0, NULL)));
  g_assert_cmpint (seed, ==, 1234);
  ts_output_get_image (output, 1, &seed);
  g_assert_cmpint (seed, ==, TS_SEED_RANDOM);

  output = ts_block_get_output (ts_playground_get_block (loaded, 3));
  g_assert_cmpuint (ts_output_get_n_messages (output), ==, 2);

  /* A definition leaves the outputs out. */
  g_assert_null (strstr (g_bytes_get_data (definition, NULL), "\"outputs\""));
  g_assert_nonnull (strstr (g_bytes_get_data (saved, NULL), "\"outputs\""));
}

static void
test_no_paths_or_secrets (void)
{
  g_autoptr(TsPlayground) playground = make_snapshot ();
  g_autoptr(GBytes) saved = NULL;
  g_autofree char *text = NULL;

  g_setenv ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", TRUE);
  g_setenv ("OPENAI_API_KEY", "sk-test-not-a-real-key", TRUE);

  saved = ts_format_save_bytes (playground, TS_FORMAT_SAVE_OUTPUTS);
  text = g_strndup (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved));

  g_assert_nonnull (strstr (text, "\"file_name\": \"notes.txt\""));
  g_assert_nonnull (strstr (text, "\"file_size\": 48213"));
  g_assert_null (strstr (text, "/home/someone"));
  g_assert_null (strstr (text, "EXAMPLEKEY"));
  g_assert_null (strstr (text, "sk-test"));

  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unsetenv ("OPENAI_API_KEY");
}

static void
test_control_characters_rejected (void)
{
  g_autoptr(TsPlayground) playground = make_snapshot ();
  g_autoptr(GBytes) saved = ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) loaded = NULL;
  g_autofree char *text = NULL;

  /* The saver escapes the control character; the loader reads it back and refuses it. */
  g_assert_nonnull (strstr (g_bytes_get_data (saved, NULL), "\\u0001"));
  loaded = ts_format_load_data (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), problems);
  g_assert_null (loaded);
  text = ts_problems_format (problems, NULL);
  g_assert_cmpstr (text, ==, "widgets[4].content: contains control characters\n");
}

static void
test_newer_version (void)
{
  const char *text =
    "{\n"
    "  \"format\": \"tessera\",\n"
    "  \"version\": 3,\n"
    "  \"title\": \"From the future\",\n"
    "  \"theme\": \"dark\",\n"
    "  \"widgets\": [\n"
    "    { \"id\": \"w1\", \"kind\": \"input\", \"title\": \"Topic\", \"voice\": true },\n"
    "    { \"id\": \"w2\", \"kind\": \"video\", \"title\": \"Clip\" },\n"
    "    { \"id\": \"w3\", \"kind\": \"text\", \"title\": \"Poem\", \"prompt\": \"About @[w1]\" }\n"
    "  ]\n"
    "}\n";
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = load_string (text, problems);
  g_autofree char *report = ts_problems_format (problems, NULL);

  g_assert_nonnull (playground);
  g_assert_cmpstr (report, ==,
                   "version: warning: the file was made by a newer Tessera (format version 3); this version reads format version 1 and leaves out what it does not know\n"
                   "theme: warning: unknown field\n"
                   "widgets[0].voice: warning: unknown field\n"
                   "widgets[1].kind: warning: unknown kind \"video\"; this widget was left out\n");
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 2);
  g_assert_cmpstr (ts_block_get_title (ts_playground_get_block (playground, 1)), ==, "Poem");
}

static void
test_minimal_file_defaults (void)
{
  const char *text =
    "\xef\xbb\xbf{\"format\":\"tessera\",\"version\":1,\"title\":\"Short\",\"widgets\":["
    "{\"id\":\"a\",\"kind\":\"input\",\"title\":\"A\"},"
    "{\"id\":\"b\",\"kind\":\"image\",\"title\":\"B\",\"prompt\":\"@[a]\",\"seed\":7}]}";
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = load_string (text, problems);
  TsBlock *b;
  int row, span;

  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_nonnull (playground);
  b = ts_playground_lookup_block (playground, "b");
  g_assert_cmpint (ts_block_get_int (b, TS_FIELD_SEED), ==, 7);
  g_assert_cmpint (ts_block_get_int (b, TS_FIELD_STEPS), ==, 30);
  ts_block_get_layout (b, NULL, &row, &span, NULL);
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (span, ==, TS_GRID_COLUMNS);
}

static void
test_huge_and_hostile_input (void)
{
  gsize size = TS_FORMAT_MAX_FILE_SIZE + 1;
  g_autofree char *huge = g_malloc (size);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autofree char *report = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"format\":\"tessera\",\"version\":1,\"title\":\"x\",\"widgets\":");
  GRand *rand = g_rand_new_with_seed (42);

  memset (huge, ' ', size);
  g_assert_null (ts_format_load_data (huge, size, problems));
  report = ts_problems_format (problems, NULL);
  g_assert_cmpstr (report, ==, "the file is 33.6\u00a0MB; Tessera opens playground files up to 32 MiB\n");

  /* Nesting far past cJSON's own limit must not recurse at all. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_ptr_array_set_size (problems, 0);
  g_assert_null (ts_format_load_data (deep->str, deep->len, problems));
  g_assert_cmpuint (problems->len, ==, 1);

  /* Random bytes and every prefix of an example never crash the loader. */
  for (guint round = 0; round < 200; round++)
    {
      guint len = g_rand_int_range (rand, 0, 400);
      g_autofree char *noise = g_malloc (len + 1);

      for (guint i = 0; i < len; i++)
        noise[i] = g_rand_int_range (rand, 0, 256);
      g_ptr_array_set_size (problems, 0);
      g_assert_null (ts_format_load_data (noise, len, problems));
      g_assert_cmpuint (problems->len, >, 0);
    }

  {
    g_autofree char *path = example_path ("story-writer.tessera");
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    for (gsize cut = 0; cut < length - 2; cut += 7)
      {
        g_ptr_array_set_size (problems, 0);
        g_assert_null (ts_format_load_data (contents, cut, problems));
        g_assert_cmpuint (problems->len, >, 0);
      }
  }

  g_rand_free (rand);
}

static void
test_file_too_large_on_disk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tessera-format-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TsPlayground) playground = NULL;
  g_autofree char *report = NULL;
  FILE *fp = fopen (path, "w");

  g_assert_nonnull (fp);
  g_assert_cmpint (ftruncate (fileno (fp), TS_FORMAT_MAX_FILE_SIZE + 4096), ==, 0);
  fclose (fp);

  playground = ts_format_load_file (file, NULL, problems, &error);
  g_assert_null (playground);
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);
  report = ts_problems_format (problems, NULL);
  g_assert_cmpstr (report, ==, "the file is larger than 32 MiB, the limit for playground files\n");

  g_unlink (path);
  g_rmdir (dir);
}

/* Saving over a symbolic link replaces the file it points to and keeps the link; an
 * existing file keeps its permissions. */
static void
test_save_keeps_link_and_mode (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tessera-format-XXXXXX", NULL);
  g_autofree char *real_path = g_build_filename (dir, "real.tessera", NULL);
  g_autofree char *link_path = g_build_filename (dir, "link.tessera", NULL);
  g_autoptr(GFile) link = g_file_new_for_path (link_path);
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *link_target = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (real_path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (real_path, 0600), ==, 0);
  g_assert_cmpint (symlink ("real.tessera", link_path), ==, 0);

  ts_playground_set_title (playground, "Linked");
  g_assert_true (ts_format_save_file (playground, link, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_no_error (error);

  link_target = g_file_read_link (link_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link_target, ==, "real.tessera");
  g_assert_true (g_file_get_contents (real_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"Linked\""));
  g_assert_cmpint (g_stat (real_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);

  g_assert_cmpint (g_remove (link_path), ==, 0);
  g_assert_cmpint (g_remove (real_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_atomic_save (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tessera-format-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "app.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  struct rlimit old_limit, limit;
  TsBlock *block;
  g_autoptr(GDir) listing = NULL;
  guint n_entries = 0;

  ts_playground_set_title (playground, "Old");
  g_assert_true (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  /* Make the new file too big to write: the write of the temporary file fails, and the
   * old file must be untouched. A file size limit works even for root, unlike
   * permissions. */
  ts_playground_set_title (playground, "New");
  block = ts_playground_add_block (playground, TS_BLOCK_KIND_STATIC_TEXT);
  {
    g_autofree char *big = g_strnfill (100000, 'x');
    ts_block_set_string (block, TS_FIELD_CONTENT, big);
  }

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 4096;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  /* No temporary file is left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_entries++;
  g_assert_cmpuint (n_entries, ==, 1);

  /* A read-only directory is refused too (only meaningful when not root). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
      g_assert_false (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
      g_clear_pointer (&after, g_free);
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, before);
    }

  g_assert_true (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
async_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async_load_and_save (void)
{
  g_autofree char *path = example_path ("meeting-notes.tessera");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *dir = g_dir_make_tmp ("tessera-format-XXXXXX", NULL);
  g_autofree char *out_path = g_build_filename (dir, "copy.tessera", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) save_result = NULL;
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *copy = NULL;

  ts_format_load_file_async (file, NULL, async_ready_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  playground = ts_format_load_file_finish (result, problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (playground);
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 5);

  ts_format_save_file_async (playground, out, TS_FORMAT_SAVE_DEFINITION, NULL,
                             async_ready_cb, &save_result);
  while (save_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (ts_format_save_file_finish (playground, save_result, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &original, NULL, NULL));
  g_assert_true (g_file_get_contents (out_path, &copy, NULL, NULL));
  g_assert_cmpstr (copy, ==, original);

  g_unlink (out_path);
  g_rmdir (dir);
}

static void
test_async_load_invalid (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "invalid",
                                                 "mention-cycle.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/dir/none.tessera");
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) missing_result = NULL;
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GError) error = NULL;

  ts_format_load_file_async (file, NULL, async_ready_cb, &result);
  ts_format_load_file_async (missing, NULL, async_ready_cb, &missing_result);
  while (result == NULL || missing_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  playground = ts_format_load_file_finish (result, problems, &error);
  g_assert_null (playground);
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“mention-cycle.tessera” is not a valid playground: 1 problem");
  g_assert_cmpuint (problems->len, ==, 1);
  g_clear_error (&error);

  g_assert_null (ts_format_load_file_finish (missing_result, problems, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_numbers_are_locale_free (void)
{
  g_autofree char *small = NULL;
  const double values[] = { 0.7, 0.1 + 0.2, 1e-7, 4294967295.0, -3, 6.5 };

  /* The saver must never write a decimal comma, whatever the locale. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(TsPlayground) playground = ts_playground_new ();
      TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GPtrArray) problems = ts_problems_new ();
      g_autoptr(TsPlayground) loaded = NULL;
      double expected;

      ts_block_set_double (block, TS_FIELD_TOP_P, values[i]);
      expected = ts_block_get_double (block, TS_FIELD_TOP_P);
      bytes = ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
      loaded = ts_format_load_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), problems);
      g_assert_nonnull (loaded);
      g_assert_cmpfloat (ts_block_get_double (ts_playground_get_block (loaded, 0), TS_FIELD_TOP_P),
                         ==, expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/format/examples-round-trip", test_examples_round_trip);
  g_test_add_func ("/core/format/story-illustration-chain", test_story_illustration_chain);
  g_test_add_func ("/core/format/snapshot-round-trip", test_snapshot_round_trip);
  g_test_add_func ("/core/format/no-paths-or-secrets", test_no_paths_or_secrets);
  g_test_add_func ("/core/format/control-characters", test_control_characters_rejected);
  g_test_add_func ("/core/format/newer-version", test_newer_version);
  g_test_add_func ("/core/format/minimal-file", test_minimal_file_defaults);
  g_test_add_func ("/core/format/hostile-input", test_huge_and_hostile_input);
  g_test_add_func ("/core/format/file-too-large", test_file_too_large_on_disk);
  g_test_add_func ("/core/format/atomic-save", test_atomic_save);
  g_test_add_func ("/core/format/save-keeps-link-and-mode", test_save_keeps_link_and_mode);
  g_test_add_func ("/core/format/async", test_async_load_and_save);
  g_test_add_func ("/core/format/async-invalid", test_async_load_invalid);
  g_test_add_func ("/core/format/numbers", test_numbers_are_locale_free);

  return g_test_run ();
}
