/* cli-list-models.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

int cli_list_models (int                  argc,
                     char               **argv,
                     TsProviderRegistry  *registry);

G_END_DECLS
