/* ts-block-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-block-settings.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-prompt-editor.h"
#include "ts-runner.h"

/* The settings of a generating widget: provider and model, sampling for text and chat,
 * size, seed, guidance and count for images. Every control is bound to a property of
 * the block, so it shows and edits the model directly. The model is free text in an
 * entry; the button beside it drops down the models the provider lists, with a search
 * entry that filters them as you type: Enter or a click takes the first match (or the
 * typed text when nothing matches, for a model the server does not list), Down moves
 * into the list, Escape closes it. */

struct _TsBlockSettings
{
  GtkPopover    parent_instance;

  TsPlayground *playground;
  TsBlock      *block;
  TsProviderRegistry *registry;
  GCancellable *cancellable;
  GtkMenuButton *models_button;
  GtkEditable  *model_entry;
  GtkListBox   *models_list;
  GtkLabel     *models_status;
  GtkEditable  *models_search;
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

/* The model changed elsewhere (undo, the list of the server's models). The entry's own
 * "changed" must not write back the half-replaced text: it would free the string being
 * inserted. */
static void
model_to_entry_cb (TsBlockSettings *self)
{
  g_autofree char *model = g_strdup (ts_block_get_string (self->block, TS_FIELD_MODEL));

  if (g_strcmp0 (gtk_editable_get_text (self->model_entry), model) == 0)
    return;

  self->updating = TRUE;
  gtk_editable_set_text (self->model_entry, model);
  self->updating = FALSE;
}

/* The provider the block runs on: its own, else the playground's for its kind, else
 * the runner's default. */
static const char *
get_effective_provider (TsBlockSettings *self)
{
  gboolean image = ts_block_get_kind (self->block) == TS_BLOCK_KIND_IMAGE;
  const char *provider = ts_block_get_string (self->block, TS_FIELD_PROVIDER);

  if (provider[0] == '\0')
    provider = ts_playground_get_setting (self->playground,
                                          image ? "image-provider" : "text-provider");
  if (provider[0] == '\0')
    provider = image ? TS_RUNNER_DEFAULT_IMAGE_PROVIDER : TS_RUNNER_DEFAULT_TEXT_PROVIDER;

  return provider;
}

static void
models_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TsBlockSettings) self = user_data;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;

  models = ts_provider_list_models_finish (TS_PROVIDER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->models_list == NULL)
    return;

  if (models == NULL)
    {
      gtk_label_set_text (self->models_status, error->message);
      return;
    }

  gtk_label_set_text (self->models_status,
                      models->len > 0 ? _("Models on the server") : _("The server has no models"));
  for (guint i = 0; i < models->len; i++)
    {
      const TsModelInfo *info = g_ptr_array_index (models, i);
      GtkWidget *label = gtk_label_new (info->name);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "ts-model-id", g_strdup (info->id), g_free);
      g_object_set_data_full (G_OBJECT (row), "ts-model-name", g_strdup (info->name), g_free);
      gtk_list_box_append (self->models_list, row);
    }
}

static gboolean
model_row_matches (GtkListBoxRow *row,
                   gpointer       user_data)
{
  TsBlockSettings *self = user_data;
  g_autofree char *needle = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  if (self->models_search == NULL)
    return TRUE;

  needle = g_utf8_casefold (gtk_editable_get_text (self->models_search), -1);
  id = g_utf8_casefold (g_object_get_data (G_OBJECT (row), "ts-model-id"), -1);
  name = g_utf8_casefold (g_object_get_data (G_OBJECT (row), "ts-model-name"), -1);

  return strstr (id, needle) != NULL || strstr (name, needle) != NULL;
}

static GtkListBoxRow *
first_match (TsBlockSettings *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->models_list, i)) != NULL; i++)
    {
      if (gtk_widget_get_child_visible (GTK_WIDGET (row)))
        return row;
    }

  return NULL;
}

/**
 * ts_block_settings_refresh_models:
 * @self: a #TsBlockSettings
 *
 * Asks the block's provider for its models and lists them to choose from.
 */
void
ts_block_settings_refresh_models (TsBlockSettings *self)
{
  const char *id = get_effective_provider (self);
  TsProvider *provider = self->registry != NULL ? ts_provider_registry_lookup (self->registry, id)
                                                : NULL;
  GtkWidget *child;

  g_return_if_fail (TS_IS_BLOCK_SETTINGS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->models_list))) != NULL)
    gtk_list_box_remove (self->models_list, child);

  if (provider == NULL)
    {
      /* Translators: %s is a provider id, such as "ollama" */
      g_autofree char *text = g_strdup_printf (_("No provider “%s”"), id);

      gtk_label_set_text (self->models_status, text);
      return;
    }

  self->cancellable = g_cancellable_new ();
  gtk_label_set_text (self->models_status, _("Asking the server…"));
  ts_provider_list_models_async (provider, self->cancellable, models_listed_cb,
                                 g_object_ref (self));
}

static void
models_shown_cb (TsBlockSettings *self)
{
  gtk_editable_set_text (self->models_search, "");
  ts_block_settings_refresh_models (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->models_search));
}

static void
model_chosen_cb (TsBlockSettings *self,
                 GtkListBoxRow   *row)
{
  ts_block_set_string (self->block, TS_FIELD_MODEL,
                       g_object_get_data (G_OBJECT (row), "ts-model-id"));
  gtk_menu_button_popdown (self->models_button);
}

static void
search_changed_cb (TsBlockSettings *self)
{
  gtk_list_box_invalidate_filter (self->models_list);
}

/* Enter: the first model that matches, else what was typed, as a model of its own. */
static void
search_activate_cb (TsBlockSettings *self)
{
  GtkListBoxRow *row = first_match (self);
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (self->models_search)));

  if (row != NULL)
    model_chosen_cb (self, row);
  else if (typed[0] != '\0')
    {
      ts_block_set_string (self->block, TS_FIELD_MODEL, typed);
      gtk_menu_button_popdown (self->models_button);
    }
}

static void
search_stop_cb (TsBlockSettings *self)
{
  gtk_menu_button_popdown (self->models_button);
}

static gboolean
search_key_cb (TsBlockSettings       *self,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  row = first_match (self);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));

  return row != NULL;
}

static GtkWidget *
models_search (TsBlockSettings *self)
{
  GtkWidget *search = gtk_search_entry_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_object_set (search, "placeholder-text", _("Search or type a model"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search models"), -1);
  self->models_search = GTK_EDITABLE (search);
  g_signal_connect_object (search, "search-changed", G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (search, "activate", G_CALLBACK (search_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (search, "stop-search", G_CALLBACK (search_stop_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (search_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (search, keys);

  return search;
}

/* A list of the models the server has, beside the free text of the model entry. */
static GtkWidget *
models_button (TsBlockSettings *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->models_status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->models_status, TRUE);
  gtk_label_set_max_width_chars (self->models_status, 32);
  gtk_widget_add_css_class (GTK_WIDGET (self->models_status), "dim-label");
  self->models_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_activate_on_single_click (self->models_list, TRUE);
  gtk_list_box_set_filter_func (self->models_list, model_row_matches, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->models_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Models on the server"), -1);
  g_signal_connect_object (self->models_list, "row-activated", G_CALLBACK (model_chosen_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->models_list));
  gtk_box_append (GTK_BOX (box), models_search (self));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->models_status));
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  self->models_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->models_button, "pan-down-symbolic");
  gtk_menu_button_set_popover (self->models_button, popover);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->models_button), _("Choose a Model"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->models_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a Model"), -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->models_button), self->registry != NULL);
  g_signal_connect_object (popover, "show", G_CALLBACK (models_shown_cb), self,
                           G_CONNECT_SWAPPED);

  return GTK_WIDGET (self->models_button);
}

static GtkWidget *
model_entry (TsBlockSettings *self)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_enable_undo (GTK_EDITABLE (entry), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (entry), ts_block_get_string (self->block, TS_FIELD_MODEL));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Default model"));
  self->model_entry = GTK_EDITABLE (entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (model_entry_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->block, "notify::model", G_CALLBACK (model_to_entry_cb), self,
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
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *entry = model_entry (self);

    gtk_widget_set_hexpand (entry, TRUE);
    gtk_box_append (GTK_BOX (box), entry);
    gtk_box_append (GTK_BOX (box), models_button (self));
    gtk_widget_add_css_class (box, "linked");
    add_row (self, _("Model"), box);
    gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    gtk_grid_get_child_at (self->grid, 0, self->n_rows - 1),
                                    NULL, -1);
  }

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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->models_list = NULL;
  self->models_search = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_BLOCK_SETTINGS);
  g_clear_object (&self->registry);
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

/**
 * ts_block_settings_set_registry:
 * @self: a #TsBlockSettings
 * @registry: the providers the block may run on
 *
 * Lets the model be chosen from the models its provider lists.
 */
void
ts_block_settings_set_registry (TsBlockSettings    *self,
                                TsProviderRegistry *registry)
{
  g_return_if_fail (TS_IS_BLOCK_SETTINGS (self));
  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (registry));

  g_set_object (&self->registry, registry);
  gtk_widget_set_sensitive (GTK_WIDGET (self->models_button), TRUE);
}
