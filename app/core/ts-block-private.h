/* ts-block-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-block.h"

G_BEGIN_DECLS

typedef struct
{
  const char    *id;
  const char    *display_name;
  const char    *icon_name;
  const TsField *fields;
  guint          n_fields;
} TsKindInfo;

/* The tables behind the field and kind API, shared by ts-block.c and ts-block-kind.c. */
extern const TsFieldInfo _ts_field_infos[TS_N_FIELDS];
extern const TsKindInfo  _ts_kind_infos[TS_N_BLOCK_KINDS];

G_END_DECLS
