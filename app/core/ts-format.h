/* ts-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-playground.h"

G_BEGIN_DECLS

#define TS_FORMAT_NAME "tessera"
#define TS_FORMAT_VERSION 1
#define TS_FORMAT_FILE_EXTENSION ".tessera"
#define TS_FORMAT_MIME_TYPE "application/x-tessera"

/* Limits on untrusted input. */
#define TS_FORMAT_MAX_FILE_SIZE (32 * 1024 * 1024)
#define TS_FORMAT_MAX_DEPTH 32
#define TS_FORMAT_MAX_OUTPUT_IMAGE_BYTES (24 * 1024 * 1024)
#define TS_FORMAT_MAX_OUTPUT_TEXT_BYTES (8 * 1024 * 1024)
#define TS_FORMAT_MAX_OUTPUT_IMAGES 16
#define TS_FORMAT_MAX_OUTPUT_MESSAGES 1000

#define TS_FORMAT_ERROR (ts_format_error_quark ())

typedef enum
{
  TS_FORMAT_ERROR_INVALID,
} TsFormatError;

/**
 * TsFormatLoadFlags:
 * @TS_FORMAT_LOAD_DEFAULT: refuse a file with any error
 * @TS_FORMAT_LOAD_LENIENT_CHECKS: build the playground even when the checks an edited
 *   playground also fails (titles, limits, providers, mentions, cycles) find errors, and
 *   report those as warnings; a file that is not well formed is still refused. For
 *   drafts, which keep a playground as it was mid-edit.
 */
typedef enum
{
  TS_FORMAT_LOAD_DEFAULT        = 0,
  TS_FORMAT_LOAD_LENIENT_CHECKS = 1 << 0,
} TsFormatLoadFlags;

typedef enum
{
  TS_FORMAT_SAVE_DEFINITION = 0,
  TS_FORMAT_SAVE_OUTPUTS    = 1 << 0,
} TsFormatSaveFlags;

GQuark        ts_format_error_quark      (void);
TsPlayground *ts_format_load_data        (const char           *data,
                                          gsize                 length,
                                          GPtrArray            *problems);
TsPlayground *ts_format_load_data_full   (const char           *data,
                                          gsize                 length,
                                          TsFormatLoadFlags     flags,
                                          GPtrArray            *problems);
TsPlayground *ts_format_load_file        (GFile                *file,
                                          GCancellable         *cancellable,
                                          GPtrArray            *problems,
                                          GError              **error);
TsPlayground *ts_format_load_file_full   (GFile                *file,
                                          TsFormatLoadFlags     flags,
                                          GCancellable         *cancellable,
                                          GPtrArray            *problems,
                                          GError              **error);
void          ts_format_load_file_async  (GFile                *file,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
TsPlayground *ts_format_load_file_finish (GAsyncResult         *result,
                                          GPtrArray            *problems,
                                          GError              **error);
GBytes       *ts_format_save_bytes       (TsPlayground         *playground,
                                          TsFormatSaveFlags     flags);
gboolean      ts_format_save_file        (TsPlayground         *playground,
                                          GFile                *file,
                                          TsFormatSaveFlags     flags,
                                          GCancellable         *cancellable,
                                          GError              **error);
void          ts_format_save_file_async  (TsPlayground         *playground,
                                          GFile                *file,
                                          TsFormatSaveFlags     flags,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      ts_format_save_file_finish (TsPlayground         *playground,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
