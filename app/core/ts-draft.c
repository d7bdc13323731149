/* ts-draft.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-draft.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "ts-format.h"
#include "ts-utils.h"

/* Drafts keep unsaved playgrounds safe from a crash. A draft is two files in the draft
 * folder: ID.tessera, the playground with its outputs, and ID.info, a key file naming
 * the file it came from, its title and when it was written. Both are written
 * atomically (a temporary file, synced, renamed over), the playground first, so an
 * info file always has whole contents beside it; a draft is listed only by its info. */

#define INFO_GROUP "Draft"
#define INFO_SUFFIX ".info"

struct _TsDraftStore
{
  GObject  parent_instance;

  GFile   *dir;
};

G_DEFINE_FINAL_TYPE (TsDraftStore, ts_draft_store, G_TYPE_OBJECT)

void
ts_draft_info_free (TsDraftInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->origin);
  g_free (info->title);
  g_free (info);
}

static void
ts_draft_store_finalize (GObject *object)
{
  TsDraftStore *self = (TsDraftStore *) object;

  g_clear_object (&self->dir);

  G_OBJECT_CLASS (ts_draft_store_parent_class)->finalize (object);
}

static void
ts_draft_store_class_init (TsDraftStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_draft_store_finalize;
}

static void
ts_draft_store_init (TsDraftStore *self)
{
}

/**
 * ts_draft_store_default_dir:
 *
 * Returns: (transfer full): `drafts` in the application's folder of the user's state
 *   directory (`$XDG_STATE_HOME`)
 */
GFile *
ts_draft_store_default_dir (void)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), APP_ID, "drafts", NULL);

  return g_file_new_for_path (path);
}

/**
 * ts_draft_store_new:
 * @dir: a local folder, created when the first draft is written
 *
 * Returns: (transfer full): a store of drafts in @dir
 */
TsDraftStore *
ts_draft_store_new (GFile *dir)
{
  TsDraftStore *self;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail (g_file_peek_path (dir) != NULL, NULL);

  self = g_object_new (TS_TYPE_DRAFT_STORE, NULL);
  self->dir = g_object_ref (dir);

  return self;
}

/**
 * ts_draft_store_get_dir:
 * @self: a #TsDraftStore
 *
 * Returns: (transfer none): the folder
 */
GFile *
ts_draft_store_get_dir (TsDraftStore *self)
{
  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), NULL);

  return self->dir;
}

/**
 * ts_draft_store_new_id:
 *
 * Returns: (transfer full): a fresh draft id
 */
char *
ts_draft_store_new_id (void)
{
  return g_uuid_string_random ();
}

static gboolean
id_is_valid (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

static char *
dup_path (TsDraftStore *self,
          const char   *id,
          const char   *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (g_file_peek_path (self->dir), name, NULL);
}

typedef struct
{
  char   *id;
  GBytes *contents;
  char   *info;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->id);
  g_bytes_unref (data->contents);
  g_free (data->info);
  g_free (data);
}

/* Takes what a draft holds on the calling thread: later edits cannot tear it. */
static WriteData *
write_data_new (const char   *id,
                TsPlayground *playground,
                GFile        *origin)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  WriteData *data = g_new0 (WriteData, 1);

  data->id = g_strdup (id);
  data->contents = ts_format_save_bytes (playground, TS_FORMAT_SAVE_OUTPUTS);

  if (origin != NULL)
    {
      g_autofree char *uri = g_file_get_uri (origin);

      g_key_file_set_string (key_file, INFO_GROUP, "Origin", uri);
    }
  g_key_file_set_string (key_file, INFO_GROUP, "Title", ts_playground_get_title (playground));
  g_key_file_set_int64 (key_file, INFO_GROUP, "Saved", g_get_real_time () / G_USEC_PER_SEC);
  data->info = g_key_file_to_data (key_file, NULL, NULL);

  return data;
}

static gboolean
write_data (TsDraftStore  *self,
            WriteData     *data,
            GError       **error)
{
  g_autofree char *contents_path = dup_path (self, data->id, TS_FORMAT_FILE_EXTENSION);
  g_autofree char *info_path = dup_path (self, data->id, INFO_SUFFIX);
  gsize length;
  const char *bytes;

  if (g_mkdir_with_parents (g_file_peek_path (self->dir), 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the draft folder “%s”: %s"),
                   g_file_peek_path (self->dir), g_strerror (saved_errno));
      return FALSE;
    }

  bytes = g_bytes_get_data (data->contents, &length);

  return ts_write_file (contents_path, bytes, length, 0600, error) &&
         ts_write_file (info_path, data->info, strlen (data->info), 0600, error);
}

/**
 * ts_draft_store_write:
 * @self: a #TsDraftStore
 * @id: the draft's id, from ts_draft_store_new_id()
 * @playground: the playground to keep
 * @origin: (nullable): the file @playground came from
 * @error: return location for an error
 *
 * Writes the draft @id, replacing an older one with that id.
 *
 * Returns: %TRUE if the draft is on disk
 */
gboolean
ts_draft_store_write (TsDraftStore  *self,
                      const char    *id,
                      TsPlayground  *playground,
                      GFile         *origin,
                      GError       **error)
{
  WriteData *data;
  gboolean ret;

  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), FALSE);
  g_return_val_if_fail (origin == NULL || G_IS_FILE (origin), FALSE);

  data = write_data_new (id, playground, origin);
  ret = write_data (self, data, error);
  write_data_free (data);

  return ret;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (write_data (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ts_draft_store_write_async:
 * @self: a #TsDraftStore
 * @id: the draft's id
 * @playground: the playground to keep, read now, before this returns
 * @origin: (nullable): the file @playground came from
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the draft is written
 * @user_data: data for @callback
 *
 * As ts_draft_store_write(), on a worker thread.
 */
void
ts_draft_store_write_async (TsDraftStore        *self,
                            const char          *id,
                            TsPlayground        *playground,
                            GFile               *origin,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_DRAFT_STORE (self));
  g_return_if_fail (id_is_valid (id));
  g_return_if_fail (TS_IS_PLAYGROUND (playground));
  g_return_if_fail (origin == NULL || G_IS_FILE (origin));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_draft_store_write_async);
  g_task_set_task_data (task, write_data_new (id, playground, origin),
                        (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
ts_draft_store_write_finish (TsDraftStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_remove (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove the draft “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/**
 * ts_draft_store_delete:
 * @self: a #TsDraftStore
 * @id: a draft id
 * @error: return location for an error
 *
 * Removes the draft @id; a draft that does not exist is not an error.
 *
 * Returns: %TRUE if the draft is gone
 */
gboolean
ts_draft_store_delete (TsDraftStore  *self,
                       const char    *id,
                       GError       **error)
{
  g_autofree char *contents_path = NULL;
  g_autofree char *info_path = NULL;

  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (id_is_valid (id), FALSE);

  contents_path = dup_path (self, id, TS_FORMAT_FILE_EXTENSION);
  info_path = dup_path (self, id, INFO_SUFFIX);

  /* The info goes first: a draft without it is no longer listed. */
  return remove_file (info_path, error) && remove_file (contents_path, error);
}

static int
compare_saved (gconstpointer a,
               gconstpointer b)
{
  const TsDraftInfo *info_a = *(TsDraftInfo **) a;
  const TsDraftInfo *info_b = *(TsDraftInfo **) b;

  return (info_a->saved < info_b->saved) - (info_a->saved > info_b->saved);
}

/**
 * ts_draft_store_list:
 * @self: a #TsDraftStore
 * @error: return location for an error
 *
 * Lists the drafts, newest first. Files that are not drafts, or whose info cannot be
 * read, are passed over; a missing folder holds no drafts.
 *
 * Returns: (transfer full) (element-type TsDraftInfo) (nullable): the drafts, or %NULL
 *   if the folder cannot be read
 */
GPtrArray *
ts_draft_store_list (TsDraftStore  *self,
                     GError       **error)
{
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) dir_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), NULL);

  drafts = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_draft_info_free);
  dir = g_dir_open (g_file_peek_path (self->dir), 0, &dir_error);
  if (dir == NULL)
    {
      if (g_error_matches (dir_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&drafts);

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_file_error (dir_error->code),
                           dir_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *info_path = NULL;
      g_autofree char *contents_path = NULL;
      g_autoptr(GKeyFile) key_file = g_key_file_new ();
      TsDraftInfo *info;

      if (!g_str_has_suffix (name, INFO_SUFFIX))
        continue;

      id = g_strndup (name, strlen (name) - strlen (INFO_SUFFIX));
      if (!id_is_valid (id))
        continue;

      info_path = dup_path (self, id, INFO_SUFFIX);
      contents_path = dup_path (self, id, TS_FORMAT_FILE_EXTENSION);
      if (!g_key_file_load_from_file (key_file, info_path, G_KEY_FILE_NONE, NULL) ||
          !g_file_test (contents_path, G_FILE_TEST_IS_REGULAR))
        continue;

      info = g_new0 (TsDraftInfo, 1);
      info->id = g_steal_pointer (&id);
      info->origin = g_key_file_get_string (key_file, INFO_GROUP, "Origin", NULL);
      info->title = g_key_file_get_string (key_file, INFO_GROUP, "Title", NULL);
      if (info->title == NULL)
        info->title = g_strdup ("");
      info->saved = g_key_file_get_int64 (key_file, INFO_GROUP, "Saved", NULL);
      g_ptr_array_add (drafts, info);
    }

  g_ptr_array_sort (drafts, compare_saved);

  return g_steal_pointer (&drafts);
}

/**
 * ts_draft_store_load:
 * @self: a #TsDraftStore
 * @id: a draft id
 * @problems: (element-type TsProblem): where to add what is wrong with the draft
 * @error: return location for an error
 *
 * A draft keeps a playground as it was mid-edit, so it may fail the checks a saved file
 * must pass (two widgets with one title, a mention of a deleted widget, a cycle): those
 * come back as warnings in @problems and the playground is built anyway. A draft that
 * is not well formed is refused, as a file would be.
 *
 * Returns: (transfer full) (nullable): the playground the draft holds
 */
TsPlayground *
ts_draft_store_load (TsDraftStore  *self,
                     const char    *id,
                     GPtrArray     *problems,
                     GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (TS_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (id_is_valid (id), NULL);
  g_return_val_if_fail (problems != NULL, NULL);

  path = dup_path (self, id, TS_FORMAT_FILE_EXTENSION);
  file = g_file_new_for_path (path);

  return ts_format_load_file_full (file, TS_FORMAT_LOAD_LENIENT_CHECKS, NULL, problems, error);
}
