/* ts-template.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Template syntax, as stored in a file:
 *
 *   @[w3]   mentions the widget whose id is w3 (ids are [A-Za-z0-9_-], 1–64 characters)
 *   @@      a literal "@"
 *   @       any other "@" is literal too ("mail me@example.com" needs no escaping)
 *
 * The editor shows a mention as "@Title"; the file keeps the id, so renaming a widget
 * changes no stored template.
 */

#define TS_TEMPLATE_ERROR (ts_template_error_quark ())

typedef enum
{
  TS_TEMPLATE_ERROR_SYNTAX,
  TS_TEMPLATE_ERROR_UNKNOWN_REFERENCE,
} TsTemplateError;

typedef enum
{
  TS_TEMPLATE_PART_TEXT,
  TS_TEMPLATE_PART_REFERENCE,
} TsTemplatePartKind;

/**
 * TsTemplatePart:
 * @kind: literal text or a mention
 * @value: the literal text (unescaped), or the mentioned widget id
 * @start: byte offset of the part in the template
 * @end: byte offset just past the part
 */
typedef struct
{
  TsTemplatePartKind  kind;
  char               *value;
  gsize               start;
  gsize               end;
} TsTemplatePart;

/**
 * TsTemplateLookup:
 * @id: a widget id
 * @user_data: closure data
 *
 * Returns: (nullable): the text for @id, or %NULL if @id is unknown
 */
typedef const char *(*TsTemplateLookup) (const char *id,
                                         gpointer    user_data);

GQuark      ts_template_error_quark     (void);
GPtrArray  *ts_template_parse           (const char        *tmpl,
                                         GError           **error);
char      **ts_template_list_references (const char        *tmpl,
                                         GError           **error);
char       *ts_template_render          (const char        *tmpl,
                                         TsTemplateLookup   lookup,
                                         gpointer           user_data,
                                         GError           **error);
char       *ts_template_to_display      (const char        *tmpl,
                                         TsTemplateLookup   lookup_title,
                                         gpointer           user_data);
char       *ts_template_escape          (const char        *text);
char       *ts_template_mention         (const char        *id);

G_END_DECLS
