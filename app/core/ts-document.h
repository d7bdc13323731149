/* ts-document.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Files larger than this are refused before they are read. */
#define TS_DOCUMENT_MAX_FILE_SIZE (64 * 1024 * 1024)

#define TS_DOCUMENT_ERROR (ts_document_error_quark ())

typedef enum
{
  TS_DOCUMENT_ERROR_UNSUPPORTED,
  TS_DOCUMENT_ERROR_INVALID,
  TS_DOCUMENT_ERROR_TOO_LARGE,
  TS_DOCUMENT_ERROR_NO_MODULE,
} TsDocumentError;

GQuark  ts_document_error_quark   (void);
char   *ts_document_extract       (const char           *name,
                                   GBytes               *bytes,
                                   GError              **error);
void    ts_document_load_async    (GFile                *file,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char   *ts_document_load_finish   (GAsyncResult         *result,
                                   gsize                *file_size,
                                   GError              **error);

G_END_DECLS
