/** Label values for HTTP metrics, bounded whatever clients send (OpenTelemetry HTTP semantic conventions). */

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/** Methods outside the standard set share one value, so a client cannot mint new series. */
export const OTHER_METHOD = '_OTHER';

/** The route label of requests that matched no route: one value for every unknown path. */
export const UNMATCHED_ROUTE = 'unmatched';

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER_METHOD;
}

const SLASH = 0x2f;
/** The scheme and authority of an absolute-form target, `http://host:port` (RFC 9112 §3.2.2). */
const SCHEME_AND_AUTHORITY = /^[A-Za-z][A-Za-z\d+.-]*:\/\/[^/?#]*/;

/**
 * The path of a request target, without its query string: the `url_path` log field. An
 * absolute-form target (`GET http://host/path`, as sent to proxies) gives its path alone, so a
 * client cannot write a host of its choosing into logs and problem bodies.
 */
export function urlPath(url: string): string {
  const target = url.charCodeAt(0) === SLASH ? url : originForm(url);
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** An absolute-form target as origin-form (`http://host/a?b` → `/a?b`, `http://host` → `/`); any other as it is. */
function originForm(url: string): string {
  const schemeAndAuthority = SCHEME_AND_AUTHORITY.exec(url);
  if (schemeAndAuthority === null) return url;
  const rest = url.slice(schemeAndAuthority[0].length);
  return rest.charCodeAt(0) === SLASH ? rest : `/${rest}`;
}

/** Fastify's `/status/:status_code` in OpenTelemetry's template form, `/status/{status_code}`. */
export function routeTemplate(fastifyUrl: string): string {
  return fastifyUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
