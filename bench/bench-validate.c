/* bench-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Times loading a large playground (parse, build the model, check every field and
 * reference) beside the time cJSON alone takes to parse and free the same bytes. The
 * ratio between the two is the cost Tessera adds on top of reading JSON, and stays
 * comparable across machines where absolute times do not. */

#include "config.h"

#include "bench-stats.h"

#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>
#include <glib.h>

#include "ts-format.h"
#include "ts-playground.h"
#include "ts-problem.h"
#include "ts-template.h"

/* The goal: a playground of this many widgets loads in under this many milliseconds. */
#define TARGET_WIDGETS 2000
#define TARGET_MS 100.0

#define DEFAULT_RUNS 20
#define MAX_RUNS 10000

/* Mentions of inputs fan out from this many of the first inputs, so a few of them feed
 * many widgets. */
#define N_HUB_INPUTS 8

/* The mix of kinds, repeated: half text generation, the rest spread over the others. */
static const TsBlockKind kind_cycle[] = {
  TS_BLOCK_KIND_INPUT, TS_BLOCK_KIND_INPUT, TS_BLOCK_KIND_STATIC_TEXT,
  TS_BLOCK_KIND_DOCUMENT, TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_TEXT,
  TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_IMAGE,
  TS_BLOCK_KIND_CHAT, TS_BLOCK_KIND_INPUT, TS_BLOCK_KIND_TEXT,
  TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_TEXT,
  TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_TEXT, TS_BLOCK_KIND_IMAGE,
  TS_BLOCK_KIND_CHAT, TS_BLOCK_KIND_TEXT,
};

static const char *kind_labels[TS_N_BLOCK_KINDS] = {
  [TS_BLOCK_KIND_INPUT] = "Input",
  [TS_BLOCK_KIND_STATIC_TEXT] = "Note",
  [TS_BLOCK_KIND_DOCUMENT] = "Document",
  [TS_BLOCK_KIND_TEXT] = "Draft",
  [TS_BLOCK_KIND_IMAGE] = "Picture",
  [TS_BLOCK_KIND_CHAT] = "Chat",
};

static const char *kind_names[TS_N_BLOCK_KINDS] = {
  [TS_BLOCK_KIND_INPUT] = "input",
  [TS_BLOCK_KIND_STATIC_TEXT] = "static text",
  [TS_BLOCK_KIND_DOCUMENT] = "document",
  [TS_BLOCK_KIND_TEXT] = "text",
  [TS_BLOCK_KIND_IMAGE] = "image",
  [TS_BLOCK_KIND_CHAT] = "chat",
};

static const char lorem[] =
  "The lighthouse keeper counted the ships that passed each night and wrote their "
  "names in a ledger that nobody else had read for forty years. When the lamp failed "
  "in the winter storm, the ledger was all that guided her back to the rocks.";

static const char *
pick (GRand     *rand,
      GPtrArray *ids)
{
  g_assert (ids->len > 0);

  return g_ptr_array_index (ids, g_rand_int_range (rand, 0, (gint32) ids->len));
}

/* A hub input (one of the first few), so many prompts share the same upstream. */
static const char *
pick_hub (GRand     *rand,
          GPtrArray *inputs)
{
  guint n = MIN (inputs->len, N_HUB_INPUTS);

  g_assert (n > 0);

  return g_ptr_array_index (inputs, g_rand_int_range (rand, 0, (gint32) n));
}

static void
append_mention (GString    *str,
                const char *id)
{
  g_autofree char *mention = ts_template_mention (id);

  g_string_append (str, mention);
}

static void
fill_input (TsBlock *block,
            guint    index)
{
  g_autofree char *placeholder = g_strdup_printf ("Describe setting %u", index);

  ts_block_set_string (block, TS_FIELD_PLACEHOLDER, placeholder);
  ts_block_set_string (block, TS_FIELD_DEFAULT_VALUE, "A harbour town at the edge of a cold sea");
  ts_block_set_boolean (block, TS_FIELD_MULTILINE, index % 2 == 0);
}

/* A text widget continues the previous one (a chain) and draws on a shared input (a
 * fan-out); every third one also pulls in a random earlier draft. */
static void
fill_text (TsBlock   *block,
           GRand     *rand,
           GPtrArray *inputs,
           GPtrArray *texts)
{
  g_autoptr(GString) prompt = g_string_new ("Continue the story from ");
  g_autofree char *literal = ts_template_escape (" Sign it as @editor, 100% in character.");
  const char *stops[] = { "THE END", "\n\n\n", NULL };

  if (texts->len > 0)
    append_mention (prompt, g_ptr_array_index (texts, texts->len - 1));
  else
    g_string_append (prompt, "the beginning");

  g_string_append (prompt, " in the setting of ");
  append_mention (prompt, pick_hub (rand, inputs));
  g_string_append (prompt, ".");

  if (texts->len > 2 && g_rand_int_range (rand, 0, 3) == 0)
    {
      g_string_append (prompt, " Bring back a character from ");
      append_mention (prompt, pick (rand, texts));
      g_string_append (prompt, ".");
    }

  g_string_append (prompt, literal);

  ts_block_set_string (block, TS_FIELD_PROMPT, prompt->str);
  ts_block_set_string (block, TS_FIELD_SYSTEM_PROMPT, "You are a patient, precise story editor.");
  ts_block_set_string (block, TS_FIELD_MODEL, "llama3.2:3b");
  ts_block_set_double (block, TS_FIELD_TEMPERATURE, 0.8);
  ts_block_set_int (block, TS_FIELD_MAX_TOKENS, 512);
  ts_block_set_strv (block, TS_FIELD_STOP_SEQUENCES, stops);
}

static void
fill_image (TsBlock   *block,
            GRand     *rand,
            GPtrArray *inputs,
            GPtrArray *texts)
{
  g_autoptr(GString) prompt = g_string_new ("A watercolour illustration of ");

  append_mention (prompt, texts->len > 0 ? pick (rand, texts) : pick_hub (rand, inputs));
  g_string_append (prompt, ", soft morning light");

  ts_block_set_string (block, TS_FIELD_PROMPT, prompt->str);
  ts_block_set_string (block, TS_FIELD_NEGATIVE_PROMPT, "blurry, text, watermark");
  ts_block_set_string (block, TS_FIELD_MODEL, "sd_xl_base_1.0");
  ts_block_set_int (block, TS_FIELD_WIDTH, 768);
  ts_block_set_int (block, TS_FIELD_HEIGHT, 512);
  ts_block_set_int (block, TS_FIELD_SEED, g_rand_int_range (rand, 0, G_MAXINT32));
  ts_block_set_int (block, TS_FIELD_STEPS, 25);
}

static void
fill_chat (TsBlock   *block,
           GRand     *rand,
           GPtrArray *inputs,
           GPtrArray *texts)
{
  g_autoptr(GString) system_prompt = g_string_new ("You answer questions about a story set in ");
  g_autoptr(GString) context = g_string_new ("The story so far: ");

  append_mention (system_prompt, pick_hub (rand, inputs));
  g_string_append (system_prompt, ". Stay in that world.");

  if (texts->len > 0)
    {
      append_mention (context, pick (rand, texts));
      g_string_append (context, "\n\nAnd later: ");
      append_mention (context, g_ptr_array_index (texts, texts->len - 1));
    }

  ts_block_set_string (block, TS_FIELD_SYSTEM_PROMPT, system_prompt->str);
  ts_block_set_string (block, TS_FIELD_CONTEXT, context->str);
  ts_block_set_string (block, TS_FIELD_MODEL, "qwen2.5:7b");
}

static TsPlayground *
build_playground (guint  n_widgets,
                  guint *kind_counts)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (2000);
  /* Ids are borrowed from blocks the playground keeps alive. */
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  ts_playground_set_title (playground, "Benchmark saga");
  ts_playground_set_description (playground, "A generated playground for timing the loader.");

  for (guint i = 0; i < n_widgets; i++)
    {
      /* The first widgets are inputs, so every later prompt has something to mention. */
      TsBlockKind kind = i < 2 ? TS_BLOCK_KIND_INPUT : kind_cycle[i % G_N_ELEMENTS (kind_cycle)];
      TsBlock *block = ts_playground_add_block (playground, kind);
      g_autofree char *title = NULL;

      if (block == NULL)
        {
          fprintf (stderr, "bench-validate: could not add widget %u\n", i + 1);
          exit (EXIT_FAILURE);
        }

      title = g_strdup_printf ("%s %u", kind_labels[kind], i + 1);
      ts_block_set_title (block, title);
      ts_block_set_layout (block, (int) (i % 4) * 3, (int) (i / 4) * 2, 3, 2);
      kind_counts[kind]++;

      switch (kind)
        {
        case TS_BLOCK_KIND_INPUT:
          fill_input (block, i);
          g_ptr_array_add (inputs, (gpointer) ts_block_get_id (block));
          break;

        case TS_BLOCK_KIND_STATIC_TEXT:
          ts_block_set_string (block, TS_FIELD_CONTENT, lorem);
          break;

        case TS_BLOCK_KIND_DOCUMENT:
          {
            g_autofree char *file_name = g_strdup_printf ("chapter-%u.txt", i + 1);

            ts_block_set_string (block, TS_FIELD_FILE_NAME, file_name);
            ts_block_set_string (block, TS_FIELD_CONTENT, lorem);
          }
          break;

        case TS_BLOCK_KIND_TEXT:
          fill_text (block, rand, inputs, texts);
          g_ptr_array_add (texts, (gpointer) ts_block_get_id (block));
          break;

        case TS_BLOCK_KIND_IMAGE:
          fill_image (block, rand, inputs, texts);
          break;

        case TS_BLOCK_KIND_CHAT:
          fill_chat (block, rand, inputs, texts);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return g_steal_pointer (&playground);
}

static double
time_reference (const char *data,
                gsize       length)
{
  gint64 start = g_get_monotonic_time ();
  cJSON *root = cJSON_ParseWithLength (data, length);

  if (root == NULL)
    {
      fprintf (stderr, "bench-validate: cJSON could not parse the saved playground\n");
      exit (EXIT_FAILURE);
    }
  cJSON_Delete (root);

  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
time_load (const char *data,
           gsize       length)
{
  gint64 start = g_get_monotonic_time ();
  GPtrArray *problems = ts_problems_new ();
  TsPlayground *playground = ts_format_load_data (data, length, problems);
  gboolean failed = playground == NULL || ts_problems_count (problems, TS_SEVERITY_ERROR) > 0;

  g_clear_object (&playground);
  g_ptr_array_unref (problems);

  if (failed)
    {
      fprintf (stderr, "bench-validate: the saved playground did not load\n");
      exit (EXIT_FAILURE);
    }

  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Loads once outside the timings and lists every problem, so a generator that drifts
 * from the format fails loudly instead of timing an error path. */
static void
check_loads_cleanly (const char *data,
                     gsize       length)
{
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = ts_format_load_data (data, length, problems);

  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = ts_problem_to_string (g_ptr_array_index (problems, i));

      fprintf (stderr, "bench-validate: %s\n", text);
    }

  if (playground == NULL || ts_problems_count (problems, TS_SEVERITY_ERROR) > 0)
    {
      fprintf (stderr, "bench-validate: the generated playground is not valid\n");
      exit (EXIT_FAILURE);
    }
}

static double
best (const double *values,
      guint         n)
{
  double min = values[0];

  for (guint i = 1; i < n; i++)
    min = MIN (min, values[i]);

  return min;
}

int
main (int   argc,
      char *argv[])
{
  int n_widgets = TARGET_WIDGETS;
  int n_runs = DEFAULT_RUNS;
  const GOptionEntry entries[] = {
    { "widgets", 'w', 0, G_OPTION_ARG_INT, &n_widgets, "Number of widgets to generate", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &n_runs, "Number of timed runs of each", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree double *reference_ms = NULL;
  g_autofree double *load_ms = NULL;
  guint kind_counts[TS_N_BLOCK_KINDS] = { 0 };
  g_autoptr(GString) mix = g_string_new (NULL);
  const char *data;
  gsize length;
  double reference_best, reference_median, load_best, load_median, target_ms;

  context = g_option_context_new ("- time loading a large playground");
  g_option_context_set_summary (context,
                                "Generates a playground, saves it, then times loading it back "
                                "against parsing the same JSON with cJSON alone.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-validate: %s\n", error->message);
      return 2;
    }

  if (n_widgets < 1 || n_widgets > TS_PLAYGROUND_MAX_BLOCKS)
    {
      fprintf (stderr, "bench-validate: --widgets must be from 1 to %d\n", TS_PLAYGROUND_MAX_BLOCKS);
      return 2;
    }
  if (n_runs < 1 || n_runs > MAX_RUNS)
    {
      fprintf (stderr, "bench-validate: --runs must be from 1 to %d\n", MAX_RUNS);
      return 2;
    }

  playground = build_playground ((guint) n_widgets, kind_counts);
  bytes = ts_format_save_bytes (playground, TS_FORMAT_SAVE_DEFINITION);
  data = g_bytes_get_data (bytes, &length);

  check_loads_cleanly (data, length);

  /* One untimed run of each warms the caches and the allocator. */
  time_reference (data, length);
  time_load (data, length);

  reference_ms = g_new (double, n_runs);
  load_ms = g_new (double, n_runs);
  for (int i = 0; i < n_runs; i++)
    {
      reference_ms[i] = time_reference (data, length);
      load_ms[i] = time_load (data, length);
    }

  reference_best = best (reference_ms, n_runs);
  reference_median = bench_median (reference_ms, n_runs);
  load_best = best (load_ms, n_runs);
  load_median = bench_median (load_ms, n_runs);
  target_ms = TARGET_MS * n_widgets / TARGET_WIDGETS;

  for (guint k = 0; k < TS_N_BLOCK_KINDS; k++)
    {
      if (kind_counts[k] > 0)
        g_string_append_printf (mix, "%s%s %u", mix->len > 0 ? ", " : "",
                                kind_names[k], kind_counts[k]);
    }

  printf ("widgets              %d (%s)\n", n_widgets, mix->str);
  printf ("bytes                %" G_GSIZE_FORMAT "\n", length);
  printf ("runs                 %d, best and median\n", n_runs);
  printf ("reference ms         best %.3f  median %.3f  (cJSON parse + free)\n",
          reference_best, reference_median);
  printf ("load ms              best %.3f  median %.3f  (ts_format_load_data)\n",
          load_best, load_median);
  printf ("µs per widget        %.2f  (median load)\n", load_median * 1000.0 / n_widgets);
  printf ("ratio load/reference %.1f  (medians)\n", load_median / reference_median);
  if (n_widgets == TARGET_WIDGETS)
    printf ("target               %s: median %.1f ms against %.0f ms for %d widgets\n",
            load_median < target_ms ? "met" : "MISSED", load_median, TARGET_MS, TARGET_WIDGETS);
  else
    printf ("target               %s: median %.1f ms against %.1f ms (%.0f ms per %d widgets, scaled)\n",
            load_median < target_ms ? "met" : "MISSED", load_median, target_ms,
            TARGET_MS, TARGET_WIDGETS);

  return EXIT_SUCCESS;
}
