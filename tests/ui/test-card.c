/* test-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-card.h"
#include "ts-playground.h"
#include "ts-prompt-editor.h"

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

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
  drain ();

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
  drain ();
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

  return g_test_run ();
}
