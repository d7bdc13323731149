/* ts-format-load-values.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ts-format-private.h"
#include "ts-problem.h"

/* The loader's problems and its readers of single values: every key checked against
 * the known ones and for duplicates, every value for its type and range, each failure
 * a problem at the value's path. */

void
_ts_loader_report (Loader     *loader,
                   TsSeverity  severity,
                   const char *prefix,
                   const char *key,
                   const char *format,
                   ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (prefix != NULL && prefix[0] != '\0' && key != NULL)
    path = g_strdup_printf ("%s.%s", prefix, key);
  else if (key != NULL)
    path = g_strdup (key);
  else
    path = g_strdup (prefix);

  g_ptr_array_add (loader->problems, ts_problem_new (severity, path, message));
}

/* What an unknown field is: an error in a file of our version, and a warning in a file
 * from a newer one, which may well have fields we do not know. */
void
_ts_loader_report_unknown (Loader     *loader,
                           const char *prefix,
                           const char *key,
                           const char *message)
{
  _ts_loader_report (loader, loader->newer ? TS_SEVERITY_WARNING : TS_SEVERITY_ERROR,
                     prefix, key, "%s", message);
}

gboolean
_ts_loader_check_keys (Loader             *loader,
                       const cJSON        *object,
                       const char         *prefix,
                       const char * const *known,
                       const char         *unknown_message)
{
  gboolean ok = TRUE;

  for (const cJSON *child = object->child; child != NULL; child = child->next)
    {
      for (const cJSON *before = object->child; before != child; before = before->next)
        {
          if (g_str_equal (before->string, child->string))
            {
              error_at (loader, prefix, child->string, _("duplicate key"));
              ok = FALSE;
              break;
            }
        }

      if (known != NULL && !g_strv_contains (known, child->string))
        {
          _ts_loader_report_unknown (loader, prefix, child->string, unknown_message);
          ok = FALSE;
        }
    }

  return ok;
}

const char *
_ts_loader_type_name (const cJSON *item)
{
  if (item == NULL)
    return "nothing";
  if (cJSON_IsString (item))
    return "a string";
  if (cJSON_IsNumber (item))
    return "a number";
  if (cJSON_IsBool (item))
    return "a boolean";
  if (cJSON_IsNull (item))
    return "null";
  if (cJSON_IsArray (item))
    return "an array";
  if (cJSON_IsObject (item))
    return "an object";
  return "an unknown value";
}

const char *
_ts_loader_get_string (Loader      *loader,
                       const cJSON *object,
                       const char  *prefix,
                       const char  *key,
                       gboolean     required)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  if (item == NULL)
    {
      if (required)
        error_at (loader, prefix, key, _("is missing"));
      return NULL;
    }

  if (!cJSON_IsString (item))
    {
      error_at (loader, prefix, key, _("must be a string, not %s"), _ts_loader_type_name (item));
      return NULL;
    }

  return item->valuestring;
}

/* Reports a number outside [@min, @max], naming both ends; returns whether it is inside. */
static gboolean
check_range (Loader      *loader,
             const cJSON *item,
             const char  *prefix,
             const char  *key,
             double       min,
             double       max)
{
  g_autofree char *value_str = NULL;
  g_autofree char *min_str = NULL;
  g_autofree char *max_str = NULL;

  if (item->valuedouble >= min && item->valuedouble <= max)
    return TRUE;

  value_str = _ts_format_number (item->valuedouble);
  min_str = _ts_format_number (min);
  max_str = _ts_format_number (max);
  error_at (loader, prefix, key, _("is %s; it must be from %s to %s"), value_str, min_str, max_str);

  return FALSE;
}

gboolean
_ts_loader_get_integer (Loader      *loader,
                        const cJSON *item,
                        const char  *prefix,
                        const char  *key,
                        double       min,
                        double       max,
                        gint64      *value)
{
  if (!cJSON_IsNumber (item))
    {
      error_at (loader, prefix, key, _("must be a whole number, not %s"), _ts_loader_type_name (item));
      return FALSE;
    }

  if (!isfinite (item->valuedouble) || item->valuedouble != floor (item->valuedouble))
    {
      error_at (loader, prefix, key, _("must be a whole number"));
      return FALSE;
    }

  if (!check_range (loader, item, prefix, key, min, max))
    return FALSE;

  *value = (gint64) item->valuedouble;
  return TRUE;
}

gboolean
_ts_loader_get_double (Loader      *loader,
                       const cJSON *item,
                       const char  *prefix,
                       const char  *key,
                       double       min,
                       double       max,
                       double      *value)
{
  if (!cJSON_IsNumber (item))
    {
      error_at (loader, prefix, key, _("must be a number, not %s"), _ts_loader_type_name (item));
      return FALSE;
    }

  if (!isfinite (item->valuedouble))
    {
      error_at (loader, prefix, key, _("must be a finite number"));
      return FALSE;
    }

  if (!check_range (loader, item, prefix, key, min, max))
    return FALSE;

  *value = item->valuedouble;
  return TRUE;
}
