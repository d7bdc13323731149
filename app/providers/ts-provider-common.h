/* ts-provider-common.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cJSON.h>

#include "ts-http.h"
#include "ts-provider.h"

G_BEGIN_DECLS

/* What the HTTP providers share: reading JSON answers and server messages, turning a
 * status into an error, and the state of a streamed text generation. */

#define TS_PROVIDER_MAX_JSON_DEPTH 64

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cJSON, cJSON_Delete)

const char *ts_chat_role_to_string          (TsChatRole      role);

/* Turns a failed call into the error a person can act on: @http_error is set when the
 * transport failed, else @response is a non-2xx answer. */
typedef GError *(*TsCallErrorFunc) (TsHttpResponse *response,
                                    const GError   *http_error,
                                    const char     *url,
                                    const char     *model);

GTask      *ts_provider_task_new            (gpointer             source,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data,
                                             gpointer             source_tag,
                                             gpointer             task_data,
                                             GDestroyNotify       task_data_free);
cJSON      *ts_provider_receive_json        (GObject             *client,
                                             GAsyncResult        *result,
                                             TsCallErrorFunc      call_error,
                                             const char          *server,
                                             const char          *url,
                                             const char          *model,
                                             GError             **error);
cJSON      *ts_chat_message_new             (const char          *role,
                                             const char          *content);
void        ts_json_add_strv                (cJSON               *object,
                                             const char          *key,
                                             char               **strv);

char       *ts_provider_server_message      (GBytes         *body);
GError     *ts_provider_status_error        (TsHttpResponse *response,
                                             const char     *server,
                                             const char     *url);
cJSON      *ts_provider_parse_json          (TsHttpResponse *response,
                                             const char     *server,
                                             const char     *url,
                                             GError        **error);
cJSON      *ts_provider_parse_json_text     (const char     *text,
                                             gsize           length,
                                             const char     *what,
                                             GError        **error);

const char *ts_json_get_string              (const cJSON    *object,
                                             const char     *key);
gint64      ts_json_get_int                 (const cJSON    *object,
                                             const char     *key,
                                             gint64          fallback);
char       *ts_json_print                   (const cJSON    *json);

char       *ts_base64_encode_bytes          (GBytes         *bytes);
GBytes     *ts_provider_decode_png          (const char     *base64,
                                             const char     *server,
                                             GError        **error);
GBytes     *ts_provider_check_png           (GBytes         *png,
                                             const char     *server,
                                             GError        **error);

/* A streamed text generation, the task data of a generate_text task. */
typedef struct
{
  TsProvider      *provider;
  TsHttpClient    *client;
  char            *url;
  TsTextChunkFunc  chunk_func;
  gpointer         chunk_data;
  GCancellable    *cancellable;
  TsTextResult    *result;
  GString         *text;
  GString         *reasoning;
  gboolean         complete;
  gpointer         parser;
  GDestroyNotify   parser_free;
  const char      *expected_type;
  const char      *server;        /* named in errors; the provider's name if NULL */
  char            *model;
} TsTextJob;

TsTextJob  *ts_text_job_new                 (TsProvider      *provider,
                                             TsHttpClient    *client,
                                             const char      *url,
                                             const char      *model,
                                             TsTextChunkFunc  chunk_func,
                                             gpointer         chunk_data,
                                             GCancellable    *cancellable);
void        ts_text_job_free                (TsTextJob       *job);
void        ts_text_job_emit                (TsTextJob       *job,
                                             const char      *text);
void        ts_text_job_add_reasoning       (TsTextJob       *job,
                                             const char      *text);
gboolean    ts_text_job_check_type          (TsTextJob       *job,
                                             TsHttpResponse  *response,
                                             GError         **error);
TsTextResult *ts_text_job_steal_result      (TsTextJob       *job);

G_END_DECLS
