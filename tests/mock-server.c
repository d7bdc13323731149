/* mock-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* accept4, pipe2 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock-server.h"

/* Requests larger than this are refused: a test server has no business with them. */
#define MAX_REQUEST_SIZE (80 * 1024 * 1024)

struct _MockServer
{
  MockHandler  handler;
  gpointer     user_data;

  int          listen_fd;
  int          stop_pipe[2];
  guint16      port;
  char        *url;
  gint64       deadline;

  GThread     *listen_thread;

  GMutex       mutex;
  GCond        cond;
  gboolean     stopping;
  GPtrArray   *threads;
  GArray      *open_fds;
  GPtrArray   *requests;
  guint        n_connections;
};

struct _MockConn
{
  MockServer *server;
  int         fd;
  guint       number;
  gboolean    broken;
};

static void
mock_header_free (gpointer data)
{
  MockHeader *header = data;

  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

static void
mock_request_free (gpointer data)
{
  MockRequest *request = data;

  g_free (request->method);
  g_free (request->path);
  g_ptr_array_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static gboolean
server_is_stopping (MockServer *server)
{
  gboolean stopping;

  g_mutex_lock (&server->mutex);
  stopping = server->stopping;
  g_mutex_unlock (&server->mutex);

  return stopping;
}

static void
server_stop (MockServer *server)
{
  g_mutex_lock (&server->mutex);
  if (!server->stopping)
    {
      char byte = 'x';

      server->stopping = TRUE;
      /* Never read: the pipe stays readable and wakes every poll() at once. */
      if (write (server->stop_pipe[1], &byte, 1) < 0)
        g_warning ("mock server: cannot signal stop: %s", g_strerror (errno));
      /* A handler blocked in send() to a client that stopped reading wakes up too. */
      for (guint i = 0; i < server->open_fds->len; i++)
        shutdown (g_array_index (server->open_fds, int, i), SHUT_RDWR);
      g_cond_broadcast (&server->cond);
    }
  g_mutex_unlock (&server->mutex);
}

/* Waits until @fd is readable, the server stops or @timeout_ms passes (-1: no limit).
 * Returns 1 if readable, 0 on timeout, -1 when stopping. */
static int
wait_readable (MockServer *server,
               int         fd,
               int         timeout_ms)
{
  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = fd, .events = POLLIN },
        { .fd = server->stop_pipe[0], .events = POLLIN },
      };
      int n = poll (fds, 2, timeout_ms);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || fds[1].revents != 0)
        return -1;
      if (n == 0)
        return 0;
      return 1;
    }
}

/* Connections */

const char *
mock_status_reason (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 422: return "Unprocessable Entity";
    case 424: return "Failed Dependency";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default:  return "Status";
    }
}

gboolean
mock_conn_write (MockConn   *conn,
                 const void *data,
                 gsize       length)
{
  const char *bytes = data;

  while (length > 0 && !conn->broken)
    {
      ssize_t written = send (conn->fd, bytes, length, MSG_NOSIGNAL);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          conn->broken = TRUE;
          break;
        }
      bytes += written;
      length -= written;
    }

  return !conn->broken && !server_is_stopping (conn->server);
}

gboolean
mock_conn_write_str (MockConn   *conn,
                     const char *text)
{
  return mock_conn_write (conn, text, strlen (text));
}

/**
 * mock_conn_sleep:
 *
 * Pauses the answer; wakes early when the server stops.
 *
 * Returns: FALSE if the server is stopping
 */
gboolean
mock_conn_sleep (MockConn *conn,
                 guint     ms)
{
  MockServer *server = conn->server;
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean stopping;

  g_mutex_lock (&server->mutex);
  while (!server->stopping && g_cond_wait_until (&server->cond, &server->mutex, until))
    ;
  stopping = server->stopping;
  g_mutex_unlock (&server->mutex);

  return !stopping;
}

/**
 * mock_conn_write_pieces:
 * @splits: offsets into @data, increasing, where one write ends and the next begins
 * @delay_ms: pause between two writes
 *
 * Writes @data in pieces cut at chosen points, so the client reads them apart.
 */
gboolean
mock_conn_write_pieces (MockConn    *conn,
                        const void  *data,
                        gsize        length,
                        const gsize *splits,
                        guint        n_splits,
                        guint        delay_ms)
{
  const char *bytes = data;
  gsize start = 0;

  for (guint i = 0; i <= n_splits; i++)
    {
      gsize end = i < n_splits ? MIN (splits[i], length) : length;

      g_assert (end >= start);
      if (end > start && !mock_conn_write (conn, bytes + start, end - start))
        return FALSE;
      start = end;
      if (i < n_splits && delay_ms > 0 && !mock_conn_sleep (conn, delay_ms))
        return FALSE;
    }

  return TRUE;
}

/**
 * mock_conn_drip:
 * @piece: bytes per write
 *
 * Writes @data @piece bytes at a time, @delay_ms apart: a slow server.
 */
gboolean
mock_conn_drip (MockConn   *conn,
                const void *data,
                gsize       length,
                gsize       piece,
                guint       delay_ms)
{
  const char *bytes = data;

  g_assert (piece > 0);

  for (gsize start = 0; start < length; start += piece)
    {
      if (start > 0 && delay_ms > 0 && !mock_conn_sleep (conn, delay_ms))
        return FALSE;
      if (!mock_conn_write (conn, bytes + start, MIN (piece, length - start)))
        return FALSE;
    }

  return TRUE;
}

/**
 * mock_conn_respond:
 * @length: length of @body, or -1 if it is a string
 *
 * Writes a whole answer with a Content-Length, keeping the connection open.
 */
gboolean
mock_conn_respond (MockConn   *conn,
                   guint       status,
                   const char *content_type,
                   const void *body,
                   gssize      length)
{
  g_autoptr(GString) head = g_string_new (NULL);

  if (length < 0)
    length = body != NULL ? strlen (body) : 0;

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status, mock_status_reason (status));
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  g_string_append_printf (head, "Content-Length: %" G_GSSIZE_FORMAT "\r\n\r\n", length);

  return mock_conn_write (conn, head->str, head->len) &&
         (length == 0 || mock_conn_write (conn, body, length));
}

/**
 * mock_conn_begin:
 * @extra_headers: (nullable): more "Name: value" lines
 * @chunked: whether the body follows in chunks; if not, the body runs until the handler
 *   closes the connection
 *
 * Writes a status line and headers, for a body the handler writes next.
 */
gboolean
mock_conn_begin (MockConn          *conn,
                 guint              status,
                 const char        *content_type,
                 const char *const *extra_headers,
                 gboolean           chunked)
{
  g_autoptr(GString) head = g_string_new (NULL);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status, mock_status_reason (status));
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  for (guint i = 0; extra_headers != NULL && extra_headers[i] != NULL; i++)
    g_string_append_printf (head, "%s\r\n", extra_headers[i]);
  if (chunked)
    g_string_append (head, "Transfer-Encoding: chunked\r\n");
  else
    g_string_append (head, "Connection: close\r\n");
  g_string_append (head, "\r\n");

  return mock_conn_write (conn, head->str, head->len);
}

/* One chunk, framed, in one write. */
gboolean
mock_conn_chunk (MockConn   *conn,
                 const void *data,
                 gsize       length)
{
  g_autoptr(GString) chunk = NULL;

  if (length == 0)
    return TRUE;

  chunk = g_string_sized_new (length + 16);
  g_string_append_printf (chunk, "%zx\r\n", length);
  g_string_append_len (chunk, data, length);
  g_string_append (chunk, "\r\n");

  return mock_conn_write (conn, chunk->str, chunk->len);
}

/**
 * mock_conn_chunks:
 * @splits: offsets into @data where one chunk ends and the next begins
 *
 * Sends @data as chunks cut at chosen points (mid-line, mid-character), @delay_ms apart.
 */
gboolean
mock_conn_chunks (MockConn    *conn,
                  const void  *data,
                  gsize        length,
                  const gsize *splits,
                  guint        n_splits,
                  guint        delay_ms)
{
  const char *bytes = data;
  gsize start = 0;

  for (guint i = 0; i <= n_splits; i++)
    {
      gsize end = i < n_splits ? MIN (splits[i], length) : length;

      g_assert (end >= start);
      if (!mock_conn_chunk (conn, bytes + start, end - start))
        return FALSE;
      start = end;
      if (i < n_splits && delay_ms > 0 && !mock_conn_sleep (conn, delay_ms))
        return FALSE;
    }

  return TRUE;
}

gboolean
mock_conn_end_chunks (MockConn *conn)
{
  return mock_conn_write_str (conn, "0\r\n\r\n");
}

/* Reading requests */

static const char *
find_header_end (GByteArray *buffer)
{
  for (guint i = 0; i + 3 < buffer->len; i++)
    if (memcmp (buffer->data + i, "\r\n\r\n", 4) == 0)
      return (const char *) buffer->data + i;

  return NULL;
}

static gboolean
read_more (MockConn   *conn,
           GByteArray *buffer)
{
  guint8 data[16384];
  ssize_t n;

  if (wait_readable (conn->server, conn->fd, -1) <= 0)
    return FALSE;

  do
    n = recv (conn->fd, data, sizeof data, 0);
  while (n < 0 && errno == EINTR);

  if (n <= 0)
    return FALSE;

  g_byte_array_append (buffer, data, n);
  return buffer->len <= MAX_REQUEST_SIZE;
}

/* Reads one request from @buffer, reading more as needed; NULL at the end. */
static MockRequest *
read_request (MockConn   *conn,
              GByteArray *buffer)
{
  const char *end;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) parts = NULL;
  MockRequest *request;
  gsize head_length;
  gsize body_length = 0;
  const char *content_length;

  while ((end = find_header_end (buffer)) == NULL)
    if (!read_more (conn, buffer))
      return NULL;

  head_length = end - (const char *) buffer->data + 4;
  {
    g_autofree char *head = g_strndup ((const char *) buffer->data, end - (const char *) buffer->data);

    lines = g_strsplit (head, "\r\n", -1);
  }

  parts = g_strsplit (lines[0], " ", 3);
  if (g_strv_length (parts) != 3)
    return NULL;

  request = g_new0 (MockRequest, 1);
  request->method = g_strdup (parts[0]);
  request->path = g_strdup (parts[1]);
  request->headers = g_ptr_array_new_with_free_func (mock_header_free);
  request->connection = conn->number;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');
      MockHeader *header;

      if (colon == NULL)
        continue;
      header = g_new0 (MockHeader, 1);
      header->name = g_strndup (lines[i], colon - lines[i]);
      header->value = g_strstrip (g_strdup (colon + 1));
      g_ptr_array_add (request->headers, header);
    }

  content_length = mock_request_get_header (request, "Content-Length");
  if (content_length != NULL)
    body_length = g_ascii_strtoull (content_length, NULL, 10);

  while (buffer->len < head_length + body_length)
    if (!read_more (conn, buffer))
      {
        mock_request_free (request);
        return NULL;
      }

  request->body = g_bytes_new (buffer->data + head_length, body_length);
  g_byte_array_remove_range (buffer, 0, head_length + body_length);

  return request;
}

/* Holds the connection until the client closes it or the server stops. */
static void
hold (MockConn *conn)
{
  for (;;)
    {
      char data[4096];
      ssize_t n;

      if (wait_readable (conn->server, conn->fd, -1) <= 0)
        return;
      n = recv (conn->fd, data, sizeof data, 0);
      if (n == 0 || (n < 0 && errno != EINTR))
        return;
    }
}

typedef struct
{
  MockServer *server;
  int         fd;
  guint       number;
} ConnStart;

static gpointer
connection_thread (gpointer data)
{
  ConnStart *start = data;
  MockServer *server = start->server;
  MockConn conn = { server, start->fd, start->number, FALSE };
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  int one = 1;

  g_free (start);
  setsockopt (conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  for (;;)
    {
      MockRequest *request = read_request (&conn, buffer);
      MockAction action;

      if (request == NULL)
        break;

      g_mutex_lock (&server->mutex);
      g_ptr_array_add (server->requests, request);
      g_cond_broadcast (&server->cond);
      g_mutex_unlock (&server->mutex);

      action = server->handler (&conn, request, server->user_data);
      if (conn.broken || action == MOCK_CLOSE)
        break;
      if (action == MOCK_HOLD)
        {
          hold (&conn);
          break;
        }
    }

  g_mutex_lock (&server->mutex);
  for (guint i = 0; i < server->open_fds->len; i++)
    if (g_array_index (server->open_fds, int, i) == conn.fd)
      {
        g_array_remove_index_fast (server->open_fds, i);
        break;
      }
  g_mutex_unlock (&server->mutex);

  shutdown (conn.fd, SHUT_RDWR);
  close (conn.fd);

  return NULL;
}

static gpointer
listen_thread (gpointer data)
{
  MockServer *server = data;

  for (;;)
    {
      gint64 left = (server->deadline - g_get_monotonic_time ()) / 1000;
      int ready;
      int fd;

      if (left <= 0)
        break;

      ready = wait_readable (server, server->listen_fd, (int) MIN (left, G_MAXINT));
      if (ready < 0)
        break;
      if (ready == 0)
        continue;

      fd = accept4 (server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        continue;

      g_mutex_lock (&server->mutex);
      {
        ConnStart *start = g_new0 (ConnStart, 1);

        start->server = server;
        start->fd = fd;
        start->number = ++server->n_connections;
        g_array_append_val (server->open_fds, fd);
        g_ptr_array_add (server->threads, g_thread_new ("mock-conn", connection_thread, start));
      }
      g_mutex_unlock (&server->mutex);
    }

  /* Lifetime over or asked to stop: wake every connection. */
  server_stop (server);

  return NULL;
}

/**
 * mock_server_new:
 * @handler: answers each request
 *
 * Starts a server on 127.0.0.1 on a free port. It stops when freed or after
 * %MOCK_DEFAULT_LIFETIME_SECONDS, whichever comes first.
 *
 * Returns: (transfer full): the running server
 */
MockServer *
mock_server_new (MockHandler handler,
                 gpointer    user_data)
{
  MockServer *server = g_new0 (MockServer, 1);
  struct sockaddr_in address = { 0 };
  socklen_t address_length = sizeof address;
  int one = 1;

  server->handler = handler;
  server->user_data = user_data;
  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->threads = g_ptr_array_new ();
  server->open_fds = g_array_new (FALSE, FALSE, sizeof (int));
  server->requests = g_ptr_array_new_with_free_func (mock_request_free);
  server->deadline = g_get_monotonic_time () + MOCK_DEFAULT_LIFETIME_SECONDS * G_USEC_PER_SEC;

  if (pipe2 (server->stop_pipe, O_CLOEXEC) != 0)
    g_error ("mock server: pipe: %s", g_strerror (errno));

  server->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert (server->listen_fd >= 0);
  setsockopt (server->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind (server->listen_fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      listen (server->listen_fd, 64) != 0 ||
      getsockname (server->listen_fd, (struct sockaddr *) &address, &address_length) != 0)
    g_error ("mock server: cannot listen on 127.0.0.1: %s", g_strerror (errno));

  server->port = ntohs (address.sin_port);
  server->url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  server->listen_thread = g_thread_new ("mock-listen", listen_thread, server);

  return server;
}

/**
 * mock_server_set_lifetime:
 *
 * Stops the server @seconds from now even if nobody frees it. Call right after
 * mock_server_new() to shorten the default lifetime.
 */
void
mock_server_set_lifetime (MockServer *server,
                          guint       seconds)
{
  server->deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

void
mock_server_free (MockServer *server)
{
  if (server == NULL)
    return;

  server_stop (server);
  g_thread_join (server->listen_thread);

  /* No new threads after the listener ended. */
  for (guint i = 0; i < server->threads->len; i++)
    g_thread_join (g_ptr_array_index (server->threads, i));

  close (server->listen_fd);
  close (server->stop_pipe[0]);
  close (server->stop_pipe[1]);
  g_ptr_array_unref (server->threads);
  g_array_unref (server->open_fds);
  g_ptr_array_unref (server->requests);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server->url);
  g_free (server);
}

guint16
mock_server_get_port (MockServer *server)
{
  return server->port;
}

/* "http://127.0.0.1:PORT", no trailing slash. */
const char *
mock_server_get_url (MockServer *server)
{
  return server->url;
}

guint
mock_server_get_n_connections (MockServer *server)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->n_connections;
  g_mutex_unlock (&server->mutex);

  return n;
}

guint
mock_server_get_n_requests (MockServer *server)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->requests->len;
  g_mutex_unlock (&server->mutex);

  return n;
}

/* Requests are never changed once recorded, so the pointer stays good until the free. */
const MockRequest *
mock_server_get_request (MockServer *server,
                         guint       index)
{
  const MockRequest *request;

  g_mutex_lock (&server->mutex);
  g_assert (index < server->requests->len);
  request = g_ptr_array_index (server->requests, index);
  g_mutex_unlock (&server->mutex);

  return request;
}

/**
 * mock_server_find_request:
 *
 * Returns: (nullable): the last request with @method whose path starts with @path_prefix
 */
const MockRequest *
mock_server_find_request (MockServer *server,
                          const char *method,
                          const char *path_prefix)
{
  const MockRequest *found = NULL;

  g_mutex_lock (&server->mutex);
  for (guint i = server->requests->len; i > 0 && found == NULL; i--)
    {
      const MockRequest *request = g_ptr_array_index (server->requests, i - 1);

      if (g_str_equal (request->method, method) && g_str_has_prefix (request->path, path_prefix))
        found = request;
    }
  g_mutex_unlock (&server->mutex);

  return found;
}

/**
 * mock_server_wait_for_requests:
 *
 * Blocks the calling thread until @n_requests requests have arrived.
 *
 * Returns: FALSE if @timeout_ms passed first
 */
gboolean
mock_server_wait_for_requests (MockServer *server,
                               guint       n_requests,
                               guint       timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean reached;

  g_mutex_lock (&server->mutex);
  while (server->requests->len < n_requests &&
         g_cond_wait_until (&server->cond, &server->mutex, until))
    ;
  reached = server->requests->len >= n_requests;
  g_mutex_unlock (&server->mutex);

  return reached;
}

const char *
mock_request_get_header (const MockRequest *request,
                         const char        *name)
{
  for (guint i = 0; i < request->headers->len; i++)
    {
      MockHeader *header = g_ptr_array_index (request->headers, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }

  return NULL;
}

char *
mock_request_dup_body_string (const MockRequest *request)
{
  gsize size;
  const char *data = g_bytes_get_data (request->body, &size);

  return g_strndup (data != NULL ? data : "", size);
}

/**
 * mock_server_init_environment:
 *
 * Call first in a test's main(): requests to the mocks on 127.0.0.1 must not go through
 * a proxy the machine may have set.
 */
void
mock_server_init_environment (void)
{
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
}

/* A port on 127.0.0.1 where nothing listens: bound for a moment, then closed. */
guint16
mock_closed_port (void)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      getsockname (fd, (struct sockaddr *) &address, &length) != 0)
    g_error ("mock server: cannot find a free port: %s", g_strerror (errno));
  close (fd);

  return ntohs (address.sin_port);
}
