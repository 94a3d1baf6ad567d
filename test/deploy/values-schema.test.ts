import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { helmTemplate, requireHelm } from './chart.ts';

/** Bad values, and the words of helm's refusal that point the user at the fix. */
const BAD_VALUES = [
  { set: ['--set', 'service.drainDelaySeconds=-1'], refusal: /\/service\/drainDelaySeconds': minimum: got -1, want 0/ },
  { set: ['--set', 'service.shutdownGraceSeconds=0'], refusal: /\/service\/shutdownGraceSeconds': minimum/ },
  { set: ['--set', 'service.logLevel=loud'], refusal: /\/service\/logLevel': value must be one of 'fatal'/ },
  { set: ['--set', 'replicaCount=0'], refusal: /\/replicaCount': minimum: got 0, want 1/ },
  { set: ['--set', 'image.repository='], refusal: /\/image\/repository': minLength/ },
  { set: ['--set', 'image.pullPolicy=Sometimes'], refusal: /\/image\/pullPolicy': value must be one of/ },
  { set: ['--set', 'replicas=3'], refusal: /additional properties 'replicas' not allowed/ },
  { set: ['--set', 'service.name=api'], refusal: /additional properties 'name' not allowed/ },
  {
    set: ['--set', 'tracing.otlpEndpoint=alloy:4318'],
    refusal: /\/tracing\/otlpEndpoint': 'alloy:4318' does not match/,
  },
  { set: ['--set', 'serviceMonitor.interval=15'], refusal: /\/serviceMonitor\/interval': got number, want string/ },
  { set: ['--set', 'resources.limits.memory=null'], refusal: /\/resources\/limits': missing property 'memory'/ },
  { set: ['--set', 'podDisruptionBudget.maxUnavailable=0'], refusal: /\/podDisruptionBudget\/maxUnavailable'/ },
  { set: ['--set-json', 'extraEnv=[{"name":"PORT","value":"1"}]'], refusal: /\/extraEnv\/0\/name': 'not' failed/ },
  {
    set: [
      '--set',
      'podDisruptionBudget.enabled=true,podDisruptionBudget.minAvailable=1,podDisruptionBudget.maxUnavailable=1',
    ],
    refusal: /podDisruptionBudget: set minAvailable or maxUnavailable, not both/,
  },
  { set: ['--set', 'podDisruptionBudget.minAvailable=150%'], refusal: /\/podDisruptionBudget\/minAvailable'/ },
  {
    set: ['--set', 'probes.liveness.successThreshold=2'],
    refusal: /additional properties 'successThreshold' not allowed/,
  },
  { set: ['--set', 'probes.startup.enabled=yes'], refusal: /\/probes\/startup\/enabled': got string, want boolean/ },
  { set: ['--set', 'image.digest=latest'], refusal: /\/image\/digest': 'latest' does not match/ },
  { set: ['--set', 'ingress.enabled=true'], refusal: /\/ingress\/hosts': minItems: got 0, want 1/ },
  {
    set: ['--set-json', 'ingress.hosts=[{"host":"a.example.com","paths":[{"path":"api"}]}]'],
    refusal: /\/ingress\/hosts\/0\/paths\/0\/path': 'api' does not match/,
  },
  {
    set: ['--set-json', 'topologySpreadConstraints=[{"maxSkew":1,"topologyKey":"zone"}]'],
    refusal: /\/topologySpreadConstraints\/0': missing property 'whenUnsatisfiable'/,
  },
  { set: ['--set', 'serviceAccount.name=Not_A_Name'], refusal: /\/serviceAccount\/name': 'Not_A_Name' does not match/ },
  {
    set: ['--set', 'autoscaling.enabled=true,autoscaling.minReplicas=5,autoscaling.maxReplicas=2'],
    refusal: /autoscaling\.minReplicas \(5\) must not exceed autoscaling\.maxReplicas \(2\)/,
  },
] as const;

describe('values.schema.json and the templates refuse bad values with a clear message', () => {
  for (const { set, refusal } of BAD_VALUES) {
    test(`${set.join(' ')} is refused`, async (t) => {
      const helm = requireHelm(t);
      if (helm === undefined) return;
      const result = await helmTemplate(helm, set);
      assert.notEqual(result.code, 0, 'helm template must fail');
      assert.match(result.stderr, refusal);
    });
  }

  test('the good values next to them are accepted (the refusals above are about the values)', async (t) => {
    const helm = requireHelm(t);
    if (helm === undefined) return;
    const result = await helmTemplate(helm, [
      '--set',
      'service.drainDelaySeconds=0,service.logLevel=debug,replicaCount=1,tracing.otlpEndpoint=http://alloy:4318',
      '--set',
      'podDisruptionBudget.enabled=true,podDisruptionBudget.maxUnavailable=50%',
      // A parent chart's globals reach a subchart's values: accepted.
      '--set',
      'global.imageRegistry=registry.example.com',
    ]);
    assert.equal(result.code, 0, result.output);
  });
});
