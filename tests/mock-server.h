/* mock-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A scriptable HTTP/1.1 server for tests: it listens on 127.0.0.1 on a free port, serves
 * each connection on its own thread with keep-alive, records every request, and lets a
 * handler write exactly the bytes it wants, split where it wants, with pauses between
 * them. It stops when freed, or by itself once its lifetime is over. */

typedef struct _MockServer MockServer;
typedef struct _MockConn   MockConn;

typedef struct
{
  char      *method;
  char      *path;        /* with the query, as sent */
  GPtrArray *headers;     /* of MockHeader, in order */
  GBytes    *body;
  guint      connection;  /* 1 for the first connection accepted, 2 for the next, … */
} MockRequest;

typedef struct
{
  char *name;
  char *value;
} MockHeader;

/**
 * MockAction:
 * @MOCK_KEEP_OPEN: the answer is complete; read the next request on this connection
 * @MOCK_CLOSE: close the connection now, wherever the answer is
 * @MOCK_HOLD: keep the connection open and say nothing more until the client leaves or
 *   the server stops
 */
typedef enum
{
  MOCK_KEEP_OPEN,
  MOCK_CLOSE,
  MOCK_HOLD,
} MockAction;

/* Runs on the connection's thread, once per request. */
typedef MockAction (*MockHandler) (MockConn          *conn,
                                   const MockRequest *request,
                                   gpointer           user_data);

#define MOCK_DEFAULT_LIFETIME_SECONDS 60

MockServer        *mock_server_new                (MockHandler        handler,
                                                   gpointer           user_data);
void               mock_server_free               (MockServer        *server);
void               mock_server_set_lifetime       (MockServer        *server,
                                                   guint              seconds);
guint16            mock_server_get_port           (MockServer        *server);
const char        *mock_server_get_url            (MockServer        *server);
guint              mock_server_get_n_connections  (MockServer        *server);
guint              mock_server_get_n_requests     (MockServer        *server);
const MockRequest *mock_server_get_request        (MockServer        *server,
                                                   guint              index);
const MockRequest *mock_server_find_request       (MockServer        *server,
                                                   const char        *method,
                                                   const char        *path_prefix);
gboolean           mock_server_wait_for_requests  (MockServer        *server,
                                                   guint              n_requests,
                                                   guint              timeout_ms);

const char        *mock_request_get_header        (const MockRequest *request,
                                                   const char        *name);
char              *mock_request_dup_body_string   (const MockRequest *request);

/* Raw bytes. Each returns FALSE once the peer is gone or the server stops. */
gboolean           mock_conn_write                (MockConn          *conn,
                                                   const void        *data,
                                                   gsize              length);
gboolean           mock_conn_write_str            (MockConn          *conn,
                                                   const char        *text);
gboolean           mock_conn_write_pieces         (MockConn          *conn,
                                                   const void        *data,
                                                   gsize              length,
                                                   const gsize       *splits,
                                                   guint              n_splits,
                                                   guint              delay_ms);
gboolean           mock_conn_drip                 (MockConn          *conn,
                                                   const void        *data,
                                                   gsize              length,
                                                   gsize              piece,
                                                   guint              delay_ms);
gboolean           mock_conn_sleep                (MockConn          *conn,
                                                   guint              ms);

/* HTTP framing. */
gboolean           mock_conn_respond              (MockConn          *conn,
                                                   guint              status,
                                                   const char        *content_type,
                                                   const void        *body,
                                                   gssize             length);
gboolean           mock_conn_begin                (MockConn          *conn,
                                                   guint              status,
                                                   const char        *content_type,
                                                   const char *const *extra_headers,
                                                   gboolean           chunked);
gboolean           mock_conn_chunk                (MockConn          *conn,
                                                   const void        *data,
                                                   gsize              length);
gboolean           mock_conn_chunks               (MockConn          *conn,
                                                   const void        *data,
                                                   gsize              length,
                                                   const gsize       *splits,
                                                   guint              n_splits,
                                                   guint              delay_ms);
gboolean           mock_conn_end_chunks           (MockConn          *conn);

const char        *mock_status_reason             (guint              status);

void               mock_server_init_environment   (void);
guint16            mock_closed_port               (void);

G_END_DECLS
