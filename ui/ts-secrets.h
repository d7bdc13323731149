/* ts-secrets.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The names of the secrets Tessera keeps in the user's keyring. */
#define TS_SECRET_OPENAI_API_KEY    "openai-api-key"
#define TS_SECRET_AWS_ACCESS_KEY_ID "aws-access-key-id"
#define TS_SECRET_AWS_SECRET_KEY    "aws-secret-access-key"

void      ts_secrets_store_async   (const char           *name,
                                    const char           *value,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  ts_secrets_store_finish  (GAsyncResult         *result,
                                    GError              **error);
void      ts_secrets_lookup_async  (const char           *name,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
char     *ts_secrets_lookup_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
