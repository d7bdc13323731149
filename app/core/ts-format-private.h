/* ts-format-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cjson/cJSON.h>

#include "ts-format.h"
#include "ts-problem.h"
#include "ts-run-record.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray         *problems;
  gboolean           newer;
  gsize              image_bytes;
  TsFormatLoadFlags  flags;
} Loader;

char        *_ts_format_number         (double              value);
char        *_ts_format_print          (const cJSON        *root);

void         _ts_loader_report         (Loader             *loader,
                                        TsSeverity          severity,
                                        const char         *prefix,
                                        const char         *key,
                                        const char         *format,
                                        ...) G_GNUC_PRINTF (5, 6);
void         _ts_loader_report_unknown (Loader             *loader,
                                        const char         *prefix,
                                        const char         *key,
                                        const char         *message);
gboolean     _ts_loader_check_keys     (Loader             *loader,
                                        const cJSON        *object,
                                        const char         *prefix,
                                        const char * const *known,
                                        const char         *unknown_message);
const char  *_ts_loader_type_name      (const cJSON        *item);
const char  *_ts_loader_get_string     (Loader             *loader,
                                        const cJSON        *object,
                                        const char         *prefix,
                                        const char         *key,
                                        gboolean            required);
gboolean     _ts_loader_get_integer    (Loader             *loader,
                                        const cJSON        *item,
                                        const char         *prefix,
                                        const char         *key,
                                        double              min,
                                        double              max,
                                        gint64             *value);
gboolean     _ts_loader_get_double     (Loader             *loader,
                                        const cJSON        *item,
                                        const char         *prefix,
                                        const char         *key,
                                        double              min,
                                        double              max,
                                        double             *value);
TsRunRecord *_ts_format_load_record    (Loader             *loader,
                                        const cJSON        *item,
                                        const char         *prefix);
void         _ts_format_load_outputs   (Loader             *loader,
                                        TsPlayground       *playground,
                                        const cJSON        *outputs);

#define error_at(loader, prefix, key, ...) \
  _ts_loader_report (loader, TS_SEVERITY_ERROR, prefix, key, __VA_ARGS__)

G_END_DECLS
