/* test-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mock-server.h"
#include "ts-http.h"
#include "ts-provider.h"

/* Handlers, chosen by path */

static const char stream_text[] =
  "{\"n\":1,\"text\":\"Grüße\"}\n{\"n\":2,\"text\":\"ünïcödé ✓\"}\n{\"n\":3,\"done\":true}\n";

static MockAction
handler (MockConn          *conn,
         const MockRequest *request,
         gpointer           user_data)
{
  const char *path = request->path;

  if (g_str_equal (path, "/hello"))
    {
      const char *const headers[] = { "X-Test: one", "x-test: two", NULL };

      mock_conn_begin (conn, 200, "text/plain; charset=utf-8", headers, TRUE);
      mock_conn_chunk (conn, "hello ", 6);
      mock_conn_chunk (conn, "world", 5);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/echo"))
    {
      g_autofree char *body = mock_request_dup_body_string (request);

      mock_conn_respond (conn, 200, "application/json", body, -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/empty"))
    {
      mock_conn_respond (conn, 204, NULL, NULL, 0);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/stream"))
    {
      /* Split mid-line and inside the two-byte "ü" and three-byte "✓". */
      const char *u = strstr (stream_text, "ü");
      const char *check = strstr (stream_text, "✓");
      gsize splits[] = { 3, (gsize) (u - stream_text) + 1, (gsize) (check - stream_text) + 2,
                         sizeof stream_text - 4 };

      mock_conn_begin (conn, 200, "application/x-ndjson", NULL, TRUE);
      mock_conn_chunks (conn, stream_text, sizeof stream_text - 1, splits, G_N_ELEMENTS (splits), 20);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/drip-forever"))
    {
      mock_conn_begin (conn, 200, "text/plain", NULL, TRUE);
      for (guint i = 0; i < 1000; i++)
        if (!mock_conn_chunk (conn, "tick\n", 5) || !mock_conn_sleep (conn, 20))
          break;
      return MOCK_CLOSE;
    }

  if (g_str_equal (path, "/slow"))
    {
      mock_conn_sleep (conn, 300);
      mock_conn_respond (conn, 200, "text/plain", "late", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/never"))
    return MOCK_HOLD;

  if (g_str_equal (path, "/missing"))
    {
      mock_conn_respond (conn, 404, "application/json", "{\"error\":\"no such thing\"}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/huge-error"))
    {
      g_autofree char *body = g_malloc (1024 * 1024);

      memset (body, 'e', 1024 * 1024);
      mock_conn_respond (conn, 500, "text/plain", body, 1024 * 1024);
      return MOCK_CLOSE;
    }

  if (g_str_equal (path, "/big"))
    {
      g_autofree char *body = g_malloc (5000);

      memset (body, 'b', 5000);
      mock_conn_respond (conn, 200, "text/plain", body, 5000);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (path, "/cut-length"))
    {
      mock_conn_write_str (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 100\r\n\r\nonly part");
      return MOCK_CLOSE;
    }

  if (g_str_equal (path, "/cut-chunked"))
    {
      mock_conn_begin (conn, 200, "text/plain", NULL, TRUE);
      mock_conn_chunk (conn, "first part", 10);
      return MOCK_CLOSE;
    }

  if (g_str_has_prefix (path, "http://example.invalid/"))
    {
      mock_conn_respond (conn, 200, "text/plain", "via proxy", -1);
      return MOCK_KEEP_OPEN;
    }

  mock_conn_respond (conn, 404, "text/plain", "unknown path", -1);
  return MOCK_KEEP_OPEN;
}

/* Sending and waiting */

typedef struct
{
  GString        *streamed;
  guint           n_calls;
  gboolean        finished;
  TsHttpResponse *response;
  GError         *error;
  GCancellable   *cancel_on_first;
  gint64          cancelled_at;
  gint64          finished_at;
  guint           calls_after_cancel;
  gboolean        refuse;
} Call;

static void
call_clear (Call *call)
{
  if (call->streamed != NULL)
    g_string_free (call->streamed, TRUE);
  g_clear_pointer (&call->response, ts_http_response_unref);
  g_clear_error (&call->error);
}

static gboolean
data_cb (TsHttpResponse  *response,
         const guint8    *data,
         gsize            length,
         gpointer         user_data,
         GError         **error)
{
  Call *call = user_data;

  g_assert_false (call->finished);
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (ts_http_response_get_status (response), ==, 200);

  if (call->cancelled_at != 0)
    call->calls_after_cancel++;

  call->n_calls++;
  g_string_append_len (call->streamed, (const char *) data, length);

  if (call->cancel_on_first != NULL && call->cancelled_at == 0)
    {
      call->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (call->cancel_on_first);
    }

  if (call->refuse)
    {
      g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL, "refused by test");
      return FALSE;
    }

  return TRUE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &call->error);
  call->finished = TRUE;
  call->finished_at = g_get_monotonic_time ();
}

static void
send_and_wait (TsHttpClient  *client,
               TsHttpRequest *request,
               gboolean       stream,
               GCancellable  *cancellable,
               Call          *call)
{
  call->streamed = g_string_new (NULL);
  ts_http_client_send_async (client, request, stream ? data_cb : NULL, call, NULL,
                             cancellable, sent_cb, call);
  while (!call->finished)
    g_main_context_iteration (NULL, TRUE);
}

static TsHttpRequest *
request_for (MockServer *server,
             const char *method,
             const char *path)
{
  g_autofree char *url = ts_http_build_url (mock_server_get_url (server), path);

  return ts_http_request_new (method, url);
}

static GBytes *
response_body (Call *call)
{
  g_assert_no_error (call->error);
  g_assert_nonnull (call->response);
  return ts_http_response_get_body (call->response);
}

/* Tests */

static void
test_get (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/hello");
  g_autoptr(GBytes) body = NULL;
  const MockRequest *seen;
  Call call = { 0 };

  ts_http_request_set_header (request, "X-Custom", "value 1");
  send_and_wait (client, request, FALSE, NULL, &call);

  body = response_body (&call);
  g_assert_cmpuint (ts_http_response_get_status (call.response), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "hello world", 11);
  g_assert_true (ts_http_response_has_content_type (call.response, "text/plain"));
  g_assert_false (ts_http_response_has_content_type (call.response, "text/plai"));
  g_assert_cmpstr (ts_http_response_get_header (call.response, "X-TEST"), ==, "two");
  g_assert_cmpuint (ts_http_response_get_received (call.response), ==, 11);

  seen = mock_server_get_request (server, 0);
  g_assert_cmpstr (seen->method, ==, "GET");
  g_assert_cmpstr (seen->path, ==, "/hello");
  g_assert_cmpstr (mock_request_get_header (seen, "x-custom"), ==, "value 1");
  g_assert_null (mock_request_get_header (seen, "Expect"));

  call_clear (&call);
  mock_server_free (server);
}

static void
test_post_body (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "POST", "/echo");
  g_autoptr(GBytes) body = NULL;
  g_autofree char *large = g_strnfill (3 * 1024 * 1024, 'x');
  g_autofree char *json = g_strdup_printf ("{\"big\":\"%s\"}", large);
  const MockRequest *seen;
  Call call = { 0 };

  ts_http_request_take_json_body (request, g_strdup (json));
  g_assert_cmpstr (ts_http_request_get_header (request, "content-type"), ==, "application/json");
  send_and_wait (client, request, FALSE, NULL, &call);

  body = response_body (&call);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), json, strlen (json));
  seen = mock_server_get_request (server, 0);
  g_assert_cmpstr (seen->method, ==, "POST");
  g_assert_cmpstr (mock_request_get_header (seen, "Content-Type"), ==, "application/json");
  g_assert_cmpuint (g_bytes_get_size (seen->body), ==, strlen (json));

  call_clear (&call);
  mock_server_free (server);
}

static void
test_empty_body (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "DELETE", "/empty");
  g_autoptr(GBytes) body = NULL;
  Call call = { 0 };

  send_and_wait (client, request, TRUE, NULL, &call);
  body = response_body (&call);
  g_assert_cmpuint (ts_http_response_get_status (call.response), ==, 204);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  g_assert_cmpuint (call.n_calls, ==, 0);
  g_assert_cmpstr (mock_server_get_request (server, 0)->method, ==, "DELETE");

  call_clear (&call);
  mock_server_free (server);
}

static void
test_stream_order (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/stream");
  g_autoptr(GBytes) body = NULL;
  Call call = { 0 };

  send_and_wait (client, request, TRUE, NULL, &call);
  body = response_body (&call);

  /* Every byte reached the data function, in order, and none stayed in the body. */
  g_assert_cmpstr (call.streamed->str, ==, stream_text);
  g_assert_cmpuint (call.n_calls, >=, 3);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_error_status (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/missing");
  g_autoptr(TsHttpRequest) huge = request_for (server, "GET", "/huge-error");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) huge_body = NULL;
  Call call = { 0 };
  Call huge_call = { 0 };

  /* A streaming request with a non-2xx answer: the data function never sees the body. */
  send_and_wait (client, request, TRUE, NULL, &call);
  body = response_body (&call);
  g_assert_cmpuint (ts_http_response_get_status (call.response), ==, 404);
  g_assert_false (ts_http_response_is_success (call.response));
  g_assert_cmpuint (call.n_calls, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   "{\"error\":\"no such thing\"}", 25);

  send_and_wait (client, huge, FALSE, NULL, &huge_call);
  huge_body = response_body (&huge_call);
  g_assert_cmpuint (ts_http_response_get_status (huge_call.response), ==, 500);
  g_assert_cmpuint (g_bytes_get_size (huge_body), ==, TS_HTTP_MAX_ERROR_BODY);
  g_assert_true (ts_http_response_get_truncated (huge_call.response));

  call_clear (&call);
  call_clear (&huge_call);
  mock_server_free (server);
}

static void
test_connection_reuse (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TsHttpRequest) request = request_for (server, "GET", i == 1 ? "/stream" : "/hello");
      Call call = { 0 };

      send_and_wait (client, request, i == 1, NULL, &call);
      g_assert_no_error (call.error);
      call_clear (&call);
    }

  g_assert_cmpuint (mock_server_get_n_requests (server), ==, 3);
  g_assert_cmpuint (mock_server_get_n_connections (server), ==, 1);
  g_assert_cmpuint (mock_server_get_request (server, 2)->connection, ==, 1);

  mock_server_free (server);
}

static void
test_concurrent (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  Call calls[6] = { 0 };
  guint n_finished = 0;

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(TsHttpRequest) request = request_for (server, "GET", i % 2 ? "/stream" : "/slow");

      calls[i].streamed = g_string_new (NULL);
      ts_http_client_send_async (client, request, i % 2 ? data_cb : NULL, &calls[i], NULL,
                                 NULL, sent_cb, &calls[i]);
    }

  while (n_finished < G_N_ELEMENTS (calls))
    {
      g_main_context_iteration (NULL, TRUE);
      n_finished = 0;
      for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
        n_finished += calls[i].finished;
    }

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_no_error (calls[i].error);
      if (i % 2)
        g_assert_cmpstr (calls[i].streamed->str, ==, stream_text);
      call_clear (&calls[i]);
    }

  mock_server_free (server);
}

static gboolean
tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop_not_blocked (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/slow");
  guint ticks = 0;
  guint id = g_timeout_add (10, tick_cb, &ticks);
  Call call = { 0 };

  /* The server waits 300 ms before it answers; the loop keeps turning meanwhile. */
  send_and_wait (client, request, FALSE, NULL, &call);
  g_source_remove (id);

  g_assert_no_error (call.error);
  g_assert_cmpuint (ticks, >=, 10);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_cancel_mid_stream (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/drip-forever");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { 0 };

  call.cancel_on_first = cancellable;
  send_and_wait (client, request, TRUE, cancellable, &call);

  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED);
  g_assert_null (call.response);
  g_assert_cmpuint (call.calls_after_cancel, ==, 0);
  g_assert_cmpint (call.finished_at - call.cancelled_at, <, 100 * 1000);

  call_clear (&call);
  mock_server_free (server);
}

static gboolean
cancel_cb (gpointer user_data)
{
  Call *call = user_data;

  call->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (call->cancel_on_first);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_waiting (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/never");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { 0 };

  /* A server that never answers: cancel from a timer, not from a data function. */
  call.cancel_on_first = cancellable;
  g_timeout_add (50, cancel_cb, &call);
  send_and_wait (client, request, TRUE, cancellable, &call);

  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED);
  g_assert_cmpint (call.finished_at - call.cancelled_at, <, 100 * 1000);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_cancel_before (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/hello");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { 0 };

  g_cancellable_cancel (cancellable);
  send_and_wait (client, request, FALSE, cancellable, &call);
  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED);
  g_assert_cmpuint (mock_server_get_n_requests (server), ==, 0);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_connect_refused (void)
{
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  guint16 port = mock_closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/version", port);
  g_autoptr(TsHttpRequest) request = ts_http_request_new ("GET", url);
  g_autoptr(GError) mapped = NULL;
  g_autofree char *expected = NULL;
  Call call = { 0 };

  send_and_wait (client, request, FALSE, NULL, &call);
  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_CONNECT);

  mapped = ts_http_error_to_provider (call.error, "Ollama", url, "start it with `ollama serve`");
  g_assert_error (mapped, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE);
  expected = g_strdup_printf ("Ollama is not running at 127.0.0.1:%u — start it with `ollama serve`",
                              port);
  g_assert_cmpstr (mapped->message, ==, expected);
  call_clear (&call);
}

static void
test_idle_timeout (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "POST", "/never");
  g_autoptr(GError) mapped = NULL;
  gint64 start = g_get_monotonic_time ();
  Call call = { 0 };

  ts_http_request_set_idle_timeout (request, 200);
  send_and_wait (client, request, TRUE, NULL, &call);

  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  mapped = ts_http_error_to_provider (call.error, "llama.cpp", ts_http_request_get_url (request), NULL);
  g_assert_error (mapped, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER);
  g_assert_nonnull (strstr (mapped->message, "llama.cpp"));

  call_clear (&call);
  mock_server_free (server);
}

static void
test_total_timeout (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/drip-forever");
  gint64 start = g_get_monotonic_time ();
  Call call = { 0 };

  /* Data keeps coming, so only the overall cap can end it. */
  ts_http_request_set_idle_timeout (request, 5000);
  ts_http_request_set_total_timeout (request, 300);
  send_and_wait (client, request, TRUE, NULL, &call);

  g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_TIMEOUT);
  g_assert_cmpuint (call.n_calls, >, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_too_large (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();

  for (guint stream = 0; stream < 2; stream++)
    {
      g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/big");
      g_autoptr(GError) mapped = NULL;
      Call call = { 0 };

      ts_http_request_set_max_response_size (request, 4096);
      send_and_wait (client, request, stream, NULL, &call);
      g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_TOO_LARGE);
      g_assert_cmpuint (call.streamed->len, <=, 4096);

      mapped = ts_http_error_to_provider (call.error, "LM Studio", ts_http_request_get_url (request), NULL);
      g_assert_error (mapped, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE);
      call_clear (&call);
    }

  /* At the cap exactly, it passes. */
  {
    g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/big");
    Call call = { 0 };

    ts_http_request_set_max_response_size (request, 5000);
    send_and_wait (client, request, FALSE, NULL, &call);
    g_assert_no_error (call.error);
    call_clear (&call);
  }

  mock_server_free (server);
}

static void
test_cut_off (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  const char *paths[] = { "/cut-length", "/cut-chunked" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(TsHttpRequest) request = request_for (server, "GET", paths[i]);
      Call call = { 0 };

      send_and_wait (client, request, TRUE, NULL, &call);
      g_assert_error (call.error, TS_HTTP_ERROR, TS_HTTP_ERROR_RESET);
      /* What arrived before the break was delivered. */
      g_assert_cmpuint (call.streamed->len, >, 0);
      call_clear (&call);
    }

  mock_server_free (server);
}

static void
test_data_func_refuses (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/drip-forever");
  Call call = { 0 };

  call.refuse = TRUE;
  send_and_wait (client, request, TRUE, NULL, &call);
  g_assert_error (call.error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_assert_cmpuint (call.n_calls, ==, 1);

  call_clear (&call);
  mock_server_free (server);
}

static void
test_proxy_env (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  g_autoptr(TsHttpClient) client = ts_http_client_new ();
  g_autoptr(TsHttpRequest) request = ts_http_request_new ("GET", "http://example.invalid/x");
  g_autoptr(GBytes) body = NULL;
  Call call = { 0 };

  /* The proxy variables are libcurl's to read; the client must not switch them off. */
  g_setenv ("http_proxy", mock_server_get_url (server), TRUE);
  send_and_wait (client, request, FALSE, NULL, &call);
  g_unsetenv ("http_proxy");

  body = response_body (&call);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "via proxy", 9);
  g_assert_cmpstr (mock_server_get_request (server, 0)->path, ==, "http://example.invalid/x");

  call_clear (&call);
  mock_server_free (server);
}

static void
test_other_context (void)
{
  MockServer *server = mock_server_new (handler, NULL);
  GMainContext *context = g_main_context_new ();
  g_autoptr(TsHttpClient) client = NULL;
  TsHttpClient *kept = NULL;
  Call call = { 0 };

  /* A client made for a thread-default context runs there, not on the global one. */
  g_main_context_push_thread_default (context);
  client = ts_http_client_new ();
  g_assert_true (ts_http_client_get_context (client) == context);
  g_assert_true (ts_http_client_ensure (&kept) != client);
  g_assert_true (ts_http_client_ensure (&kept) == kept);
  {
    g_autoptr(TsHttpRequest) request = request_for (server, "GET", "/stream");

    call.streamed = g_string_new (NULL);
    ts_http_client_send_async (client, request, data_cb, &call, NULL, NULL, sent_cb, &call);
    while (!call.finished)
      g_main_context_iteration (context, TRUE);
  }
  g_main_context_pop_thread_default (context);

  g_assert_no_error (call.error);
  g_assert_cmpstr (call.streamed->str, ==, stream_text);
  g_assert_true (ts_http_client_get_context (ts_http_client_ensure (&kept)) == g_main_context_default ());

  g_clear_object (&kept);
  g_clear_object (&client);
  g_main_context_unref (context);
  call_clear (&call);
  mock_server_free (server);
}

static void
test_helpers (void)
{
  g_autofree char *a = ts_http_build_url ("http://127.0.0.1:11434/", "/api/chat");
  g_autofree char *b = ts_http_build_url ("http://h:1/v1", "models");
  g_autofree char *c = ts_http_describe_address ("http://user:secret@example.com/v1?key=x");
  g_autofree char *d = ts_http_describe_address ("https://example.com");
  g_autofree char *e = ts_http_describe_address ("http://[::1]:8080/");
  g_autoptr(TsHttpRequest) request = ts_http_request_new ("post", "http://x/");
  g_autoptr(GError) cancelled = g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED, "c");
  g_autoptr(GError) mapped = ts_http_error_to_provider (cancelled, "Ollama", "http://x/", NULL);
  const char *name, *value;

  g_assert_cmpstr (a, ==, "http://127.0.0.1:11434/api/chat");
  g_assert_cmpstr (b, ==, "http://h:1/v1/models");
  g_assert_cmpstr (c, ==, "example.com:80");
  g_assert_cmpstr (d, ==, "example.com:443");
  g_assert_cmpstr (e, ==, "[::1]:8080");
  g_assert_true (ts_provider_error_is_cancelled (mapped));

  g_assert_cmpstr (ts_http_request_get_method (request), ==, "POST");
  ts_http_request_set_header (request, "Authorization", "Bearer 1");
  ts_http_request_set_header (request, "X-Amz-Date", "20240501T120000Z");
  ts_http_request_set_header (request, "authorization", "Bearer 2");
  g_assert_cmpuint (ts_http_request_get_n_headers (request), ==, 2);
  ts_http_request_get_header_at (request, 1, &name, &value);
  g_assert_cmpstr (name, ==, "authorization");
  g_assert_cmpstr (value, ==, "Bearer 2");
  ts_http_request_remove_header (request, "AUTHORIZATION");
  g_assert_null (ts_http_request_get_header (request, "Authorization"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mock_server_init_environment ();

  g_test_add_func ("/http/get", test_get);
  g_test_add_func ("/http/post-body", test_post_body);
  g_test_add_func ("/http/empty-body", test_empty_body);
  g_test_add_func ("/http/stream-order", test_stream_order);
  g_test_add_func ("/http/error-status", test_error_status);
  g_test_add_func ("/http/connection-reuse", test_connection_reuse);
  g_test_add_func ("/http/concurrent", test_concurrent);
  g_test_add_func ("/http/main-loop-not-blocked", test_main_loop_not_blocked);
  g_test_add_func ("/http/cancel-mid-stream", test_cancel_mid_stream);
  g_test_add_func ("/http/cancel-waiting", test_cancel_waiting);
  g_test_add_func ("/http/cancel-before", test_cancel_before);
  g_test_add_func ("/http/connect-refused", test_connect_refused);
  g_test_add_func ("/http/idle-timeout", test_idle_timeout);
  g_test_add_func ("/http/total-timeout", test_total_timeout);
  g_test_add_func ("/http/too-large", test_too_large);
  g_test_add_func ("/http/cut-off", test_cut_off);
  g_test_add_func ("/http/data-func-refuses", test_data_func_refuses);
  g_test_add_func ("/http/proxy-env", test_proxy_env);
  g_test_add_func ("/http/other-context", test_other_context);
  g_test_add_func ("/http/helpers", test_helpers);

  return g_test_run ();
}
