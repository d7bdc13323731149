/* ts-providers.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

TsProviderRegistry *ts_providers_new_registry (void);

G_END_DECLS
