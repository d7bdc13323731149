/* ts-format-load.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ts-format-private.h"
#include "ts-problem.h"

/* Loading treats every file as untrusted: the size is capped before reading, the text
 * must be UTF-8, nesting is bounded before cJSON recurses, and every value is checked
 * against the field table. Problems are collected, not stopped at, so a person sees
 * everything wrong with a file at once. */

G_DEFINE_QUARK (ts-format-error-quark, ts_format_error)

static void
position_of (const char *data,
             gsize       offset,
             guint      *line,
             guint      *column)
{
  *line = 1;
  *column = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if (((guchar) data[i] & 0xc0) != 0x80)
        {
          (*column)++;
        }
    }
}

static void
error_at_offset (Loader     *loader,
                 const char *data,
                 gsize       offset,
                 const char *message)
{
  g_autofree char *path = NULL;
  guint line, column;

  position_of (data, offset, &line, &column);
  path = g_strdup_printf ("line %u, column %u", line, column);
  g_ptr_array_add (loader->problems, ts_problem_new (TS_SEVERITY_ERROR, path, message));
}

/* Scans the JSON text for its structure without building anything: returns the offset
 * where nesting first goes deeper than allowed, or -1; and tells whether the text ends
 * inside a string, an object or an array, as a truncated file does. */
static gssize
scan_structure (const char *data,
                gsize       length,
                gboolean   *unfinished)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
        }
      else if (c == '{' || c == '[')
        {
          if (++depth > TS_FORMAT_MAX_DEPTH)
            return i;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        {
          depth--;
        }
    }

  *unfinished = in_string || depth > 0;

  return -1;
}

static void
load_field (Loader            *loader,
            TsBlock           *block,
            const TsFieldInfo *info,
            const cJSON       *item,
            const char        *prefix)
{
  gint64 i;
  double d;

  switch (info->type)
    {
    case TS_FIELD_TYPE_BOOLEAN:
      if (cJSON_IsBool (item))
        ts_block_set_boolean (block, info->field, cJSON_IsTrue (item));
      else
        error_at (loader, prefix, info->key, _("must be true or false, not %s"), _ts_loader_type_name (item));
      break;

    case TS_FIELD_TYPE_STRING:
    case TS_FIELD_TYPE_TEMPLATE:
    case TS_FIELD_TYPE_PROVIDER:
      if (!cJSON_IsString (item))
        error_at (loader, prefix, info->key, _("must be a string, not %s"), _ts_loader_type_name (item));
      else if (info->field == TS_FIELD_FILE_NAME &&
               (strchr (item->valuestring, '/') != NULL || strchr (item->valuestring, '\\') != NULL))
        error_at (loader, prefix, info->key, _("must be a file name, not a path"));
      else
        ts_block_set_string (block, info->field, item->valuestring);
      break;

    case TS_FIELD_TYPE_INT:
      if (_ts_loader_get_integer (loader, item, prefix, info->key, info->min, info->max, &i))
        ts_block_set_int (block, info->field, i);
      break;

    case TS_FIELD_TYPE_SEED:
      if (cJSON_IsString (item))
        {
          if (g_str_equal (item->valuestring, "random"))
            ts_block_set_int (block, info->field, TS_SEED_RANDOM);
          else
            error_at (loader, prefix, info->key,
                      _("must be \"random\" or a whole number from 0 to 4294967295"));
        }
      else if (_ts_loader_get_integer (loader, item, prefix, info->key, info->min, info->max, &i))
        {
          ts_block_set_int (block, info->field, i);
        }
      break;

    case TS_FIELD_TYPE_DOUBLE:
      if (_ts_loader_get_double (loader, item, prefix, info->key, info->min, info->max, &d))
        ts_block_set_double (block, info->field, d);
      break;

    case TS_FIELD_TYPE_STRV:
      if (!cJSON_IsArray (item))
        {
          error_at (loader, prefix, info->key, _("must be an array of strings, not %s"),
                    _ts_loader_type_name (item));
        }
      else
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) strv = NULL;
          gboolean ok = TRUE;
          guint n = 0;

          for (const cJSON *element = item->child; element != NULL; element = element->next, n++)
            {
              if (!cJSON_IsString (element))
                {
                  g_autofree char *key = g_strdup_printf ("%s[%u]", info->key, n);

                  error_at (loader, prefix, key, _("must be a string, not %s"), _ts_loader_type_name (element));
                  ok = FALSE;
                }
              else
                {
                  g_strv_builder_add (builder, element->valuestring);
                }
            }

          strv = g_strv_builder_end (builder);
          if (ok)
            ts_block_set_strv (block, info->field, (const char * const *) strv);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
load_layout (Loader      *loader,
             TsBlock     *block,
             const cJSON *layout,
             const char  *prefix,
             guint        index)
{
  static const char * const keys[] = { "column", "row", "column_span", "row_span", NULL };
  static const double maxima[] = { TS_GRID_COLUMNS - 1, TS_GRID_MAX_ROW,
                                   TS_GRID_COLUMNS, TS_GRID_MAX_ROW_SPAN };
  static const double minima[] = { 0, 0, 1, 1 };
  g_autofree char *layout_prefix = g_strdup_printf ("%s.layout", prefix);
  gint64 values[4] = { 0, index, TS_GRID_COLUMNS, 1 };

  if (layout == NULL)
    {
      /* A file written by hand may leave layout out: stack such widgets. */
      ts_block_set_layout (block, 0, MIN (index, TS_GRID_MAX_ROW), TS_GRID_COLUMNS, 1);
      return;
    }

  if (!cJSON_IsObject (layout))
    {
      error_at (loader, prefix, "layout", _("must be an object, not %s"), _ts_loader_type_name (layout));
      return;
    }

  _ts_loader_check_keys (loader, layout, layout_prefix, keys, _("unknown layout field"));

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const cJSON *item = cJSON_GetObjectItemCaseSensitive (layout, keys[i]);

      if (item == NULL)
        error_at (loader, layout_prefix, keys[i], _("is missing"));
      else
        _ts_loader_get_integer (loader, item, layout_prefix, keys[i], minima[i], maxima[i], &values[i]);
    }

  if (values[0] + values[2] > TS_GRID_COLUMNS)
    error_at (loader, layout_prefix, "column_span",
              _("is %" G_GINT64_FORMAT "; a widget in column %" G_GINT64_FORMAT
                " can span at most %" G_GINT64_FORMAT " of the %d columns"),
              values[2], values[0], TS_GRID_COLUMNS - values[0], TS_GRID_COLUMNS);

  ts_block_set_layout (block, values[0], values[1], values[2], values[3]);
}

static TsBlock *
load_widget (Loader      *loader,
             const cJSON *widget,
             guint        index,
             GHashTable  *ids)
{
  static const char * const base_keys[] = { "id", "kind", "title", "layout", NULL };
  g_autofree char *prefix = g_strdup_printf ("widgets[%u]", index);
  g_autoptr(TsBlock) block = NULL;
  const char *id;
  const char *kind_str;
  const char *title;
  TsBlockKind kind;
  gboolean usable = TRUE;

  if (!cJSON_IsObject (widget))
    {
      error_at (loader, prefix, NULL, _("must be an object, not %s"), _ts_loader_type_name (widget));
      return NULL;
    }

  id = _ts_loader_get_string (loader, widget, prefix, "id", TRUE);
  kind_str = _ts_loader_get_string (loader, widget, prefix, "kind", TRUE);
  title = _ts_loader_get_string (loader, widget, prefix, "title", TRUE);

  if (id != NULL && !ts_block_id_is_valid (id))
    {
      error_at (loader, prefix, "id",
                _("\"%s\" is not a valid id: use 1 to %d letters, digits, \"-\" or \"_\""),
                id, TS_BLOCK_ID_MAX_LENGTH);
      usable = FALSE;
    }
  else if (id != NULL && g_hash_table_contains (ids, id))
    {
      error_at (loader, prefix, "id", _("\"%s\" is also the id of widgets[%u]"),
                id, GPOINTER_TO_UINT (g_hash_table_lookup (ids, id)));
      usable = FALSE;
    }
  else if (id != NULL)
    {
      g_hash_table_insert (ids, (gpointer) id, GUINT_TO_POINTER (index));
    }

  if (kind_str != NULL && !ts_block_kind_from_string (kind_str, &kind))
    {
      _ts_loader_report (loader, loader->newer ? TS_SEVERITY_WARNING : TS_SEVERITY_ERROR,
                         prefix, "kind",
                         loader->newer ? _("unknown kind \"%s\"; this widget was left out")
                                       : _("unknown kind \"%s\"; use input, static-text, document, text, image or chat"),
                         kind_str);
      return NULL;
    }

  if (id == NULL || kind_str == NULL || !usable)
    return NULL;

  /* A missing title is reported above; the id stands in so it is not reported twice. */
  block = ts_block_new (kind, id);
  ts_block_set_title (block, title != NULL ? title : id);

  load_layout (loader, block, cJSON_GetObjectItemCaseSensitive (widget, "layout"), prefix, index);

  for (const cJSON *child = widget->child; child != NULL; child = child->next)
    {
      gboolean is_field = FALSE;
      gboolean duplicate = FALSE;

      for (const cJSON *before = widget->child; before != child; before = before->next)
        if (g_str_equal (before->string, child->string))
          duplicate = TRUE;

      if (duplicate)
        {
          error_at (loader, prefix, child->string, _("duplicate key"));
          continue;
        }

      if (g_strv_contains (base_keys, child->string))
        continue;

      for (guint f = 0; f < TS_N_FIELDS; f++)
        {
          const TsFieldInfo *info = ts_field_get_info (f);

          if (!g_str_equal (info->key, child->string))
            continue;

          is_field = TRUE;
          if (ts_block_kind_has_field (kind, f))
            load_field (loader, block, info, child, prefix);
          else
            _ts_loader_report_unknown (loader, prefix, child->string,
                                       _("is not a field of this kind of widget"));
          break;
        }

      if (!is_field)
        _ts_loader_report_unknown (loader, prefix, child->string, _("unknown field"));
    }

  return g_steal_pointer (&block);
}

static void
load_settings (Loader       *loader,
               TsPlayground *playground,
               const cJSON  *settings)
{
  const char * const *keys = ts_playground_list_setting_keys ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) json_keys = NULL;

  if (!cJSON_IsObject (settings))
    {
      error_at (loader, "settings", NULL, _("must be an object, not %s"), _ts_loader_type_name (settings));
      return;
    }

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *key = g_strdelimit (g_strdup (keys[i]), "-", '_');

      g_strv_builder_add (builder, key);
    }
  json_keys = g_strv_builder_end (builder);

  _ts_loader_check_keys (loader, settings, "settings", (const char * const *) json_keys, _("unknown setting"));

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = _ts_loader_get_string (loader, settings, "settings", json_keys[i], FALSE);

      if (value != NULL)
        ts_playground_set_setting (playground, keys[i], value);
    }
}

/* Where a problem's path points, as a rank that orders problems as the file does:
 * top-level fields first, then each widget, then the outputs. */
static guint
path_rank (const TsProblem *problem)
{
  const char *path = problem->path;

  if (path == NULL)
    return 0;
  if (g_str_has_prefix (path, "widgets["))
    return 1 + (guint) g_ascii_strtoull (path + strlen ("widgets["), NULL, 10);
  if (g_str_has_prefix (path, "outputs"))
    return G_MAXUINT;
  return 0;
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  guint rank_a = path_rank (*(const TsProblem * const *) a);
  guint rank_b = path_rank (*(const TsProblem * const *) b);

  return rank_a < rank_b ? -1 : rank_a > rank_b;
}

/* Orders the problems from @start on as the file does; the sort is stable, so the
 * problems of one widget keep the order they were found in. */
static void
sort_problems (GPtrArray *problems,
               guint      start)
{
  g_autoptr(GPtrArray) tail = g_ptr_array_new ();

  for (guint i = start; i < problems->len; i++)
    g_ptr_array_add (tail, g_ptr_array_index (problems, i));

  g_ptr_array_sort (tail, compare_problems);

  for (guint i = 0; i < tail->len; i++)
    problems->pdata[start + i] = g_ptr_array_index (tail, i);
}

static TsPlayground *
load_root (Loader      *loader,
           const cJSON *root)
{
  static const char * const root_keys[] = {
    "format", "version", "title", "description", "settings", "widgets", "outputs", NULL,
  };
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GArray) file_index = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  const cJSON *format;
  const cJSON *version;
  const cJSON *widgets;
  const cJSON *item;
  const char *str;
  gint64 version_number;

  if (!cJSON_IsObject (root))
    {
      error_at (loader, NULL, NULL, _("this is not a Tessera playground: the file holds %s, not a JSON object"),
                _ts_loader_type_name (root));
      return NULL;
    }

  /* Without the format marker the file is something else: say so and stop, rather than
   * list every way some other JSON differs from a playground. */
  format = cJSON_GetObjectItemCaseSensitive (root, "format");
  if (format == NULL)
    {
      error_at (loader, "format", NULL,
                _("is missing: this is not a Tessera playground (it must have \"format\": \"tessera\")"));
      return NULL;
    }
  if (!cJSON_IsString (format) || !g_str_equal (format->valuestring, TS_FORMAT_NAME))
    {
      error_at (loader, "format", NULL,
                _("must be \"tessera\": this is not a Tessera playground"));
      return NULL;
    }

  version = cJSON_GetObjectItemCaseSensitive (root, "version");
  if (version == NULL)
    {
      error_at (loader, "version", NULL, _("is missing"));
      return NULL;
    }
  if (!cJSON_IsNumber (version) || !isfinite (version->valuedouble) ||
      version->valuedouble < 1 || version->valuedouble > G_MAXINT32 ||
      version->valuedouble != floor (version->valuedouble))
    {
      g_autofree char *found = cJSON_IsNumber (version) && isfinite (version->valuedouble)
                               ? _ts_format_number (version->valuedouble)
                               : g_strdup (_ts_loader_type_name (version));

      error_at (loader, "version", NULL, _("must be a whole number from 1 up, not %s"), found);
      return NULL;
    }
  version_number = (gint64) version->valuedouble;

  if (version_number > TS_FORMAT_VERSION)
    {
      loader->newer = TRUE;
      _ts_loader_report (loader, TS_SEVERITY_WARNING, "version", NULL,
                         _("the file was made by a newer Tessera (format version %" G_GINT64_FORMAT
                           "); this version reads format version %d and leaves out what it does not know"),
                         version_number, TS_FORMAT_VERSION);
    }

  _ts_loader_check_keys (loader, root, NULL, root_keys, _("unknown field"));

  playground = ts_playground_new ();

  if ((str = _ts_loader_get_string (loader, root, NULL, "title", TRUE)) != NULL)
    ts_playground_set_title (playground, str);
  if ((str = _ts_loader_get_string (loader, root, NULL, "description", FALSE)) != NULL)
    ts_playground_set_description (playground, str);
  if ((item = cJSON_GetObjectItemCaseSensitive (root, "settings")) != NULL)
    load_settings (loader, playground, item);

  widgets = cJSON_GetObjectItemCaseSensitive (root, "widgets");
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  file_index = g_array_new (FALSE, FALSE, sizeof (guint));

  if (widgets == NULL)
    {
      error_at (loader, "widgets", NULL, _("is missing"));
    }
  else if (!cJSON_IsArray (widgets))
    {
      error_at (loader, "widgets", NULL, _("must be an array, not %s"), _ts_loader_type_name (widgets));
    }
  else if (cJSON_GetArraySize (widgets) > TS_PLAYGROUND_MAX_BLOCKS)
    {
      error_at (loader, "widgets", NULL, _("has %d widgets; the limit is %d"),
                cJSON_GetArraySize (widgets), TS_PLAYGROUND_MAX_BLOCKS);
    }
  else
    {
      guint n = 0;

      for (const cJSON *widget = widgets->child; widget != NULL; widget = widget->next, n++)
        {
          g_autoptr(TsBlock) block = load_widget (loader, widget, n, ids);

          if (block != NULL)
            {
              ts_playground_insert_block (playground, ts_playground_get_n_blocks (playground), block);
              g_array_append_val (file_index, n);
            }
        }
    }

  problems = ts_playground_check (playground, (const guint *) file_index->data);
  if (loader->flags & TS_FORMAT_LOAD_LENIENT_CHECKS)
    {
      for (guint i = 0; i < problems->len; i++)
        ((TsProblem *) g_ptr_array_index (problems, i))->severity = TS_SEVERITY_WARNING;
    }
  g_ptr_array_extend_and_steal (loader->problems, g_steal_pointer (&problems));

  if ((item = cJSON_GetObjectItemCaseSensitive (root, "outputs")) != NULL)
    _ts_format_load_outputs (loader, playground, item);

  return g_steal_pointer (&playground);
}

/**
 * ts_format_load_data:
 * @data: the file contents
 * @length: the length of @data in bytes
 * @problems: (element-type TsProblem): where to append every problem found, errors
 *   and warnings
 *
 * Parses and validates a .tessera file.
 *
 * Returns: (transfer full) (nullable): the playground, or %NULL if @problems gained
 *   an error
 */
TsPlayground *
ts_format_load_data (const char *data,
                     gsize       length,
                     GPtrArray  *problems)
{
  return ts_format_load_data_full (data, length, TS_FORMAT_LOAD_DEFAULT, problems);
}

/**
 * ts_format_load_data_full:
 * @data: the file contents
 * @length: the length of @data in bytes
 * @flags: how strict to be
 * @problems: (element-type TsProblem): where to append every problem found, errors
 *   and warnings
 *
 * Parses and validates a .tessera file, as ts_format_load_data() does; with
 * %TS_FORMAT_LOAD_LENIENT_CHECKS what ts_playground_check() finds comes back as
 * warnings and does not stop the playground from being built.
 *
 * Returns: (transfer full) (nullable): the playground, or %NULL if @problems gained
 *   an error
 */
TsPlayground *
ts_format_load_data_full (const char        *data,
                          gsize              length,
                          TsFormatLoadFlags  flags,
                          GPtrArray         *problems)
{
  Loader loader = { problems, FALSE, 0, flags };
  g_autoptr(TsPlayground) playground = NULL;
  const char *valid_end;
  const char *parse_end = NULL;
  cJSON *root;
  gssize deep;
  gboolean unfinished = FALSE;
  guint errors_before;
  guint problems_before;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (problems != NULL, NULL);

  errors_before = ts_problems_count (problems, TS_SEVERITY_ERROR);

  if (length > TS_FORMAT_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_format_size (length);

      error_at (&loader, NULL, NULL, _("the file is %s; Tessera opens playground files up to %d MiB"),
                size, TS_FORMAT_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }

  /* A byte order mark is allowed and skipped. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  if (length == 0)
    {
      error_at (&loader, NULL, NULL, _("the file is empty"));
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, &valid_end))
    {
      if (*valid_end == '\0')
        error_at_offset (&loader, data, valid_end - data, _("the file contains a NUL byte"));
      else
        error_at_offset (&loader, data, valid_end - data,
                         _("the file is not UTF-8 text (it may be in another encoding or binary)"));
      return NULL;
    }

  deep = scan_structure (data, length, &unfinished);
  if (deep >= 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("values are nested more than %d levels deep"), TS_FORMAT_MAX_DEPTH);

      error_at_offset (&loader, data, deep, message);
      return NULL;
    }

  root = cJSON_ParseWithLengthOpts (data, length, &parse_end, FALSE);
  if (root == NULL)
    {
      gsize offset = parse_end != NULL ? (gsize) (parse_end - data) : 0;

      if (unfinished)
        error_at_offset (&loader, data, length,
                         _("unexpected end of file: the JSON text is incomplete, perhaps truncated"));
      else
        error_at_offset (&loader, data, offset, _("not valid JSON"));
      return NULL;
    }

  if (parse_end != NULL)
    {
      gsize offset = parse_end - data;

      while (offset < length && g_ascii_isspace (data[offset]))
        offset++;

      if (offset < length)
        {
          error_at_offset (&loader, data, offset, _("unexpected text after the end of the JSON value"));
          cJSON_Delete (root);
          return NULL;
        }
    }

  problems_before = problems->len;
  playground = load_root (&loader, root);
  cJSON_Delete (root);
  sort_problems (problems, problems_before);

  if (ts_problems_count (problems, TS_SEVERITY_ERROR) > errors_before)
    return NULL;

  return g_steal_pointer (&playground);
}

