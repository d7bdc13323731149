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

/* Tells the parts of the process that use a secret that it was stored anew. */
#define TS_TYPE_SECRETS (ts_secrets_get_type ())

G_DECLARE_FINAL_TYPE (TsSecrets, ts_secrets, TS, SECRETS, GObject)

TsSecrets *ts_secrets_get_default  (void);
void       ts_secrets_emit_changed (TsSecrets          *self,
                                    const char         *name);

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
void      ts_secrets_free          (char                 *value);
char     *ts_secrets_lookup_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
