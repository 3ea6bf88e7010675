/**
 * Headers on every answer of the ui process. The page loads nothing but its own script and style (no
 * inline script, so an injected one would not run), cannot be framed (clickjacking of its buttons), is
 * never cached or sniffed, and sends no Referer. There is no Access-Control-* header anywhere: no other
 * origin may read an answer, and the preflight a cross-origin change would need is never granted.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};
