/* test-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-format.h"
#include "ts-history.h"
#include "ts-problem.h"

static GBytes *
save (TsPlayground *playground)
{
  return ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
}

static void
assert_same_document (GBytes *expected,
                      TsPlayground *playground)
{
  g_autoptr(GBytes) actual = save (playground);

  g_assert_cmpmem (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected),
                   g_bytes_get_data (actual, NULL), g_bytes_get_size (actual));
}

static TsPlayground *
load_example (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "resources", "examples",
                                                 "story-writer.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(GError) error = NULL;
  TsPlayground *playground = ts_format_load_file (file, NULL, problems, &error);

  g_assert_no_error (error);

  return playground;
}

static void
test_history_property (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(GBytes) before = save (playground);
  g_autoptr(GBytes) after = NULL;
  TsBlock *block = ts_playground_get_block (playground, 2);

  g_assert_false (ts_history_can_undo (history));
  g_assert_false (ts_history_undo (history));

  ts_block_set_title (block, "Tale");
  ts_history_seal (history);
  g_assert_true (ts_history_can_undo (history));
  after = save (playground);

  g_assert_true (ts_history_undo (history));
  g_assert_cmpstr (ts_block_get_title (block), ==, "Story");
  assert_same_document (before, playground);
  g_assert_false (ts_history_can_undo (history));
  g_assert_true (ts_history_can_redo (history));

  g_assert_true (ts_history_redo (history));
  assert_same_document (after, playground);
  g_assert_false (ts_history_can_redo (history));

  /* A new edit drops what could be redone. */
  g_assert_true (ts_history_undo (history));
  ts_playground_set_title (playground, "Tales");
  g_assert_false (ts_history_can_redo (history));
  g_assert_true (ts_history_undo (history));
  assert_same_document (before, playground);
}

static void
test_history_layout_is_one_step (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(GBytes) before = save (playground);
  TsBlock *block = ts_playground_get_block (playground, 0);

  /* Four properties change in one call: one step. */
  ts_block_set_layout (block, 2, 7, 3, 2);
  ts_history_seal (history);
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 1);

  g_assert_true (ts_history_undo (history));
  assert_same_document (before, playground);
}

static void
test_history_group (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(GBytes) before = save (playground);
  g_autoptr(GBytes) first = NULL;

  ts_playground_set_description (playground, "First");
  ts_history_seal (history);
  first = save (playground);

  ts_history_begin_group (history);
  ts_block_set_title (ts_playground_get_block (playground, 0), "Idea");
  ts_block_set_string (ts_playground_get_block (playground, 2), TS_FIELD_PROMPT, "Go");
  ts_history_begin_group (history);
  ts_playground_remove_block (playground, ts_playground_get_block (playground, 4));
  ts_history_end_group (history);
  ts_history_end_group (history);

  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 2);
  g_assert_true (ts_history_undo (history));
  assert_same_document (first, playground);
  g_assert_true (ts_history_undo (history));
  assert_same_document (before, playground);
}

static void
test_history_items (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(GBytes) before = save (playground);
  g_autoptr(GBytes) added = NULL;
  g_autoptr(GBytes) moved = NULL;
  g_autoptr(GBytes) removed = NULL;
  TsBlock *block;
  TsBlock *first = ts_playground_get_block (playground, 0);

  block = ts_playground_add_block (playground, TS_BLOCK_KIND_CHAT);
  ts_block_set_string (block, TS_FIELD_SYSTEM_PROMPT, "Be brief");
  ts_history_seal (history);
  added = save (playground);

  ts_playground_move_block (playground, first, 3);
  ts_history_seal (history);
  moved = save (playground);

  ts_playground_remove_block (playground, ts_playground_get_block (playground, 1));
  ts_history_seal (history);
  removed = save (playground);

  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 3);

  g_assert_true (ts_history_undo (history));
  assert_same_document (moved, playground);
  g_assert_true (ts_history_undo (history));
  assert_same_document (added, playground);
  g_assert_true (ts_playground_get_block (playground, 0) == first);
  g_assert_true (ts_history_undo (history));
  assert_same_document (before, playground);

  g_assert_true (ts_history_redo (history));
  assert_same_document (added, playground);
  g_assert_true (ts_history_redo (history));
  assert_same_document (moved, playground);
  g_assert_true (ts_history_redo (history));
  assert_same_document (removed, playground);
  g_assert_false (ts_history_redo (history));
}

static void
test_history_typing_coalesces (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  TsBlock *block = ts_playground_get_block (playground, 3);
  const char *original = ts_block_get_string (block, TS_FIELD_PROMPT);
  g_autofree char *saved = g_strdup (original);
  g_autoptr(GString) text = g_string_new (original);
  const char *word = "hello world";

  /* One key press per main-loop iteration, as an editor does. */
  for (const char *p = word; *p != '\0'; p++)
    {
      g_string_append_c (text, *p);
      ts_block_set_string (block, TS_FIELD_PROMPT, text->str);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 1);

  /* After a seal (the editor lost the focus), typing starts a new step. */
  ts_history_seal (history);
  ts_block_set_string (block, TS_FIELD_PROMPT, "x");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 2);

  /* Another field does not join the typing. */
  ts_block_set_title (block, "Brief");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 3);

  g_assert_true (ts_history_undo (history));
  g_assert_true (ts_history_undo (history));
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_PROMPT), ==, text->str);
  g_assert_true (ts_history_undo (history));
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_PROMPT), ==, saved);

  /* With no coalescing, every key press is a step. */
  ts_history_clear (history);
  ts_history_set_coalesce_interval (history, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_string_append_c (text, 'z');
      ts_block_set_string (block, TS_FIELD_PROMPT, text->str);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 5);
}

static void
test_history_many_steps (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(GBytes) before = save (playground);
  TsBlock *block = ts_playground_get_block (playground, 2);

  for (guint i = 0; i < 150; i++)
    {
      ts_block_set_layout (block, i % 5, i, 4, 1 + i % 3);
      ts_history_seal (history);
    }

  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 150);

  for (guint i = 0; i < 150; i++)
    g_assert_true (ts_history_undo (history));
  g_assert_false (ts_history_undo (history));
  assert_same_document (before, playground);

  /* The oldest steps go past the limit. */
  ts_history_set_max_steps (history, 100);
  for (guint i = 0; i < 150; i++)
    g_assert_true (ts_history_redo (history));
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 150);
  ts_block_set_title (block, "Again");
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, 100);
}

static void
test_history_outputs_are_not_edits (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  g_autoptr(TsOutput) output = ts_output_new ();

  ts_output_set_text (output, "Once upon a time");
  ts_block_set_output (ts_playground_get_block (playground, 2), output);
  g_assert_false (ts_history_can_undo (history));
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_history_notifies (void)
{
  g_autoptr(TsPlayground) playground = load_example ();
  g_autoptr(TsHistory) history = ts_history_new (playground);
  guint n_undo = 0, n_redo = 0;

  g_signal_connect (history, "notify::can-undo", G_CALLBACK (notify_count_cb), &n_undo);
  g_signal_connect (history, "notify::can-redo", G_CALLBACK (notify_count_cb), &n_redo);

  ts_playground_set_title (playground, "A");
  ts_playground_set_title (playground, "B");
  g_assert_cmpuint (n_undo, ==, 1);
  g_assert_true (ts_history_undo (history));
  g_assert_cmpuint (n_undo, ==, 2);
  g_assert_cmpuint (n_redo, ==, 1);
  g_assert_cmpstr (ts_playground_get_title (playground), ==, "Story writer");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/history/property", test_history_property);
  g_test_add_func ("/core/history/layout-is-one-step", test_history_layout_is_one_step);
  g_test_add_func ("/core/history/group", test_history_group);
  g_test_add_func ("/core/history/items", test_history_items);
  g_test_add_func ("/core/history/typing-coalesces", test_history_typing_coalesces);
  g_test_add_func ("/core/history/many-steps", test_history_many_steps);
  g_test_add_func ("/core/history/outputs-are-not-edits", test_history_outputs_are_not_edits);
  g_test_add_func ("/core/history/notifies", test_history_notifies);

  return g_test_run ();
}
