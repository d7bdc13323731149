/* ts-block.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ts-block-private.h"
#include "ts-core-enums.h"
#include "ts-template.h"
#include "ts-utils.h"

typedef union
{
  char     *s;
  char    **strv;
  gint64    i;
  double    d;
  gboolean  b;
} FieldValue;

struct _TsBlock
{
  GObject      parent_instance;

  char        *id;
  TsBlockKind  kind;
  char        *title;
  int          column;
  int          row;
  int          column_span;
  int          row_span;
  FieldValue   values[TS_N_FIELDS];
  TsOutput    *output;
};

G_DEFINE_FINAL_TYPE (TsBlock, ts_block, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TITLE,
  PROP_COLUMN,
  PROP_ROW,
  PROP_COLUMN_SPAN,
  PROP_ROW_SPAN,
  PROP_OUTPUT,
  N_BASE_PROPS,
};

#define N_PROPS (N_BASE_PROPS + TS_N_FIELDS)
#define FIELD_PROP(field) (N_BASE_PROPS + (field))

static GParamSpec *properties[N_PROPS];

static gboolean
is_string_type (TsFieldType type)
{
  return type == TS_FIELD_TYPE_STRING ||
         type == TS_FIELD_TYPE_TEMPLATE ||
         type == TS_FIELD_TYPE_PROVIDER;
}

static void
ts_block_finalize (GObject *object)
{
  TsBlock *self = (TsBlock *) object;

  for (guint i = 0; i < TS_N_FIELDS; i++)
    {
      if (is_string_type (_ts_field_infos[i].type))
        g_clear_pointer (&self->values[i].s, g_free);
      else if (_ts_field_infos[i].type == TS_FIELD_TYPE_STRV)
        g_clear_pointer (&self->values[i].strv, g_strfreev);
    }

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (ts_block_parent_class)->finalize (object);
}

static void
ts_block_dispose (GObject *object)
{
  TsBlock *self = (TsBlock *) object;

  g_clear_object (&self->output);

  G_OBJECT_CLASS (ts_block_parent_class)->dispose (object);
}

static void
get_field_value (TsBlock *self,
                 TsField  field,
                 GValue  *value)
{
  switch (_ts_field_infos[field].type)
    {
    case TS_FIELD_TYPE_BOOLEAN:
      g_value_set_boolean (value, self->values[field].b);
      break;

    case TS_FIELD_TYPE_STRING:
    case TS_FIELD_TYPE_TEMPLATE:
    case TS_FIELD_TYPE_PROVIDER:
      g_value_set_string (value, self->values[field].s != NULL ? self->values[field].s : "");
      break;

    case TS_FIELD_TYPE_INT:
      g_value_set_int (value, (int) self->values[field].i);
      break;

    case TS_FIELD_TYPE_SEED:
      g_value_set_int64 (value, self->values[field].i);
      break;

    case TS_FIELD_TYPE_DOUBLE:
      g_value_set_double (value, self->values[field].d);
      break;

    case TS_FIELD_TYPE_STRV:
      g_value_set_boxed (value, self->values[field].strv);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
set_field_value (TsBlock      *self,
                 TsField       field,
                 const GValue *value)
{
  switch (_ts_field_infos[field].type)
    {
    case TS_FIELD_TYPE_BOOLEAN:
      ts_block_set_boolean (self, field, g_value_get_boolean (value));
      break;

    case TS_FIELD_TYPE_STRING:
    case TS_FIELD_TYPE_TEMPLATE:
    case TS_FIELD_TYPE_PROVIDER:
      ts_block_set_string (self, field, g_value_get_string (value));
      break;

    case TS_FIELD_TYPE_INT:
      ts_block_set_int (self, field, g_value_get_int (value));
      break;

    case TS_FIELD_TYPE_SEED:
      ts_block_set_int (self, field, g_value_get_int64 (value));
      break;

    case TS_FIELD_TYPE_DOUBLE:
      ts_block_set_double (self, field, g_value_get_double (value));
      break;

    case TS_FIELD_TYPE_STRV:
      ts_block_set_strv (self, field, g_value_get_boxed (value));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
ts_block_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TsBlock *self = TS_BLOCK (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_COLUMN:
      g_value_set_int (value, self->column);
      break;

    case PROP_ROW:
      g_value_set_int (value, self->row);
      break;

    case PROP_COLUMN_SPAN:
      g_value_set_int (value, self->column_span);
      break;

    case PROP_ROW_SPAN:
      g_value_set_int (value, self->row_span);
      break;

    case PROP_OUTPUT:
      g_value_set_object (value, self->output);
      break;

    default:
      if (prop_id >= N_BASE_PROPS && prop_id < N_PROPS)
        get_field_value (self, prop_id - N_BASE_PROPS, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_block_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TsBlock *self = TS_BLOCK (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_TITLE:
      ts_block_set_title (self, g_value_get_string (value));
      break;

    case PROP_COLUMN:
      ts_block_set_layout (self, g_value_get_int (value), self->row,
                           self->column_span, self->row_span);
      break;

    case PROP_ROW:
      ts_block_set_layout (self, self->column, g_value_get_int (value),
                           self->column_span, self->row_span);
      break;

    case PROP_COLUMN_SPAN:
      ts_block_set_layout (self, self->column, self->row,
                           g_value_get_int (value), self->row_span);
      break;

    case PROP_ROW_SPAN:
      ts_block_set_layout (self, self->column, self->row,
                           self->column_span, g_value_get_int (value));
      break;

    case PROP_OUTPUT:
      ts_block_set_output (self, g_value_get_object (value));
      break;

    default:
      if (prop_id >= N_BASE_PROPS && prop_id < N_PROPS)
        set_field_value (self, prop_id - N_BASE_PROPS, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_block_constructed (GObject *object)
{
  TsBlock *self = TS_BLOCK (object);
  const TsField *fields = _ts_kind_infos[self->kind].fields;

  G_OBJECT_CLASS (ts_block_parent_class)->constructed (object);

  g_assert (ts_block_id_is_valid (self->id));

  /* Only the fields of this kind carry a value; the others stay empty. */
  for (guint i = 0; i < _ts_kind_infos[self->kind].n_fields; i++)
    {
      const TsFieldInfo *info = &_ts_field_infos[fields[i]];
      FieldValue *v = &self->values[fields[i]];

      switch (info->type)
        {
        case TS_FIELD_TYPE_BOOLEAN:
          v->b = info->default_number != 0;
          break;

        case TS_FIELD_TYPE_STRING:
        case TS_FIELD_TYPE_TEMPLATE:
        case TS_FIELD_TYPE_PROVIDER:
          v->s = g_strdup (info->default_string != NULL ? info->default_string : "");
          break;

        case TS_FIELD_TYPE_INT:
        case TS_FIELD_TYPE_SEED:
          v->i = (gint64) info->default_number;
          break;

        case TS_FIELD_TYPE_DOUBLE:
          v->d = info->default_number;
          break;

        case TS_FIELD_TYPE_STRV:
          v->strv = g_new0 (char *, 1);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static GParamSpec *
field_param_spec (const TsFieldInfo *info)
{
  const GParamFlags flags = (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  switch (info->type)
    {
    case TS_FIELD_TYPE_BOOLEAN:
      return g_param_spec_boolean (info->name, NULL, NULL, info->default_number != 0, flags);

    case TS_FIELD_TYPE_STRING:
    case TS_FIELD_TYPE_TEMPLATE:
    case TS_FIELD_TYPE_PROVIDER:
      return g_param_spec_string (info->name, NULL, NULL, "", flags);

    case TS_FIELD_TYPE_INT:
      return g_param_spec_int (info->name, NULL, NULL, (int) info->min, (int) info->max,
                               (int) info->default_number, flags);

    case TS_FIELD_TYPE_SEED:
      return g_param_spec_int64 (info->name, NULL, NULL, TS_SEED_RANDOM, (gint64) info->max,
                                 TS_SEED_RANDOM, flags);

    case TS_FIELD_TYPE_DOUBLE:
      return g_param_spec_double (info->name, NULL, NULL, info->min, info->max,
                                  info->default_number, flags);

    case TS_FIELD_TYPE_STRV:
      return g_param_spec_boxed (info->name, NULL, NULL, G_TYPE_STRV, flags);

    default:
      g_assert_not_reached ();
    }
}

static void
ts_block_class_init (TsBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ts_block_constructed;
  object_class->dispose = ts_block_dispose;
  object_class->finalize = ts_block_finalize;
  object_class->get_property = ts_block_get_property;
  object_class->set_property = ts_block_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, TS_TYPE_BLOCK_KIND, TS_BLOCK_KIND_INPUT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COLUMN] =
    g_param_spec_int ("column", NULL, NULL, 0, TS_GRID_COLUMNS - 1, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROW] =
    g_param_spec_int ("row", NULL, NULL, 0, TS_GRID_MAX_ROW, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COLUMN_SPAN] =
    g_param_spec_int ("column-span", NULL, NULL, 1, TS_GRID_COLUMNS, TS_GRID_COLUMNS,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROW_SPAN] =
    g_param_spec_int ("row-span", NULL, NULL, 1, TS_GRID_MAX_ROW_SPAN, 1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OUTPUT] =
    g_param_spec_object ("output", NULL, NULL, TS_TYPE_OUTPUT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  for (guint i = 0; i < TS_N_FIELDS; i++)
    properties[FIELD_PROP (i)] = field_param_spec (&_ts_field_infos[i]);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_block_init (TsBlock *self)
{
  self->title = g_strdup ("");
  self->column_span = TS_GRID_COLUMNS;
  self->row_span = 1;
}

/**
 * ts_block_new:
 * @kind: the kind of widget
 * @id: a stable id, see ts_block_id_is_valid()
 *
 * Returns: (transfer full): a new block with the defaults of @kind
 */
TsBlock *
ts_block_new (TsBlockKind  kind,
              const char  *id)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);
  g_return_val_if_fail (ts_block_id_is_valid (id), NULL);

  return g_object_new (TS_TYPE_BLOCK, "kind", kind, "id", id, NULL);
}

/**
 * ts_block_copy:
 * @self: a #TsBlock
 * @id: the id of the copy
 *
 * Copies title, layout and every field, but not the output.
 *
 * Returns: (transfer full): a new block
 */
TsBlock *
ts_block_copy (TsBlock    *self,
               const char *id)
{
  TsBlock *copy;

  g_return_val_if_fail (TS_IS_BLOCK (self), NULL);
  g_return_val_if_fail (ts_block_id_is_valid (id), NULL);

  copy = ts_block_new (self->kind, id);
  ts_block_set_title (copy, self->title);
  ts_block_set_layout (copy, self->column, self->row, self->column_span, self->row_span);

  for (guint i = 0; i < _ts_kind_infos[self->kind].n_fields; i++)
    {
      TsField field = _ts_kind_infos[self->kind].fields[i];

      if (is_string_type (_ts_field_infos[field].type))
        ts_block_set_string (copy, field, self->values[field].s);
      else if (_ts_field_infos[field].type == TS_FIELD_TYPE_STRV)
        ts_block_set_strv (copy, field, (const char * const *) self->values[field].strv);
      else
        copy->values[field] = self->values[field];
    }

  return copy;
}

const char *
ts_block_get_id (TsBlock *self)
{
  g_return_val_if_fail (TS_IS_BLOCK (self), NULL);

  return self->id;
}

TsBlockKind
ts_block_get_kind (TsBlock *self)
{
  g_return_val_if_fail (TS_IS_BLOCK (self), 0);

  return self->kind;
}

const char *
ts_block_get_title (TsBlock *self)
{
  g_return_val_if_fail (TS_IS_BLOCK (self), NULL);

  return self->title;
}

void
ts_block_set_title (TsBlock    *self,
                    const char *title)
{
  g_return_if_fail (TS_IS_BLOCK (self));

  if (ts_set_str (&self->title, title != NULL ? title : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * ts_block_get_layout:
 * @self: a #TsBlock
 * @column: (out) (optional): the first column, 0–11
 * @row: (out) (optional): the first row
 * @column_span: (out) (optional): columns covered, 1–12
 * @row_span: (out) (optional): rows covered
 */
void
ts_block_get_layout (TsBlock *self,
                     int     *column,
                     int     *row,
                     int     *column_span,
                     int     *row_span)
{
  g_return_if_fail (TS_IS_BLOCK (self));

  if (column != NULL)
    *column = self->column;
  if (row != NULL)
    *row = self->row;
  if (column_span != NULL)
    *column_span = self->column_span;
  if (row_span != NULL)
    *row_span = self->row_span;
}

/**
 * ts_block_set_layout:
 * @self: a #TsBlock
 * @column: the first column
 * @row: the first row
 * @column_span: columns covered
 * @row_span: rows covered
 *
 * Places the block on the grid. Values are clamped so the cell stays on the
 * 12-column grid.
 */
void
ts_block_set_layout (TsBlock *self,
                     int      column,
                     int      row,
                     int      column_span,
                     int      row_span)
{
  g_return_if_fail (TS_IS_BLOCK (self));

  column = CLAMP (column, 0, TS_GRID_COLUMNS - 1);
  row = CLAMP (row, 0, TS_GRID_MAX_ROW);
  column_span = CLAMP (column_span, 1, TS_GRID_COLUMNS - column);
  row_span = CLAMP (row_span, 1, TS_GRID_MAX_ROW_SPAN);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->column != column)
    {
      self->column = column;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN]);
    }

  if (self->row != row)
    {
      self->row = row;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW]);
    }

  if (self->column_span != column_span)
    {
      self->column_span = column_span;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN_SPAN]);
    }

  if (self->row_span != row_span)
    {
      self->row_span = row_span;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_SPAN]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

#define CHECK_FIELD(self, field, type_check) \
  G_STMT_START { \
    g_return_if_fail (TS_IS_BLOCK (self)); \
    g_return_if_fail ((field) < TS_N_FIELDS); \
    g_return_if_fail (type_check); \
    g_return_if_fail (ts_block_kind_has_field ((self)->kind, field)); \
  } G_STMT_END

#define CHECK_FIELD_VAL(self, field, type_check, retval) \
  G_STMT_START { \
    g_return_val_if_fail (TS_IS_BLOCK (self), retval); \
    g_return_val_if_fail ((field) < TS_N_FIELDS, retval); \
    g_return_val_if_fail (type_check, retval); \
    g_return_val_if_fail (ts_block_kind_has_field ((self)->kind, field), retval); \
  } G_STMT_END

const char *
ts_block_get_string (TsBlock *self,
                     TsField  field)
{
  CHECK_FIELD_VAL (self, field, is_string_type (_ts_field_infos[field].type), NULL);

  return self->values[field].s;
}

/**
 * ts_block_set_string:
 * @self: a #TsBlock
 * @field: a text, template or provider field of the block's kind
 * @value: (nullable): the new value; %NULL means ""
 *
 * Sets a text field. A document's file name keeps only its last component, so a
 * local path never reaches the model or a saved file.
 */
void
ts_block_set_string (TsBlock    *self,
                     TsField     field,
                     const char *value)
{
  g_autofree char *base = NULL;

  CHECK_FIELD (self, field, is_string_type (_ts_field_infos[field].type));

  if (value == NULL)
    value = "";

  if (field == TS_FIELD_FILE_NAME && value[0] != '\0' &&
      (strchr (value, '/') != NULL || strchr (value, '\\') != NULL))
    {
      const char *slash = strrchr (value, '/');
      const char *backslash = strrchr (value, '\\');

      base = g_strdup (MAX (slash, backslash) + 1);
      value = base;
    }

  if (ts_set_str (&self->values[field].s, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[FIELD_PROP (field)]);
}

/**
 * ts_block_get_strv:
 * @self: a #TsBlock
 * @field: a list field of the block's kind
 *
 * Returns: (transfer none): the list, never %NULL
 */
const char * const *
ts_block_get_strv (TsBlock *self,
                   TsField  field)
{
  CHECK_FIELD_VAL (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_STRV, NULL);

  return (const char * const *) self->values[field].strv;
}

void
ts_block_set_strv (TsBlock            *self,
                   TsField             field,
                   const char * const *value)
{
  static const char * const empty[] = { NULL };

  CHECK_FIELD (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_STRV);

  if (value == NULL)
    value = empty;

  if (g_strv_equal ((const char * const *) self->values[field].strv, value))
    return;

  g_strfreev (self->values[field].strv);
  self->values[field].strv = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[FIELD_PROP (field)]);
}

gint64
ts_block_get_int (TsBlock *self,
                  TsField  field)
{
  CHECK_FIELD_VAL (self, field,
               _ts_field_infos[field].type == TS_FIELD_TYPE_INT ||
               _ts_field_infos[field].type == TS_FIELD_TYPE_SEED, 0);

  return self->values[field].i;
}

/**
 * ts_block_set_int:
 * @self: a #TsBlock
 * @field: an integer or seed field of the block's kind
 * @value: the new value, clamped to the field's range (a seed may be %TS_SEED_RANDOM)
 */
void
ts_block_set_int (TsBlock *self,
                  TsField  field,
                  gint64   value)
{
  const TsFieldInfo *info;

  CHECK_FIELD (self, field,
               _ts_field_infos[field].type == TS_FIELD_TYPE_INT ||
               _ts_field_infos[field].type == TS_FIELD_TYPE_SEED);

  info = &_ts_field_infos[field];
  if (!(info->type == TS_FIELD_TYPE_SEED && value == TS_SEED_RANDOM))
    value = CLAMP (value, (gint64) info->min, (gint64) info->max);

  if (self->values[field].i != value)
    {
      self->values[field].i = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[FIELD_PROP (field)]);
    }
}

double
ts_block_get_double (TsBlock *self,
                     TsField  field)
{
  CHECK_FIELD_VAL (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_DOUBLE, 0.0);

  return self->values[field].d;
}

/**
 * ts_block_set_double:
 * @self: a #TsBlock
 * @field: a number field of the block's kind
 * @value: the new value, clamped to the field's range
 */
void
ts_block_set_double (TsBlock *self,
                     TsField  field,
                     double   value)
{
  const TsFieldInfo *info;

  CHECK_FIELD (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_DOUBLE);

  info = &_ts_field_infos[field];
  if (isnan (value))
    value = info->default_number;
  value = CLAMP (value, info->min, info->max);

  if (self->values[field].d != value)
    {
      self->values[field].d = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[FIELD_PROP (field)]);
    }
}

gboolean
ts_block_get_boolean (TsBlock *self,
                      TsField  field)
{
  CHECK_FIELD_VAL (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_BOOLEAN, FALSE);

  return self->values[field].b;
}

void
ts_block_set_boolean (TsBlock  *self,
                      TsField   field,
                      gboolean  value)
{
  CHECK_FIELD (self, field, _ts_field_infos[field].type == TS_FIELD_TYPE_BOOLEAN);

  value = !!value;
  if (self->values[field].b != value)
    {
      self->values[field].b = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[FIELD_PROP (field)]);
    }
}

/**
 * ts_block_get_output:
 * @self: a #TsBlock
 *
 * Returns: (transfer none) (nullable): the last output, if any
 */
TsOutput *
ts_block_get_output (TsBlock *self)
{
  g_return_val_if_fail (TS_IS_BLOCK (self), NULL);

  return self->output;
}

void
ts_block_set_output (TsBlock  *self,
                     TsOutput *output)
{
  g_return_if_fail (TS_IS_BLOCK (self));
  g_return_if_fail (output == NULL || TS_IS_OUTPUT (output));

  if (g_set_object (&self->output, output))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT]);
}
