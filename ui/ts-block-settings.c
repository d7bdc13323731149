/* ts-block-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-block-settings.h"

#include <glib/gi18n.h>

#include "ts-prompt-editor.h"

/* The settings of a generating widget: provider and model, sampling for text and chat,
 * size, seed, guidance and count for images. Every control is bound to a property of
 * the block, so it shows and edits the model directly. The model is free text until
 * the providers can list theirs. */

struct _TsBlockSettings
{
  GtkPopover    parent_instance;

  TsPlayground *playground;
  TsBlock      *block;
  GtkDropDown  *provider;
  GtkDropDown  *size;
  GtkWidget    *seed_spin;
  GtkWidget    *seed_random;
  guint         n_rows;
  gboolean      updating;

  GtkGrid      *grid;
};

G_DEFINE_FINAL_TYPE (TsBlockSettings, ts_block_settings, GTK_TYPE_POPOVER)

static const struct {
  int width;
  int height;
} size_presets[] = {
  { 512, 512 }, { 768, 768 }, { 1024, 1024 }, { 1024, 768 }, { 768, 1024 },
  { 1216, 832 }, { 832, 1216 },
};

static const char * const all_providers[] = {
  "ollama", "openai", "bedrock", "sd-webui", "comfyui", NULL,
};

static void
add_row (TsBlockSettings *self,
         const char      *caption,
         GtkWidget       *widget)
{
  GtkWidget *label = gtk_label_new (caption);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (self->grid, label, 0, self->n_rows, 1, 1);
  gtk_grid_attach (self->grid, widget, 1, self->n_rows, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  self->n_rows++;
}

static void
add_wide_row (TsBlockSettings *self,
              const char      *caption,
              GtkWidget       *widget)
{
  GtkWidget *label = gtk_label_new (caption);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_grid_attach (self->grid, label, 0, self->n_rows++, 2, 1);
  gtk_grid_attach (self->grid, widget, 0, self->n_rows++, 2, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
}

static GtkWidget *
spin_for (TsBlockSettings *self,
          TsField          field,
          double           step,
          guint            digits)
{
  const TsFieldInfo *info = ts_field_get_info (field);
  GtkWidget *spin = gtk_spin_button_new_with_range (info->min, info->max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  g_object_bind_property (self->block, info->name,
                          gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin)), "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  return spin;
}

static const char *
provider_at (TsBlockSettings *self,
             guint            position)
{
  GListModel *model = G_LIST_MODEL (gtk_drop_down_get_model (self->provider));

  if (position == 0)
    return "";

  return gtk_string_list_get_string (GTK_STRING_LIST (model), position);
}

static void
provider_to_model_cb (TsBlockSettings *self)
{
  guint position = gtk_drop_down_get_selected (self->provider);

  if (!self->updating && position != GTK_INVALID_LIST_POSITION)
    ts_block_set_string (self->block, TS_FIELD_PROVIDER, provider_at (self, position));
}

static void
model_to_provider_cb (TsBlockSettings *self)
{
  const char *provider = ts_block_get_string (self->block, TS_FIELD_PROVIDER);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (gtk_drop_down_get_model (self->provider)));

  self->updating = TRUE;
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (provider_at (self, i), provider))
        gtk_drop_down_set_selected (self->provider, i);
    }
  self->updating = FALSE;
}

static GtkWidget *
provider_drop_down (TsBlockSettings *self)
{
  TsBlockKind kind = ts_block_get_kind (self->block);
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, _("Default"));
  for (guint i = 0; all_providers[i] != NULL; i++)
    {
      if (ts_block_kind_accepts_provider (kind, all_providers[i]))
        gtk_string_list_append (list, all_providers[i]);
    }

  self->provider = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (list)), NULL));
  model_to_provider_cb (self);
  g_signal_connect_object (self->provider, "notify::selected",
                           G_CALLBACK (provider_to_model_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::provider", G_CALLBACK (model_to_provider_cb),
                           self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self->provider);
}

static void
model_entry_changed_cb (TsBlockSettings *self,
                        GtkEditable     *entry)
{
  if (!self->updating)
    ts_block_set_string (self->block, TS_FIELD_MODEL, gtk_editable_get_text (entry));
}

static void
model_to_entry_cb (GtkEditable *entry,
                   GParamSpec  *pspec,
                   TsBlock     *block)
{
  const char *model = ts_block_get_string (block, TS_FIELD_MODEL);

  if (g_strcmp0 (gtk_editable_get_text (entry), model) != 0)
    gtk_editable_set_text (entry, model);
}

static GtkWidget *
model_entry (TsBlockSettings *self)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_enable_undo (GTK_EDITABLE (entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (entry), ts_block_get_string (self->block, TS_FIELD_MODEL));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Default model"));
  g_signal_connect_object (entry, "changed", G_CALLBACK (model_entry_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::model", G_CALLBACK (model_to_entry_cb), entry,
                           G_CONNECT_SWAPPED);

  return entry;
}

static GtkWidget *
template_editor (TsBlockSettings *self,
                 TsField          field,
                 const char      *caption)
{
  GtkWidget *editor = ts_prompt_editor_new (self->playground, self->block, field);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  caption, -1);

  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (editor), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (editor), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (editor), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (editor), 8);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 72);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 200);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), editor);
  gtk_widget_add_css_class (scrolled, "card-editor");

  return scrolled;
}

static void
size_to_model_cb (TsBlockSettings *self)
{
  guint position = gtk_drop_down_get_selected (self->size);

  if (self->updating || position >= G_N_ELEMENTS (size_presets))
    return;

  ts_block_set_int (self->block, TS_FIELD_WIDTH, size_presets[position].width);
  ts_block_set_int (self->block, TS_FIELD_HEIGHT, size_presets[position].height);
}

static void
model_to_size_cb (TsBlockSettings *self)
{
  gint64 width = ts_block_get_int (self->block, TS_FIELD_WIDTH);
  gint64 height = ts_block_get_int (self->block, TS_FIELD_HEIGHT);
  guint position = G_N_ELEMENTS (size_presets);

  for (guint i = 0; i < G_N_ELEMENTS (size_presets); i++)
    {
      if (size_presets[i].width == width && size_presets[i].height == height)
        position = i;
    }

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->size, position);
  self->updating = FALSE;
}

static GtkWidget *
size_drop_down (TsBlockSettings *self)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (size_presets); i++)
    {
      /* Translators: an image size in pixels, such as "1024 × 768" */
      g_autofree char *label = g_strdup_printf (_("%d × %d"), size_presets[i].width,
                                                size_presets[i].height);

      gtk_string_list_append (list, label);
    }
  gtk_string_list_append (list, _("Custom"));

  self->size = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (list)), NULL));
  model_to_size_cb (self);
  g_signal_connect_object (self->size, "notify::selected", G_CALLBACK (size_to_model_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::width", G_CALLBACK (model_to_size_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::height", G_CALLBACK (model_to_size_cb), self,
                           G_CONNECT_SWAPPED);

  return GTK_WIDGET (self->size);
}

static void
model_to_seed_cb (TsBlockSettings *self)
{
  gint64 seed = ts_block_get_int (self->block, TS_FIELD_SEED);

  self->updating = TRUE;
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->seed_random), seed == TS_SEED_RANDOM);
  gtk_widget_set_sensitive (self->seed_spin, seed != TS_SEED_RANDOM);
  if (seed != TS_SEED_RANDOM)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->seed_spin), seed);
  self->updating = FALSE;
}

static void
seed_to_model_cb (TsBlockSettings *self)
{
  if (self->updating)
    return;

  if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->seed_random)))
    ts_block_set_int (self->block, TS_FIELD_SEED, TS_SEED_RANDOM);
  else
    ts_block_set_int (self->block, TS_FIELD_SEED,
                      (gint64) gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->seed_spin)));
}

static GtkWidget *
seed_row (TsBlockSettings *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->seed_random = gtk_check_button_new_with_mnemonic (_("_Random"));
  self->seed_spin = gtk_spin_button_new_with_range (0, ts_field_get_info (TS_FIELD_SEED)->max, 1);
  gtk_widget_set_hexpand (self->seed_spin, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seed_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Seed"), -1);
  gtk_box_append (GTK_BOX (box), self->seed_random);
  gtk_box_append (GTK_BOX (box), self->seed_spin);

  model_to_seed_cb (self);
  g_signal_connect_object (self->seed_random, "toggled", G_CALLBACK (seed_to_model_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->seed_spin, "value-changed", G_CALLBACK (seed_to_model_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::seed", G_CALLBACK (model_to_seed_cb), self,
                           G_CONNECT_SWAPPED);

  return box;
}

static void
build (TsBlockSettings *self)
{
  TsBlockKind kind = ts_block_get_kind (self->block);

  add_row (self, _("Provider"), provider_drop_down (self));
  add_row (self, _("Model"), model_entry (self));

  if (kind == TS_BLOCK_KIND_IMAGE)
    {
      add_row (self, _("Size"), size_drop_down (self));
      add_row (self, _("Width"), spin_for (self, TS_FIELD_WIDTH, 64, 0));
      add_row (self, _("Height"), spin_for (self, TS_FIELD_HEIGHT, 64, 0));
      add_row (self, _("Seed"), seed_row (self));
      add_row (self, _("Guidance"), spin_for (self, TS_FIELD_CFG_SCALE, 0.5, 1));
      add_row (self, _("Steps"), spin_for (self, TS_FIELD_STEPS, 1, 0));
      add_row (self, _("Images"), spin_for (self, TS_FIELD_IMAGE_COUNT, 1, 0));
      add_wide_row (self, _("Negative prompt"),
                    template_editor (self, TS_FIELD_NEGATIVE_PROMPT, _("Negative prompt")));
    }
  else
    {
      add_row (self, _("Temperature"), spin_for (self, TS_FIELD_TEMPERATURE, 0.05, 2));
      add_row (self, _("Top-p"), spin_for (self, TS_FIELD_TOP_P, 0.05, 2));
      add_row (self, _("Maximum tokens"), spin_for (self, TS_FIELD_MAX_TOKENS, 64, 0));
      add_wide_row (self, _("System prompt"),
                    template_editor (self, TS_FIELD_SYSTEM_PROMPT, _("System prompt")));
    }
}

static void
ts_block_settings_dispose (GObject *object)
{
  TsBlockSettings *self = (TsBlockSettings *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_BLOCK_SETTINGS);
  g_clear_object (&self->block);
  g_clear_object (&self->playground);

  G_OBJECT_CLASS (ts_block_settings_parent_class)->dispose (object);
}

static void
ts_block_settings_class_init (TsBlockSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_block_settings_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/ts-block-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, TsBlockSettings, grid);
}

static void
ts_block_settings_init (TsBlockSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ts_block_settings_new:
 * @playground: the playground of @block
 * @block: a text, image or chat block
 *
 * Returns: (transfer floating): a popover of the settings of @block
 */
GtkWidget *
ts_block_settings_new (TsPlayground *playground,
                       TsBlock      *block)
{
  TsBlockSettings *self;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);
  g_return_val_if_fail (ts_block_kind_has_field (ts_block_get_kind (block), TS_FIELD_PROVIDER),
                        NULL);

  self = g_object_new (TS_TYPE_BLOCK_SETTINGS, NULL);
  self->playground = g_object_ref (playground);
  self->block = g_object_ref (block);
  build (self);

  return GTK_WIDGET (self);
}
