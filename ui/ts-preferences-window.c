/* ts-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-preferences-window.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "ts-detect.h"
#include "ts-ollama.h"
#include "ts-openai.h"
#include "ts-providers.h"
#include "ts-sdwebui.h"
#include "ts-secrets.h"
#include "ts-settings.h"

/* The preferences: each row is bound to a GSettings key, except the keys and secrets,
 * which go to the keyring when a row is applied. */

struct _TsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
  GCancellable         *test_cancellable;

  AdwActionRow         *test_row;
  GtkButton            *test_button;
  AdwEntryRow          *ollama_row;
  AdwEntryRow          *openai_row;
  AdwEntryRow          *sd_webui_row;
  AdwEntryRow          *comfyui_row;
  AdwEntryRow          *openai_key_row;
  AdwEntryRow          *aws_profile_row;
  AdwEntryRow          *aws_region_row;
  AdwEntryRow          *aws_key_id_row;
  AdwEntryRow          *aws_secret_row;
  AdwEntryRow          *text_model_row;
  AdwEntryRow          *image_model_row;
  GtkSwitch            *auto_run_switch;
  GtkSpinButton        *concurrency_spin;
  AdwComboRow          *color_scheme_row;
};

G_DEFINE_FINAL_TYPE (TsPreferencesWindow, ts_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *secret_rows[][2] = {
  { "openai_key_row", TS_SECRET_OPENAI_API_KEY },
  { "aws_key_id_row", TS_SECRET_AWS_ACCESS_KEY_ID },
  { "aws_secret_row", TS_SECRET_AWS_SECRET_KEY },
};

static gboolean
scheme_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (nick, "light") ? 1 : g_str_equal (nick, "dark") ? 2 : 0);
  return TRUE;
}

static GVariant *
selected_to_scheme (const GValue       *value,
                    const GVariantType *type,
                    gpointer            user_data)
{
  static const char * const nicks[] = { "follow", "light", "dark" };
  guint selected = g_value_get_uint (value);

  return g_variant_new_string (nicks[MIN (selected, G_N_ELEMENTS (nicks) - 1)]);
}

static void
show_toast (TsPreferencesWindow *self,
            const char          *title)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TsPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (ts_secrets_store_finish (result, &error))
    show_toast (self, _("Saved in the keyring"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, _("Could not save in the keyring"));
}

static void
secret_apply_cb (AdwEntryRow         *row,
                 TsPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "ts-secret");

  ts_secrets_store_async (name, gtk_editable_get_text (GTK_EDITABLE (row)), self->cancellable,
                          secret_stored_cb, g_object_ref (self));
}

static void
secret_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AdwEntryRow) row = user_data;
  g_autoptr(GError) error = NULL;
  char *value = ts_secrets_lookup_finish (result, &error);

  if (value != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (row), value);
      secret_password_free (value);
    }
}

/* A test the user asked for may take longer than the detection at start-up. */
#define TEST_TIMEOUT_MS 2000

/* One line a server: its name, where, and what the detector found. */
static char *
dup_detected_summary (GPtrArray *servers)
{
  GString *summary = g_string_new (NULL);

  for (guint i = 0; i < servers->len; i++)
    {
      const TsDetectedServer *server = g_ptr_array_index (servers, i);

      if (i > 0)
        g_string_append_c (summary, '\n');
      /* Translators: a model server, where it is, and its state, such as
       * "Ollama at http://127.0.0.1:11434: up" */
      g_string_append_printf (summary, _("%s at %s: %s"), server->name, server->url,
                              ts_server_state_to_string (server->state));
      if (server->state == TS_SERVER_UP && server->models != NULL)
        g_string_append_printf (summary, ngettext (", %u model", ", %u models", server->models->len),
                                server->models->len);
      if (server->state != TS_SERVER_UP && server->message != NULL)
        g_string_append_printf (summary, " (%s)", server->message);
    }

  return g_string_free (summary, FALSE);
}

static void
detected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TsPreferencesWindow) self = user_data;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *markup = NULL;

  servers = ts_detect_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  summary = servers != NULL ? dup_detected_summary (servers) : g_strdup (error->message);
  markup = g_markup_escape_text (summary, -1);
  adw_action_row_set_subtitle (self->test_row, markup);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
}

/* Asks the servers the rows name, as they stand, whether they are up. */
static void
test_clicked_cb (TsPreferencesWindow *self)
{
  g_autoptr(TsProviderRegistry) registry = ts_settings_new_registry (self->settings);
  g_autoptr(GPtrArray) targets = ts_detect_targets (registry);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  adw_action_row_set_subtitle (self->test_row, _("Testing…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  ts_detect_async (targets, TEST_TIMEOUT_MS, self->test_cancellable, detected_cb,
                   g_object_ref (self));
}

/* "Automatic: VALUE (VARIABLE)" when @variable is set, else @otherwise. */
static char *
dup_automatic (const char *variable,
               const char *value,
               const char *otherwise)
{
  const char *from_env = variable != NULL ? g_getenv (variable) : NULL;

  if (from_env != NULL && *from_env != '\0')
    {
      /* Translators: what an empty setting means: a value and the environment
       * variable it comes from, such as "Automatic: http://gpu:11434 (OLLAMA_HOST)" */
      return g_strdup_printf (_("Automatic: %s (%s)"), value != NULL ? value : from_env,
                              variable);
    }

  /* Translators: what an empty setting means, such as "Automatic: http://127.0.0.1:11434" */
  return g_strdup_printf (_("Automatic: %s"), otherwise);
}

/* "Automatic: from VARIABLE" for a secret, whose value is never shown. */
static char *
dup_automatic_secret (const char *variable,
                      const char *otherwise)
{
  const char *from_env = g_getenv (variable);

  if (from_env != NULL && *from_env != '\0')
    {
      /* Translators: an empty key means the one in this environment variable */
      return g_strdup_printf (_("Automatic: %s from the environment"), variable);
    }

  return g_strdup (otherwise);
}

static void
set_automatic (AdwEntryRow *row,
               char        *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  if (GTK_IS_TEXT (delegate))
    gtk_text_set_placeholder_text (GTK_TEXT (delegate), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), text);
  g_free (text);
}

/* An empty row means "automatic": its placeholder and tooltip say what that is here,
 * from the environment Tessera runs in, else the usual default. */
static void
show_automatic (TsPreferencesWindow *self)
{
  g_autoptr(TsProviderRegistry) defaults = ts_providers_new_registry ();
  g_autofree char *ollama = NULL;
  g_autofree char *openai = NULL;
  g_autofree char *sdwebui = NULL;
  const char *aws_region = g_getenv ("AWS_REGION");

  ollama = ts_ollama_provider_dup_base_url (TS_OLLAMA_PROVIDER (ts_provider_registry_lookup (defaults, "ollama")));
  openai = ts_openai_provider_dup_base_url (TS_OPENAI_PROVIDER (ts_provider_registry_lookup (defaults, "openai")));
  sdwebui = ts_sdwebui_provider_dup_base_url (TS_SDWEBUI_PROVIDER (ts_provider_registry_lookup (defaults, "sd-webui")));

  set_automatic (self->ollama_row, dup_automatic ("OLLAMA_HOST", ollama, ollama));
  set_automatic (self->openai_row,
                 dup_automatic ("OPENAI_BASE_URL", openai,
                                _("LM Studio or llama.cpp if one is running, else " TS_OPENAI_DEFAULT_URL)));
  set_automatic (self->sd_webui_row, dup_automatic (NULL, NULL, sdwebui));
  set_automatic (self->aws_profile_row,
                 dup_automatic ("AWS_PROFILE", NULL, _("the “default” profile")));
  if (aws_region == NULL || *aws_region == '\0')
    set_automatic (self->aws_region_row,
                   dup_automatic ("AWS_DEFAULT_REGION", NULL, _("the profile’s region")));
  else
    set_automatic (self->aws_region_row, dup_automatic ("AWS_REGION", NULL, NULL));
  set_automatic (self->openai_key_row,
                 dup_automatic_secret ("OPENAI_API_KEY", _("None: the server needs no key")));
  set_automatic (self->aws_key_id_row,
                 dup_automatic_secret ("AWS_ACCESS_KEY_ID", _("Automatic: the profile’s keys")));
  set_automatic (self->aws_secret_row,
                 dup_automatic_secret ("AWS_SECRET_ACCESS_KEY", _("Automatic: the profile’s keys")));
  set_automatic (self->text_model_row, g_strdup (_("None: new widgets use the playground’s model")));
  set_automatic (self->image_model_row, g_strdup (_("None: new widgets use the playground’s model")));
}

static void
ts_preferences_window_dispose (GObject *object)
{
  TsPreferencesWindow *self = (TsPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ts_preferences_window_parent_class)->dispose (object);
}

static void
ts_preferences_window_class_init (TsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/ts-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, ollama_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, openai_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, sd_webui_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, comfyui_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, openai_key_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, aws_profile_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, aws_region_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, aws_key_id_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, aws_secret_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, text_model_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, image_model_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, auto_run_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, test_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, test_button);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
}

static void
ts_preferences_window_init (TsPreferencesWindow *self)
{
  static const struct {
    gsize offset;
    const char *key;
  } text_rows[] = {
    { G_STRUCT_OFFSET (TsPreferencesWindow, ollama_row), TS_SETTINGS_KEY_OLLAMA_ENDPOINT },
    { G_STRUCT_OFFSET (TsPreferencesWindow, openai_row), TS_SETTINGS_KEY_OPENAI_ENDPOINT },
    { G_STRUCT_OFFSET (TsPreferencesWindow, sd_webui_row), TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT },
    { G_STRUCT_OFFSET (TsPreferencesWindow, comfyui_row), TS_SETTINGS_KEY_COMFYUI_ENDPOINT },
    { G_STRUCT_OFFSET (TsPreferencesWindow, aws_profile_row), TS_SETTINGS_KEY_AWS_PROFILE },
    { G_STRUCT_OFFSET (TsPreferencesWindow, aws_region_row), TS_SETTINGS_KEY_AWS_REGION },
    { G_STRUCT_OFFSET (TsPreferencesWindow, text_model_row), TS_SETTINGS_KEY_DEFAULT_TEXT_MODEL },
    { G_STRUCT_OFFSET (TsPreferencesWindow, image_model_row), TS_SETTINGS_KEY_DEFAULT_IMAGE_MODEL },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < G_N_ELEMENTS (text_rows); i++)
    {
      GObject *row = G_STRUCT_MEMBER (GObject *, self, text_rows[i].offset);

      g_settings_bind (self->settings, text_rows[i].key, row, "text", G_SETTINGS_BIND_DEFAULT);
    }

  show_automatic (self);

  g_settings_bind (self->settings, TS_SETTINGS_KEY_AUTO_RUN, self->auto_run_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, TS_SETTINGS_KEY_CONCURRENCY,
                   gtk_spin_button_get_adjustment (self->concurrency_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, TS_SETTINGS_KEY_COLOR_SCHEME,
                                self->color_scheme_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                scheme_to_selected, selected_to_scheme, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (secret_rows); i++)
    {
      GObject *row = gtk_widget_get_template_child (GTK_WIDGET (self),
                                                    TS_TYPE_PREFERENCES_WINDOW,
                                                    secret_rows[i][0]);

      g_object_set_data (row, "ts-secret", (gpointer) secret_rows[i][1]);
      g_signal_connect_object (row, "apply", G_CALLBACK (secret_apply_cb), self, 0);
      ts_secrets_lookup_async (secret_rows[i][1], self->cancellable, secret_looked_up_cb,
                               g_object_ref (row));
    }
}

/**
 * ts_preferences_window_new:
 * @parent: (nullable): the window to show it over
 *
 * Returns: (transfer none): a new preferences window
 */
GtkWidget *
ts_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (TS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
