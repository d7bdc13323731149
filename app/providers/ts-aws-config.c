/* ts-aws-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-aws-config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* A strict reader of the AWS shared config and credentials files. GKeyFile is not used:
 * it refuses the ";" comments the AWS tools accept, and it reads the indented lines of a
 * nested setting ("s3 =" followed by "  max_concurrent_requests = 20") as keys of the
 * profile itself, so a nested "region" would change the profile's region. The rules here
 * are those of the INI reader the AWS CLI uses: "[section]" headers, "key = value"
 * lines with the key lower-cased, "#" and ";" comment lines, and indented lines that
 * continue the value of the key above them. Anything else is an error naming the file
 * and the line; a repeated section or key is an error too, as it is for the AWS CLI. */

typedef struct
{
  char  *value;
  guint  line;
} Entry;

struct _TsAwsConfigFile
{
  char       *path;
  GHashTable *sections;   /* name → (key → Entry) */
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  /* Values include secret keys: overwrite them before the memory is reused. */
  explicit_bzero (entry->value, strlen (entry->value));
  g_free (entry->value);
  g_free (entry);
}

static TsAwsConfigFile *
config_file_new (const char *path)
{
  TsAwsConfigFile *file = g_new0 (TsAwsConfigFile, 1);

  file->path = g_strdup (path);
  file->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);

  return file;
}

void
ts_aws_config_file_free (TsAwsConfigFile *file)
{
  if (file == NULL)
    return;

  g_free (file->path);
  g_hash_table_unref (file->sections);
  g_free (file);
}

static gboolean
parse_error (GError     **error,
             const char  *path,
             guint        line,
             const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s line %u: %s", path, line, what);
  return FALSE;
}

/* Collapses the whitespace of a section name, so "[profile   dev ]" is "profile dev". */
static char *
section_name (const char *start,
              gsize       length)
{
  g_autofree char *raw = g_strndup (start, length);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (raw), " \t", -1);
  GString *name = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append (name, words[i]);
    }

  return g_string_free (name, FALSE);
}

static gboolean
parse_line (TsAwsConfigFile  *file,
            char             *text,
            guint             number,
            GHashTable      **section,
            Entry           **last,
            GError          **error)
{
  gsize length = strlen (text);
  char *stripped;
  char *eq;
  g_autofree char *key = NULL;
  Entry *entry;

  if (length > 0 && text[length - 1] == '\r')
    text[--length] = '\0';

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0' || *stripped == '#' || *stripped == ';')
    {
      g_free (stripped);
      return TRUE;
    }

  /* An indented line continues the value above it. */
  if (text[0] == ' ' || text[0] == '\t')
    {
      char *joined;

      if (*last == NULL)
        {
          g_free (stripped);
          return parse_error (error, file->path, number, "an indented line follows no key");
        }

      joined = g_strconcat ((*last)->value, "\n", stripped, NULL);
      explicit_bzero ((*last)->value, strlen ((*last)->value));
      g_free ((*last)->value);
      (*last)->value = joined;
      explicit_bzero (stripped, strlen (stripped));
      g_free (stripped);
      return TRUE;
    }

  if (*stripped == '[')
    {
      char *close = strrchr (stripped, ']');
      g_autofree char *name = NULL;

      if (close == NULL || close[1] != '\0')
        {
          g_free (stripped);
          return parse_error (error, file->path, number, "a section header must end with “]”");
        }

      name = section_name (stripped + 1, close - stripped - 1);
      g_free (stripped);
      if (*name == '\0' || strpbrk (name, "[]") != NULL)
        return parse_error (error, file->path, number, "a section needs a name without “[” or “]”");
      if (g_hash_table_contains (file->sections, name))
        {
          g_autofree char *message = g_strdup_printf ("the section [%s] appears twice", name);

          return parse_error (error, file->path, number, message);
        }

      *section = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
      g_hash_table_insert (file->sections, g_steal_pointer (&name), *section);
      *last = NULL;
      return TRUE;
    }

  eq = strchr (stripped, '=');
  if (eq == NULL || eq == stripped)
    {
      g_free (stripped);
      return parse_error (error, file->path, number,
                          "the line is not a [section], a “key = value” or a comment");
    }
  if (*section == NULL)
    {
      explicit_bzero (stripped, strlen (stripped));
      g_free (stripped);
      return parse_error (error, file->path, number, "a key comes before any [section]");
    }

  *eq = '\0';
  key = g_ascii_strdown (g_strchomp (stripped), -1);
  if (g_hash_table_contains (*section, key))
    {
      g_autofree char *message = g_strdup_printf ("the key “%s” appears twice in its section", key);

      explicit_bzero (eq + 1, strlen (eq + 1));
      g_free (stripped);
      return parse_error (error, file->path, number, message);
    }

  entry = g_new0 (Entry, 1);
  entry->value = g_strdup (g_strstrip (eq + 1));
  entry->line = number;
  explicit_bzero (eq + 1, strlen (eq + 1));
  g_free (stripped);
  g_hash_table_insert (*section, g_steal_pointer (&key), entry);
  *last = entry;

  return TRUE;
}

/**
 * ts_aws_config_file_parse:
 * @data: the contents
 * @length: their length
 * @path: the file name to use in messages
 * @error: a #GError
 *
 * Returns: (transfer full): the parsed file, or %NULL with a %G_IO_ERROR_INVALID_DATA
 *   error naming @path and the line, which never quotes the line (it may hold a secret)
 */
TsAwsConfigFile *
ts_aws_config_file_parse (const char  *data,
                          gsize        length,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(TsAwsConfigFile) file = NULL;
  g_autofree char *copy = NULL;
  GHashTable *section = NULL;
  Entry *last = NULL;
  char *line;
  char *next;
  guint number = 1;
  gboolean ok = TRUE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  file = config_file_new (path);

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a text file in UTF-8", path);
      return NULL;
    }

  copy = g_strndup (data, length);
  for (line = copy; ok && line != NULL; line = next, number++)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      ok = parse_line (file, line, number, &section, &last, error);
    }

  explicit_bzero (copy, length);

  return ok ? g_steal_pointer (&file) : NULL;
}

/**
 * ts_aws_config_file_load:
 * @path: the file
 * @error: a #GError
 *
 * Returns: (transfer full): the parsed file, or %NULL with @error set: %G_FILE_ERROR_NOENT
 *   when it does not exist, another #GFileError when it cannot be read or is larger than
 *   %TS_AWS_CONFIG_MAX_SIZE, %G_IO_ERROR_INVALID_DATA when it is malformed
 */
TsAwsConfigFile *
ts_aws_config_file_load (const char  *path,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  TsAwsConfigFile *file;
  GStatBuf st;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > TS_AWS_CONFIG_MAX_SIZE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s is larger than %d bytes",
                   path, TS_AWS_CONFIG_MAX_SIZE);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  if (length > TS_AWS_CONFIG_MAX_SIZE)
    {
      explicit_bzero (contents, length);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s is larger than %d bytes",
                   path, TS_AWS_CONFIG_MAX_SIZE);
      return NULL;
    }

  file = ts_aws_config_file_parse (contents, length, path, error);
  explicit_bzero (contents, length);

  return file;
}

const char *
ts_aws_config_file_get_path (TsAwsConfigFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return file->path;
}

gboolean
ts_aws_config_file_has_section (TsAwsConfigFile *file,
                                const char      *section)
{
  g_return_val_if_fail (file != NULL && section != NULL, FALSE);

  return g_hash_table_contains (file->sections, section);
}

/**
 * ts_aws_config_file_get:
 * @section: the section name, such as "default" or "profile dev"
 * @key: the key, lower-case
 * @line: (out) (optional): the line the key is on
 *
 * Returns: (nullable): the value, trimmed; a value continued on indented lines holds
 *   them after "\n"
 */
const char *
ts_aws_config_file_get (TsAwsConfigFile *file,
                        const char      *section,
                        const char      *key,
                        guint           *line)
{
  GHashTable *entries;
  Entry *entry;

  g_return_val_if_fail (file != NULL && section != NULL && key != NULL, NULL);

  entries = g_hash_table_lookup (file->sections, section);
  entry = entries != NULL ? g_hash_table_lookup (entries, key) : NULL;
  if (entry == NULL)
    return NULL;

  if (line != NULL)
    *line = entry->line;

  return entry->value;
}
