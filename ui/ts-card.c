/* ts-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-card.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-template.h"

/* A card draws one block: its kind, its title and a one-paragraph summary. It keeps no
 * copy of the block's state: every change of the block, and every change of another
 * block that a mention in the summary shows by title, redraws the labels from the model. */

/* Longest summary, in characters, before the label's own line limit applies. */
#define SUMMARY_MAX_CHARS 400

struct _TsCard
{
  GtkWidget     parent_instance;

  TsBlock      *block;
  TsPlayground *playground;

  GtkImage     *kind_icon;
  GtkLabel     *kind_label;
  GtkLabel     *title_label;
  GtkLabel     *summary_label;
  GtkLabel     *details_label;
};

G_DEFINE_FINAL_TYPE (TsCard, ts_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BLOCK,
  PROP_PLAYGROUND,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* The summary is one paragraph of Pango markup built from the model's text, so that the
 * label's line limit holds (Pango limits lines per paragraph). Runs of white space fold
 * into one space; a blank line, a Markdown heading or a list item starts a new part after
 * a " · ", its marker dropped. Mentions stand out in bold. It stops at SUMMARY_MAX_CHARS. */
typedef struct
{
  GString  *markup;
  guint     n_chars;
  gboolean  pending_space;
  guint     pending_breaks;
  gboolean  at_line_start;
  gboolean  line_is_block;
  gboolean  last_line_is_block;
  gboolean  truncated;
} Summary;

static void
summary_init (Summary *summary)
{
  memset (summary, 0, sizeof *summary);
  summary->markup = g_string_new (NULL);
  summary->at_line_start = TRUE;
}

/* Skips a Markdown block marker ("## ", "- ", "* ", "+ ", "> ") at @p, if there is one. */
static const char *
skip_block_marker (const char *p)
{
  const char *q = p;

  if (*q == '#')
    {
      while (*q == '#')
        q++;
    }
  else if (*q == '-' || *q == '*' || *q == '+' || *q == '>')
    q++;
  else
    return p;

  if (*q != ' ' && *q != '\t')
    return p;

  while (*q == ' ' || *q == '\t')
    q++;

  return q;
}

/* Writes the separator that the white space before the next character stands for. */
static void
summary_begin_char (Summary *summary)
{
  if (summary->n_chars > 0 && summary->pending_breaks > 0 &&
      (summary->pending_breaks > 1 || summary->line_is_block || summary->last_line_is_block))
    g_string_append (summary->markup, " · ");
  else if (summary->n_chars > 0 && (summary->pending_breaks > 0 || summary->pending_space))
    g_string_append_c (summary->markup, ' ');

  summary->pending_space = FALSE;
  summary->pending_breaks = 0;
  summary->at_line_start = FALSE;
}

static void
summary_append_text (Summary    *summary,
                     const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      char buf[7] = { 0 };
      g_autofree char *escaped = NULL;

      if (c == '\n')
        {
          /* A blank line does not count as the line before the next one. */
          if (!summary->at_line_start)
            summary->last_line_is_block = summary->line_is_block;
          summary->pending_breaks++;
          summary->at_line_start = TRUE;
          summary->line_is_block = FALSE;
          p++;
          continue;
        }

      if (g_unichar_isspace (c))
        {
          summary->pending_space = TRUE;
          p = g_utf8_next_char (p);
          continue;
        }

      if (summary->at_line_start && !summary->line_is_block)
        {
          const char *after = skip_block_marker (p);

          if (after != p)
            {
              summary->line_is_block = TRUE;
              p = after;
              continue;
            }
        }

      if (summary->n_chars >= SUMMARY_MAX_CHARS)
        {
          summary->truncated = TRUE;
          return;
        }

      summary_begin_char (summary);
      g_unichar_to_utf8 (c, buf);
      escaped = g_markup_escape_text (buf, -1);
      g_string_append (summary->markup, escaped);
      summary->n_chars++;
      p = g_utf8_next_char (p);
    }
}

static void
summary_append_mention (Summary    *summary,
                        const char *mention)
{
  g_autofree char *escaped = NULL;

  if (summary->n_chars >= SUMMARY_MAX_CHARS)
    {
      summary->truncated = TRUE;
      return;
    }

  summary_begin_char (summary);
  escaped = g_markup_escape_text (mention, -1);
  g_string_append_printf (summary->markup, "<b>%s</b>", escaped);
  summary->n_chars += g_utf8_strlen (mention, -1);
}

static const char *
get_field (TsCard  *self,
           TsField  field)
{
  if (!ts_block_kind_has_field (ts_block_get_kind (self->block), field))
    return "";

  return ts_block_get_string (self->block, field);
}

/* Appends a field as a person reads it: a template's mentions show the title of the
 * widget they name, or the stored id when there is no such widget. */
static void
summary_append_field (Summary *summary,
                      TsCard  *self,
                      TsField  field)
{
  const char *value = get_field (self, field);
  g_autoptr(GPtrArray) parts = NULL;

  if (ts_field_get_info (field)->type == TS_FIELD_TYPE_TEMPLATE)
    parts = ts_template_parse (value, NULL);

  if (parts == NULL)
    {
      summary_append_text (summary, value);
      return;
    }

  for (guint i = 0; i < parts->len; i++)
    {
      const TsTemplatePart *part = g_ptr_array_index (parts, i);
      TsBlock *target = NULL;
      g_autofree char *mention = NULL;

      if (part->kind == TS_TEMPLATE_PART_TEXT)
        {
          summary_append_text (summary, part->value);
          continue;
        }

      if (self->playground != NULL)
        target = ts_playground_lookup_block (self->playground, part->value);

      if (target != NULL)
        mention = g_strconcat ("@", ts_block_get_title (target), NULL);
      else
        mention = g_strdup_printf ("@[%s]", part->value);

      summary_append_mention (summary, mention);
    }
}

static gboolean
field_is_empty (TsCard  *self,
                TsField  field)
{
  const char *value = get_field (self, field);

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/* Returns the summary as markup, and sets @is_placeholder when it stands in for content
 * the block does not have. */
static char *
dup_summary_markup (TsCard   *self,
                    gboolean *is_placeholder)
{
  Summary summary;
  TsField field;
  const char *empty_text = NULL;

  *is_placeholder = FALSE;
  summary_init (&summary);

  switch (ts_block_get_kind (self->block))
    {
    case TS_BLOCK_KIND_INPUT:
      if (field_is_empty (self, TS_FIELD_DEFAULT_VALUE) &&
          !field_is_empty (self, TS_FIELD_PLACEHOLDER))
        {
          field = TS_FIELD_PLACEHOLDER;
          *is_placeholder = TRUE;
        }
      else
        field = TS_FIELD_DEFAULT_VALUE;
      empty_text = _("No default value");
      break;

    case TS_BLOCK_KIND_STATIC_TEXT:
      field = TS_FIELD_CONTENT;
      empty_text = _("No text yet");
      break;

    case TS_BLOCK_KIND_DOCUMENT:
      field = TS_FIELD_CONTENT;
      empty_text = _("No document attached");
      break;

    case TS_BLOCK_KIND_TEXT:
    case TS_BLOCK_KIND_IMAGE:
      field = TS_FIELD_PROMPT;
      empty_text = _("No prompt yet");
      break;

    case TS_BLOCK_KIND_CHAT:
      field = field_is_empty (self, TS_FIELD_SYSTEM_PROMPT) ? TS_FIELD_CONTEXT
                                                            : TS_FIELD_SYSTEM_PROMPT;
      empty_text = _("No instructions yet");
      break;

    default:
      g_assert_not_reached ();
    }

  summary_append_field (&summary, self, field);

  if (summary.n_chars == 0)
    {
      *is_placeholder = TRUE;
      summary_append_text (&summary, empty_text);
    }
  else if (summary.truncated)
    g_string_append (summary.markup, "…");

  return g_string_free (summary.markup, FALSE);
}

/* Generating kinds name their provider and model; an empty one defers to the playground's
 * defaults, and those to the user's preference. */
static char *
dup_details (TsCard *self)
{
  TsBlockKind kind = ts_block_get_kind (self->block);
  const char *provider;
  const char *model;

  if (kind == TS_BLOCK_KIND_DOCUMENT)
    return g_strdup (get_field (self, TS_FIELD_FILE_NAME));

  if (!ts_block_kind_has_field (kind, TS_FIELD_PROVIDER))
    return g_strdup ("");

  provider = get_field (self, TS_FIELD_PROVIDER);
  model = get_field (self, TS_FIELD_MODEL);

  if (self->playground != NULL)
    {
      gboolean image = kind == TS_BLOCK_KIND_IMAGE;

      if (provider[0] == '\0')
        provider = ts_playground_get_setting (self->playground,
                                              image ? "image-provider" : "text-provider");
      if (model[0] == '\0')
        model = ts_playground_get_setting (self->playground,
                                           image ? "image-model" : "text-model");
    }

  if (provider[0] != '\0' && model[0] != '\0')
    /* Translators: a widget's model provider and model, such as "ollama · llama3.2" */
    return g_strdup_printf (_("%s · %s"), provider, model);
  else if (provider[0] != '\0')
    return g_strdup (provider);
  else if (model[0] != '\0')
    return g_strdup (model);
  else
    return g_strdup (_("Default model"));
}

static void
update_summary (TsCard *self)
{
  g_autofree char *markup = NULL;
  g_autofree char *details = NULL;
  gboolean is_placeholder;

  g_assert (TS_IS_CARD (self));

  markup = dup_summary_markup (self, &is_placeholder);
  gtk_label_set_markup (self->summary_label, markup);

  if (is_placeholder)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "empty");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "empty");
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "dim-label");
    }

  details = dup_details (self);
  gtk_label_set_text (self->details_label, details);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), details[0] != '\0');
}

static void
update_title (TsCard *self)
{
  const char *title = ts_block_get_title (self->block);

  g_assert (TS_IS_CARD (self));

  gtk_label_set_text (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
}

static void
block_notify_cb (TsCard     *self,
                 GParamSpec *pspec,
                 TsBlock    *block)
{
  g_assert (TS_IS_CARD (self));
  g_assert (TS_IS_BLOCK (block));

  /* Outputs and the layout cell are not part of what a card shows. */
  if (g_str_equal (pspec->name, "output") ||
      g_str_equal (pspec->name, "column") || g_str_equal (pspec->name, "row") ||
      g_str_equal (pspec->name, "column-span") || g_str_equal (pspec->name, "row-span"))
    return;

  if (g_str_equal (pspec->name, "title"))
    update_title (self);
  else
    update_summary (self);
}

/* A mention shows the title of the widget it names, so renaming another widget, or
 * adding or removing one, can change this card's summary. */
static void
playground_block_changed_cb (TsCard       *self,
                             TsBlock      *block,
                             const char   *property,
                             TsPlayground *playground)
{
  g_assert (TS_IS_CARD (self));

  if (block != self->block && g_strcmp0 (property, "title") == 0)
    update_summary (self);
}

static void
playground_items_changed_cb (TsCard     *self,
                             guint       position,
                             guint       removed,
                             guint       added,
                             GListModel *model)
{
  g_assert (TS_IS_CARD (self));

  update_summary (self);
}

static void
playground_setting_changed_cb (TsCard       *self,
                               GParamSpec   *pspec,
                               TsPlayground *playground)
{
  g_assert (TS_IS_CARD (self));

  update_summary (self);
}

static void
ts_card_constructed (GObject *object)
{
  TsCard *self = (TsCard *) object;
  TsBlockKind kind;

  G_OBJECT_CLASS (ts_card_parent_class)->constructed (object);

  g_return_if_fail (TS_IS_BLOCK (self->block));

  kind = ts_block_get_kind (self->block);
  gtk_image_set_from_icon_name (self->kind_icon, ts_block_kind_get_icon_name (kind));
  gtk_label_set_text (self->kind_label, ts_block_kind_get_display_name (kind));

  g_signal_connect_object (self->block, "notify", G_CALLBACK (block_notify_cb), self,
                           G_CONNECT_SWAPPED);

  if (self->playground != NULL)
    {
      const char * const *keys = ts_playground_list_setting_keys ();

      g_signal_connect_object (self->playground, "block-changed",
                               G_CALLBACK (playground_block_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->playground, "items-changed",
                               G_CALLBACK (playground_items_changed_cb), self,
                               G_CONNECT_SWAPPED);

      for (guint i = 0; keys[i] != NULL; i++)
        {
          g_autofree char *signal = g_strconcat ("notify::", keys[i], NULL);

          g_signal_connect_object (self->playground, signal,
                                   G_CALLBACK (playground_setting_changed_cb), self,
                                   G_CONNECT_SWAPPED);
        }
    }

  update_title (self);
  update_summary (self);
}

static void
ts_card_dispose (GObject *object)
{
  TsCard *self = (TsCard *) object;

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_CARD);

  /* The template's root box is not a bound child, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->block);
  g_clear_object (&self->playground);

  G_OBJECT_CLASS (ts_card_parent_class)->dispose (object);
}

static void
ts_card_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TsCard *self = TS_CARD (object);

  switch (prop_id)
    {
    case PROP_BLOCK:
      g_value_set_object (value, self->block);
      break;

    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_card_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  TsCard *self = TS_CARD (object);

  switch (prop_id)
    {
    case PROP_BLOCK:
      self->block = g_value_dup_object (value);
      break;

    case PROP_PLAYGROUND:
      self->playground = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_card_class_init (TsCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ts_card_constructed;
  object_class->dispose = ts_card_dispose;
  object_class->get_property = ts_card_get_property;
  object_class->set_property = ts_card_set_property;

  properties[PROP_BLOCK] =
    g_param_spec_object ("block", NULL, NULL, TS_TYPE_BLOCK,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/ts-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TsCard, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, TsCard, kind_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, details_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tscard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ts_card_init (TsCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ts_card_new:
 * @block: the block to show
 * @playground: (nullable): the playground of @block, which names the widgets that
 *   @block mentions; without it a mention shows the id it stores
 *
 * Returns: (transfer floating): a new card
 */
GtkWidget *
ts_card_new (TsBlock      *block,
             TsPlayground *playground)
{
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);
  g_return_val_if_fail (playground == NULL || TS_IS_PLAYGROUND (playground), NULL);

  return g_object_new (TS_TYPE_CARD,
                       "block", block,
                       "playground", playground,
                       NULL);
}

/**
 * ts_card_get_block:
 * @self: a #TsCard
 *
 * Returns: (transfer none): the block @self shows
 */
TsBlock *
ts_card_get_block (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->block;
}

/**
 * ts_card_get_playground:
 * @self: a #TsCard
 *
 * Returns: (transfer none) (nullable): the playground of the block
 */
TsPlayground *
ts_card_get_playground (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->playground;
}
