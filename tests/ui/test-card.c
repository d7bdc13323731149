/* test-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-card.h"
#include "ts-card-private.h"
#include "ts-playground.h"
#include "ts-prompt-editor.h"
#include "ts-title-label.h"
#include "ui-test-utils.h"

/* The text of the visible labels and editables of @widget, one a line. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static gboolean
card_shows (GtkWidget  *card,
            const char *expected)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_text (card, text);
  if (strstr (text->str, expected) == NULL)
    {
      g_autofree char *escaped = g_strescape (text->str, NULL);

      g_test_message ("the card shows: %s", escaped);
      return FALSE;
    }

  return TRUE;
}

static void
test_card_title_and_modes (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_STATIC_TEXT);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));

  g_assert_true (ts_card_get_block (TS_CARD (card)) == block);
  g_assert_true (ts_card_get_playground (TS_CARD (card)) == playground);
  g_assert_true (gtk_widget_has_css_class (card, "card"));
  g_assert_true (ts_card_get_editing (TS_CARD (card)));
  g_assert_true (card_shows (card, "Static text"));

  ts_block_set_title (block, "Notes");
  g_assert_true (card_shows (card, "Notes"));

  /* Use mode hides the chrome: the menu and its actions. */
  ts_card_set_editing (TS_CARD (card), FALSE);
  g_assert_false (gtk_widget_activate_action (card, "card.duplicate", NULL) &&
                  ts_playground_get_n_blocks (playground) != 1);
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 1);

  ts_card_set_problems (TS_CARD (card), "title: is also the title of widgets[1]");
  g_assert_cmpstr (ts_card_get_problems (TS_CARD (card)), ==,
                   "title: is also the title of widgets[1]");
  ts_card_set_problems (TS_CARD (card), NULL);
  g_assert_null (ts_card_get_problems (TS_CARD (card)));

  g_assert_finalize_object (card);
}

static void
test_card_actions_edit_the_model (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *other = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));
  int column, row, column_span, row_span;

  ts_block_set_layout (block, 0, 0, 6, 2);
  ts_block_set_layout (other, 0, 2, 12, 1);

  g_assert_true (gtk_widget_activate_action (card, "card.move", "s", "right"));
  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  g_assert_cmpint (column, ==, 1);
  g_assert_cmpint (row, ==, 0);

  g_assert_true (gtk_widget_activate_action (card, "card.resize", "s", "down"));
  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  g_assert_cmpint (column_span, ==, 6);
  g_assert_cmpint (row_span, ==, 3);
  /* The input below was pushed down, out of the way. */
  ts_block_get_layout (other, NULL, &row, NULL, NULL);
  g_assert_cmpint (row, ==, 3);

  g_assert_true (gtk_widget_activate_action (card, "card.resize", "s", "left"));
  ts_block_get_layout (block, NULL, NULL, &column_span, NULL);
  g_assert_cmpint (column_span, ==, 5);

  g_assert_true (gtk_widget_activate_action (card, "card.duplicate", NULL));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 3);
  g_assert_cmpstr (ts_block_get_title (ts_playground_get_block (playground, 1)), ==,
                   "Text generation 2");

  g_assert_true (gtk_widget_activate_action (card, "card.delete", NULL));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 2);
  g_assert_false (ts_playground_find_block (playground, block, NULL));

  g_assert_finalize_object (card);
}

static void
test_card_mention_completion (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *idea = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *audience = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *story = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *card = ts_card_new (story, playground);
  TsPromptEditor *editor;
  GtkTextBuffer *buffer;
  g_auto(GStrv) titles = NULL;
  g_autofree char *expected = NULL;

  ts_block_set_title (idea, "Idea");
  ts_block_set_title (audience, "Audience");
  ts_block_set_string (story, TS_FIELD_PROMPT, "");

  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_present (GTK_WINDOW (window));
  test_drain ();

  editor = TS_PROMPT_EDITOR (ts_card_get_prompt_editor (TS_CARD (card)));
  g_assert_nonnull (editor);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));

  /* Typing "Tell @" offers the other widgets; "Au" narrows it to one. */
  gtk_widget_grab_focus (GTK_WIDGET (editor));
  gtk_text_buffer_insert_interactive_at_cursor (buffer, "Tell ", -1, TRUE);
  g_assert_false (ts_prompt_editor_is_completing (editor));
  gtk_text_buffer_insert_interactive_at_cursor (buffer, "@", -1, TRUE);
  g_assert_true (ts_prompt_editor_is_completing (editor));
  titles = ts_prompt_editor_list_completions (editor);
  g_assert_cmpuint (g_strv_length (titles), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) titles, "Idea"));
  g_assert_false (g_strv_contains ((const char * const *) titles, "Text generation"));
  g_clear_pointer (&titles, g_strfreev);

  gtk_text_buffer_insert_interactive_at_cursor (buffer, "Au", -1, TRUE);
  titles = ts_prompt_editor_list_completions (editor);
  g_assert_cmpuint (g_strv_length (titles), ==, 1);
  g_assert_cmpstr (titles[0], ==, "Audience");

  g_assert_true (ts_prompt_editor_choose_completion (editor, 0));
  g_assert_false (ts_prompt_editor_is_completing (editor));
  expected = g_strdup_printf ("Tell @[%s]", ts_block_get_id (audience));
  g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_PROMPT), ==, expected);

  /* Typing after the chip keeps the mention; a rename keeps it too. */
  gtk_text_buffer_insert_interactive_at_cursor (buffer, " a story", -1, TRUE);
  g_free (expected);
  expected = g_strdup_printf ("Tell @[%s] a story", ts_block_get_id (audience));
  g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_PROMPT), ==, expected);

  ts_block_set_title (audience, "Readers");
  g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_PROMPT), ==, expected);
  {
    GtkTextIter start, end;
    g_autofree char *shown = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (shown, ==, "Tell @Readers a story");
  }

  /* Deleting into a chip deletes all of it. */
  {
    GtkTextIter start, end;

    gtk_text_buffer_get_iter_at_offset (buffer, &start, 8);
    gtk_text_buffer_get_iter_at_offset (buffer, &end, 9);
    gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
    g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_PROMPT), ==, "Tell  a story");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  test_drain ();
}

static void
test_card_invalid_mentions (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  GtkWidget *editor = g_object_ref_sink (ts_prompt_editor_new (playground, a, TS_FIELD_PROMPT));
  g_autofree char *mention_b = g_strdup_printf ("@[%s]", ts_block_get_id (b));
  g_autofree char *mention_a = g_strdup_printf ("@[%s]", ts_block_get_id (a));
  g_autofree char *reason = NULL;

  ts_block_set_string (a, TS_FIELD_PROMPT, mention_b);
  g_assert_null (ts_prompt_editor_dup_invalid_reason (TS_PROMPT_EDITOR (editor),
                                                      ts_block_get_id (b)));

  /* b mentioning a closes a cycle. */
  ts_block_set_string (b, TS_FIELD_PROMPT, mention_a);
  reason = ts_prompt_editor_dup_invalid_reason (TS_PROMPT_EDITOR (editor), ts_block_get_id (b));
  g_assert_nonnull (strstr (reason, "cycle"));
  g_clear_pointer (&reason, g_free);

  reason = ts_prompt_editor_dup_invalid_reason (TS_PROMPT_EDITOR (editor), ts_block_get_id (a));
  g_assert_nonnull (strstr (reason, "own output"));
  g_clear_pointer (&reason, g_free);

  ts_playground_remove_block (playground, b);
  reason = ts_prompt_editor_dup_invalid_reason (TS_PROMPT_EDITOR (editor), "w2");
  g_assert_nonnull (strstr (reason, "deleted"));

  g_assert_finalize_object (editor);
}

static void
commit_cb (TsTitleLabel  *label,
           const char    *text,
           char         **committed)
{
  g_free (*committed);
  *committed = g_strdup (text);
}

static void
test_title_label_rename (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *other = gtk_entry_new ();
  TsTitleLabel *label = TS_TITLE_LABEL (ts_title_label_new ());
  GtkEditable *entry = ts_title_label_get_entry (label);
  g_autofree char *committed = NULL;
  gboolean tick = FALSE;

  g_signal_connect (label, "commit", G_CALLBACK (commit_cb), &committed);
  ts_title_label_set_text (label, "Old");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (label));
  gtk_box_append (GTK_BOX (box), other);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  test_drain ();

  /* Not editable: nothing starts. */
  ts_title_label_start_editing (label);
  g_assert_false (ts_title_label_get_editing (label));
  gtk_widget_activate_action (GTK_WIDGET (label), "title.start-editing", NULL);
  g_assert_false (ts_title_label_get_editing (label));

  /* Enter in the entry commits; the owner, not the label, changes the text. */
  ts_title_label_set_editable (label, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (label), "title.start-editing", NULL));
  g_assert_true (ts_title_label_get_editing (label));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "Old");
  gtk_editable_set_text (entry, "New");
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (ts_title_label_get_editing (label));
  g_assert_cmpstr (committed, ==, "New");
  g_assert_cmpstr (ts_title_label_get_text (label), ==, "Old");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (label)));

  /* Cancelling commits nothing. */
  g_clear_pointer (&committed, g_free);
  ts_title_label_start_editing (label);
  gtk_editable_set_text (entry, "Discarded");
  ts_title_label_stop_editing (label, FALSE);
  g_assert_null (committed);

  /* Focus moving elsewhere commits. */
  ts_title_label_start_editing (label);
  gtk_editable_set_text (entry, "Left");
  gtk_widget_grab_focus (other);
  wait_until (!ts_title_label_get_editing (label));
  g_assert_cmpstr (committed, ==, "Left");

  /* Losing the focus just before the window goes leaves nothing behind that fires later
   * (GTK 4.8's GtkEditableLabel reads its freed focus controller 100 ms after). */
  g_clear_pointer (&committed, g_free);
  ts_title_label_start_editing (label);
  g_object_add_weak_pointer (G_OBJECT (label), (gpointer *) &label);
  gtk_widget_grab_focus (other);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (label);
  g_timeout_add (150, test_flag_cb, &tick);
  while (!tick)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (committed);
}

/* A document card shows the chosen file's name and size, the length of its text and the
 * start of it. */
static void
test_card_document (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_DOCUMENT);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));
  g_autoptr(GString) content = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileIOStream) stream = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *size = NULL;

  g_assert_true (card_shows (card, "No document chosen"));

  while (content->len < 2300)
    g_string_append (content, "Line one of the notes.\n");
  file = g_file_new_tmp ("tessera-notes-XXXXXX.txt", &stream, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_replace_contents (file, content->str, content->len, NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);

  _ts_card_load_document (TS_CARD (card), file);
  wait_until (ts_block_get_string (block, TS_FIELD_CONTENT)[0] != '\0');

  g_assert_cmpint (ts_block_get_int (block, TS_FIELD_FILE_SIZE), ==, (int) content->len);
  size = g_format_size (content->len);
  expected = g_strdup_printf ("%s · %s · %'u characters", ts_block_get_string (block, TS_FIELD_FILE_NAME),
                              size, (guint) content->len);
  g_assert_true (g_str_has_prefix (ts_block_get_string (block, TS_FIELD_FILE_NAME), "tessera-notes-"));
  g_assert_true (card_shows (card, expected));
  g_assert_true (card_shows (card, "Line one of the notes.\nLine one"));

  /* A file saved before sizes were kept shows no size. */
  ts_block_set_int (block, TS_FIELD_FILE_SIZE, 0);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s · %'u characters", ts_block_get_string (block, TS_FIELD_FILE_NAME),
                              (guint) content->len);
  g_assert_true (card_shows (card, expected));

  g_file_delete (file, NULL, NULL);
  g_assert_finalize_object (card);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/card/title-and-modes", test_card_title_and_modes);
  g_test_add_func ("/ui/card/actions-edit-the-model", test_card_actions_edit_the_model);
  g_test_add_func ("/ui/card/mention-completion", test_card_mention_completion);
  g_test_add_func ("/ui/card/invalid-mentions", test_card_invalid_mentions);
  g_test_add_func ("/ui/card/document", test_card_document);
  g_test_add_func ("/ui/title-label/rename", test_title_label_rename);

  return g_test_run ();
}
