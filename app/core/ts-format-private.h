/* ts-format-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cjson/cJSON.h>

#include "ts-format.h"

G_BEGIN_DECLS

char *_ts_format_number (double value);
char *_ts_format_print  (const cJSON *root);

G_END_DECLS
