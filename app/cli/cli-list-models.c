/* cli-list-models.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ts-detect.h"

/* tessera-cli list-models [--endpoint ID=URL]… [--timeout MS]
 *
 * Probes the local model servers at once and prints, for each, whether it is up, its
 * version and its models with what they can do. Exits 0 if any server is up, 1 if none
 * is, 2 on a usage error. */

enum {
  EXIT_SOME_UP = 0,
  EXIT_NONE_UP = 1,
  EXIT_USAGE = 2,
};

static const char help_text[] =
  "Usage: tessera-cli list-models [--endpoint ID=URL]… [--timeout MS]\n"
  "\n"
  "Looks for local model servers (Ollama, llama.cpp's llama-server, LM Studio,\n"
  "Stable Diffusion WebUI) and lists the models each one serves.\n"
  "\n"
  "Options:\n"
  "  --endpoint ID=URL   Look for provider ID (ollama, openai, sd-webui) at URL\n"
  "  --timeout MS        How long to wait for the servers (default 450)\n"
  "  -h, --help          Show this help\n"
  "\n"
  "Exits 0 if a server is up, 1 if none is, 2 on a usage error.\n";

static int
usage_error (const char *message,
             const char *arg)
{
  g_printerr ("tessera-cli list-models: %s “%s”\nTry “tessera-cli list-models --help”.\n",
              message, arg);
  return EXIT_USAGE;
}

static char *
describe_capabilities (TsModelCapabilities capabilities)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();

  if (capabilities & TS_MODEL_TEXT)
    g_ptr_array_add (words, "text");
  if (capabilities & TS_MODEL_IMAGE_INPUT)
    g_ptr_array_add (words, "image input");
  if (capabilities & TS_MODEL_IMAGE_OUTPUT)
    g_ptr_array_add (words, "image output");
  if (words->len == 0)
    g_ptr_array_add (words, "unknown");
  g_ptr_array_add (words, NULL);

  return g_strjoinv (", ", (char **) words->pdata);
}

static void
print_server (TsDetectedServer *server)
{
  const char *how_to_start = ts_server_kind_how_to_start (server->kind);

  g_print ("%s at %s: %s", server->name, server->url, ts_server_state_to_string (server->state));
  if (server->version != NULL)
    g_print (", version %s", server->version);
  g_print ("\n");

  if (server->state == TS_SERVER_DOWN && how_to_start != NULL)
    g_print ("  not running — %s\n", how_to_start);
  else if (server->message != NULL && server->state != TS_SERVER_DOWN)
    g_print ("  %s\n", server->message);

  if (server->state == TS_SERVER_UP && server->models->len == 0)
    g_print ("  no models%s\n", g_str_equal (server->provider_id, "ollama") ?
             " — get one with `ollama pull llama3.2`" : "");

  for (guint i = 0; i < server->models->len; i++)
    {
      TsModelInfo *model = g_ptr_array_index (server->models, i);
      g_autofree char *capabilities = describe_capabilities (model->capabilities);

      if (g_str_equal (model->id, model->name))
        g_print ("  %s (%s)\n", model->id, capabilities);
      else
        g_print ("  %s (%s) — %s\n", model->id, capabilities, model->name);
    }
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * cli_list_models:
 * @argc: the number of arguments, the command name included
 * @argv: "list-models" and its options
 * @registry: the providers, whose endpoints --endpoint changes
 *
 * Returns: the exit status
 */
int
cli_list_models (int                  argc,
                 char               **argv,
                 TsProviderRegistry  *registry)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint timeout_ms = TS_DETECT_DEFAULT_TIMEOUT;
  guint n_up = 0;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          g_print ("%s", help_text);
          return EXIT_SOME_UP;
        }
      else if (g_str_equal (arg, "--endpoint") || g_str_has_prefix (arg, "--endpoint="))
        {
          const char *value = arg[10] == '=' ? arg + 11 : (i + 1 < argc ? argv[++i] : NULL);

          g_autoptr(GError) endpoint_error = NULL;

          if (value == NULL)
            return usage_error ("missing ID=URL after", arg);
          if (!cli_set_endpoint (registry, value, &endpoint_error))
            return usage_error (endpoint_error->message, value);
        }
      else if (g_str_equal (arg, "--timeout") || g_str_has_prefix (arg, "--timeout="))
        {
          const char *value = arg[9] == '=' ? arg + 10 : (i + 1 < argc ? argv[++i] : NULL);
          guint64 parsed = 0;

          if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 60000, &parsed, NULL))
            return usage_error ("expected milliseconds from 1 to 60000 for --timeout, not",
                                value != NULL ? value : arg);
          timeout_ms = (guint) parsed;
        }
      else
        {
          return usage_error ("unknown argument", arg);
        }
    }

  targets = ts_detect_targets (registry);
  ts_detect_async (targets, timeout_ms, NULL, detect_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  servers = ts_detect_finish (result, &error);
  if (servers == NULL)
    {
      g_printerr ("tessera-cli list-models: %s\n", error->message);
      return EXIT_NONE_UP;
    }

  for (guint i = 0; i < servers->len; i++)
    {
      TsDetectedServer *server = g_ptr_array_index (servers, i);

      print_server (server);
      if (server->state == TS_SERVER_UP || server->state == TS_SERVER_STARTING)
        n_up++;
    }

  if (n_up == 0)
    {
      g_print ("\nNo model server is running. To start one:\n"
               "  Ollama:        `ollama serve`, then `ollama pull llama3.2`\n"
               "  llama.cpp:     `llama-server -m MODEL.gguf` (port 8080)\n"
               "  LM Studio:     `lms server start` (port 1234)\n"
               "  SD WebUI:      `./webui.sh --api` (port 7860)\n"
               "Servers elsewhere: tessera-cli list-models --endpoint ID=URL\n");
      return EXIT_NONE_UP;
    }

  return EXIT_SOME_UP;
}
