/* ts-provider-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-provider.h"

/* The providers a runner may use, by id, in the order they were added. */

struct _TsProviderRegistry
{
  GObject     parent_instance;

  GPtrArray  *providers;
};

G_DEFINE_FINAL_TYPE (TsProviderRegistry, ts_provider_registry, G_TYPE_OBJECT)

static void
ts_provider_registry_finalize (GObject *object)
{
  TsProviderRegistry *self = TS_PROVIDER_REGISTRY (object);

  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (ts_provider_registry_parent_class)->finalize (object);
}

static void
ts_provider_registry_class_init (TsProviderRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_provider_registry_finalize;
}

static void
ts_provider_registry_init (TsProviderRegistry *self)
{
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
}

TsProviderRegistry *
ts_provider_registry_new (void)
{
  return g_object_new (TS_TYPE_PROVIDER_REGISTRY, NULL);
}

/**
 * ts_provider_registry_add:
 * @provider: a provider
 *
 * Adds @provider, replacing one with the same id.
 */
void
ts_provider_registry_add (TsProviderRegistry *self,
                          TsProvider         *provider)
{
  const char *id;

  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (TS_IS_PROVIDER (provider));

  id = ts_provider_get_id (provider);
  g_return_if_fail (id != NULL);

  for (guint i = 0; i < self->providers->len; i++)
    {
      TsProvider *other = g_ptr_array_index (self->providers, i);

      if (g_str_equal (ts_provider_get_id (other), id))
        {
          g_ptr_array_remove_index (self->providers, i);
          break;
        }
    }

  g_ptr_array_add (self->providers, g_object_ref (provider));
}

/**
 * ts_provider_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the provider with @id
 */
TsProvider *
ts_provider_registry_lookup (TsProviderRegistry *self,
                             const char         *id)
{
  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (self), NULL);

  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->providers->len; i++)
    {
      TsProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_str_equal (ts_provider_get_id (provider), id))
        return provider;
    }

  return NULL;
}

/**
 * ts_provider_registry_list:
 *
 * Returns: (transfer container) (element-type TsProvider): the providers, in the order
 *   they were added
 */
GPtrArray *
ts_provider_registry_list (TsProviderRegistry *self)
{
  GPtrArray *list;

  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (self), NULL);

  list = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->providers->len; i++)
    g_ptr_array_add (list, g_object_ref (g_ptr_array_index (self->providers, i)));

  return list;
}
