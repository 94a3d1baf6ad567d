import type { StreamStats } from './stats.ts';

/** How often progress is shown: redrawn in place on a terminal, appended as plain lines otherwise. */
const TTY_INTERVAL_MS = 250;
const PLAIN_INTERVAL_MS = 5000;
/** Narrow enough that a line of the Python demo's streams fits 80 columns. */
const BAR_WIDTH = 10;
const ERASE_LINE = '\x1b[2K';
const cursorUp = (lines: number) => `\x1b[${lines}A`;

interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: longer lines would wrap and break the redraw. */
  columns?: number;
}

function percent(stats: StreamStats): number {
  return stats.planned === 0 ? 100 : Math.floor((100 * stats.sent) / stats.planned);
}

/** Fields a line can do without, dropped in this order (and from every line alike) when lines would not fit. */
const OPTIONAL_FIELDS = ['bar', 'rate', 'elapsed'] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];
const ELLIPSIS = '…';
/** The shortest a path is cut to, so each line still says which stream it is. */
const MIN_PATH_WIDTH = 8;

/** `text` in `width` characters, its middle replaced by an ellipsis: paths differ most at their ends. */
function shortened(text: string, width: number): string {
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}${ELLIPSIS}${text.slice(text.length - (width - 1 - head))}`;
}

/**
 * One stream's state in one line: how far (a bar and counts), how fast, for how long (its own time),
 * how many errors; without the fields in `omit`. A path longer than `pathWidth` loses its middle to an ellipsis.
 */
export function progressLine(
  stats: StreamStats,
  pathWidth: number,
  now = performance.now(),
  omit: ReadonlySet<OptionalField> = new Set(),
): string {
  const state = stats.endedAt === undefined ? '' : stats.sent === stats.planned ? '  done' : '  stopped';
  const filled = Math.round((BAR_WIDTH * percent(stats)) / 100);
  const path = stats.plan.path;
  const fields = [path.length > pathWidth ? shortened(path, pathWidth) : path.padEnd(pathWidth)];
  if (!omit.has('bar')) fields.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`);
  fields.push(`${stats.sent}/${stats.planned}`.padStart(11));
  if (!omit.has('rate')) fields.push(`${Math.round(stats.requestsPerSecond(now))} req/s`.padStart(11));
  if (!omit.has('elapsed')) fields.push(`${stats.elapsedSeconds(now).toFixed(1)}s`.padStart(7));
  const errors = stats.errors === 0 ? '' : `  ${stats.errors} error${stats.errors === 1 ? '' : 's'}`;
  return `${fields.join(' ')}${errors}${state}`;
}

/** Drops whole words from the end until `line` fits: the last resort on a very narrow terminal. */
function cutAtWord(line: string, width: number): string {
  if (line.length <= width) return line;
  const words = line.trimEnd().split(/(?<=\S)(?=\s)/);
  while (words.length > 1 && words.join('').length > width) words.pop();
  const kept = words.join('');
  return kept.length <= width ? kept : `${kept.slice(0, Math.max(0, width - 1))}${ELLIPSIS}`;
}

/**
 * Every stream's line within `width` columns, never cut inside a word: the same fields are dropped
 * from every line (so columns stay aligned), then the paths are shortened, and only then words dropped.
 */
export function progressLines(streams: StreamStats[], pathWidth: number, now: number, width: number): string[] {
  let lines: string[] = [];
  for (let dropped = 0; dropped <= OPTIONAL_FIELDS.length; dropped++) {
    const omit = new Set(OPTIONAL_FIELDS.slice(0, dropped));
    lines = streams.map((s) => progressLine(s, pathWidth, now, omit));
    const overflow = Math.max(...lines.map((line) => line.length)) - width;
    if (overflow <= 0) return lines;
    if (dropped === OPTIONAL_FIELDS.length) {
      const shorter = Math.max(MIN_PATH_WIDTH, pathWidth - overflow);
      lines = streams.map((s) => cutAtWord(progressLine(s, shorter, now, omit), width));
    }
  }
  return lines;
}

/**
 * Live progress, one line per stream: redrawn in place on a terminal, or, when the output is a file or
 * a pipe, printed every few seconds for the streams still running and once as each one ends.
 */
export class Progress {
  readonly #out: ProgressOutput;
  readonly #streams: StreamStats[];
  readonly #pathWidth: number;
  readonly #tty: boolean;
  readonly #reported = new Set<StreamStats>();
  #timer: NodeJS.Timeout | undefined;
  #drawn = 0;

  constructor(out: ProgressOutput, streams: StreamStats[]) {
    this.#out = out;
    this.#streams = streams;
    this.#tty = out.isTTY === true;
    this.#pathWidth = Math.max(...streams.map((s) => s.plan.path.length));
  }

  start(): void {
    this.#timer = setInterval(() => this.update(), this.#tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS);
    this.#timer.unref();
    this.update();
  }

  /** Draws the final state and stops updating. */
  stop(): void {
    clearInterval(this.#timer);
    this.update();
  }

  update(now = performance.now()): void {
    if (this.#tty) {
      // One column short of the width: a line that fills it would wrap on some terminals, breaking the redraw.
      const width = (this.#out.columns ?? Number.POSITIVE_INFINITY) - 1;
      const lines = progressLines(this.#streams, this.#pathWidth, now, width).map((line) => `${ERASE_LINE}${line}\n`);
      this.#out.write(`${this.#drawn > 0 ? cursorUp(this.#drawn) : ''}${lines.join('')}`);
      this.#drawn = lines.length;
      return;
    }
    for (const stats of this.#streams) {
      if (this.#reported.has(stats)) continue;
      if (stats.endedAt !== undefined) this.#reported.add(stats);
      this.#out.write(`${progressLine(stats, this.#pathWidth, now)}\n`);
    }
  }
}
