import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import { findExecutable } from '../../support/find-executable.ts';
import { pollUntil } from '../../support/poll.ts';
import { spawnCollected } from '../helpers/processes.ts';
import { repoPath } from '../helpers/repo.ts';

const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;
/** Every descendant of `pid`, from procfs: the shell, if it stayed, and the server. */
function descendantsOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

/** Running, not merely a zombie waiting for a parent to reap it. */
const isAlive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const refuses = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

// A process manager, a test harness or `kill <pid>` signals npm, not the server: the signal must
// reach the server, or it keeps listening with no parent. Ctrl-C in a terminal signals the whole
// process group and proves nothing here.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm process of \`npm start\` shuts the server down cleanly`, async (t) => {
    const npm = findExecutable('npm');
    if (npm === undefined) return t.skip('npm is not on PATH');
    const started = spawnCollected(npm, ['start'], {
      cwd: repoPath(''),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });
    const npmPid = started.child.pid ?? 0;
    let descendants: number[] = [];
    t.after(() => {
      for (const pid of [npmPid, ...descendants]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });

    const port = Number(
      (await pollUntil(
        () => LISTENING.exec(started.stdout())?.[1],
        (found) => found !== undefined,
        { deadlineMs: 30_000, what: `the server to listen: ${started.output()}` },
      )) ?? 0,
    );
    descendants = descendantsOf(npmPid);
    assert.ok(descendants.length > 0);

    process.kill(npmPid, signal);
    await pollUntil(
      () => descendants.filter(isAlive),
      (alive) => alive.length === 0,
      { what: `npm's shell and server to exit after ${signal} to npm` },
    );
    // 'close' waits for every writer of the pipes, the server included.
    const result = await started.exited;
    assert.match(result.stdout, new RegExp(`"signal":"${signal}"`));
    assert.match(result.stdout, /"msg":"shut down cleanly"/);
    assert.equal(await refuses(port), true, `nothing listens on ${port} any more`);
  });
}
