/* ts-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ts-utils.h"

/**
 * ts_set_str:
 * @str_ptr: a pointer to an owned string
 * @new_str: (nullable): the new value
 *
 * Replaces *@str_ptr with a copy of @new_str, as GLib 2.76's g_set_str() does.
 *
 * Returns: %TRUE if the value changed
 */
gboolean
ts_set_str (char       **str_ptr,
            const char  *new_str)
{
  char *copy;

  g_assert (str_ptr != NULL);

  if (g_strcmp0 (*str_ptr, new_str) == 0)
    return FALSE;

  /* Copy first: new_str may point into the old value. */
  copy = g_strdup (new_str);
  g_free (*str_ptr);
  *str_ptr = copy;

  return TRUE;
}

/**
 * ts_str_has_control:
 * @str: a UTF-8 string
 * @allow_newlines: whether tab, line feed and carriage return are allowed
 *
 * Returns: %TRUE if @str holds a C0 control character or DEL
 */
gboolean
ts_str_has_control (const char *str,
                    gboolean    allow_newlines)
{
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      if (allow_newlines && (*p == '\n' || *p == '\t' || *p == '\r'))
        continue;
      if (*p < 0x20 || *p == 0x7f)
        return TRUE;
    }

  return FALSE;
}

/**
 * ts_write_file:
 * @path: where to write
 * @data: the bytes
 * @size: how many
 * @mode: the permissions of a new file
 *
 * Writes @data to @path so that a failure at any point leaves the old file as it was:
 * g_file_set_contents_full() writes a temporary file beside it, syncs it, and renames it
 * over @path only when every byte is on disk, else removes it. (g_file_replace_contents()
 * does not promise that: when a write fails midway it still renames the partial file over
 * the original.) A symbolic link is followed, so the link stays and the file it points to
 * is replaced, and an existing file keeps its permissions rather than taking @mode.
 * Errors are in the G_IO_ERROR domain, as GIO's file functions report them.
 *
 * Returns: whether the file was written
 */
gboolean
ts_write_file (const char     *path,
               gconstpointer   data,
               gsize           size,
               int             mode,
               GError        **error)
{
  g_autoptr(GError) file_error = NULL;
  g_autofree char *target = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  /* realpath() fails for a file that does not exist yet: then it is written where named. */
  target = realpath (path, NULL);
  if (target == NULL)
    target = g_strdup (path);
  if (g_stat (target, &st) == 0 && S_ISREG (st.st_mode))
    mode = st.st_mode & 07777;

  if (g_file_set_contents_full (target, data, size,
                                G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                mode, &file_error))
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_file_error (file_error->code),
                       file_error->message);
  return FALSE;
}
