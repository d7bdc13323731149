/* mock-serve.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs the protocol mocks as a program, for end-to-end tests of tessera-cli:
 *
 *   mock-serve [ollama|openai|sd-webui|all|bedrock] [--lifetime SECONDS]
 *
 * prints the base URL ("http://127.0.0.1:PORT") and a newline on stdout, then serves
 * until its standard input closes or its lifetime (default 60 s) ends. "all" answers
 * Ollama's /api, the OpenAI-compatible /v1 and the WebUI's /sdapi on the one port;
 * "bedrock" is the Bedrock mock, which checks signatures made with the keys of
 * mock-bedrock.h. The model or prompt of a request picks the mock's scenario, as
 * described in each mock. */

#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "mock-bedrock.h"
#include "mock-protocols.h"

static MockSdwebui sdwebui;

static MockAction
all_handler (MockConn          *conn,
             const MockRequest *request,
             gpointer           user_data)
{
  if (g_str_has_prefix (request->path, "/api/"))
    return mock_ollama_handler (conn, request, NULL);
  if (g_str_has_prefix (request->path, "/sdapi/"))
    return mock_sdwebui_handler (conn, request, &sdwebui);
  return mock_openai_handler (conn, request, NULL);
}

int
main (int    argc,
      char **argv)
{
  const char *protocol = "all";
  guint lifetime = MOCK_DEFAULT_LIFETIME_SECONDS;
  MockHandler handler;
  gpointer data = NULL;
  g_autoptr(MockBedrock) bedrock = NULL;
  MockServer *server = NULL;
  char byte;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--lifetime") && i + 1 < argc)
        lifetime = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else
        protocol = argv[i];
    }

  g_mutex_init (&sdwebui.mutex);
  if (g_str_equal (protocol, "ollama"))
    handler = mock_ollama_handler;
  else if (g_str_equal (protocol, "openai"))
    handler = mock_openai_handler;
  else if (g_str_equal (protocol, "sd-webui"))
    handler = mock_sdwebui_handler, data = &sdwebui;
  else if (g_str_equal (protocol, "all"))
    handler = all_handler;
  else if (g_str_equal (protocol, "bedrock"))
    handler = NULL;
  else
    {
      g_printerr ("usage: mock-serve [ollama|openai|sd-webui|all|bedrock] [--lifetime SECONDS]\n");
      return 2;
    }

  if (handler != NULL)
    server = mock_server_new (handler, data);
  else
    server = mock_bedrock_get_server ((bedrock = mock_bedrock_new ()));
  mock_server_set_lifetime (server, lifetime > 0 ? lifetime : 1);
  printf ("%s\n", mock_server_get_url (server));
  fflush (stdout);

  /* Until the parent closes our stdin, or the lifetime is over. */
  for (gint64 deadline = g_get_monotonic_time () + (gint64) lifetime * G_USEC_PER_SEC;;)
    {
      struct pollfd fds = { .fd = STDIN_FILENO, .events = POLLIN };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      if (left <= 0 || poll (&fds, 1, (int) MIN (left, G_MAXINT)) == 0)
        break;
      if (fds.revents != 0 && read (STDIN_FILENO, &byte, 1) <= 0)
        break;
    }

  if (bedrock == NULL)
    mock_server_free (server);
  return 0;
}
