/* bench-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Client overhead: one non-streaming chat request to a local mock OpenAI-compatible
 * server, sent N times in a row by Tessera's client (ts_http_client_send_async() and the
 * main loop, one kept-alive connection), and by the `curl` command line doing the same
 * request N times in one process (also one kept-alive connection). curl's own start-up is
 * taken out by timing it with one request too. Both talk to the same mock, in the same
 * run, so the ratio Tessera/curl per request is comparable across machines. Target: at
 * most 1.05. */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mock-server.h"
#include "ts-http.h"

#define DEFAULT_REQUESTS 2000
#define RUNS 5
#define TARGET_RATIO 1.05

static const char request_body[] =
  "{\"model\":\"stories260K\",\"stream\":false,\"messages\":[{\"role\":\"system\",\"content\":"
  "\"You are terse.\"},{\"role\":\"user\",\"content\":\"Tell me a story about a fox.\"}],"
  "\"max_tokens\":64,\"temperature\":0.7}";

static const char answer[] =
  "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1740000000,"
  "\"model\":\"stories260K\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
  "\"content\":\"Once upon a time, a fox found a lantern by the river and carried it home.\"},"
  "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":18,"
  "\"total_tokens\":30}}";

static MockAction
handler (MockConn          *conn,
         const MockRequest *request,
         gpointer           user_data)
{
  mock_conn_respond (conn, 200, "application/json", answer, sizeof answer - 1);
  return MOCK_KEEP_OPEN;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsHttpResponse) response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);
  g_autoptr(GBytes) body = NULL;

  if (response == NULL)
    g_error ("bench-http: %s", error->message);
  body = ts_http_response_get_body (response);
  if (ts_http_response_get_status (response) != 200 || g_bytes_get_size (body) != sizeof answer - 1)
    g_error ("bench-http: unexpected answer");
  *done = TRUE;
}

static double
time_tessera (TsHttpClient *client,
              const char   *url,
              guint         n)
{
  g_autoptr(GBytes) body = g_bytes_new_static (request_body, sizeof request_body - 1);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TsHttpRequest) request = ts_http_request_new ("POST", url);
      gboolean done = FALSE;

      ts_http_request_set_body (request, body, "application/json");
      ts_http_client_send_async (client, request, NULL, NULL, NULL, NULL, sent_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_curl (const char *body_path,
           const char *url,
           guint       n)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_strconcat ("@", body_path, NULL);
  gint64 start;
  int status;

  /* Options apply to every URL: n POSTs of the same body over one connection. */
  g_ptr_array_add (argv, g_strdup ("curl"));
  g_ptr_array_add (argv, g_strdup ("--silent"));
  g_ptr_array_add (argv, g_strdup ("--show-error"));
  g_ptr_array_add (argv, g_strdup ("--fail"));
  g_ptr_array_add (argv, g_strdup ("--http1.1"));
  g_ptr_array_add (argv, g_strdup ("--compressed"));
  g_ptr_array_add (argv, g_strdup ("--header"));
  g_ptr_array_add (argv, g_strdup ("Content-Type: application/json"));
  g_ptr_array_add (argv, g_strdup ("--header"));
  g_ptr_array_add (argv, g_strdup ("Expect:"));
  g_ptr_array_add (argv, g_strdup ("--data-binary"));
  g_ptr_array_add (argv, g_strdup (data));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (argv, g_strdup (url));
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    g_error ("bench-http: cannot run curl: %s (install the curl package)", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("bench-http: curl failed: %s", error->message);

  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int    argc,
      char **argv)
{
  MockServer *server;
  g_autoptr(TsHttpClient) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body_path = NULL;
  g_autoptr(GError) error = NULL;
  double tessera = G_MAXDOUBLE, curl_many = G_MAXDOUBLE, curl_one = G_MAXDOUBLE;
  double tessera_each, curl_each, ratio;
  guint n = DEFAULT_REQUESTS;
  guint tessera_connections;
  int fd;

  if (argc > 2 && g_str_equal (argv[1], "--requests"))
    n = MAX (10, (guint) g_ascii_strtoull (argv[2], NULL, 10));

  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  server = mock_server_new (handler, NULL);
  url = g_strconcat (mock_server_get_url (server), "/v1/chat/completions", NULL);
  client = ts_http_client_new ();

  fd = g_file_open_tmp ("bench-http-XXXXXX.json", &body_path, &error);
  if (fd < 0 || !g_file_set_contents (body_path, request_body, sizeof request_body - 1, &error))
    g_error ("bench-http: %s", error->message);
  close (fd);

  /* Warm up both, then alternate, keeping the best of each. */
  tessera_connections = mock_server_get_n_connections (server);
  time_tessera (client, url, 50);
  tessera_connections = mock_server_get_n_connections (server) - tessera_connections;
  time_curl (body_path, url, 50);
  for (guint run = 0; run < RUNS; run++)
    {
      guint before = mock_server_get_n_connections (server);

      tessera = MIN (tessera, time_tessera (client, url, n));
      tessera_connections += mock_server_get_n_connections (server) - before;
      curl_many = MIN (curl_many, time_curl (body_path, url, n));
      curl_one = MIN (curl_one, time_curl (body_path, url, 1));
    }

  tessera_each = tessera / n;
  curl_each = (curl_many - curl_one) / (n - 1);
  ratio = tessera_each / curl_each;

  printf ("%u requests in a row, one connection, best of %d runs\n", n, RUNS);
  printf ("tessera client      %8.2f ms  %7.1f µs per request\n", tessera * 1000, tessera_each * 1e6);
  printf ("curl command line   %8.2f ms  %7.1f µs per request (start-up of %.2f ms taken out)\n",
          curl_many * 1000, curl_each * 1e6, curl_one * 1000);
  printf ("ratio tessera/curl  %8.3f  %s\n", ratio,
          ratio <= TARGET_RATIO ? "meets the target (<= 1.05)" : "MISSES the target (<= 1.05)");
  printf ("connections opened: %u by the client for all its runs, %u by curl\n",
          tessera_connections, mock_server_get_n_connections (server) - tessera_connections);

  g_unlink (body_path);
  g_clear_object (&client);
  mock_server_free (server);

  return ratio <= TARGET_RATIO ? 0 : 1;
}
