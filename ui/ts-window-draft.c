/* ts-window-draft.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-problem.h"
#include "ts-window-private.h"

/* Drafts and closing. The first edit after a write arms a timer; when it fires the
 * playground is written as a draft (atomically, on a worker thread) so that a crash
 * loses at most the interval's edits. A save or a discard removes the draft. Closing a
 * window with unsaved changes asks what to do with them. */

#define AUTOSAVE_SECONDS 3

static guint
get_autosave_seconds (void)
{
  const char *env = g_getenv ("TESSERA_AUTOSAVE_SECONDS");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    return seconds;

  return AUTOSAVE_SECONDS;
}

/* The application is held while a draft is written, even if the window closes. */
static void
draft_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GApplication) application = user_data;
  g_autoptr(GError) error = NULL;

  if (!ts_draft_store_write_finish (TS_DRAFT_STORE (object), result, &error))
    g_warning ("Could not write a draft of the playground: %s", error->message);

  if (application != NULL)
    g_application_release (application);
}

static gboolean
autosave_cb (gpointer user_data)
{
  TsWindow *self = user_data;
  GtkApplication *application;

  self->autosave_id = 0;

  if (self->playground == NULL || !ts_window_get_modified (self))
    return G_SOURCE_REMOVE;

  /* Always, even while the playground fails its checks (two widgets with one title
   * while the user renames one): that is when work is most at risk. A draft reopens
   * leniently and its cards show the problems. */

  if (self->draft_id == NULL)
    self->draft_id = ts_draft_store_new_id ();

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (application != NULL)
    g_application_hold (G_APPLICATION (application));

  ts_draft_store_write_async (self->drafts, self->draft_id, self->playground,
                              _ts_window_is_example (self->file) ? NULL : self->file,
                              NULL, draft_written_cb,
                              application != NULL ? g_object_ref (application) : NULL);

  return G_SOURCE_REMOVE;
}

void
_ts_window_schedule_autosave (TsWindow *self)
{
  g_assert (TS_IS_WINDOW (self));

  if (self->autosave_id == 0 && !self->disposed && ts_window_get_modified (self))
    self->autosave_id = g_timeout_add_seconds (get_autosave_seconds (), autosave_cb, self);
}

void
_ts_window_discard_draft (TsWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (TS_IS_WINDOW (self));

  g_clear_handle_id (&self->autosave_id, g_source_remove);

  if (self->draft_id == NULL)
    return;

  if (!ts_draft_store_delete (self->drafts, self->draft_id, &error))
    g_warning ("%s", error->message);
  g_clear_pointer (&self->draft_id, g_free);
}

static void
saved_then_close_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TsWindow *self = TS_WINDOW (object);

  if (ts_window_save_file_finish (self, result, NULL))
    {
      self->closing = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
close_window_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
unsaved_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     TsWindow         *self)
{
  if (g_str_equal (response, "discard"))
    {
      /* The window closes once the dialog is gone: a dialog must not outlive the window
       * it is transient for, and it is still emitting its response. */
      _ts_window_discard_draft (self);
      self->closing = TRUE;
      gtk_window_destroy (GTK_WINDOW (dialog));
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_window_cb, g_object_ref (self),
                       g_object_unref);
    }
  else if (g_str_equal (response, "save"))
    {
      if (self->file != NULL && !_ts_window_is_example (self->file))
        ts_window_save_file_async (self, self->file, saved_then_close_cb, NULL);
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "win.save-as", NULL);
    }
}

/* Asks before a window with unsaved changes closes; returns %TRUE to keep it open. */
gboolean
_ts_window_close_request (TsWindow *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  g_assert (TS_IS_WINDOW (self));

  if (self->closing || !ts_window_get_modified (self))
    {
      _ts_window_discard_draft (self);
      return FALSE;
    }

  /* Quit asks every window to close: a window that is asking already keeps its question. */
  if (self->close_dialog != NULL)
    {
      gtk_window_present (self->close_dialog);
      return TRUE;
    }

  /* Translators: %s is the title of a playground */
  body = g_strdup_printf (_("“%s” has changes that are not saved. Unsaved changes are lost "
                            "if you close without saving."),
                          ts_playground_get_title (self->playground));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response_cb), self, 0);
  self->close_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/**
 * ts_window_restore_draft:
 * @self: a #TsWindow
 * @store: the store that holds the draft
 * @info: the draft
 *
 * Shows the playground the draft kept, as an unsaved change of the file it came from;
 * the draft stays until the playground is saved or discarded.
 */
void
ts_window_restore_draft (TsWindow          *self,
                         TsDraftStore      *store,
                         const TsDraftInfo *info)
{
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GFile) origin = NULL;
  g_autoptr(GError) error = NULL;
  guint n_problems;

  g_return_if_fail (TS_IS_WINDOW (self));
  g_return_if_fail (TS_IS_DRAFT_STORE (store));
  g_return_if_fail (info != NULL);

  playground = ts_draft_store_load (store, info->id, problems, &error);
  if (playground == NULL)
    {
      g_autofree char *body = problems->len > 0 ? _ts_window_dup_problem_list (problems)
                                                : g_strdup (error->message);

      _ts_window_show_error (self, _("Could not restore the unsaved playground"), body);
      return;
    }

  if (info->origin != NULL)
    origin = g_file_new_for_uri (info->origin);

  _ts_window_set_document (self, playground, origin);
  g_set_object (&self->drafts, store);
  self->draft_id = g_strdup (info->id);
  /* Unsaved until saved: the file on disk does not hold these edits. */
  _ts_window_mark_saved (self, G_MAXUINT64);

  /* What the checks found shows on the cards; say that there is something to fix. */
  n_problems = ts_problems_count (problems, TS_SEVERITY_WARNING);
  if (n_problems > 0)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf (ngettext ("Restored with %u problem to fix before saving",
                                         "Restored with %u problems to fix before saving",
                                         n_problems),
                               n_problems);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
}
