/** The status code of a raw HTTP/1.1 response, from its first line (`HTTP/1.1 200 OK`), once the line has arrived. */
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})[ \r]/;

export function statusOf(head: string): number | undefined {
  const match = STATUS_LINE.exec(head);
  return match === null ? undefined : Number(match[1]);
}
