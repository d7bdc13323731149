/* ts-references.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-playground.h"
#include "ts-problem.h"
#include "ts-template.h"
#include "ts-utils.h"

/* The checks that hold for any playground, whether it came from a file or from edits:
 * text limits, titles, providers, and the mention graph (syntax, unknown widgets,
 * self-mentions and cycles). The loader adds what only JSON can get wrong. */

static const char * const all_providers[] = {
  "ollama", "openai", "sd-webui", "comfyui", "bedrock", NULL,
};

typedef struct
{
  guint   target;
  TsField field;
} Edge;

typedef struct
{
  TsPlayground *playground;
  const guint  *file_index;
  GPtrArray    *problems;
} Check;

static char *
block_path (Check      *check,
            guint       i,
            const char *key)
{
  guint n = check->file_index != NULL ? check->file_index[i] : i;

  return g_strdup_printf ("widgets[%u].%s", n, key);
}

static void
check_string (Check       *check,
              const char  *path,
              const char  *value,
              double       min_chars,
              double       max_chars,
              gboolean     multiline)
{
  gsize bytes = strlen (value);

  if (bytes < min_chars)
    {
      ts_problems_add (check->problems, TS_SEVERITY_ERROR, path, _("must not be empty"));
      return;
    }

  /* A string is never longer in characters than in bytes. */
  if (bytes > max_chars)
    {
      glong chars = g_utf8_strlen (value, -1);

      if (chars > max_chars)
        {
          ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                           _("is %ld characters long; the limit is %.0f"), chars, max_chars);
          return;
        }
    }

  if (ts_str_has_control (value, multiline))
    {
      if (multiline)
        ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                         _("contains control characters"));
      else
        ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                         _("must be a single line without control characters"));
    }
}

static char *
list_providers (TsBlockKind kind)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; all_providers[i] != NULL; i++)
    {
      if (!ts_block_kind_accepts_provider (kind, all_providers[i]))
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "\"%s\"", all_providers[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
check_provider (Check       *check,
                const char  *path,
                const char  *provider,
                TsBlockKind  kind)
{
  g_autofree char *allowed = NULL;

  if (ts_block_kind_accepts_provider (kind, provider))
    return;

  allowed = list_providers (kind);

  if (!g_strv_contains (all_providers, provider))
    ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                     _("unknown provider \"%s\"; use %s, or leave it empty for the default"),
                     provider, allowed);
  else
    ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                     _("provider \"%s\" cannot run %s widgets; use %s"),
                     provider, ts_block_kind_to_string (kind), allowed);
}

static void
check_fields (Check   *check,
              guint    i,
              TsBlock *block)
{
  TsBlockKind kind = ts_block_get_kind (block);
  const TsField *fields;
  guint n_fields;

  fields = ts_block_kind_get_fields (kind, &n_fields);

  for (guint f = 0; f < n_fields; f++)
    {
      const TsFieldInfo *info = ts_field_get_info (fields[f]);
      g_autofree char *path = block_path (check, i, info->key);

      switch (info->type)
        {
        case TS_FIELD_TYPE_STRING:
        case TS_FIELD_TYPE_TEMPLATE:
          check_string (check, path, ts_block_get_string (block, info->field),
                        info->min, info->max, info->multiline);
          break;

        case TS_FIELD_TYPE_PROVIDER:
          check_provider (check, path, ts_block_get_string (block, info->field), kind);
          break;

        case TS_FIELD_TYPE_STRV:
          {
            const char * const *strv = ts_block_get_strv (block, info->field);
            guint n = g_strv_length ((char **) strv);

            if (n > info->max_items)
              ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                               _("has %u entries; the limit is %u"), n, info->max_items);

            for (guint k = 0; k < n; k++)
              {
                g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, k);

                check_string (check, item_path, strv[k], info->min, info->max,
                              info->multiline);
              }
          }
          break;

        case TS_FIELD_TYPE_BOOLEAN:
        case TS_FIELD_TYPE_INT:
        case TS_FIELD_TYPE_SEED:
        case TS_FIELD_TYPE_DOUBLE:
        default:
          /* The model keeps numbers in range. */
          break;
        }
    }
}

static void
check_titles (Check *check)
{
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = ts_playground_get_n_blocks (check->playground);

  for (guint i = 0; i < n; i++)
    {
      TsBlock *block = ts_playground_get_block (check->playground, i);
      const char *title = ts_block_get_title (block);
      g_autofree char *path = block_path (check, i, "title");
      gpointer other;
      guint problems_before = check->problems->len;

      check_string (check, path, title, 1, TS_BLOCK_TITLE_MAX_LENGTH, FALSE);
      if (check->problems->len != problems_before)
        continue;

      if (g_hash_table_lookup_extended (titles, title, NULL, &other))
        {
          guint first = GPOINTER_TO_UINT (other);

          ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                           _("\"%s\" is also the title of widgets[%u]; titles must be unique"),
                           title, check->file_index != NULL ? check->file_index[first] : first);
        }
      else
        {
          g_hash_table_insert (titles, (gpointer) title, GUINT_TO_POINTER (i));
        }
    }
}

/* Collects the mentions of block i as edges to other blocks, reporting syntax errors,
 * unknown ids and self-mentions on the way. */
static GArray *
collect_edges (Check      *check,
               guint       i,
               TsBlock    *block,
               GHashTable *index_of)
{
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const TsField *fields;
  guint n_fields;

  fields = ts_block_kind_get_fields (ts_block_get_kind (block), &n_fields);

  for (guint f = 0; f < n_fields; f++)
    {
      const TsFieldInfo *info = ts_field_get_info (fields[f]);
      g_autoptr(GPtrArray) parts = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      if (info->type != TS_FIELD_TYPE_TEMPLATE)
        continue;

      path = block_path (check, i, info->key);
      parts = ts_template_parse (ts_block_get_string (block, info->field), &error);
      if (parts == NULL)
        {
          ts_problems_add (check->problems, TS_SEVERITY_ERROR, path, "%s", error->message);
          continue;
        }

      for (guint p = 0; p < parts->len; p++)
        {
          const TsTemplatePart *part = g_ptr_array_index (parts, p);
          gpointer target;

          if (part->kind != TS_TEMPLATE_PART_REFERENCE)
            continue;

          if (!g_hash_table_lookup_extended (index_of, part->value, NULL, &target))
            {
              ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                               _("mentions unknown widget \"%s\""), part->value);
            }
          else if (GPOINTER_TO_UINT (target) == i)
            {
              if (g_hash_table_add (seen, (gpointer) ts_block_get_id (block)))
                ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                                 _("mentions itself (\"%s\")"), ts_block_get_title (block));
            }
          else
            {
              TsBlock *other = ts_playground_get_block (check->playground,
                                                        GPOINTER_TO_UINT (target));

              if (g_hash_table_add (seen, (gpointer) ts_block_get_id (other)))
                {
                  Edge edge = { GPOINTER_TO_UINT (target), info->field };

                  g_array_append_val (edges, edge);
                }
            }
        }
    }

  return edges;
}

/* Finds the cycles in the mention graph. Kahn's algorithm peels off every block that
 * does not sit on or behind a cycle; from each remaining block a walk along mentions
 * must come back to a block it met before, and that loop is a cycle. */
static void
check_cycles (Check   *check,
              GArray **edges,
              guint    n)
{
  g_autofree guint *queue = g_new (guint, n);
  g_autofree gboolean *done = g_new0 (gboolean, n);
  g_autofree int *walk_pos = g_new (int, n);
  g_autoptr(GArray) walk = g_array_new (FALSE, FALSE, sizeof (guint));
  guint head = 0, tail = 0;

  /* Peel blocks that mention nothing left, repeatedly. */
  g_autofree guint *pending = g_new0 (guint, n);
  g_autoptr(GPtrArray) reverse = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (reverse, g_array_new (FALSE, FALSE, sizeof (guint)));

  for (guint i = 0; i < n; i++)
    {
      pending[i] = edges[i]->len;
      for (guint e = 0; e < edges[i]->len; e++)
        g_array_append_val (g_ptr_array_index (reverse, g_array_index (edges[i], Edge, e).target), i);
    }

  for (guint i = 0; i < n; i++)
    if (pending[i] == 0)
      queue[tail++] = i;

  while (head < tail)
    {
      guint i = queue[head++];
      GArray *users = g_ptr_array_index (reverse, i);

      done[i] = TRUE;
      for (guint u = 0; u < users->len; u++)
        {
          guint user = g_array_index (users, guint, u);

          if (--pending[user] == 0)
            queue[tail++] = user;
        }
    }

  for (guint i = 0; i < n; i++)
    walk_pos[i] = -1;

  for (guint start = 0; start < n; start++)
    {
      guint current = start;
      int cycle_start;

      if (done[start])
        continue;

      g_array_set_size (walk, 0);

      /* Follow a mention that leads to a block still not done, until the walk closes
       * on itself or runs into a block already accounted for. */
      while (!done[current] && walk_pos[current] < 0)
        {
          /* Blocks that are not done mention at least one block that is not peeled;
           * when every such block was met by an earlier walk, step onto it and stop. */
          guint next = g_array_index (edges[current], Edge, 0).target;

          walk_pos[current] = walk->len;
          g_array_append_val (walk, current);

          for (guint e = 0; e < edges[current]->len; e++)
            {
              guint target = g_array_index (edges[current], Edge, e).target;

              if (!done[target])
                {
                  next = target;
                  break;
                }
            }

          current = next;
        }

      cycle_start = done[current] ? -1 : walk_pos[current];

      if (cycle_start >= 0)
        {
          g_autoptr(GString) names = g_string_new (NULL);
          guint len = walk->len - cycle_start;
          guint first = cycle_start;
          TsField field = TS_FIELD_PROMPT;
          g_autofree char *path = NULL;
          guint from, to;

          /* Start the description at the block that comes first in the file. */
          for (guint k = cycle_start; k < walk->len; k++)
            if (g_array_index (walk, guint, k) < g_array_index (walk, guint, first))
              first = k;

          for (guint k = 0; k <= len; k++)
            {
              guint idx = g_array_index (walk, guint, cycle_start + (first - cycle_start + k) % len);

              if (k > 0)
                g_string_append (names, " → ");
              g_string_append (names,
                               ts_block_get_title (ts_playground_get_block (check->playground, idx)));
            }

          from = g_array_index (walk, guint, first);
          to = g_array_index (walk, guint, cycle_start + (first - cycle_start + 1) % len);
          for (guint e = 0; e < edges[from]->len; e++)
            if (g_array_index (edges[from], Edge, e).target == to)
              field = g_array_index (edges[from], Edge, e).field;

          path = block_path (check, from, ts_field_get_info (field)->key);
          ts_problems_add (check->problems, TS_SEVERITY_ERROR, path,
                           _("mentions form a cycle: %s"), names->str);
        }

      for (guint k = 0; k < walk->len; k++)
        done[g_array_index (walk, guint, k)] = TRUE;
    }
}

static void
check_mentions (Check *check)
{
  guint n = ts_playground_get_n_blocks (check->playground);
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree GArray **edges = g_new0 (GArray *, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index_of,
                         (gpointer) ts_block_get_id (ts_playground_get_block (check->playground, i)),
                         GUINT_TO_POINTER (i));

  for (guint i = 0; i < n; i++)
    edges[i] = collect_edges (check, i, ts_playground_get_block (check->playground, i), index_of);

  check_cycles (check, edges, n);

  for (guint i = 0; i < n; i++)
    g_array_unref (edges[i]);
}

/**
 * ts_block_dup_upstream_ids:
 * @self: a #TsBlock
 *
 * Lists the widgets this block's templates mention, each once, in the order of first
 * mention. A template with a syntax error contributes none (ts_playground_check()
 * reports it).
 *
 * Returns: (transfer full): a %NULL-terminated array of ids
 */
char **
ts_block_dup_upstream_ids (TsBlock *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GHashTable) seen = NULL;
  const TsField *fields;
  guint n_fields;

  g_return_val_if_fail (TS_IS_BLOCK (self), NULL);

  fields = ts_block_kind_get_fields (ts_block_get_kind (self), &n_fields);
  builder = g_strv_builder_new ();
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_fields; i++)
    {
      TsField field = fields[i];
      g_autoptr(GPtrArray) parts = NULL;

      if (ts_field_get_info (field)->type != TS_FIELD_TYPE_TEMPLATE)
        continue;

      parts = ts_template_parse (ts_block_get_string (self, field), NULL);
      if (parts == NULL)
        continue;

      for (guint j = 0; j < parts->len; j++)
        {
          const TsTemplatePart *part = g_ptr_array_index (parts, j);

          if (part->kind == TS_TEMPLATE_PART_REFERENCE &&
              g_hash_table_add (seen, g_strdup (part->value)))
            g_strv_builder_add (builder, part->value);
        }
    }

  return g_strv_builder_end (builder);
}

/**
 * ts_playground_check:
 * @self: a #TsPlayground
 * @file_index: (nullable) (array): for each block, its index in the file it came from,
 *   used in paths; %NULL when the blocks are numbered as in @self
 *
 * Checks what an edit can get wrong: text limits, unique titles, providers, and
 * mentions — syntax, unknown widgets, self-mentions and cycles (each named by its
 * titles).
 *
 * Returns: (transfer full) (element-type TsProblem): the problems, possibly none
 */
GPtrArray *
ts_playground_check (TsPlayground *self,
                     const guint  *file_index)
{
  Check check = { self, file_index, ts_problems_new () };
  const char * const *keys = ts_playground_list_setting_keys ();

  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  check_string (&check, "title", ts_playground_get_title (self), 1,
                TS_PLAYGROUND_TITLE_MAX_LENGTH, FALSE);
  check_string (&check, "description", ts_playground_get_description (self), 0,
                TS_PLAYGROUND_DESCRIPTION_MAX_LENGTH, TRUE);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = ts_playground_get_setting (self, keys[i]);
      g_autofree char *key = g_strdelimit (g_strdup (keys[i]), "-", '_');
      g_autofree char *path = g_strdup_printf ("settings.%s", key);

      if (g_str_has_suffix (keys[i], "-provider"))
        check_provider (&check, path, value,
                        g_str_has_prefix (keys[i], "text") ? TS_BLOCK_KIND_TEXT : TS_BLOCK_KIND_IMAGE);
      else
        check_string (&check, path, value, 0, 256, FALSE);
    }

  check_titles (&check);

  for (guint i = 0; i < ts_playground_get_n_blocks (self); i++)
    check_fields (&check, i, ts_playground_get_block (self, i));

  check_mentions (&check);

  return check.problems;
}
