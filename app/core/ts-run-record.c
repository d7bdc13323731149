/* ts-run-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "ts-run-record.h"

/* A run record says how an output came to be: when, from which provider and model, with
 * which parameters and seed, how many tokens and how long it took. The runner attaches
 * it to the output it produced, so it travels with the output into snapshots and is
 * dropped with it when a new output replaces it. */

G_DEFINE_BOXED_TYPE (TsRunRecord, ts_run_record, ts_run_record_ref, ts_run_record_unref)

static GQuark
record_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("ts-run-record");

  return quark;
}

/**
 * ts_run_record_new:
 * @provider: the provider id
 * @model: the model
 *
 * Returns: (transfer full): a record with every number unknown and the outcome
 *   %TS_RUN_OUTCOME_SUCCEEDED
 */
TsRunRecord *
ts_run_record_new (const char *provider,
                   const char *model)
{
  TsRunRecord *record = g_atomic_rc_box_new0 (TsRunRecord);

  record->provider = g_strdup (provider != NULL ? provider : "");
  record->model = g_strdup (model != NULL ? model : "");
  record->seed = TS_RUN_RECORD_UNKNOWN;
  record->input_tokens = TS_RUN_RECORD_UNKNOWN;
  record->output_tokens = TS_RUN_RECORD_UNKNOWN;
  record->first_chunk_us = TS_RUN_RECORD_UNKNOWN;
  record->total_us = TS_RUN_RECORD_UNKNOWN;
  record->outcome = TS_RUN_OUTCOME_SUCCEEDED;

  return record;
}

TsRunRecord *
ts_run_record_ref (TsRunRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return g_atomic_rc_box_acquire (record);
}

static void
record_clear (gpointer data)
{
  TsRunRecord *record = data;

  g_clear_pointer (&record->started, g_date_time_unref);
  g_clear_pointer (&record->ended, g_date_time_unref);
  g_clear_pointer (&record->parameters, g_variant_unref);
  g_free (record->provider);
  g_free (record->model);
  g_free (record->error);
}

void
ts_run_record_unref (TsRunRecord *record)
{
  g_atomic_rc_box_release_full (record, record_clear);
}

static const char * const outcome_names[] = {
  [TS_RUN_OUTCOME_SUCCEEDED] = "succeeded",
  [TS_RUN_OUTCOME_CACHED] = "cached",
  [TS_RUN_OUTCOME_FAILED] = "failed",
  [TS_RUN_OUTCOME_CANCELLED] = "cancelled",
};

const char *
ts_run_outcome_to_string (TsRunOutcome outcome)
{
  g_return_val_if_fail (outcome <= TS_RUN_OUTCOME_CANCELLED, NULL);

  return outcome_names[outcome];
}

gboolean
ts_run_outcome_from_string (const char   *str,
                            TsRunOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    {
      if (g_strcmp0 (str, outcome_names[i]) == 0)
        {
          *outcome = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * ts_output_get_run_record:
 * @output: a #TsOutput
 *
 * Returns: (transfer none) (nullable): the record of the run that made @output
 */
TsRunRecord *
ts_output_get_run_record (TsOutput *output)
{
  g_return_val_if_fail (TS_IS_OUTPUT (output), NULL);

  return g_object_get_qdata (G_OBJECT (output), record_quark ());
}

/**
 * ts_output_set_run_record:
 * @output: a #TsOutput
 * @record: (nullable): the record of the run that made @output
 */
void
ts_output_set_run_record (TsOutput    *output,
                          TsRunRecord *record)
{
  g_return_if_fail (TS_IS_OUTPUT (output));

  g_object_set_qdata_full (G_OBJECT (output), record_quark (),
                           record != NULL ? ts_run_record_ref (record) : NULL,
                           (GDestroyNotify) ts_run_record_unref);
}

/* As JSON: times in UTC in ISO 8601, durations in milliseconds, unknown numbers null,
 * parameters in the order of the request. Snapshots and tessera-cli run --json write it. */

static cJSON *
number_or_null (gint64 value)
{
  return value >= 0 ? cJSON_CreateNumber ((double) value) : cJSON_CreateNull ();
}

static cJSON *
ms_or_null (gint64 us)
{
  return us >= 0 ? cJSON_CreateNumber (us / 1000.0) : cJSON_CreateNull ();
}

static cJSON *
parameters_to_json (GVariant *parameters)
{
  cJSON *object = cJSON_CreateObject ();
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (parameters == NULL)
    return object;

  g_variant_iter_init (&iter, parameters);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE) && isfinite (g_variant_get_double (value)))
        cJSON_AddNumberToObject (object, name, g_variant_get_double (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        cJSON_AddNumberToObject (object, name, (double) g_variant_get_int64 (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **strv = g_variant_get_strv (value, NULL);

          cJSON_AddItemToObject (object, name, cJSON_CreateStringArray (strv, g_strv_length ((char **) strv)));
        }
      g_variant_unref (value);
    }

  return object;
}

static void
add_time (cJSON      *object,
          const char *key,
          GDateTime  *time)
{
  g_autofree char *text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  if (text != NULL)
    cJSON_AddStringToObject (object, key, text);
  else
    cJSON_AddNullToObject (object, key);
}

/**
 * ts_run_record_to_json:
 * @record: a run record
 *
 * Returns: (transfer full): @record as a snapshot keeps it, for a caller to add to a
 *   document of its own and free with it
 */
cJSON *
ts_run_record_to_json (TsRunRecord *record)
{
  cJSON *object;

  g_return_val_if_fail (record != NULL, NULL);

  object = cJSON_CreateObject ();

  add_time (object, "started", record->started);
  add_time (object, "ended", record->ended);
  cJSON_AddStringToObject (object, "provider", record->provider);
  cJSON_AddStringToObject (object, "model", record->model);
  cJSON_AddItemToObject (object, "parameters", parameters_to_json (record->parameters));
  cJSON_AddItemToObject (object, "seed", number_or_null (record->seed));
  cJSON_AddItemToObject (object, "input_tokens", number_or_null (record->input_tokens));
  cJSON_AddItemToObject (object, "output_tokens", number_or_null (record->output_tokens));
  cJSON_AddItemToObject (object, "first_chunk_ms", ms_or_null (record->first_chunk_us));
  cJSON_AddItemToObject (object, "total_ms", ms_or_null (record->total_us));
  cJSON_AddStringToObject (object, "outcome", ts_run_outcome_to_string (record->outcome));
  if (record->error != NULL)
    cJSON_AddStringToObject (object, "error", record->error);

  return object;
}
