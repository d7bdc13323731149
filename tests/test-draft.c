/* test-draft.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ts-draft.h"
#include "ts-format.h"
#include "ts-problem.h"

static char *tmpdir;

static TsDraftStore *
new_store (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, "drafts", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  return ts_draft_store_new (dir);
}

static TsPlayground *
new_playground (const char *title)
{
  TsPlayground *playground = ts_playground_new ();
  TsBlock *block;

  ts_playground_set_title (playground, title);
  block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  ts_block_set_string (block, TS_FIELD_PROMPT, "Tell a story");

  return playground;
}

static void
assert_same (TsPlayground *a,
             TsPlayground *b)
{
  g_autoptr(GBytes) bytes_a = ts_format_save_bytes (a, TS_FORMAT_SAVE_OUTPUTS);
  g_autoptr(GBytes) bytes_b = ts_format_save_bytes (b, TS_FORMAT_SAVE_OUTPUTS);

  g_assert_true (g_bytes_equal (bytes_a, bytes_b));
}

static void
test_draft_round_trip (void)
{
  g_autoptr(TsDraftStore) store = new_store ("round-trip");
  g_autoptr(TsPlayground) playground = new_playground ("Stories");
  g_autoptr(TsPlayground) loaded = NULL;
  g_autoptr(TsOutput) output = ts_output_new ();
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GFile) origin = g_file_new_for_path ("/home/someone/stories.tessera");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ts_draft_store_new_id ();
  g_autofree char *origin_uri = g_file_get_uri (origin);
  TsDraftInfo *info;

  /* No folder yet: no drafts, and no error. */
  drafts = ts_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 0);
  g_clear_pointer (&drafts, g_ptr_array_unref);

  /* A draft keeps the outputs too. */
  ts_output_set_text (output, "Once upon a time");
  ts_block_set_output (ts_playground_get_block (playground, 0), output);

  g_assert_true (ts_draft_store_write (store, id, playground, origin, &error));
  g_assert_no_error (error);

  drafts = ts_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  info = g_ptr_array_index (drafts, 0);
  g_assert_cmpstr (info->id, ==, id);
  g_assert_cmpstr (info->origin, ==, origin_uri);
  g_assert_cmpstr (info->title, ==, "Stories");
  g_assert_cmpint (info->saved, >, 0);

  loaded = ts_draft_store_load (store, id, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  assert_same (playground, loaded);

  /* Writing again replaces the draft. */
  ts_playground_set_title (playground, "More stories");
  g_assert_true (ts_draft_store_write (store, id, playground, NULL, &error));
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = ts_draft_store_list (store, &error);
  g_assert_cmpuint (drafts->len, ==, 1);
  info = g_ptr_array_index (drafts, 0);
  g_assert_null (info->origin);
  g_assert_cmpstr (info->title, ==, "More stories");

  g_assert_true (ts_draft_store_delete (store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = ts_draft_store_list (store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* Deleting what is gone is not an error. */
  g_assert_true (ts_draft_store_delete (store, id, &error));
  g_assert_no_error (error);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_draft_async_snapshot (void)
{
  g_autoptr(TsDraftStore) store = new_store ("async");
  g_autoptr(TsPlayground) playground = new_playground ("Before");
  g_autoptr(TsPlayground) loaded = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ts_draft_store_new_id ();

  ts_draft_store_write_async (store, id, playground, NULL, NULL, write_cb, &result);

  /* The draft holds the playground as it was when the write began. */
  ts_playground_set_title (playground, "After");

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (ts_draft_store_write_finish (store, result, &error));
  g_assert_no_error (error);

  loaded = ts_draft_store_load (store, id, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_playground_get_title (loaded), ==, "Before");
}

static void
test_draft_list_skips_strays (void)
{
  g_autoptr(TsDraftStore) store = new_store ("strays");
  g_autoptr(TsPlayground) older = new_playground ("Older");
  g_autoptr(TsPlayground) newer = new_playground ("Newer");
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *older_id = ts_draft_store_new_id ();
  g_autofree char *newer_id = ts_draft_store_new_id ();
  g_autofree char *orphan_id = ts_draft_store_new_id ();
  const char *dir = g_file_peek_path (ts_draft_store_get_dir (store));
  g_autofree char *stray = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *orphan = NULL;
  g_autofree char *info_path = NULL;
  g_autofree char *info = NULL;

  g_assert_true (ts_draft_store_write (store, older_id, older, NULL, &error));
  g_assert_true (ts_draft_store_write (store, newer_id, newer, NULL, &error));
  g_assert_no_error (error);

  /* Make the first draft older by its info. */
  info_path = g_strdup_printf ("%s/%s.info", dir, older_id);
  info = g_strdup ("[Draft]\nTitle=Older\nSaved=1000\n");
  g_assert_true (g_file_set_contents (info_path, info, -1, NULL));

  /* Files that are no drafts, and an info without contents, are passed over. */
  stray = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (stray, "hello", -1, NULL));
  bad = g_build_filename (dir, "not-a-uuid.info", NULL);
  g_assert_true (g_file_set_contents (bad, "[Draft]\nTitle=x\n", -1, NULL));
  orphan = g_strdup_printf ("%s/%s.info", dir, orphan_id);
  g_assert_true (g_file_set_contents (orphan, "[Draft]\nTitle=x\n", -1, NULL));

  drafts = ts_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 2);
  g_assert_cmpstr (((TsDraftInfo *) g_ptr_array_index (drafts, 0))->title, ==, "Newer");
  g_assert_cmpstr (((TsDraftInfo *) g_ptr_array_index (drafts, 1))->title, ==, "Older");
}

static void
test_draft_unwritable (void)
{
  g_autofree char *blocker = g_build_filename (tmpdir, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "drafts", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(TsDraftStore) store = ts_draft_store_new (dir);
  g_autoptr(TsPlayground) playground = new_playground ("Stories");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ts_draft_store_new_id ();

  /* A file where the folder should be: a clear error, no crash. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_false (ts_draft_store_write (store, id, playground, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "draft folder"));
}

/* True if @problems has a problem of @severity whose message contains @text. */
static gboolean
has_problem (GPtrArray  *problems,
             TsSeverity  severity,
             const char *text)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const TsProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity == severity && strstr (problem->message, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_draft_mid_edit (void)
{
  g_autoptr(TsDraftStore) store = new_store ("mid-edit");
  g_autoptr(TsPlayground) playground = new_playground ("Mid-edit");
  g_autoptr(TsPlayground) loaded = NULL;
  g_autoptr(TsPlayground) strict = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GPtrArray) strict_problems = ts_problems_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ts_draft_store_new_id ();
  g_autofree char *a_mentions_b = NULL;
  g_autofree char *b_mentions_a = NULL;
  TsBlock *a = ts_playground_get_block (playground, 0);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *c = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);

  /* What a user leaves mid-edit: two widgets with one title, a cycle, and a mention of
   * a widget that was deleted. */
  ts_block_set_title (b, ts_block_get_title (a));
  a_mentions_b = g_strdup_printf ("Go on from @[%s]", ts_block_get_id (b));
  b_mentions_a = g_strdup_printf ("Answer @[%s]", ts_block_get_id (a));
  ts_block_set_string (a, TS_FIELD_PROMPT, a_mentions_b);
  ts_block_set_string (b, TS_FIELD_PROMPT, b_mentions_a);
  ts_block_set_string (c, TS_FIELD_PROMPT, "Sum up @[gone]");

  g_assert_true (ts_draft_store_write (store, id, playground, NULL, &error));
  g_assert_no_error (error);

  /* A file with these problems does not open... */
  bytes = ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
  strict = ts_format_load_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                strict_problems);
  g_assert_null (strict);
  g_assert_true (has_problem (strict_problems, TS_SEVERITY_ERROR, "unique"));

  /* ...but its draft does, as it was, with the same problems as warnings. */
  loaded = ts_draft_store_load (store, id, problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_same (playground, loaded);
  g_assert_cmpuint (ts_problems_count (problems, TS_SEVERITY_ERROR), ==, 0);
  g_assert_cmpuint (ts_problems_count (problems, TS_SEVERITY_WARNING), ==,
                    ts_problems_count (strict_problems, TS_SEVERITY_ERROR));
  g_assert_true (has_problem (problems, TS_SEVERITY_WARNING, "unique"));
  g_assert_true (has_problem (problems, TS_SEVERITY_WARNING, "cycle"));
  g_assert_true (has_problem (problems, TS_SEVERITY_WARNING, "unknown widget"));
}

static void
test_draft_malformed (void)
{
  g_autoptr(TsDraftStore) store = new_store ("malformed");
  g_autoptr(TsPlayground) playground = new_playground ("Malformed");
  g_autoptr(TsPlayground) loaded = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ts_draft_store_new_id ();
  g_autofree char *path = NULL;
  const char *dir;

  g_assert_true (ts_draft_store_write (store, id, playground, NULL, &error));
  g_assert_no_error (error);

  /* Leniency covers the checks, not the structure: a field of the wrong type, or a
   * file that is not JSON, is still refused with a clear problem. */
  dir = g_file_peek_path (ts_draft_store_get_dir (store));
  path = g_strdup_printf ("%s/%s.tessera", dir, id);
  g_assert_true (g_file_set_contents (path,
                                      "{\"format\": \"tessera\", \"version\": 1, "
                                      "\"title\": 7, \"widgets\": []}", -1, NULL));
  loaded = ts_draft_store_load (store, id, problems, &error);
  g_assert_null (loaded);
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);
  g_assert_true (has_problem (problems, TS_SEVERITY_ERROR, "must be a string"));

  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"tessera\",", -1, NULL));
  loaded = ts_draft_store_load (store, id, problems, &error);
  g_assert_null (loaded);
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-draft-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/draft/round-trip", test_draft_round_trip);
  g_test_add_func ("/core/draft/async-snapshot", test_draft_async_snapshot);
  g_test_add_func ("/core/draft/list-skips-strays", test_draft_list_skips_strays);
  g_test_add_func ("/core/draft/unwritable", test_draft_unwritable);
  g_test_add_func ("/core/draft/mid-edit", test_draft_mid_edit);
  g_test_add_func ("/core/draft/malformed", test_draft_malformed);

  ret = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);

    g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  }
  g_free (tmpdir);

  return ret;
}
