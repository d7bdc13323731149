/* ts-format-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format-private.h"

/* Reading a snapshot's run records: each output may carry the record of the run that
 * made it, under "run" (ts_run_record_to_json() writes it). */

#define MAX_PARAMETERS 32
#define MAX_TOKENS 9007199254740991.0
#define MAX_MS 1e12

/* Loading */

static GDateTime *
load_time (Loader      *loader,
           const cJSON *object,
           const char  *prefix,
           const char  *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *time;

  if (item == NULL || cJSON_IsNull (item))
    return NULL;

  if (!cJSON_IsString (item))
    {
      error_at (loader, prefix, key, _("must be a string, not %s"), _ts_loader_type_name (item));
      return NULL;
    }

  time = g_date_time_new_from_iso8601 (item->valuestring, utc);
  if (time == NULL)
    error_at (loader, prefix, key, _("is not a date and time in ISO 8601 form"));

  return time;
}

static gint64
load_count (Loader      *loader,
            const cJSON *object,
            const char  *prefix,
            const char  *key,
            double       max)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);
  gint64 value;

  if (item == NULL || cJSON_IsNull (item) ||
      !_ts_loader_get_integer (loader, item, prefix, key, 0, max, &value))
    return TS_RUN_RECORD_UNKNOWN;

  return value;
}

static gint64
load_ms (Loader      *loader,
         const cJSON *object,
         const char  *prefix,
         const char  *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);
  double ms;

  if (item == NULL || cJSON_IsNull (item) ||
      !_ts_loader_get_double (loader, item, prefix, key, 0, MAX_MS, &ms))
    return TS_RUN_RECORD_UNKNOWN;

  /* Rounded, so microseconds written as milliseconds read back the same. */
  return (gint64) (ms * 1000.0 + 0.5);
}

static GVariant *
load_parameters (Loader      *loader,
                 const cJSON *object,
                 const char  *prefix)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, "parameters");
  g_autofree char *parameters_prefix = g_strdup_printf ("%s.parameters", prefix);
  GVariantBuilder builder;
  guint n = 0;

  if (item == NULL)
    return NULL;

  if (!cJSON_IsObject (item))
    {
      error_at (loader, prefix, "parameters", _("must be an object, not %s"), _ts_loader_type_name (item));
      return NULL;
    }

  _ts_loader_check_keys (loader, item, parameters_prefix, NULL, NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);

  for (const cJSON *child = item->child; child != NULL; child = child->next, n++)
    {
      double number;

      if (n >= MAX_PARAMETERS)
        {
          error_at (loader, prefix, "parameters", _("holds more than %d parameters"), MAX_PARAMETERS);
          break;
        }

      if (cJSON_IsNumber (child))
        {
          if (_ts_loader_get_double (loader, child, parameters_prefix, child->string, -G_MAXDOUBLE, G_MAXDOUBLE, &number))
            g_variant_builder_add (&builder, "{sv}", child->string, g_variant_new_double (number));
        }
      else if (cJSON_IsArray (child))
        {
          g_autoptr(GStrvBuilder) strings = g_strv_builder_new ();
          g_auto(GStrv) strv = NULL;
          gboolean ok = TRUE;

          for (const cJSON *element = child->child; element != NULL; element = element->next)
            {
              if (!cJSON_IsString (element))
                {
                  error_at (loader, parameters_prefix, child->string,
                            _("must hold only strings, not %s"), _ts_loader_type_name (element));
                  ok = FALSE;
                  break;
                }
              g_strv_builder_add (strings, element->valuestring);
            }

          strv = g_strv_builder_end (strings);
          if (ok)
            g_variant_builder_add (&builder, "{sv}", child->string,
                                   g_variant_new_strv ((const char * const *) strv, -1));
        }
      else
        error_at (loader, parameters_prefix, child->string,
                  _("must be a number or an array of strings, not %s"), _ts_loader_type_name (child));
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * _ts_format_load_record:
 * @item: the "run" value of an output
 * @prefix: its path, such as `outputs.w3`
 *
 * Returns: (transfer full) (nullable): the record, or %NULL after reporting problems
 */
TsRunRecord *
_ts_format_load_record (Loader      *loader,
                        const cJSON *item,
                        const char  *prefix)
{
  static const char * const keys[] = {
    "started", "ended", "provider", "model", "parameters", "seed", "input_tokens",
    "output_tokens", "first_chunk_ms", "total_ms", "outcome", "error", NULL,
  };
  g_autofree char *record_prefix = g_strdup_printf ("%s.run", prefix);
  g_autoptr(TsRunRecord) record = NULL;
  guint n_problems = loader->problems->len;
  const char *provider, *model, *outcome, *error;

  if (!cJSON_IsObject (item))
    {
      error_at (loader, prefix, "run", _("must be an object, not %s"), _ts_loader_type_name (item));
      return NULL;
    }

  _ts_loader_check_keys (loader, item, record_prefix, keys, _("unknown field"));

  provider = _ts_loader_get_string (loader, item, record_prefix, "provider", TRUE);
  model = _ts_loader_get_string (loader, item, record_prefix, "model", TRUE);
  outcome = _ts_loader_get_string (loader, item, record_prefix, "outcome", TRUE);
  error = _ts_loader_get_string (loader, item, record_prefix, "error", FALSE);

  record = ts_run_record_new (provider, model);
  if (outcome != NULL && !ts_run_outcome_from_string (outcome, &record->outcome))
    error_at (loader, record_prefix, "outcome",
              _("is \"%s\"; it must be \"succeeded\", \"cached\", \"failed\" or \"cancelled\""), outcome);

  record->started = load_time (loader, item, record_prefix, "started");
  record->ended = load_time (loader, item, record_prefix, "ended");
  record->parameters = load_parameters (loader, item, record_prefix);
  record->seed = load_count (loader, item, record_prefix, "seed", 4294967295.0);
  record->input_tokens = load_count (loader, item, record_prefix, "input_tokens", MAX_TOKENS);
  record->output_tokens = load_count (loader, item, record_prefix, "output_tokens", MAX_TOKENS);
  record->first_chunk_us = load_ms (loader, item, record_prefix, "first_chunk_ms");
  record->total_us = load_ms (loader, item, record_prefix, "total_ms");
  record->error = g_strdup (error);

  if (loader->problems->len > n_problems)
    return NULL;

  return g_steal_pointer (&record);
}
