/* ts-prompt-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-prompt-editor.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-prompt-editor-private.h"
#include "ts-template.h"

/* The editor of a template field (a prompt, a system prompt, a chat's context). The
 * model stores mentions by id; the editor shows each as a chip, "@Title", made of text
 * under a tag of its own that carries the id. A chip is atomic: typing inside it types
 * after it, and deleting part of it deletes all of it. Every change of the text writes
 * the template back to the model; a change of the model (undo, a rename) rebuilds the
 * text. Typing "@" opens a list of the other widgets to mention. */

G_DEFINE_FINAL_TYPE (TsPromptEditor, ts_prompt_editor, GTK_TYPE_TEXT_VIEW)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_BLOCK,
  PROP_FIELD,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];


GtkTextTag *
_ts_prompt_editor_get_mention_tag (const GtkTextIter *iter)
{
  GSList *tags = gtk_text_iter_get_tags (iter);
  GtkTextTag *found = NULL;

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      if (g_object_get_data (l->data, MENTION_ID_KEY) != NULL)
        {
          found = l->data;
          break;
        }
    }
  g_slist_free (tags);

  return found;
}

/* Whether @target mentions @self_id, directly or through other widgets. */
static gboolean
depends_on (TsPlayground *playground,
            TsBlock      *target,
            const char   *self_id,
            GHashTable   *visited)
{
  g_auto(GStrv) upstream = NULL;

  if (!g_hash_table_add (visited, (gpointer) ts_block_get_id (target)))
    return FALSE;

  upstream = ts_block_dup_upstream_ids (target);
  for (guint i = 0; upstream[i] != NULL; i++)
    {
      TsBlock *next;

      if (g_str_equal (upstream[i], self_id))
        return TRUE;

      next = ts_playground_lookup_block (playground, upstream[i]);
      if (next != NULL && depends_on (playground, next, self_id, visited))
        return TRUE;
    }

  return FALSE;
}

/**
 * ts_prompt_editor_dup_invalid_reason:
 * @self: a #TsPromptEditor
 * @id: a mentioned widget id
 *
 * Returns: (transfer full) (nullable): why mentioning @id here cannot run, or %NULL
 */
char *
ts_prompt_editor_dup_invalid_reason (TsPromptEditor *self,
                                     const char     *id)
{
  g_autoptr(GHashTable) visited = NULL;
  TsBlock *target;

  g_return_val_if_fail (TS_IS_PROMPT_EDITOR (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  target = ts_playground_lookup_block (self->playground, id);
  if (target == NULL)
    return g_strdup (_("This widget was deleted"));

  if (target == self->block)
    return g_strdup (_("A widget cannot use its own output"));

  visited = g_hash_table_new (g_str_hash, g_str_equal);
  if (depends_on (self->playground, target, ts_block_get_id (self->block), visited))
    /* Translators: %s is a widget title */
    return g_strdup_printf (_("“%s” uses this widget’s output: the mentions form a cycle"),
                            ts_block_get_title (target));

  return NULL;
}

void
_ts_prompt_editor_insert_mention (TsPromptEditor *self,
                                  GtkTextIter    *iter,
                                  const char     *id)
{
  TsBlock *target = ts_playground_lookup_block (self->playground, id);
  g_autofree char *text = NULL;
  g_autofree char *reason = ts_prompt_editor_dup_invalid_reason (self, id);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextTag *tag;

  tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  g_object_set_data_full (G_OBJECT (tag), MENTION_ID_KEY, g_strdup (id), g_free);

  if (target != NULL)
    text = g_strconcat ("@", ts_block_get_title (target), NULL);
  else if (ts_playground_get_removed_title (self->playground, id) != NULL)
    /* A deleted widget by the title it had: the tag keeps its id for the template. */
    text = g_strconcat ("@", ts_playground_get_removed_title (self->playground, id), NULL);
  else
    text = g_strdup_printf ("@[%s]", id);

  gtk_text_buffer_insert_with_tags (buffer, iter, text, -1, tag, self->mention_tag,
                                    reason != NULL ? self->invalid_tag : NULL, NULL);
}

static void
collect_tag (GtkTextTag *tag,
             gpointer    user_data)
{
  g_ptr_array_add (user_data, tag);
}

/* Builds the text from the model. */
static void
load (TsPromptEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const char *tmpl = ts_block_get_string (self->block, self->field);
  g_autoptr(GPtrArray) parts = ts_template_parse (tmpl, NULL);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextIter iter;
  int cursor;
  g_autoptr(GPtrArray) old_tags = g_ptr_array_new ();

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  cursor = gtk_text_iter_get_offset (&iter);

  self->loading = TRUE;
  gtk_text_buffer_set_text (buffer, "", 0);

  /* Drop the chips' tags of the text just cleared. */
  gtk_text_tag_table_foreach (table, collect_tag, old_tags);
  for (guint i = 0; i < old_tags->len; i++)
    {
      if (g_object_get_data (g_ptr_array_index (old_tags, i), MENTION_ID_KEY) != NULL)
        gtk_text_tag_table_remove (table, g_ptr_array_index (old_tags, i));
    }

  gtk_text_buffer_get_start_iter (buffer, &iter);

  if (parts == NULL)
    gtk_text_buffer_insert (buffer, &iter, tmpl, -1);
  else
    {
      for (guint i = 0; i < parts->len; i++)
        {
          const TsTemplatePart *part = g_ptr_array_index (parts, i);

          if (part->kind == TS_TEMPLATE_PART_TEXT)
            gtk_text_buffer_insert (buffer, &iter, part->value, -1);
          else
            _ts_prompt_editor_insert_mention (self, &iter, part->value);
        }
    }

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, cursor);
  gtk_text_buffer_place_cursor (buffer, &iter);
  self->loading = FALSE;
}

/* The template the text stands for. */
static char *
dup_template (TsPromptEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GString *out = g_string_new (NULL);
  GtkTextIter start, end;

  gtk_text_buffer_get_start_iter (buffer, &start);

  while (!gtk_text_iter_is_end (&start))
    {
      GtkTextTag *tag = _ts_prompt_editor_get_mention_tag (&start);

      end = start;
      gtk_text_iter_forward_to_tag_toggle (&end, tag);

      if (tag != NULL)
        {
          g_autofree char *mention = ts_template_mention (g_object_get_data (G_OBJECT (tag),
                                                                             MENTION_ID_KEY));

          g_string_append (out, mention);
        }
      else
        {
          /* Up to the next chip, whatever other tags toggle on the way. */
          g_autofree char *text = NULL;
          g_autofree char *escaped = NULL;

          while (!gtk_text_iter_is_end (&end) && _ts_prompt_editor_get_mention_tag (&end) == NULL)
            gtk_text_iter_forward_to_tag_toggle (&end, NULL);

          text = gtk_text_iter_get_slice (&start, &end);
          escaped = ts_template_escape (text);
          g_string_append (out, escaped);
        }

      start = end;
    }

  return g_string_free (out, FALSE);
}

void
_ts_prompt_editor_write_back (TsPromptEditor *self,
                              GtkTextBuffer  *buffer)
{
  g_autofree char *tmpl = NULL;

  if (self->loading)
    return;

  tmpl = dup_template (self);
  ts_block_set_string (self->block, self->field, tmpl);
}

static void
insert_text_cb (TsPromptEditor *self,
                GtkTextIter    *location,
                const char     *text,
                int             length,
                GtkTextBuffer  *buffer)
{
  GtkTextTag *tag;

  if (self->loading)
    return;

  /* Typing inside a chip types after it. */
  tag = _ts_prompt_editor_get_mention_tag (location);
  if (tag != NULL && !gtk_text_iter_starts_tag (location, tag))
    gtk_text_iter_forward_to_tag_toggle (location, tag);
}

static void
insert_text_after_cb (TsPromptEditor *self,
                      GtkTextIter    *location,
                      const char     *text,
                      int            length,
                      GtkTextBuffer  *buffer)
{
  GtkTextIter at;

  if (self->loading || length != 1 || text[0] != '@')
    return;

  at = *location;
  gtk_text_iter_backward_char (&at);

  if (self->completion_mark == NULL)
    self->completion_mark = gtk_text_buffer_create_mark (buffer, NULL, &at, TRUE);
  else
    gtk_text_buffer_move_mark (buffer, self->completion_mark, &at);

  _ts_prompt_editor_update_completion (self);
}

static void
delete_range_cb (TsPromptEditor *self,
                 GtkTextIter    *start,
                 GtkTextIter    *end,
                 GtkTextBuffer  *buffer)
{
  GtkTextTag *tag;
  GtkTextIter before_end;

  if (self->loading)
    return;

  /* Deleting part of a chip deletes all of it. */
  tag = _ts_prompt_editor_get_mention_tag (start);
  if (tag != NULL && !gtk_text_iter_starts_tag (start, tag))
    gtk_text_iter_backward_to_tag_toggle (start, tag);

  before_end = *end;
  if (gtk_text_iter_backward_char (&before_end))
    {
      tag = _ts_prompt_editor_get_mention_tag (&before_end);
      if (tag != NULL && gtk_text_iter_has_tag (end, tag))
        gtk_text_iter_forward_to_tag_toggle (end, tag);
    }
}

static void
cursor_moved_cb (TsPromptEditor *self)
{
  if (self->completion_mark != NULL && !self->loading)
    _ts_prompt_editor_update_completion (self);
}

static void
buffer_changed_after_cb (TsPromptEditor *self)
{
  cursor_moved_cb (self);
}

static gboolean
query_tooltip_cb (TsPromptEditor *self,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip)
{
  GtkTextIter iter;
  GtkTextTag *tag;
  int bx, by;
  g_autofree char *reason = NULL;

  if (keyboard)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
    }
  else
    {
      gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                             x, y, &bx, &by);
      if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), &iter, bx, by))
        return FALSE;
    }

  tag = _ts_prompt_editor_get_mention_tag (&iter);
  if (tag == NULL)
    return FALSE;

  reason = ts_prompt_editor_dup_invalid_reason (self, g_object_get_data (G_OBJECT (tag),
                                                                         MENTION_ID_KEY));
  if (reason == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, reason);
  return TRUE;
}

static void
model_changed_cb (TsPromptEditor *self)
{
  g_autofree char *tmpl = dup_template (self);

  if (g_strcmp0 (tmpl, ts_block_get_string (self->block, self->field)) != 0)
    load (self);
}

static void
playground_block_changed_cb (TsPromptEditor *self,
                             TsBlock        *block,
                             const char     *property)
{
  GParamSpec *pspec;

  if (block == self->block)
    return;

  /* Titles show in chips, and a mention elsewhere can make a cycle through this one. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (block), property);
  if (g_str_equal (property, "title") ||
      (pspec != NULL && pspec->value_type == G_TYPE_STRING &&
       (g_str_equal (property, "prompt") || g_str_equal (property, "system-prompt") ||
        g_str_equal (property, "context") || g_str_equal (property, "negative-prompt"))))
    load (self);
}

static void
playground_items_changed_cb (TsPromptEditor *self)
{
  load (self);
}

static void
ts_prompt_editor_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  TsPromptEditor *self = TS_PROMPT_EDITOR (widget);

  GTK_WIDGET_CLASS (ts_prompt_editor_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->popover != NULL && gtk_widget_get_visible (self->popover))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
      GdkRectangle rect;
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &iter, &rect);
      gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                             rect.x, rect.y, &rect.x, &rect.y);
      rect.width = MAX (rect.width, 1);
      gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
      gtk_popover_present (GTK_POPOVER (self->popover));
    }
}

static void
ts_prompt_editor_constructed (GObject *object)
{
  TsPromptEditor *self = (TsPromptEditor *) object;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autofree char *signal = NULL;

  G_OBJECT_CLASS (ts_prompt_editor_parent_class)->constructed (object);

  g_assert (TS_IS_PLAYGROUND (self->playground));
  g_assert (TS_IS_BLOCK (self->block));
  g_assert (ts_field_get_info (self->field)->type == TS_FIELD_TYPE_TEMPLATE);

  /* Undo is the playground's, so one Ctrl+Z takes back any edit, here or elsewhere. */
  gtk_text_buffer_set_enable_undo (buffer, FALSE);

  self->mention_tag = gtk_text_buffer_create_tag (buffer, "mention", NULL);
  g_object_set (self->mention_tag,
                "weight", PANGO_WEIGHT_BOLD,
                "background", "rgba(53,132,228,0.18)",
                NULL);
  self->invalid_tag = gtk_text_buffer_create_tag (buffer, "invalid", NULL);
  g_object_set (self->invalid_tag,
                "underline", PANGO_UNDERLINE_ERROR,
                "background", "rgba(224,27,36,0.15)",
                NULL);

  load (self);

  g_signal_connect_object (buffer, "changed", G_CALLBACK (_ts_prompt_editor_write_back), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed_after_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (buffer, "insert-text", G_CALLBACK (insert_text_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "insert-text", G_CALLBACK (insert_text_after_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (buffer, "delete-range", G_CALLBACK (delete_range_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "notify::cursor-position", G_CALLBACK (cursor_moved_cb), self,
                           G_CONNECT_SWAPPED);

  signal = g_strconcat ("notify::", ts_field_get_info (self->field)->name, NULL);
  g_signal_connect_object (self->block, signal, G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playground, "block-changed",
                           G_CALLBACK (playground_block_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playground, "items-changed",
                           G_CALLBACK (playground_items_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
ts_prompt_editor_dispose (GObject *object)
{
  TsPromptEditor *self = (TsPromptEditor *) object;

  _ts_prompt_editor_stop_completion (self);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_object (&self->block);
  g_clear_object (&self->playground);

  G_OBJECT_CLASS (ts_prompt_editor_parent_class)->dispose (object);
}

static void
ts_prompt_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TsPromptEditor *self = TS_PROMPT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    case PROP_BLOCK:
      g_value_set_object (value, self->block);
      break;

    case PROP_FIELD:
      g_value_set_uint (value, self->field);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_prompt_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TsPromptEditor *self = TS_PROMPT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      self->playground = g_value_dup_object (value);
      break;

    case PROP_BLOCK:
      self->block = g_value_dup_object (value);
      break;

    case PROP_FIELD:
      self->field = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_prompt_editor_class_init (TsPromptEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ts_prompt_editor_constructed;
  object_class->dispose = ts_prompt_editor_dispose;
  object_class->get_property = ts_prompt_editor_get_property;
  object_class->set_property = ts_prompt_editor_set_property;

  widget_class->size_allocate = ts_prompt_editor_size_allocate;

  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BLOCK] =
    g_param_spec_object ("block", NULL, NULL, TS_TYPE_BLOCK,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FIELD] =
    g_param_spec_uint ("field", NULL, NULL, 0, TS_N_FIELDS - 1, TS_FIELD_PROMPT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "textview");
}

static void
ts_prompt_editor_init (TsPromptEditor *self)
{
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "prompt-editor");
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  _ts_prompt_editor_init_completion (self);
}

/**
 * ts_prompt_editor_new:
 * @playground: the playground of @block
 * @block: the block to edit
 * @field: a template field of @block
 *
 * Returns: (transfer floating): a new editor
 */
GtkWidget *
ts_prompt_editor_new (TsPlayground *playground,
                      TsBlock      *block,
                      TsField       field)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);
  g_return_val_if_fail (ts_block_kind_has_field (ts_block_get_kind (block), field), NULL);

  return g_object_new (TS_TYPE_PROMPT_EDITOR,
                       "playground", playground,
                       "block", block,
                       "field", field,
                       NULL);
}

