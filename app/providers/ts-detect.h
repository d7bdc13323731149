/* ts-detect.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

/* The detector: which local model servers are up, and what they serve. */

#define TS_DETECT_DEFAULT_TIMEOUT 450

#define TS_LLAMA_CPP_DEFAULT_URL "http://127.0.0.1:8080/v1"
#define TS_LM_STUDIO_DEFAULT_URL "http://127.0.0.1:1234/v1"

typedef enum
{
  TS_SERVER_KIND_OLLAMA,
  TS_SERVER_KIND_LLAMA_CPP,
  TS_SERVER_KIND_LM_STUDIO,
  TS_SERVER_KIND_OPENAI,
  TS_SERVER_KIND_SD_WEBUI,
} TsServerKind;

/**
 * TsServerState:
 * @TS_SERVER_DOWN: nothing answers there
 * @TS_SERVER_UP: the server answers and listed its models
 * @TS_SERVER_STARTING: the server answers but is still loading
 * @TS_SERVER_NO_API: the server answers but its API is off (a WebUI without --api)
 * @TS_SERVER_FAILED: something answers, but not as this server should
 */
typedef enum
{
  TS_SERVER_DOWN,
  TS_SERVER_UP,
  TS_SERVER_STARTING,
  TS_SERVER_NO_API,
  TS_SERVER_FAILED,
} TsServerState;

typedef struct
{
  TsServerKind   kind;
  char          *name;          /* "Ollama", "LM Studio", … */
  char          *provider_id;   /* the provider that talks to it */
  char          *url;           /* the provider endpoint to use for it */
  TsServerState  state;
  char          *version;       /* nullable */
  char          *message;       /* nullable: why it is not up, or what went wrong */
  GPtrArray     *models;        /* of TsModelInfo */
} TsDetectedServer;

TsDetectedServer *ts_detected_server_new   (TsServerKind         kind,
                                            const char          *url);
void              ts_detected_server_free  (TsDetectedServer    *server);
const char       *ts_server_state_to_string (TsServerState       state);
const char       *ts_server_kind_how_to_start (TsServerKind      kind);

GPtrArray        *ts_detect_targets        (TsProviderRegistry  *registry);
void              ts_detect_async          (GPtrArray           *targets,
                                            guint                timeout_ms,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray        *ts_detect_finish         (GAsyncResult        *result,
                                            GError             **error);
gboolean          ts_detect_apply          (TsProviderRegistry  *registry,
                                            GPtrArray           *servers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsDetectedServer, ts_detected_server_free)

G_END_DECLS
