/* ts-block.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ts-output.h"

G_BEGIN_DECLS

/* Columns of the canvas grid. */
#define TS_GRID_COLUMNS 12
#define TS_GRID_MAX_ROW 9999
#define TS_GRID_MAX_ROW_SPAN 24

/* Widget ids: 1 to 64 characters from [A-Za-z0-9_-]. */
#define TS_BLOCK_ID_MAX_LENGTH 64
#define TS_BLOCK_TITLE_MAX_LENGTH 120

/* The seed value that asks for a random seed on every run. */
#define TS_SEED_RANDOM ((gint64) -1)

/**
 * TsBlockKind:
 *
 * The kinds of widget a playground holds. Users call a block a "widget"; in the code a
 * block is the model element and a card is the GTK widget that draws it.
 */
typedef enum
{
  TS_BLOCK_KIND_INPUT,
  TS_BLOCK_KIND_STATIC_TEXT,
  TS_BLOCK_KIND_DOCUMENT,
  TS_BLOCK_KIND_TEXT,
  TS_BLOCK_KIND_IMAGE,
  TS_BLOCK_KIND_CHAT,
} TsBlockKind;

#define TS_N_BLOCK_KINDS (TS_BLOCK_KIND_CHAT + 1)

/**
 * TsField:
 *
 * The settings a block has beyond its id, kind, title and layout cell. Which fields a
 * kind has is given by ts_block_kind_get_fields().
 */
typedef enum
{
  TS_FIELD_MULTILINE,
  TS_FIELD_PLACEHOLDER,
  TS_FIELD_DEFAULT_VALUE,
  TS_FIELD_CONTENT,
  TS_FIELD_FILE_NAME,
  TS_FIELD_PROMPT,
  TS_FIELD_NEGATIVE_PROMPT,
  TS_FIELD_SYSTEM_PROMPT,
  TS_FIELD_CONTEXT,
  TS_FIELD_PROVIDER,
  TS_FIELD_MODEL,
  TS_FIELD_TEMPERATURE,
  TS_FIELD_TOP_P,
  TS_FIELD_MAX_TOKENS,
  TS_FIELD_STOP_SEQUENCES,
  TS_FIELD_WIDTH,
  TS_FIELD_HEIGHT,
  TS_FIELD_SEED,
  TS_FIELD_CFG_SCALE,
  TS_FIELD_STEPS,
  TS_FIELD_IMAGE_COUNT,
  TS_FIELD_FILE_SIZE,
} TsField;

#define TS_N_FIELDS (TS_FIELD_FILE_SIZE + 1)

typedef enum
{
  TS_FIELD_TYPE_BOOLEAN,
  TS_FIELD_TYPE_STRING,     /* plain text */
  TS_FIELD_TYPE_TEMPLATE,   /* text that may mention other widgets, see ts-template.h */
  TS_FIELD_TYPE_PROVIDER,   /* a provider id, see ts_provider_id_is_known() */
  TS_FIELD_TYPE_INT,
  TS_FIELD_TYPE_SEED,       /* an integer, or TS_SEED_RANDOM */
  TS_FIELD_TYPE_DOUBLE,
  TS_FIELD_TYPE_STRV,
} TsFieldType;

/**
 * TsFieldInfo:
 * @field: the field
 * @name: the GObject property name (kebab-case)
 * @key: the JSON key in a .tessera file (snake_case)
 * @type: the value type
 * @min: smallest value of a number, or of a string's length in characters
 * @max: largest value of a number, or of a string's length in characters (of each
 *   element for %TS_FIELD_TYPE_STRV)
 * @max_items: for %TS_FIELD_TYPE_STRV, the most elements
 * @default_number: the default of a number or boolean
 * @default_string: (nullable): the default of a string, %NULL meaning ""
 * @multiline: whether a string may hold line breaks
 */
typedef struct
{
  TsField      field;
  const char  *name;
  const char  *key;
  TsFieldType  type;
  double       min;
  double       max;
  guint        max_items;
  double       default_number;
  const char  *default_string;
  gboolean     multiline;
} TsFieldInfo;

#define TS_TYPE_BLOCK (ts_block_get_type ())

G_DECLARE_FINAL_TYPE (TsBlock, ts_block, TS, BLOCK, GObject)

const char        *ts_block_kind_to_string         (TsBlockKind   kind);
gboolean           ts_block_kind_from_string       (const char   *str,
                                                    TsBlockKind  *kind);
const char        *ts_block_kind_get_display_name  (TsBlockKind   kind);
const char        *ts_block_kind_get_icon_name     (TsBlockKind   kind);
const TsField     *ts_block_kind_get_fields        (TsBlockKind   kind,
                                                    guint        *n_fields);
gboolean           ts_block_kind_has_field         (TsBlockKind   kind,
                                                    TsField       field);
gboolean           ts_block_kind_accepts_provider  (TsBlockKind   kind,
                                                    const char   *provider);
const TsFieldInfo *ts_field_get_info               (TsField       field);
gboolean           ts_block_id_is_valid            (const char   *id);

TsBlock           *ts_block_new                    (TsBlockKind   kind,
                                                    const char   *id);
TsBlock           *ts_block_copy                   (TsBlock      *self,
                                                    const char   *id);
const char        *ts_block_get_id                 (TsBlock      *self);
TsBlockKind        ts_block_get_kind               (TsBlock      *self);
const char        *ts_block_get_title              (TsBlock      *self);
void               ts_block_set_title              (TsBlock      *self,
                                                    const char   *title);
void               ts_block_get_layout             (TsBlock      *self,
                                                    int          *column,
                                                    int          *row,
                                                    int          *column_span,
                                                    int          *row_span);
void               ts_block_set_layout             (TsBlock      *self,
                                                    int           column,
                                                    int           row,
                                                    int           column_span,
                                                    int           row_span);
const char        *ts_block_get_string             (TsBlock      *self,
                                                    TsField       field);
void               ts_block_set_string             (TsBlock      *self,
                                                    TsField       field,
                                                    const char   *value);
const char * const *ts_block_get_strv              (TsBlock      *self,
                                                    TsField       field);
void               ts_block_set_strv               (TsBlock      *self,
                                                    TsField       field,
                                                    const char * const *value);
gint64             ts_block_get_int                (TsBlock      *self,
                                                    TsField       field);
void               ts_block_set_int                (TsBlock      *self,
                                                    TsField       field,
                                                    gint64        value);
double             ts_block_get_double             (TsBlock      *self,
                                                    TsField       field);
void               ts_block_set_double             (TsBlock      *self,
                                                    TsField       field,
                                                    double        value);
gboolean           ts_block_get_boolean            (TsBlock      *self,
                                                    TsField       field);
void               ts_block_set_boolean            (TsBlock      *self,
                                                    TsField       field,
                                                    gboolean      value);
TsOutput          *ts_block_get_output             (TsBlock      *self);
void               ts_block_set_output             (TsBlock      *self,
                                                    TsOutput     *output);
char             **ts_block_dup_upstream_ids       (TsBlock      *self);

G_END_DECLS
