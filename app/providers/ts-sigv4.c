/* ts-sigv4.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-sigv4.h"

#include <gio/gio.h>
#include <string.h>

/* AWS Signature Version 4, built on GLib's GChecksum and GHmac. The steps follow the
 * published description and are checked against the official test suite; the rule that
 * matters most for Bedrock is the canonical URI of a non-S3 service: the path as sent
 * (already percent-encoded once) is encoded a second time, so a model id's "%3A" is
 * signed as "%253A". */

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~';
}

/**
 * ts_sigv4_uri_encode:
 * @str: the bytes to encode
 * @length: their length, or -1 when @str is nul-terminated
 * @keep_slash: whether "/" stays as it is (paths) or is encoded (query names and values)
 *
 * Encodes every byte but the unreserved characters `A-Z a-z 0-9 - _ . ~` as `%XX` with
 * upper-case hex digits, as SigV4 requires; a space becomes `%20`, never `+`.
 *
 * Returns: (transfer full): the encoded string
 */
char *
ts_sigv4_uri_encode (const char *str,
                     gssize      length,
                     gboolean    keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out;
  gsize len;

  g_return_val_if_fail (str != NULL, NULL);

  len = length < 0 ? strlen (str) : (gsize) length;
  out = g_string_sized_new (len + 8);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) str[i];

      if (is_unreserved (c) || (keep_slash && c == '/'))
        {
          g_string_append_c (out, (char) c);
        }
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }

  return g_string_free (out, FALSE);
}

/* Removes "." and ".." segments and empty segments (doubled slashes), keeping a
 * trailing slash, as the SDKs normalise the path of every service but S3. */
static char *
normalize_path (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  guint n = g_strv_length (segments);
  gboolean trailing;

  for (guint i = 0; i < n; i++)
    {
      const char *segment = segments[i];

      if (*segment == '\0' || strcmp (segment, ".") == 0)
        continue;
      if (strcmp (segment, "..") == 0)
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, (gpointer) segment);
    }

  trailing = n > 1 && (*segments[n - 1] == '\0' ||
                       strcmp (segments[n - 1], ".") == 0 ||
                       strcmp (segments[n - 1], "..") == 0);

  for (guint i = 0; i < kept->len; i++)
    {
      g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (kept, i));
    }
  if (kept->len == 0 || trailing)
    g_string_append_c (out, '/');

  return g_string_free (out, FALSE);
}

/**
 * ts_sigv4_canonical_uri:
 * @path: the path exactly as it goes on the wire, already percent-encoded
 *
 * Returns: (transfer full): the normalised path, URI-encoded once more (so `%` becomes
 *   `%25`), "/" for an empty path
 */
char *
ts_sigv4_canonical_uri (const char *path)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  normalized = normalize_path (path);

  return ts_sigv4_uri_encode (normalized, -1, TRUE);
}

static int
hex_value (char c)
{
  if (g_ascii_isdigit (c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes %XX escapes; a "%" not followed by two hex digits stays as it is. */
static GString *
percent_decode (const char *str,
                gsize       length)
{
  GString *out = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      if (str[i] == '%' && i + 2 < length && hex_value (str[i + 1]) >= 0 &&
          hex_value (str[i + 2]) >= 0)
        {
          g_string_append_c (out, (char) (hex_value (str[i + 1]) * 16 + hex_value (str[i + 2])));
          i += 2;
        }
      else
        {
          g_string_append_c (out, str[i]);
        }
    }

  return out;
}

typedef struct
{
  char *name;
  char *value;
} Pair;

static void
pair_clear (gpointer data)
{
  Pair *pair = data;

  g_free (pair->name);
  g_free (pair->value);
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *pa = a;
  const Pair *pb = b;
  int cmp = strcmp (pa->name, pb->name);

  return cmp != 0 ? cmp : strcmp (pa->value, pb->value);
}

static char *
encode_decoded (const char *str,
                gsize       length)
{
  g_autoptr(GString) decoded = percent_decode (str, length);

  return ts_sigv4_uri_encode (decoded->str, decoded->len, FALSE);
}

/**
 * ts_sigv4_canonical_query:
 * @query: (nullable): the query string as sent, without the "?"
 *
 * Decodes each parameter, encodes its name and value the SigV4 way and sorts them by name,
 * then by value.
 *
 * Returns: (transfer full): the canonical query string, "" when there is none
 */
char *
ts_sigv4_canonical_query (const char *query)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_auto(GStrv) parts = NULL;
  GString *out = g_string_new (NULL);

  g_array_set_clear_func (pairs, pair_clear);

  if (query == NULL || *query == '\0')
    return g_string_free (out, FALSE);

  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *eq = strchr (parts[i], '=');
      Pair pair;

      if (*parts[i] == '\0')
        continue;

      if (eq != NULL)
        {
          pair.name = encode_decoded (parts[i], eq - parts[i]);
          pair.value = encode_decoded (eq + 1, strlen (eq + 1));
        }
      else
        {
          pair.name = encode_decoded (parts[i], strlen (parts[i]));
          pair.value = g_strdup ("");
        }
      g_array_append_val (pairs, pair);
    }

  g_array_sort (pairs, compare_pairs);

  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *pair = &g_array_index (pairs, Pair, i);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", pair->name, pair->value);
    }

  return g_string_free (out, FALSE);
}

/* Trims a header value and folds each run of spaces and tabs into one space. */
static char *
trim_all (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const Pair *) a)->name, ((const Pair *) b)->name);
}

/**
 * ts_sigv4_canonical_headers:
 * @headers: name and value pairs, one after the other, %NULL-terminated
 * @signed_headers: (out) (transfer full): the signed header names joined with ";"
 *
 * Lower-cases the names, trims the values, sorts by name (keeping the order of a name's
 * values) and joins the values of a repeated name with ",".
 *
 * Returns: (transfer full): one "name:value\n" line per header
 */
char *
ts_sigv4_canonical_headers (const char * const  *headers,
                            char               **signed_headers)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  GString *out = g_string_new (NULL);
  GString *names = g_string_new (NULL);

  g_return_val_if_fail (headers != NULL, NULL);
  g_return_val_if_fail (signed_headers != NULL, NULL);

  g_array_set_clear_func (pairs, pair_clear);

  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      Pair pair = { g_ascii_strdown (headers[i], -1), trim_all (headers[i + 1]) };

      g_array_append_val (pairs, pair);
    }

  /* g_array_sort() is not stable; repeated names must keep their order. */
  for (guint i = 1; i < pairs->len; i++)
    for (guint j = i; j > 0 && compare_names (&g_array_index (pairs, Pair, j - 1),
                                              &g_array_index (pairs, Pair, j)) > 0; j--)
      {
        Pair tmp = g_array_index (pairs, Pair, j);

        g_array_index (pairs, Pair, j) = g_array_index (pairs, Pair, j - 1);
        g_array_index (pairs, Pair, j - 1) = tmp;
      }

  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *pair = &g_array_index (pairs, Pair, i);
      gboolean same = i > 0 && strcmp (pair->name, g_array_index (pairs, Pair, i - 1).name) == 0;

      if (same)
        {
          g_string_truncate (out, out->len - 1);
          g_string_append_printf (out, ",%s\n", pair->value);
          continue;
        }

      g_string_append_printf (out, "%s:%s\n", pair->name, pair->value);
      g_string_append_printf (names, "%s%s", names->len > 0 ? ";" : "", pair->name);
    }

  *signed_headers = g_string_free (names, FALSE);

  return g_string_free (out, FALSE);
}

/**
 * ts_sigv4_sha256_hex:
 *
 * Returns: (transfer full): the SHA-256 of the bytes in lower-case hex
 */
char *
ts_sigv4_sha256_hex (gconstpointer data,
                     gsize         length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, length > 0 ? data : (gconstpointer) "",
                                      length);
}

/**
 * ts_sigv4_format_date:
 * @time: a time in any zone
 *
 * Returns: (transfer full): the time in UTC as `YYYYMMDDTHHMMSSZ`
 */
char *
ts_sigv4_format_date (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_length,
             const char   *data,
             guint8        out[TS_SIGV4_KEY_LENGTH])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  gsize length = TS_SIGV4_KEY_LENGTH;

  g_hmac_update (hmac, (const guchar *) data, strlen (data));
  g_hmac_get_digest (hmac, out, &length);
  g_assert (length == TS_SIGV4_KEY_LENGTH);
}

/**
 * ts_sigv4_signing_key:
 * @secret_access_key: the secret
 * @date: the day of the scope, `YYYYMMDD`
 * @region: the region of the scope
 * @service: the service of the scope
 * @key: (out caller-allocates): the derived key
 *
 * Derives the signing key: HMAC-SHA256 chained from "AWS4" + secret over the date,
 * the region, the service and "aws4_request".
 */
void
ts_sigv4_signing_key (const char *secret_access_key,
                      const char *date,
                      const char *region,
                      const char *service,
                      guint8      key[TS_SIGV4_KEY_LENGTH])
{
  char *secret;
  gsize secret_length;

  g_return_if_fail (secret_access_key != NULL && date != NULL);
  g_return_if_fail (region != NULL && service != NULL);

  secret = g_strconcat ("AWS4", secret_access_key, NULL);
  secret_length = strlen (secret);
  hmac_sha256 ((const guint8 *) secret, secret_length, date, key);
  explicit_bzero (secret, secret_length);
  g_free (secret);

  hmac_sha256 (key, TS_SIGV4_KEY_LENGTH, region, key);
  hmac_sha256 (key, TS_SIGV4_KEY_LENGTH, service, key);
  hmac_sha256 (key, TS_SIGV4_KEY_LENGTH, "aws4_request", key);
}

/**
 * ts_sigv4_sign:
 * @params: the credentials, scope and time
 * @method: the HTTP method
 * @path: the path as sent (percent-encoded once)
 * @query: (nullable): the query string as sent
 * @headers: every header to sign, name and value pairs, including `host` and
 *   `x-amz-date` (and `x-amz-security-token` with temporary credentials)
 * @payload_hash: the hex SHA-256 of the body
 *
 * Signs a request whose headers are already complete. @params' session token is not
 * added here: it must be among @headers.
 *
 * Returns: (transfer full): the signature and every intermediate step; its @headers is
 *   %NULL
 */
TsSigv4Signature *
ts_sigv4_sign (const TsSigv4Params *params,
               const char          *method,
               const char          *path,
               const char          *query,
               const char * const  *headers,
               const char          *payload_hash)
{
  TsSigv4Signature *signature;
  g_autofree char *uri = NULL;
  g_autofree char *canonical_query = NULL;
  g_autofree char *canonical_headers = NULL;
  g_autofree char *request_hash = NULL;
  g_autofree char *date = NULL;
  g_autofree char *scope = NULL;
  guint8 key[TS_SIGV4_KEY_LENGTH];
  guint8 digest[TS_SIGV4_KEY_LENGTH];

  g_return_val_if_fail (params != NULL && params->time != NULL, NULL);
  g_return_val_if_fail (params->access_key_id != NULL && params->secret_access_key != NULL, NULL);
  g_return_val_if_fail (params->region != NULL && params->service != NULL, NULL);
  g_return_val_if_fail (method != NULL && path != NULL && headers != NULL, NULL);
  g_return_val_if_fail (payload_hash != NULL, NULL);

  signature = g_new0 (TsSigv4Signature, 1);
  signature->amz_date = ts_sigv4_format_date (params->time);
  date = g_strndup (signature->amz_date, 8);

  uri = ts_sigv4_canonical_uri (path);
  canonical_query = ts_sigv4_canonical_query (query);
  canonical_headers = ts_sigv4_canonical_headers (headers, &signature->signed_headers);
  signature->canonical_request = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", method, uri,
                                                  canonical_query, canonical_headers,
                                                  signature->signed_headers, payload_hash);

  scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, params->region, params->service);
  request_hash = ts_sigv4_sha256_hex (signature->canonical_request,
                                      strlen (signature->canonical_request));
  signature->string_to_sign = g_strdup_printf (TS_SIGV4_ALGORITHM "\n%s\n%s\n%s",
                                               signature->amz_date, scope, request_hash);

  ts_sigv4_signing_key (params->secret_access_key, date, params->region, params->service, key);
  hmac_sha256 (key, sizeof key, signature->string_to_sign, digest);
  explicit_bzero (key, sizeof key);

  signature->signature = g_malloc (2 * sizeof digest + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf (signature->signature + 2 * i, 3, "%02x", digest[i]);

  signature->authorization =
    g_strdup_printf (TS_SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                     params->access_key_id, scope, signature->signed_headers,
                     signature->signature);

  return signature;
}

static GUri *
parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GUri *uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &local_error);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_clear_pointer (&uri, g_uri_unref);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a URL with a host", url);
    }

  return uri;
}

static char *
host_header (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  g_autofree char *lower = g_ascii_strdown (host, -1);
  g_autofree char *bracketed = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", lower)
                                                         : g_strdup (lower);
  gboolean default_port = port < 0 ||
                          (g_ascii_strcasecmp (scheme, "https") == 0 && port == 443) ||
                          (g_ascii_strcasecmp (scheme, "http") == 0 && port == 80);

  if (default_port)
    return g_steal_pointer (&bracketed);

  return g_strdup_printf ("%s:%d", bracketed, port);
}

/**
 * ts_sigv4_host_header:
 * @url: a URL
 *
 * Returns: (transfer full): the `Host` header value the signature covers: the host, with
 *   ":PORT" when the port is not the scheme's default, or %NULL with @error set
 */
char *
ts_sigv4_host_header (const char  *url,
                      GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  uri = parse_url (url, error);
  if (uri == NULL)
    return NULL;

  return host_header (uri);
}

static gboolean
check_header (const char  *name,
              const char  *value,
              GError     **error)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      {
        /* Never quote the value: it may be a token. */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "the %s header holds a control character", name);
        return FALSE;
      }

  return TRUE;
}

/**
 * ts_sigv4_sign_url:
 * @params: the credentials, scope and time
 * @method: the HTTP method
 * @url: the full URL, its path and query percent-encoded as they will be sent
 * @headers: (nullable): the other headers to send and sign, such as `Content-Type`, as
 *   name and value pairs
 * @body: (nullable): the body
 * @error: a #GError
 *
 * Signs a whole request: adds `Host`, `X-Amz-Date` and, with a session token,
 * `X-Amz-Security-Token`, signs them with @headers, and lists everything to send in the
 * result's @headers, `Authorization` last.
 *
 * Returns: (transfer full): the signature, or %NULL with @error set for a URL without a
 *   host or a header value holding a control character
 */
TsSigv4Signature *
ts_sigv4_sign_url (const TsSigv4Params *params,
                   const char          *method,
                   const char          *url,
                   const char * const  *headers,
                   GBytes              *body,
                   GError             **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *lines;
  g_autofree char *host = NULL;
  g_autofree char *amz_date = NULL;
  g_autofree char *payload_hash = NULL;
  TsSigv4Signature *signature;
  gconstpointer data = NULL;
  gsize size = 0;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (method != NULL && url != NULL, NULL);

  uri = parse_url (url, error);
  if (uri == NULL)
    return NULL;

  host = host_header (uri);
  amz_date = ts_sigv4_format_date (params->time);

  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      if (!check_header (headers[i], headers[i + 1], error))
        return NULL;
      g_ptr_array_add (all, g_strdup (headers[i]));
      g_ptr_array_add (all, g_strdup (headers[i + 1]));
    }
  g_ptr_array_add (all, g_strdup ("Host"));
  g_ptr_array_add (all, g_strdup (host));
  g_ptr_array_add (all, g_strdup ("X-Amz-Date"));
  g_ptr_array_add (all, g_strdup (amz_date));
  if (params->session_token != NULL)
    {
      if (!check_header ("X-Amz-Security-Token", params->session_token, error))
        return NULL;
      g_ptr_array_add (all, g_strdup ("X-Amz-Security-Token"));
      g_ptr_array_add (all, g_strdup (params->session_token));
    }
  g_ptr_array_add (all, NULL);

  if (body != NULL)
    data = g_bytes_get_data (body, &size);
  payload_hash = ts_sigv4_sha256_hex (data, size);

  signature = ts_sigv4_sign (params, method, g_uri_get_path (uri), g_uri_get_query (uri),
                             (const char * const *) all->pdata, payload_hash);

  lines = g_ptr_array_new ();
  for (guint i = 0; i + 1 < all->len && all->pdata[i] != NULL; i += 2)
    g_ptr_array_add (lines, g_strdup_printf ("%s: %s", (char *) all->pdata[i],
                                             (char *) all->pdata[i + 1]));
  g_ptr_array_add (lines, g_strdup_printf ("Authorization: %s", signature->authorization));
  g_ptr_array_add (lines, NULL);
  signature->headers = (GStrv) g_ptr_array_free (lines, FALSE);

  return signature;
}

static void
wipe_string (char *str)
{
  if (str != NULL)
    explicit_bzero (str, strlen (str));
  g_free (str);
}

/**
 * ts_sigv4_signature_free:
 *
 * Frees @signature, overwriting the strings that can hold a session token first.
 */
void
ts_sigv4_signature_free (TsSigv4Signature *signature)
{
  if (signature == NULL)
    return;

  for (guint i = 0; signature->headers != NULL && signature->headers[i] != NULL; i++)
    wipe_string (signature->headers[i]);
  g_free (signature->headers);
  wipe_string (signature->canonical_request);
  g_free (signature->amz_date);
  g_free (signature->string_to_sign);
  g_free (signature->signed_headers);
  g_free (signature->signature);
  g_free (signature->authorization);
  g_free (signature);
}
