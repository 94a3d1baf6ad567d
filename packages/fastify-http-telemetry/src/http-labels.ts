/** Label values for HTTP metrics, bounded whatever clients send (OpenTelemetry HTTP semantic conventions). */

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/** Methods outside the standard set share one value, so a client cannot mint new series. */
export const OTHER_METHOD = '_OTHER';

/** The route label of requests that matched no route: one value for every unknown path. */
export const UNMATCHED_ROUTE = 'unmatched';

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER_METHOD;
}

/** The path of a request target, without its query string: the `url_path` log field. */
export function urlPath(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Fastify's `/status/:status_code` in OpenTelemetry's template form, `/status/{status_code}`. */
export function routeTemplate(fastifyUrl: string): string {
  return fastifyUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
