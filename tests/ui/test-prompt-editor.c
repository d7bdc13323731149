/* test-prompt-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-playground.h"
#include "ts-prompt-editor.h"

static char *
editor_text (GtkWidget *editor)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* Whether the chip that starts at @offset is shown as invalid. */
static gboolean
chip_is_invalid (GtkWidget *editor,
                 int        offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  GtkTextTag *invalid = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer),
                                                   "invalid");
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);

  return gtk_text_iter_has_tag (&iter, invalid);
}

/* A mention of a deleted widget shows the title it had, marked invalid, and still stands
 * for the widget's id in the template; putting the widget back makes it a normal chip. */
static void
test_prompt_editor_deleted_mention (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  g_autoptr(TsBlock) b = g_object_ref (ts_playground_add_block (playground,
                                                                TS_BLOCK_KIND_INPUT));
  GtkWidget *editor = g_object_ref_sink (ts_prompt_editor_new (playground, a, TS_FIELD_PROMPT));
  g_autofree char *tmpl = g_strdup_printf ("Write about @[%s].", ts_block_get_id (b));
  g_autofree char *text = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  GtkTextIter end;
  guint position;

  ts_block_set_title (b, "Topic");
  ts_block_set_string (a, TS_FIELD_PROMPT, tmpl);
  text = editor_text (editor);
  g_assert_cmpstr (text, ==, "Write about @Topic.");
  g_assert_false (chip_is_invalid (editor, strlen ("Write about ")));

  g_assert_true (ts_playground_find_block (playground, b, &position));
  ts_playground_remove_block (playground, b);
  g_free (text);
  text = editor_text (editor);
  g_assert_cmpstr (text, ==, "Write about @Topic.");
  g_assert_true (chip_is_invalid (editor, strlen ("Write about ")));
  g_assert_cmpstr (ts_block_get_string (a, TS_FIELD_PROMPT), ==, tmpl);

  /* Typing elsewhere writes the mention back by id, not by its shown title. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, " Now.", -1);
  g_free (tmpl);
  tmpl = g_strdup_printf ("Write about @[%s]. Now.", ts_block_get_id (b));
  g_assert_cmpstr (ts_block_get_string (a, TS_FIELD_PROMPT), ==, tmpl);

  /* Undoing the deletion puts the same block back. */
  g_assert_true (ts_playground_insert_block (playground, position, b));
  g_free (text);
  text = editor_text (editor);
  g_assert_cmpstr (text, ==, "Write about @Topic. Now.");
  g_assert_false (chip_is_invalid (editor, strlen ("Write about ")));
  g_assert_null (ts_playground_get_removed_title (playground, ts_block_get_id (b)));

  g_assert_finalize_object (editor);
}

/* A mention of an id that no widget of this session ever had keeps showing the id. */
static void
test_prompt_editor_unknown_mention (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  GtkWidget *editor = g_object_ref_sink (ts_prompt_editor_new (playground, a, TS_FIELD_PROMPT));
  g_autofree char *text = NULL;

  ts_block_set_string (a, TS_FIELD_PROMPT, "See @[w9]");
  text = editor_text (editor);
  g_assert_cmpstr (text, ==, "See @[w9]");
  g_assert_true (chip_is_invalid (editor, strlen ("See ")));

  g_assert_finalize_object (editor);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/prompt-editor/deleted-mention", test_prompt_editor_deleted_mention);
  g_test_add_func ("/ui/prompt-editor/unknown-mention", test_prompt_editor_unknown_mention);

  return g_test_run ();
}
