/* ts-prompt-editor-completion.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-prompt-editor-private.h"

/* Completing a mention: typing "@" in a prompt editor lists the other widgets whose title
 * holds what follows it; choosing one puts a chip in place of what was typed. */

static char *
dup_query (TsPromptEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter at, cursor;
  g_autofree char *text = NULL;

  if (self->completion_mark == NULL || gtk_text_mark_get_deleted (self->completion_mark))
    return NULL;

  gtk_text_buffer_get_iter_at_mark (buffer, &at, self->completion_mark);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));

  if (gtk_text_iter_get_char (&at) != '@' || gtk_text_iter_compare (&cursor, &at) <= 0)
    return NULL;

  gtk_text_iter_forward_char (&at);
  text = gtk_text_iter_get_slice (&at, &cursor);

  if (strpbrk (text, "\n\t@") != NULL || g_utf8_strlen (text, -1) > 40)
    return NULL;

  return g_steal_pointer (&text);
}

static void
row_activated_cb (TsPromptEditor *self,
                  GtkListBoxRow  *row,
                  GtkListBox     *list)
{
  ts_prompt_editor_choose_completion (self, gtk_list_box_row_get_index (row));
}

/* Fills the list with the widgets whose title contains what follows the "@". */
void
_ts_prompt_editor_update_completion (TsPromptEditor *self)
{
  g_autofree char *query = dup_query (self);
  g_autofree char *folded_query = NULL;
  guint n_blocks = ts_playground_get_n_blocks (self->playground);
  GtkWidget *child;
  guint n_rows = 0;

  if (query == NULL)
    {
      _ts_prompt_editor_stop_completion (self);
      return;
    }

  folded_query = g_utf8_casefold (query, -1);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->completions))) != NULL)
    gtk_list_box_remove (self->completions, child);

  for (guint i = 0; i < n_blocks; i++)
    {
      TsBlock *block = ts_playground_get_block (self->playground, i);
      g_autofree char *folded = g_utf8_casefold (ts_block_get_title (block), -1);
      g_autofree char *reason = NULL;
      GtkWidget *row, *label;

      if (block == self->block || strstr (folded, folded_query) == NULL)
        continue;

      reason = ts_prompt_editor_dup_invalid_reason (self, ts_block_get_id (block));
      label = gtk_label_new (ts_block_get_title (block));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), MENTION_ID_KEY,
                              g_strdup (ts_block_get_id (block)), g_free);
      if (reason != NULL)
        {
          gtk_widget_set_sensitive (row, FALSE);
          gtk_widget_set_tooltip_text (row, reason);
        }
      gtk_list_box_append (self->completions, row);
      n_rows++;
    }

  if (n_rows == 0)
    {
      gtk_widget_set_visible (self->popover, FALSE);
      return;
    }

  gtk_list_box_select_row (self->completions, gtk_list_box_get_row_at_index (self->completions, 0));
  gtk_widget_set_visible (self->popover, TRUE);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
_ts_prompt_editor_stop_completion (TsPromptEditor *self)
{
  if (self->completion_mark != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_mark_get_buffer (self->completion_mark);

      if (buffer != NULL)
        gtk_text_buffer_delete_mark (buffer, self->completion_mark);
      self->completion_mark = NULL;
    }

  if (self->popover != NULL)
    gtk_widget_set_visible (self->popover, FALSE);
}

/* Moves the selection in the list, or chooses or dismisses it, while it shows. */
static gboolean
key_pressed_cb (TsPromptEditor        *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;
  int index;

  if (self->completion_mark == NULL || !gtk_widget_get_visible (self->popover))
    return FALSE;

  row = gtk_list_box_get_selected_row (self->completions);
  index = row != NULL ? gtk_list_box_row_get_index (row) : -1;

  switch (keyval)
    {
    case GDK_KEY_Escape:
      _ts_prompt_editor_stop_completion (self);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_Tab:
      if (index >= 0)
        ts_prompt_editor_choose_completion (self, index);
      return TRUE;

    case GDK_KEY_Down:
    case GDK_KEY_Up:
      row = gtk_list_box_get_row_at_index (self->completions,
                                           index + (keyval == GDK_KEY_Down ? 1 : -1));
      if (row != NULL)
        gtk_list_box_select_row (self->completions, row);
      return TRUE;

    default:
      return FALSE;
    }
}

/* The list of widgets to mention, in a popover below the cursor, and the keys that move
 * in it while it shows. */
void
_ts_prompt_editor_init_completion (TsPromptEditor *self)
{
  GtkEventController *controller;

  self->completions = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->completions, GTK_SELECTION_BROWSE);
  gtk_list_box_set_activate_on_single_click (self->completions, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->completions),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Widgets to mention"), -1);
  g_signal_connect_object (self->completions, "row-activated", G_CALLBACK (row_activated_cb),
                           self, G_CONNECT_SWAPPED);

  self->popover = gtk_popover_new ();
  gtk_popover_set_autohide (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_BOTTOM);
  gtk_widget_set_can_focus (self->popover, FALSE);
  gtk_popover_set_child (GTK_POPOVER (self->popover), GTK_WIDGET (self->completions));
  gtk_widget_add_css_class (self->popover, "menu");
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * ts_prompt_editor_is_completing:
 * @self: a #TsPromptEditor
 *
 * Returns: %TRUE while the list of widgets to mention shows
 */
gboolean
ts_prompt_editor_is_completing (TsPromptEditor *self)
{
  g_return_val_if_fail (TS_IS_PROMPT_EDITOR (self), FALSE);

  return self->completion_mark != NULL && gtk_widget_get_visible (self->popover);
}

/**
 * ts_prompt_editor_list_completions:
 * @self: a #TsPromptEditor
 *
 * Returns: (transfer full): the titles the list of widgets to mention offers
 */
char **
ts_prompt_editor_list_completions (TsPromptEditor *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (TS_IS_PROMPT_EDITOR (self), NULL);

  if (ts_prompt_editor_is_completing (self))
    {
      for (int i = 0; ; i++)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->completions, i);

          if (row == NULL)
            break;
          g_strv_builder_add (builder,
                              gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (row))));
        }
    }

  return g_strv_builder_end (builder);
}

/**
 * ts_prompt_editor_choose_completion:
 * @self: a #TsPromptEditor
 * @index: a row of the list of widgets to mention
 *
 * Replaces the "@" and what follows it with a mention of the widget of row @index.
 *
 * Returns: %FALSE if there is no such row, or its widget cannot be mentioned here
 */
gboolean
ts_prompt_editor_choose_completion (TsPromptEditor *self,
                                    guint           index)
{
  GtkTextBuffer *buffer;
  GtkListBoxRow *row;
  GtkTextIter start, end;
  g_autofree char *id = NULL;

  g_return_val_if_fail (TS_IS_PROMPT_EDITOR (self), FALSE);

  if (!ts_prompt_editor_is_completing (self))
    return FALSE;

  row = gtk_list_box_get_row_at_index (self->completions, index);
  if (row == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return FALSE;

  id = g_strdup (g_object_get_data (G_OBJECT (row), MENTION_ID_KEY));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_get_iter_at_mark (buffer, &start, self->completion_mark);
  gtk_text_buffer_get_iter_at_mark (buffer, &end, gtk_text_buffer_get_insert (buffer));
  _ts_prompt_editor_stop_completion (self);

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &end);
  _ts_prompt_editor_insert_mention (self, &start, id);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_text_buffer_end_user_action (buffer);

  /* The buffer reports the insertion before it tags it: write the chip's id now. */
  _ts_prompt_editor_write_back (self, buffer);

  return TRUE;
}
