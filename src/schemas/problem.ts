import { STATUS_CODES } from 'node:http';
import { type Static, Type } from 'typebox';

/** RFC 9457 problem details: every error this service answers with has this shape. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const InvalidParam = Type.Object({
  in: Type.String({ description: 'where the parameter is: path, query, header or body' }),
  name: Type.String(),
  detail: Type.String(),
});

export const Problem = Type.Object({
  type: Type.String({ description: 'about:blank: the status code says it all' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'the request path' }),
  errors: Type.Optional(Type.Array(InvalidParam)),
});

export type Problem = Static<typeof Problem>;
export type InvalidParam = Static<typeof InvalidParam>;

/** A response schema entry declaring a problem+json body, for routes' `response` maps. */
export const ProblemResponse = { content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } } };

/** Characters that could start markup if a body were ever read as HTML; `\uXXXX` keeps the JSON equal. */
const MARKUP = /[<>&]/g;
const MARKUP_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** The same JSON value, with no `<`, `>` or `&` left in its text. */
export function escapeJsonMarkup(json: string): string {
  return json.replace(MARKUP, (char) => MARKUP_ESCAPES[char] ?? char);
}

/**
 * A problem's body as sent: problems are the only answers that carry the request's input back
 * (`instance`, `detail`), so a path of `/<script>` comes back as `\u003cscript\u003e`.
 */
export function serializeProblem(body: Problem): string {
  return escapeJsonMarkup(JSON.stringify(body));
}

export function problem(status: number, detail: string, instance: string, errors?: InvalidParam[]): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? `Status ${status}`,
    status,
    detail,
    instance,
    ...(errors === undefined ? {} : { errors }),
  };
}
