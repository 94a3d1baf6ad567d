/** The routes under load, and the status each must answer with. */
export const LOAD_SCENARIOS = [
  { id: '/', path: '/', status: 200 },
  { id: '/status/500', path: '/status/500', status: 500 },
] as const;

export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

/** The sleep wave's route: a 200 after `seconds` of sleep. */
export function sleepPath(seconds: number): string {
  return `/status/200?seconds_sleep=${seconds}`;
}
