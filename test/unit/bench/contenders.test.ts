import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTENDERS, PEERS_DIR } from '../../../bench/contenders.ts';
import { readRepoFile } from '../../helpers/repo.ts';

interface Manifest {
  dependencies: Record<string, string>;
}
const root = JSON.parse(readRepoFile('package.json')) as Manifest;
const peers = JSON.parse(readRepoFile(`${PEERS_DIR}/package.json`)) as Manifest;

test('the peers run on the same Fastify as every other contender, and pin every version', () => {
  assert.equal(peers.dependencies.fastify, root.dependencies.fastify);
  for (const [name, version] of Object.entries(peers.dependencies)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
  }
});

test('contender ids are unique, and every traced contender names its sampling', () => {
  const ids = CONTENDERS.map((contender) => contender.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const { id, env, tracing } of CONTENDERS.filter((contender) => contender.tracing)) {
    assert.ok(env.OTEL_TRACES_SAMPLER, `${id} sets its sampler`);
    assert.ok(tracing?.sampling.includes(env.OTEL_TRACES_SAMPLER ?? ''), `${id}'s report line names its sampler`);
  }
});
