import { STATUS_CODES } from 'node:http';

/** The bodies the service answers with, for the baselines: the same bytes on the wire, so only the stack differs. */

export const SERVICE_NAME = 'backend';
export const FIRST_ERROR_STATUS = 400;
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ROOT_BODY = { service: SERVICE_NAME, docs: '/docs', openapi: '/docs/openapi.json', metrics: '/metrics' };

export function statusBody(statusCode: number, path: string): object {
  const reason = STATUS_CODES[statusCode] ?? `Status ${statusCode}`;
  if (statusCode < FIRST_ERROR_STATUS) return { status_code: statusCode, reason };
  return {
    type: 'about:blank',
    title: reason,
    status: statusCode,
    detail: `Status ${statusCode} was requested`,
    instance: path,
  };
}
