/* ts-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
