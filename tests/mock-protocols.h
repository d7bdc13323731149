/* mock-protocols.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mock-server.h"

G_BEGIN_DECLS

/* Handlers that answer as the real servers do (protocols.md), for mock_server_new().
 * The model named in a request picks the scenario; see each mock's file. */

typedef struct
{
  GMutex   mutex;
  gboolean no_api;
  gboolean running;
  gboolean interrupted;
  gint64   started;
} MockSdwebui;

MockAction mock_ollama_handler  (MockConn          *conn,
                                 const MockRequest *request,
                                 gpointer           user_data);
MockAction mock_openai_handler  (MockConn          *conn,
                                 const MockRequest *request,
                                 gpointer           user_data);
MockAction mock_sdwebui_handler (MockConn          *conn,
                                 const MockRequest *request,
                                 gpointer           user_data);

/* Images for the image mocks. */
GBytes    *mock_png_new         (guint              width,
                                 guint              height);
GBytes    *mock_png_huge        (void);
char      *mock_base64          (GBytes            *bytes);

/* Splits @text at every @every bytes and inside each multi-byte character it holds. */
GArray    *mock_awkward_splits  (const char        *text,
                                 gsize              every);


/* Running provider calls to the end from a test, on the thread-default main context. */

#include "ts-provider.h"

typedef struct
{
  GPtrArray    *chunks;          /* of char *, in order */
  GArray       *progress;        /* of double */
  GCancellable *cancellable;
  guint         cancel_after;    /* cancel after this many chunks or progress reports, 0: never */
  gint64        cancelled_at;
  gint64        finished_at;
  guint         after_cancel;    /* chunks or reports that came after the cancel */
} MockRun;

void           mock_run_init  (MockRun        *run);
void           mock_run_clear (MockRun        *run);
char          *mock_run_joined (MockRun       *run);
TsTextResult  *mock_run_text  (MockRun        *run,
                               TsProvider     *provider,
                               TsTextRequest  *request,
                               GError        **error);
TsImageResult *mock_run_image (MockRun        *run,
                               TsProvider     *provider,
                               TsImageRequest *request,
                               GError        **error);
GPtrArray     *mock_run_list  (TsProvider     *provider,
                               GError        **error);
TsTextRequest *mock_text_request (const char  *model,
                                  const char  *prompt);

G_END_DECLS
