// Drives a running Stepwise with the AWS SDK for JavaScript v3 (@aws-sdk/client-sfn), unchanged:
// activities and their workers, versions and aliases, tags, redrive, and a DELETING machine. Every answer is checked;
// the first wrong one ends the run with exit code 1. Run by .ci/run against the server it starts.
//
//   npm ci --prefix load-tests/js && node load-tests/js/sdk-check.mjs http://127.0.0.1:8083
import {
  SFNClient, CreateActivityCommand, CreateStateMachineCommand, UpdateStateMachineCommand,
  ListStateMachineVersionsCommand, CreateStateMachineAliasCommand, UpdateStateMachineAliasCommand,
  DescribeStateMachineAliasCommand, DeleteStateMachineAliasCommand, DeleteStateMachineVersionCommand,
  DeleteStateMachineCommand, DeleteActivityCommand, StartExecutionCommand, DescribeExecutionCommand,
  ListExecutionsCommand, GetExecutionHistoryCommand, GetActivityTaskCommand, SendTaskSuccessCommand,
  SendTaskFailureCommand, SendTaskHeartbeatCommand, RedriveExecutionCommand, TagResourceCommand,
  UntagResourceCommand, ListTagsForResourceCommand, StopExecutionCommand, DescribeStateMachineCommand,
} from '@aws-sdk/client-sfn';

const endpoint = process.argv[2] ?? 'http://127.0.0.1:8083';
const sfn = new SFNClient({
  endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, // the server's default credentials
});
const role = 'arn:aws:iam::123456789012:role/stepwise-check';
const run = Date.now().toString(36);
let checks = 0;

function check(cond, what, seen) {
  checks++;
  if (!cond) {
    console.error(`FAILED: ${what}` + (seen === undefined ? '' : `\n  saw: ${JSON.stringify(seen)}`));
    process.exit(1);
  }
}

async function rejects(promise, errorName, what) {
  try {
    await promise;
  } catch (e) {
    check(e.name === errorName, `${what}: ${errorName}`, e.name);
    return;
  }
  check(false, `${what}: expected ${errorName}, it succeeded`);
}

async function awaitEnd(executionArn) {
  for (let i = 0; i < 600; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  check(false, `${executionArn} ends`);
}

async function takeTask(activityArn) {
  for (let i = 0; i < 5; i++) {
    const t = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'js-worker' }));
    if (t.taskToken) return t;
  }
  check(false, `a task of ${activityArn} reaches the worker`);
}

// --- activities and tags ---
const { activityArn } = await sfn.send(new CreateActivityCommand({
  name: `js-activity-${run}`, tags: [{ key: 'team', value: 'js' }],
}));
await sfn.send(new TagResourceCommand({ resourceArn: activityArn, tags: [{ key: 'stage', value: 'ci' }] }));
let tags = (await sfn.send(new ListTagsForResourceCommand({ resourceArn: activityArn }))).tags;
check(tags.length === 2 && tags.some((t) => t.key === 'stage' && t.value === 'ci'), 'activity tags', tags);
await sfn.send(new UntagResourceCommand({ resourceArn: activityArn, tagKeys: ['team'] }));
tags = (await sfn.send(new ListTagsForResourceCommand({ resourceArn: activityArn }))).tags;
check(tags.length === 1 && tags[0].key === 'stage', 'activity untagged', tags);

// --- a machine with versions and an alias ---
const definition = (greeting) => JSON.stringify({
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Result: greeting, ResultPath: '$.greeting', Next: 'Work' },
    Work: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 60, End: true },
  },
});
const created = await sfn.send(new CreateStateMachineCommand({
  name: `js-machine-${run}`, definition: definition('v1'), roleArn: role, publish: true,
  tags: [{ key: 'team', value: 'js' }],
}));
const machineArn = created.stateMachineArn;
check(created.stateMachineVersionArn === `${machineArn}:1`, 'publish on create gives version 1', created);
const updated = await sfn.send(new UpdateStateMachineCommand({
  stateMachineArn: machineArn, definition: definition('v2'), publish: true, versionDescription: 'second',
}));
check(updated.stateMachineVersionArn === `${machineArn}:2`, 'publish on update gives version 2', updated);
const versions = (await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: machineArn })))
  .stateMachineVersions.map((v) => v.stateMachineVersionArn);
check(versions.join() === [`${machineArn}:2`, `${machineArn}:1`].join(), 'versions newest first', versions);
tags = (await sfn.send(new ListTagsForResourceCommand({ resourceArn: machineArn }))).tags;
check(tags.length === 1 && tags[0].value === 'js', 'machine tags from create', tags);

const { stateMachineAliasArn } = await sfn.send(new CreateStateMachineAliasCommand({
  name: 'live', routingConfiguration: [
    { stateMachineVersionArn: `${machineArn}:1`, weight: 50 },
    { stateMachineVersionArn: `${machineArn}:2`, weight: 50 }],
}));
check(stateMachineAliasArn === `${machineArn}:live`, 'alias ARN', stateMachineAliasArn);
await rejects(sfn.send(new UpdateStateMachineAliasCommand({
  stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: `${machineArn}:2`, weight: 90 }],
})), 'ValidationException', 'weights must sum to 100');
await sfn.send(new UpdateStateMachineAliasCommand({
  stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: `${machineArn}:2`, weight: 100 }],
}));
const alias = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn }));
check(alias.routingConfiguration.length === 1 && alias.routingConfiguration[0].weight === 100, 'alias updated', alias);

// --- an execution through the alias: the worker fails it, a redrive finishes it ---
const { executionArn } = await sfn.send(new StartExecutionCommand({
  stateMachineArn: stateMachineAliasArn, name: `js-exec-${run}`, input: JSON.stringify({ n: 1 }),
}));
const first = await takeTask(activityArn);
check(JSON.parse(first.input).greeting === 'v2', 'the alias ran version 2', first.input);
await sfn.send(new SendTaskHeartbeatCommand({ taskToken: first.taskToken }));
await sfn.send(new SendTaskFailureCommand({ taskToken: first.taskToken, error: 'Flaky', cause: 'first try' }));
const failed = await awaitEnd(executionArn);
check(failed.status === 'FAILED' && failed.error === 'Flaky', 'the failure ends it', failed);
check(failed.redriveStatus === 'REDRIVABLE' && failed.redriveCount === 0, 'a failed execution is redrivable', failed);
check(failed.stateMachineAliasArn === stateMachineAliasArn && failed.stateMachineVersionArn === `${machineArn}:2`,
  'it records the alias and version', failed);
await rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{}' })),
  'TaskTimedOut', 'an answer to a task that ended');

const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: `js-${run}` }));
check(redriveDate instanceof Date, 'redriveDate', redriveDate);
const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: `js-${run}` }));
check(again.redriveDate.getTime() === redriveDate.getTime(), 'the same client token answers the same', again);
await rejects(sfn.send(new RedriveExecutionCommand({ executionArn })), 'ExecutionNotRedrivable',
  'a running execution cannot be redriven');
const second = await takeTask(activityArn);
await sfn.send(new SendTaskSuccessCommand({ taskToken: second.taskToken, output: JSON.stringify({ ok: true }) }));
const done = await awaitEnd(executionArn);
check(done.status === 'SUCCEEDED' && done.output === '{"ok":true}', 'the redriven execution succeeds', done);
check(done.redriveCount === 1 && done.redriveDate.getTime() === redriveDate.getTime(), 'redrive count and date', done);

const events = [];
let nextToken;
do {
  const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken }));
  events.push(...page.events);
  nextToken = page.nextToken;
} while (nextToken);
const types = events.map((e) => e.type);
check(events.every((e, i) => e.id === i + 1), 'event ids are gap-free', types);
const redriven = events.find((e) => e.type === 'ExecutionRedriven');
check(redriven?.executionRedrivenEventDetails?.redriveCount === 1, 'ExecutionRedriven', redriven);
check(types.slice(types.indexOf('ExecutionRedriven')).join() === ['ExecutionRedriven', 'TaskStateEntered',
  'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded'].join(),
'only the failed state ran again', types);

const listed = (await sfn.send(new ListExecutionsCommand({
  stateMachineArn: stateMachineAliasArn, redriveFilter: 'REDRIVEN',
}))).executions;
check(listed.length === 1 && listed[0].executionArn === executionArn && listed[0].redriveCount === 1,
  'ListExecutions on the alias with redriveFilter', listed);
const onV1 = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${machineArn}:1` }))).executions;
check(onV1.length === 0, 'nothing ran on version 1', onV1);

// --- a stopped execution, then everything deleted as AWS allows ---
const stopped = (await sfn.send(new StartExecutionCommand({ stateMachineArn: `${machineArn}:1` }))).executionArn;
await sfn.send(new StopExecutionCommand({ executionArn: stopped, error: 'Stop' }));
check((await awaitEnd(stopped)).status === 'ABORTED', 'a stopped execution is ABORTED');
await rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${machineArn}:2` })),
  'ConflictException', 'a version an alias routes to cannot be deleted');
await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn }));
await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${machineArn}:2` }));
// a machine deleted while an execution of it runs is DELETING until that execution ends
const lingering = (await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn }))).executionArn;
await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machineArn }));
const deleting = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
check(deleting.status === 'DELETING', 'a deleted machine whose execution runs is DELETING', deleting.status);
await rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn })), 'StateMachineDeleting',
  'a DELETING machine starts nothing');
await sfn.send(new StopExecutionCommand({ executionArn: lingering }));
check((await awaitEnd(lingering)).status === 'ABORTED', 'its last execution stopped');
await rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn })), 'StateMachineDoesNotExist',
  'then the machine is gone');
await sfn.send(new DeleteActivityCommand({ activityArn }));
await rejects(sfn.send(new GetActivityTaskCommand({ activityArn })), 'ActivityDoesNotExist', 'a deleted activity');

console.log(`JS SDK v3 check against ${endpoint}: ${checks} checks passed`);
