/* ts-run-record.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cjson/cJSON.h>
#include <glib-object.h>

#include "ts-output.h"

G_BEGIN_DECLS

/**
 * TsRunOutcome:
 * @TS_RUN_OUTCOME_SUCCEEDED: the provider answered
 * @TS_RUN_OUTCOME_CACHED: the answer came from the output cache
 * @TS_RUN_OUTCOME_FAILED: the run failed; the record's error says why
 * @TS_RUN_OUTCOME_CANCELLED: the run was cancelled
 */
typedef enum
{
  TS_RUN_OUTCOME_SUCCEEDED,
  TS_RUN_OUTCOME_CACHED,
  TS_RUN_OUTCOME_FAILED,
  TS_RUN_OUTCOME_CANCELLED,
} TsRunOutcome;

/* "Not known" for the numbers of a record. */
#define TS_RUN_RECORD_UNKNOWN ((gint64) -1)

/**
 * TsRunRecord:
 * @started: (nullable): when the run started, in UTC
 * @ended: (nullable): when it ended, in UTC; %NULL while it runs
 * @provider: the provider id
 * @model: the model
 * @parameters: (nullable): the request's parameters, an `a{sv}` dictionary of doubles
 *   (`d`), integers (`x`) and string lists (`as`), in request order
 * @seed: the seed actually used, or %TS_RUN_RECORD_UNKNOWN
 * @input_tokens: prompt tokens, or %TS_RUN_RECORD_UNKNOWN
 * @output_tokens: generated tokens, or %TS_RUN_RECORD_UNKNOWN
 * @first_chunk_us: microseconds from the start to the first streamed text, or
 *   %TS_RUN_RECORD_UNKNOWN
 * @total_us: microseconds from the start to the end, or %TS_RUN_RECORD_UNKNOWN
 * @outcome: how the run ended
 * @error: (nullable): what went wrong, for a failed run
 *
 * What one run of one widget did. Reference counted; treat it as immutable once
 * attached to an output.
 */
typedef struct
{
  GDateTime    *started;
  GDateTime    *ended;
  char         *provider;
  char         *model;
  GVariant     *parameters;
  gint64        seed;
  gint64        input_tokens;
  gint64        output_tokens;
  gint64        first_chunk_us;
  gint64        total_us;
  TsRunOutcome  outcome;
  char         *error;
} TsRunRecord;

#define TS_TYPE_RUN_RECORD (ts_run_record_get_type ())

GType        ts_run_record_get_type        (void) G_GNUC_CONST;
TsRunRecord *ts_run_record_new             (const char   *provider,
                                            const char   *model);
TsRunRecord *ts_run_record_ref             (TsRunRecord  *record);
void         ts_run_record_unref           (TsRunRecord  *record);
const char  *ts_run_outcome_to_string      (TsRunOutcome  outcome);
gboolean     ts_run_outcome_from_string    (const char   *str,
                                            TsRunOutcome *outcome);
TsRunRecord *ts_output_get_run_record      (TsOutput     *output);
void         ts_output_set_run_record      (TsOutput     *output,
                                            TsRunRecord  *record);
cJSON       *ts_run_record_to_json         (TsRunRecord  *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRunRecord, ts_run_record_unref)

G_END_DECLS
