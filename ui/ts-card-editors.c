/* ts-card-editors.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ts-card-private.h"
#include "ts-document.h"
#include "ts-markdown.h"
#include "ts-prompt-editor.h"

/* What a card shows below its header: the editors of its block in Edit mode, the inputs
 * and outputs in Use mode. Each editor writes to the model on every change and follows
 * the model (undo, another window), so the card holds nothing of its own. */

#define EXCERPT_CHARS 280

/* Two-way link of an editable or a text buffer to a string field. */
typedef struct
{
  TsBlock *block;
  TsField  field;
  gboolean updating;
} FieldLink;

static void
field_link_free (gpointer data)
{
  FieldLink *link = data;

  g_clear_object (&link->block);
  g_free (link);
}

static char *
dup_buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
editable_changed_cb (GtkEditable *editable,
                     FieldLink   *link)
{
  if (!link->updating)
    ts_block_set_string (link->block, link->field, gtk_editable_get_text (editable));
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   FieldLink     *link)
{
  g_autofree char *text = NULL;

  if (link->updating)
    return;

  text = dup_buffer_text (buffer);
  ts_block_set_string (link->block, link->field, text);
}

static void
model_to_editable_cb (GtkEditable *editable)
{
  FieldLink *link = g_object_get_data (G_OBJECT (editable), "ts-field-link");
  const char *value = ts_block_get_string (link->block, link->field);

  if (g_strcmp0 (gtk_editable_get_text (editable), value) == 0)
    return;

  link->updating = TRUE;
  gtk_editable_set_text (editable, value);
  link->updating = FALSE;
}

static void
model_to_buffer_cb (GtkTextBuffer *buffer)
{
  FieldLink *link = g_object_get_data (G_OBJECT (buffer), "ts-field-link");
  const char *value = ts_block_get_string (link->block, link->field);
  g_autofree char *text = dup_buffer_text (buffer);

  if (g_strcmp0 (text, value) == 0)
    return;

  link->updating = TRUE;
  gtk_text_buffer_set_text (buffer, value, -1);
  link->updating = FALSE;
}

static FieldLink *
link_new (GObject *object,
          TsBlock *block,
          TsField  field)
{
  FieldLink *link = g_new0 (FieldLink, 1);

  link->block = g_object_ref (block);
  link->field = field;
  g_object_set_data_full (object, "ts-field-link", link, field_link_free);

  return link;
}

static char *
dup_notify_signal (TsField field)
{
  return g_strconcat ("notify::", ts_field_get_info (field)->name, NULL);
}

static GtkWidget *
bind_entry (TsBlock    *block,
            TsField     field,
            const char *label)
{
  GtkWidget *entry = gtk_entry_new ();
  FieldLink *link = link_new (G_OBJECT (entry), block, field);
  g_autofree char *signal = dup_notify_signal (field);

  gtk_editable_set_enable_undo (GTK_EDITABLE (entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (entry), ts_block_get_string (block, field));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (entry, "changed", G_CALLBACK (editable_changed_cb), link);
  g_signal_connect_object (block, signal, G_CALLBACK (model_to_editable_cb), entry,
                           G_CONNECT_SWAPPED);

  return entry;
}

/* A text view in a frame that grows with its text. */
static GtkWidget *
frame_text_view (GtkWidget  *view,
                 const char *label)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 60);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card-editor");
  gtk_widget_set_vexpand (scrolled, TRUE);

  return scrolled;
}

static GtkWidget *
bind_text_view (TsBlock    *block,
                TsField     field,
                const char *label)
{
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  FieldLink *link = link_new (G_OBJECT (buffer), block, field);
  g_autofree char *signal = dup_notify_signal (field);

  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  gtk_text_buffer_set_text (buffer, ts_block_get_string (block, field), -1);
  g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed_cb), link);
  g_signal_connect_object (block, signal, G_CALLBACK (model_to_buffer_cb), buffer,
                           G_CONNECT_SWAPPED);

  return frame_text_view (view, label);
}

/* A caption above @child. */
static GtkWidget *
labeled (const char *caption,
         GtkWidget  *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (caption);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), child);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);

  return box;
}

static GtkWidget *
vbox (void)
{
  return gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
}

/* A GtkTextView answers a height-for-width measure with the height of the width it
 * last laid out, and the resize it asks for when its layout catches up is lost while
 * the card is being allocated: the card then keeps the first answer, nothing at all or
 * a character a line. Until its size agrees with its text, it asks again on each frame. */
static gboolean
settle_text_view_cb (GtkWidget     *view,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  guint *frames = g_object_get_data (G_OBJECT (view), "ts-settle-frames");
  int width = gtk_widget_get_width (view);
  int natural = 0;

  if (width == 0)
    return G_SOURCE_CONTINUE;

  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
  if (natural == gtk_widget_get_height (view) || ++(*frames) > 30)
    {
      g_object_set_data (G_OBJECT (view), "ts-settle-frames", NULL);
      return G_SOURCE_REMOVE;
    }

  gtk_widget_queue_resize (view);
  return G_SOURCE_CONTINUE;
}

static void
settle_text_view (GtkWidget *view)
{
  if (g_object_get_data (G_OBJECT (view), "ts-settle-frames") != NULL)
    return;

  g_object_set_data_full (G_OBJECT (view), "ts-settle-frames", g_new0 (guint, 1), g_free);
  gtk_widget_add_tick_callback (view, settle_text_view_cb, NULL, NULL);
}

/* Markdown shown, not edited, following a string field. */
static void
render_markdown_cb (GtkTextView *view)
{
  FieldLink *link = g_object_get_data (G_OBJECT (view), "ts-field-link");

  ts_markdown_render (gtk_text_view_get_buffer (view), ts_block_get_string (link->block,
                                                                             link->field));
  settle_text_view (GTK_WIDGET (view));
}

static GtkWidget *
markdown_view (TsBlock *block,
               TsField  field)
{
  GtkWidget *view = ts_markdown_view_new (_("Formatted text"));
  g_autofree char *signal = dup_notify_signal (field);

  link_new (G_OBJECT (view), block, field);
  render_markdown_cb (GTK_TEXT_VIEW (view));
  g_signal_connect_object (block, signal, G_CALLBACK (render_markdown_cb), view,
                           G_CONNECT_SWAPPED);

  return view;
}

/* The output of a generating widget: text as Markdown, images, or a conversation. The
 * text view lives as long as the box and its size settles after each change (see above):
 * an output answered at once from the cache used to show empty, or far too tall. */
static void
update_output_cb (GtkWidget *box)
{
  TsBlock *block = g_object_get_data (G_OBJECT (box), "ts-block");
  GtkWidget *view = g_object_get_data (G_OBJECT (box), "ts-text-view");
  TsOutput *output = ts_block_get_output (block);
  const char *text = output != NULL ? ts_output_get_text (output) : "";
  GtkWidget *previous = NULL;
  GtkWidget *child;

  child = gtk_widget_get_first_child (box);
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != view)
        gtk_box_remove (GTK_BOX (box), child);
      child = next;
    }

  if (g_strcmp0 (text, g_object_get_data (G_OBJECT (view), "ts-text")) != 0)
    {
      ts_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text);
      g_object_set_data_full (G_OBJECT (view), "ts-text", g_strdup (text), g_free);
      settle_text_view (view);
    }
  gtk_widget_set_visible (view, text[0] != '\0');

  if (output == NULL || ts_output_is_empty (output))
    {
      GtkWidget *label = gtk_label_new (_("No output yet"));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_prepend (GTK_BOX (box), label);
      return;
    }

  /* The conversation comes before the text, the images after it. */
  for (guint i = 0; i < ts_output_get_n_messages (output); i++)
    {
      TsChatRole role;
      const char *message = ts_output_get_message (output, i, &role);
      GtkWidget *label = gtk_label_new (message);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_halign (label, role == TS_CHAT_ROLE_USER ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_widget_add_css_class (label, role == TS_CHAT_ROLE_USER ? "message-user"
                                                                 : "message-assistant");
      gtk_box_insert_child_after (GTK_BOX (box), label, previous);
      previous = label;
    }

  for (guint i = 0; i < ts_output_get_n_images (output); i++)
    {
      g_autoptr(GdkTexture) texture = NULL;
      gint64 seed;
      GBytes *png = ts_output_get_image (output, i, &seed);
      GtkWidget *picture;

      texture = gdk_texture_new_from_bytes (png, NULL);
      if (texture == NULL)
        continue;

      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_size_request (picture, -1, 160);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Generated image"), -1);
      gtk_box_append (GTK_BOX (box), picture);
    }
}

static void
message_activate_cb (GtkEntry *entry,
                     TsCard   *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (text[0] != '\0' && _ts_card_send_message (self, text))
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
message_icon_cb (GtkEntry             *entry,
                 GtkEntryIconPosition  position,
                 TsCard               *self)
{
  message_activate_cb (entry, self);
}

/* A chat takes a message at a time, run at once. */
static GtkWidget *
message_entry (TsCard *self)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Message"));
  gtk_entry_set_icon_from_icon_name (GTK_ENTRY (entry), GTK_ENTRY_ICON_SECONDARY,
                                     "mail-send-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message"), -1);
  g_signal_connect_object (entry, "activate", G_CALLBACK (message_activate_cb), self, 0);
  g_signal_connect_object (entry, "icon-release", G_CALLBACK (message_icon_cb), self, 0);

  return entry;
}

static GtkWidget *
output_view (TsCard  *self,
             TsBlock *block)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *view = ts_markdown_view_new (_("Output"));

  g_ptr_array_add (self->output_boxes, box);

  gtk_widget_add_css_class (box, "output");
  gtk_widget_set_vexpand (box, TRUE);
  g_object_set_data_full (G_OBJECT (box), "ts-block", g_object_ref (block), g_object_unref);

  gtk_box_append (GTK_BOX (box), view);
  g_object_set_data (G_OBJECT (box), "ts-text-view", view);
  update_output_cb (box);
  g_signal_connect_object (block, "notify::output", G_CALLBACK (update_output_cb), box,
                           G_CONNECT_SWAPPED);

  return box;
}

/**
 * _ts_card_refresh_outputs:
 * @self: a #TsCard
 *
 * Redraws the output views, whose output changed in place (streamed text).
 */
void
_ts_card_refresh_outputs (TsCard *self)
{
  for (guint i = 0; self->output_boxes != NULL && i < self->output_boxes->len; i++)
    update_output_cb (g_ptr_array_index (self->output_boxes, i));
}

static void
update_document_cb (GtkLabel *label)
{
  TsBlock *block = g_object_get_data (G_OBJECT (label), "ts-block");
  const char *name = ts_block_get_string (block, TS_FIELD_FILE_NAME);
  const char *content = ts_block_get_string (block, TS_FIELD_CONTENT);
  int size = ts_block_get_int (block, TS_FIELD_FILE_SIZE);
  glong n_chars = g_utf8_strlen (content, -1);
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *excerpt = NULL;

  if (name[0] == '\0' && content[0] == '\0')
    {
      gtk_label_set_text (label, _("No document chosen"));
      return;
    }

  /* The file's size is known for files chosen since it was kept. */
  if (size > 0)
    {
      g_autofree char *formatted = g_format_size (size);

      /* TRANSLATORS: a file's name and size, as "notes.pdf · 24.1 kB" */
      title = g_strdup_printf (_("%s · %s"), name[0] != '\0' ? name : _("Document"), formatted);
    }
  else
    {
      title = g_strdup (name[0] != '\0' ? name : _("Document"));
    }

  excerpt = g_utf8_substring (content, 0, MIN (n_chars, EXCERPT_CHARS));
  text = g_strdup_printf (ngettext ("%s · %'ld character\n\n%s%s",
                                    "%s · %'ld characters\n\n%s%s", n_chars),
                          title, n_chars, excerpt, n_chars > EXCERPT_CHARS ? "…" : "");
  gtk_label_set_text (label, text);
}

static GtkWidget *
document_summary (TsBlock *block)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  g_object_set_data_full (G_OBJECT (label), "ts-block", g_object_ref (block), g_object_unref);
  update_document_cb (GTK_LABEL (label));
  g_signal_connect_object (block, "notify::content", G_CALLBACK (update_document_cb), label,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (block, "notify::file-name", G_CALLBACK (update_document_cb), label,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (block, "notify::file-size", G_CALLBACK (update_document_cb), label,
                           G_CONNECT_SWAPPED);

  return label;
}

static GtkWidget *
prompt_editor (TsCard     *self,
               TsField     field,
               const char *label)
{
  GtkWidget *editor = ts_prompt_editor_new (self->playground, self->block, field);

  GtkWidget *frame = frame_text_view (editor, label);

  if (self->prompt_editor == NULL)
    self->prompt_editor = editor;
  /* The output below it takes the room the card has; the prompt keeps its own size. */
  gtk_widget_set_vexpand (frame, FALSE);
  return frame;
}

static void
preview_toggled_cb (GtkToggleButton *button,
                    GtkStack        *stack)
{
  gtk_stack_set_visible_child_name (stack, gtk_toggle_button_get_active (button) ? "preview"
                                                                                 : "source");
}

/**
 * _ts_card_build_editor:
 * @self: a #TsCard
 *
 * Returns: (transfer floating): the editors of the card's block, for Edit mode
 */
GtkWidget *
_ts_card_build_editor (TsCard *self)
{
  TsBlock *block = self->block;
  GtkWidget *box = vbox ();

  switch (ts_block_get_kind (block))
    {
    case TS_BLOCK_KIND_INPUT:
      {
        GtkWidget *multiline = gtk_switch_new ();
        GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
        GtkWidget *label = gtk_label_new (_("Several lines"));

        gtk_box_append (GTK_BOX (box), labeled (_("Placeholder"),
                                                bind_entry (block, TS_FIELD_PLACEHOLDER,
                                                            _("Placeholder"))));
        gtk_box_append (GTK_BOX (box), labeled (_("Default value"),
                                                bind_text_view (block, TS_FIELD_DEFAULT_VALUE,
                                                                _("Default value"))));
        gtk_widget_set_hexpand (label, TRUE);
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_widget_set_valign (multiline, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (multiline),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Several lines"), -1);
        g_object_bind_property (block, "multiline", multiline, "active",
                                G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
        gtk_box_append (GTK_BOX (row), label);
        gtk_box_append (GTK_BOX (row), multiline);
        gtk_box_append (GTK_BOX (box), row);
      }
      break;

    case TS_BLOCK_KIND_STATIC_TEXT:
      {
        GtkWidget *stack = gtk_stack_new ();
        GtkWidget *preview = gtk_toggle_button_new_with_mnemonic (_("_Preview"));

        gtk_stack_add_named (GTK_STACK (stack),
                             bind_text_view (block, TS_FIELD_CONTENT, _("Markdown text")),
                             "source");
        gtk_stack_add_named (GTK_STACK (stack), markdown_view (block, TS_FIELD_CONTENT),
                             "preview");
        gtk_stack_set_vhomogeneous (GTK_STACK (stack), FALSE);
        gtk_widget_set_halign (preview, GTK_ALIGN_START);
        gtk_widget_add_css_class (preview, "flat");
        g_signal_connect_object (preview, "toggled", G_CALLBACK (preview_toggled_cb), stack, 0);
        gtk_box_append (GTK_BOX (box), stack);
        gtk_box_append (GTK_BOX (box), preview);
      }
      break;

    case TS_BLOCK_KIND_DOCUMENT:
      {
        GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose File…"));

        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "card.choose-document");
        gtk_widget_set_halign (button, GTK_ALIGN_START);
        gtk_box_append (GTK_BOX (box), document_summary (block));
        gtk_box_append (GTK_BOX (box), button);
      }
      break;

    case TS_BLOCK_KIND_TEXT:
    case TS_BLOCK_KIND_IMAGE:
      gtk_box_append (GTK_BOX (box), prompt_editor (self, TS_FIELD_PROMPT, _("Prompt")));
      gtk_box_append (GTK_BOX (box), output_view (self, block));
      break;

    case TS_BLOCK_KIND_CHAT:
      gtk_box_append (GTK_BOX (box), labeled (_("Context"),
                                              prompt_editor (self, TS_FIELD_CONTEXT,
                                                             _("Context"))));
      gtk_box_append (GTK_BOX (box), output_view (self, block));
      gtk_box_append (GTK_BOX (box), message_entry (self));
      break;

    default:
      g_assert_not_reached ();
    }

  return box;
}

static void
update_input_mode_cb (GtkStack *stack)
{
  TsBlock *block = g_object_get_data (G_OBJECT (stack), "ts-block");

  gtk_stack_set_visible_child_name (stack, ts_block_get_boolean (block, TS_FIELD_MULTILINE)
                                           ? "multi" : "single");
}

static void
update_placeholder_cb (GtkEntry *entry)
{
  TsBlock *block = g_object_get_data (G_OBJECT (entry), "ts-block");

  gtk_entry_set_placeholder_text (entry, ts_block_get_string (block, TS_FIELD_PLACEHOLDER));
}

/* What a user types into an input in Use mode is its output: a run's input, which
 * mentions of it stand for, not part of the document's definition. */
static void
set_typed_value (TsBlock    *block,
                 const char *text)
{
  g_autoptr(TsOutput) output = ts_output_new ();

  ts_output_set_text (output, text);
  ts_block_set_output (block, output);
}

static void
typed_in_entry_cb (GtkEditable *editable)
{
  set_typed_value (g_object_get_data (G_OBJECT (editable), "ts-block"),
                   gtk_editable_get_text (editable));
}

static void
typed_in_buffer_cb (GtkTextBuffer *buffer,
                    TsBlock       *block)
{
  g_autofree char *text = dup_buffer_text (buffer);

  set_typed_value (block, text);
}

/* Use mode: the value a user types is a run's input, not part of the document. */
static GtkWidget *
input_view (TsBlock *block)
{
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *view = gtk_text_view_new ();
  const char *value = ts_block_get_string (block, TS_FIELD_DEFAULT_VALUE);

  gtk_editable_set_text (GTK_EDITABLE (entry), value);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), value, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ts_block_get_title (block), -1);
  g_object_set_data_full (G_OBJECT (entry), "ts-block", g_object_ref (block), g_object_unref);
  update_placeholder_cb (GTK_ENTRY (entry));
  g_signal_connect_object (block, "notify::placeholder", G_CALLBACK (update_placeholder_cb),
                           entry, G_CONNECT_SWAPPED);
  g_signal_connect (entry, "changed", G_CALLBACK (typed_in_entry_cb), NULL);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                           G_CALLBACK (typed_in_buffer_cb), block, 0);

  gtk_stack_add_named (GTK_STACK (stack), entry, "single");
  gtk_stack_add_named (GTK_STACK (stack), frame_text_view (view, ts_block_get_title (block)),
                       "multi");
  gtk_stack_set_vhomogeneous (GTK_STACK (stack), FALSE);
  g_object_set_data_full (G_OBJECT (stack), "ts-block", g_object_ref (block), g_object_unref);
  update_input_mode_cb (GTK_STACK (stack));
  g_signal_connect_object (block, "notify::multiline", G_CALLBACK (update_input_mode_cb), stack,
                           G_CONNECT_SWAPPED);

  return stack;
}

/**
 * _ts_card_build_view:
 * @self: a #TsCard
 *
 * Returns: (transfer floating): the inputs and outputs of the card's block, for Use mode
 */
GtkWidget *
_ts_card_build_view (TsCard *self)
{
  TsBlock *block = self->block;
  GtkWidget *box = vbox ();

  switch (ts_block_get_kind (block))
    {
    case TS_BLOCK_KIND_INPUT:
      gtk_box_append (GTK_BOX (box), input_view (block));
      break;

    case TS_BLOCK_KIND_STATIC_TEXT:
      gtk_box_append (GTK_BOX (box), markdown_view (block, TS_FIELD_CONTENT));
      break;

    case TS_BLOCK_KIND_DOCUMENT:
      gtk_box_append (GTK_BOX (box), document_summary (block));
      break;

    case TS_BLOCK_KIND_TEXT:
    case TS_BLOCK_KIND_IMAGE:
      gtk_box_append (GTK_BOX (box), output_view (self, block));
      break;

    case TS_BLOCK_KIND_CHAT:
      gtk_box_append (GTK_BOX (box), output_view (self, block));
      gtk_box_append (GTK_BOX (box), message_entry (self));
      break;

    default:
      g_assert_not_reached ();
    }

  return box;
}

typedef struct
{
  TsCard *card;
  char   *name;
} DocumentLoad;

static void
document_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  DocumentLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  g_autofree char *text = ts_document_load_finish (result, &size, &error);
  TsCard *self = load->card;

  if (text != NULL)
    {
      ts_block_set_string (self->block, TS_FIELD_FILE_NAME, load->name);
      ts_block_set_int (self->block, TS_FIELD_FILE_SIZE, (int) size);
      ts_block_set_string (self->block, TS_FIELD_CONTENT, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog;

      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Could not read the document"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

  g_object_unref (load->card);
  g_free (load->name);
  g_free (load);
}

static void
chooser_response_cb (TsCard               *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (file != NULL)
    _ts_card_load_document (self, file);

  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
}

/**
 * _ts_card_load_document:
 * @self: a #TsCard of a document block
 * @file: the document chosen
 *
 * Reads @file on a worker thread and puts its name, size and text into the block; says
 * what went wrong in a dialog when it cannot.
 */
void
_ts_card_load_document (TsCard *self,
                        GFile  *file)
{
  DocumentLoad *load = g_new0 (DocumentLoad, 1);
  g_autofree char *basename = g_file_get_basename (file);

  load->card = g_object_ref (self);
  load->name = g_filename_display_name (basename);
  ts_document_load_async (file, self->cancellable, document_loaded_cb, load);
}

/**
 * _ts_card_choose_document:
 * @self: a #TsCard of a document block
 *
 * Asks for a file and puts its text into the block.
 */
void
_ts_card_choose_document (TsCard *self)
{
  static const char * const suffixes[] = {  /* any case: REPORT.PDF is a PDF too */
    "txt", "md", "markdown", "csv", "json", "html", "htm", "pdf", NULL,
  };
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("Documents"));
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose a Document"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Choose"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}
