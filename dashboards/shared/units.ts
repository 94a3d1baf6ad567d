/** Grafana's unit ids for what the panels show: every panel sets one, so no axis is a bare number. */
export const UNITS = {
  seconds: 's',
  requestsPerSecond: 'reqps',
  /** A ratio between 0 and 1, shown as a percentage. */
  percent: 'percentunit',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  /** Events (lines, samples, collections) per second. */
  perSecond: 'cps',
  /** A plain count or level. */
  count: 'short',
  /** A multiple, such as an error-budget burn rate. */
  times: 'suffix:×',
} as const;

export type Unit = (typeof UNITS)[keyof typeof UNITS];
