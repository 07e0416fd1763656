import {
  GetResourcesCommand, ResourceGroupsTaggingAPIClient, ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client,
} from '@aws-sdk/client-route-53';
import {
  DeleteServiceCommand, DeleteServiceNetworkServiceAssociationCommand, DeleteTargetGroupCommand, DeregisterTargetsCommand,
  GetListenerCommand, GetServiceCommand, GetTargetGroupCommand, ListServiceNetworkServiceAssociationsCommand, ListTargetsCommand,
  ResourceNotFoundException, ThrottlingException, VPCLatticeClient, AccessDeniedException, ConflictException,
} from '@aws-sdk/client-vpc-lattice';
import { mockClient } from 'aws-sdk-client-mock';

// The handler is plain CommonJS shipped as a Lambda asset.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const guard = require('../assets/deletion-guard/index.js');

const latticeMock = mockClient(VPCLatticeClient);
const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);
const route53Mock = mockClient(Route53Client);

const MANAGED_BY = '111122223333/eks-cluster1/vpc-0abc';
const ARN = 'arn:aws:vpc-lattice:us-east-1:111122223333';
const SERVICE = `${ARN}:service/svc-0123456789abcdef0`;
const LISTENER = `${SERVICE}/listener/listener-0123456789abcdef0`;
const TARGET_GROUP = `${ARN}:targetgroup/tg-0123456789abcdef0`;

const properties = (extra: Record<string, string> = {}) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:framework',
  ClusterName: 'eks-cluster1',
  ManagedBy: MANAGED_BY,
  HostedZoneId: 'Z0123456789',
  TxtOwnerId: 'eks-cluster1',
  WaitSeconds: '600',
  CleanupSeconds: '300',
  DeleteLeftovers: 'false',
  ...extra,
});

function event(requestType: string, extra: Record<string, string> = {}, data?: Record<string, number>): any {
  return {
    RequestType: requestType,
    ResourceProperties: properties(extra),
    PhysicalResourceId: requestType === 'Create' ? undefined : 'deletion-guard-eks-cluster1',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/eks-cluster1/guid',
    RequestId: 'r1',
    LogicalResourceId: 'Guard',
    ResponseURL: 'https://example.invalid/response',
    ...(data ? { Data: data } : {}),
  };
}

/** A later step (poll) of a Delete whose wait ends in `waitMs` (negative: already over) and cleanup `cleanupMs` later. */
function poll(waitMs: number, extra: Record<string, string> = {}, cleanupMs = 300_000): any {
  const now = Date.now();
  return event('Delete', extra, { GuardWaitUntil: now + waitMs, GuardCleanupUntil: now + waitMs + cleanupMs });
}

const txt = (name: string, owner: string): ResourceRecordSet => ({
  Name: name,
  Type: 'TXT',
  TTL: 300,
  ResourceRecords: [{ Value: `"heritage=external-dns,external-dns/owner=${owner},external-dns/resource=crd/apps/demo-dns"` }],
});
const cname = (name: string): ResourceRecordSet => ({ Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'demo-svc.7d67968.vpc-lattice-svcs.us-east-1.on.aws' }] });
const SOA: ResourceRecordSet = { Name: 'example.com.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns. admin. 1 7200 900 1209600 86400' }] };

function tagged(...arns: string[]): void {
  taggingMock.on(GetResourcesCommand).resolves({ ResourceTagMappingList: arns.map((ResourceARN) => ({ ResourceARN })), PaginationToken: '' });
}
function zone(...records: ResourceRecordSet[]): void {
  route53Mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: records, IsTruncated: false, MaxItems: 300 });
}
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {}, resourceId: 'x', resourceType: 'SERVICE' });

beforeEach(() => {
  latticeMock.reset();
  taggingMock.reset();
  route53Mock.reset();
  guard._test.resetClients();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('deletion guard handler: create, update, first delete call', () => {
  test('create and update complete at once and call no AWS API', async () => {
    expect(await guard.step(event('Create'))).toEqual({ PhysicalResourceId: 'deletion-guard-eks-cluster1', IsComplete: true });
    expect(await guard.step(event('Update'))).toEqual({ PhysicalResourceId: 'deletion-guard-eks-cluster1', IsComplete: true });
    expect(taggingMock.calls()).toHaveLength(0);
    expect(route53Mock.calls()).toHaveLength(0);
  });

  test('a create with bad properties fails the deployment', async () => {
    await expect(guard.step(event('Create', { WaitSeconds: 'ten' }))).rejects.toThrow(/WaitSeconds 'ten'/);
    await expect(guard.step(event('Create', { ManagedBy: '' }))).rejects.toThrow(/ManagedBy is missing/);
  });

  test('deleting a resource whose creation failed on bad properties completes without checking (rollback never blocks)', async () => {
    const first = await guard.step(event('Delete', { ManagedBy: '' }));
    expect(first.Data.GuardSkip).toBe('true');
    expect(await guard.step({ ...event('Delete', { ManagedBy: '' }), Data: first.Data })).toEqual({ IsComplete: true });
    expect(taggingMock.calls()).toHaveLength(0);
  });

  test('the first delete call (onEvent) sets the wait and cleanup deadlines and checks nothing yet', async () => {
    const before = Date.now();
    const result = await guard.step(event('Delete'));
    expect(result.PhysicalResourceId).toBe('deletion-guard-eks-cluster1');
    expect(result.Data.GuardWaitUntil).toBeGreaterThanOrEqual(before + 600_000);
    expect(result.Data.GuardWaitUntil).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(result.Data.GuardCleanupUntil - result.Data.GuardWaitUntil).toBe(300_000);
    expect(result.IsComplete).toBeUndefined();
    expect(taggingMock.calls()).toHaveLength(0);
  });
});

describe('deletion guard handler: checks', () => {
  test('fast path: nothing tagged, no owned record -> complete after one pass', async () => {
    tagged();
    zone(SOA, cname('other.example.com.'), txt('cname-other.example.com.', 'eks-cluster2'));
    expect(await guard.step(poll(600_000))).toEqual({ IsComplete: true });
    expect(taggingMock.commandCalls(GetResourcesCommand, {
      TagFilters: [{ Key: 'application-networking.k8s.aws/ManagedBy', Values: [MANAGED_BY] }],
    })).toHaveLength(1);
    expect(route53Mock.commandCalls(ListResourceRecordSetsCommand, { HostedZoneId: 'Z0123456789' })).toHaveLength(1);
    expect(latticeMock.calls()).toHaveLength(0);
  });

  test('no zone (cluster without a domain): only Lattice is checked', async () => {
    tagged();
    expect(await guard.step(poll(600_000, { HostedZoneId: '' }))).toEqual({ IsComplete: true });
    expect(route53Mock.calls()).toHaveLength(0);
  });

  test('tagged resources the tagging API still lists but Lattice no longer has do not count', async () => {
    tagged(SERVICE, TARGET_GROUP);
    latticeMock.on(GetServiceCommand).rejects(notFound());
    latticeMock.on(GetTargetGroupCommand).rejects(notFound());
    zone(SOA);
    expect(await guard.step(poll(600_000))).toEqual({ IsComplete: true });
    expect(latticeMock.commandCalls(GetServiceCommand, { serviceIdentifier: 'svc-0123456789abcdef0' })).toHaveLength(1);
    expect(latticeMock.commandCalls(GetTargetGroupCommand, { targetGroupIdentifier: 'tg-0123456789abcdef0' })).toHaveLength(1);
  });

  test('leftovers that disappear while it waits: not complete, then complete', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).resolvesOnce({ arn: SERVICE, status: 'DELETE_IN_PROGRESS' }).rejects(notFound());
    route53Mock.on(ListResourceRecordSetsCommand)
      .resolvesOnce({ ResourceRecordSets: [SOA, cname('demo.example.com.'), txt('cname-demo.example.com.', 'eks-cluster1')], IsTruncated: false, MaxItems: 300 })
      .resolves({ ResourceRecordSets: [SOA], IsTruncated: false, MaxItems: 300 });
    expect(await guard.step(poll(600_000))).toEqual({ IsComplete: false });
    expect(await guard.step(poll(590_000))).toEqual({ IsComplete: true });
    expect(latticeMock.commandCalls(DeleteServiceCommand)).toHaveLength(0);
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('leftovers at the deadline: fails listing each of them, deletes nothing', async () => {
    tagged(SERVICE, LISTENER, TARGET_GROUP);
    latticeMock.on(GetServiceCommand).resolves({ arn: SERVICE });
    latticeMock.on(GetListenerCommand).resolves({ arn: LISTENER });
    latticeMock.on(GetTargetGroupCommand).resolves({ arn: TARGET_GROUP });
    zone(SOA, cname('demo.example.com.'), txt('cname-demo.example.com.', 'eks-cluster1'), cname('keep.example.com.'));
    const failure = guard.step(poll(-1));
    await expect(failure).rejects.toThrow(/5 resource\(s\).*still exist after 600 s/);
    const message: string = await failure.catch((e: Error) => e.message);
    expect(message.split('\n').filter((l) => l.startsWith('- ')).sort()).toEqual([
      '- Route 53 CNAME record demo.example.com. in zone Z0123456789',
      '- Route 53 TXT record cname-demo.example.com. in zone Z0123456789',
      `- VPC Lattice listener ${LISTENER}`,
      `- VPC Lattice service ${SERVICE}`,
      `- VPC Lattice target group ${TARGET_GROUP}`,
    ]);
    expect(message).toMatch(/deletionGuard\.deleteLeftovers/);
    expect(latticeMock.commandCalls(DeleteServiceCommand)).toHaveLength(0);
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('old-format registry records (TXT at the record\'s own name) own the records of that name', async () => {
    tagged();
    zone(SOA, { ...cname('legacy.example.com.') }, txt('legacy.example.com.', 'eks-cluster1'), txt('a-shared.example.com.', 'eks-cluster2'),
      { Name: 'shared.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] });
    await expect(guard.step(poll(-1))).rejects.toThrow(/2 resource\(s\)/);
  });

  test('an owner id that is a prefix of another does not match it', async () => {
    tagged();
    zone(SOA, cname('demo.example.com.'), txt('cname-demo.example.com.', 'eks-cluster10'));
    expect(await guard.step(poll(-1))).toEqual({ IsComplete: true });
  });

  test('owner ids <account>/<region>/<cluster>: a same-named cluster of another region, or the bare cluster name, is not this cluster; cleanup deletes only its own', async () => {
    const own = '111122223333/us-east-1/eks-cluster1';
    tagged();
    zone(SOA,
      cname('mine.example.com.'), txt('cname-mine.example.com.', own),
      cname('theirs.example.com.'), txt('cname-theirs.example.com.', '111122223333/eu-west-1/eks-cluster1'),
      cname('legacy.example.com.'), txt('cname-legacy.example.com.', 'eks-cluster1'));
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({});
    const message = await guard.step(poll(-1, { TxtOwnerId: own, DeleteLeftovers: 'true' }, -1)).catch((e: Error) => e.message);
    expect(message).toMatch(/2 resource\(s\)/);
    const deleted = route53Mock.commandCalls(ChangeResourceRecordSetsCommand)
      .flatMap((c) => c.args[0].input.ChangeBatch!.Changes!.map((ch) => `${ch.Action} ${ch.ResourceRecordSet!.Type} ${ch.ResourceRecordSet!.Name}`));
    expect(deleted.sort()).toEqual(['DELETE CNAME mine.example.com.', 'DELETE TXT cname-mine.example.com.']);
  });

  test('many leftovers: the message lists 40 and counts the rest', async () => {
    const arns = Array.from({ length: 45 }, (_, i) => `${ARN}:targetgroup/tg-${String(i).padStart(17, '0')}`);
    tagged(...arns);
    latticeMock.on(GetTargetGroupCommand).resolves({});
    zone(SOA);
    await expect(guard.step(poll(-1))).rejects.toThrow(/45 resource\(s\)[\s\S]*\.\.\. and 5 more/);
  });
});

describe('deletion guard handler: pagination', () => {
  test('follows the tagging API\'s PaginationToken and Route 53\'s NextRecordName/Type', async () => {
    taggingMock.on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: SERVICE }], PaginationToken: 'page2' })
      .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: TARGET_GROUP }], PaginationToken: '' });
    latticeMock.on(GetServiceCommand).rejects(notFound());
    latticeMock.on(GetTargetGroupCommand).resolves({});
    route53Mock.on(ListResourceRecordSetsCommand)
      .resolvesOnce({ ResourceRecordSets: [SOA, txt('cname-demo.example.com.', 'eks-cluster1')], IsTruncated: true, NextRecordName: 'demo.example.com.', NextRecordType: 'CNAME', MaxItems: 2 })
      .resolvesOnce({ ResourceRecordSets: [cname('demo.example.com.')], IsTruncated: false, MaxItems: 2 });
    const message = await guard.step(poll(-1)).catch((e: Error) => e.message);
    expect(message).toMatch(/3 resource\(s\)/);
    expect(message).toContain(`target group ${TARGET_GROUP}`);
    expect(message).toContain('CNAME record demo.example.com.');
    expect(taggingMock.commandCalls(GetResourcesCommand)[1].args[0].input.PaginationToken).toBe('page2');
    expect(route53Mock.commandCalls(ListResourceRecordSetsCommand)[1].args[0].input).toMatchObject({
      StartRecordName: 'demo.example.com.', StartRecordType: 'CNAME',
    });
  });
});

describe('deletion guard handler: API errors', () => {
  const throttled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

  test('throttling before the deadline: tries again at the next poll', async () => {
    taggingMock.on(GetResourcesCommand).rejectsOnce(throttled()).resolves({ ResourceTagMappingList: [] });
    zone(SOA);
    expect(await guard.step(poll(600_000))).toEqual({ IsComplete: false });
    expect(await guard.step(poll(595_000))).toEqual({ IsComplete: true });
  });

  test('Lattice throttling while confirming a resource is transient too', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));
    zone(SOA);
    expect(await guard.step(poll(600_000))).toEqual({ IsComplete: false });
  });

  test('throttling at the deadline fails with the error', async () => {
    taggingMock.on(GetResourcesCommand).rejects(throttled());
    await expect(guard.step(poll(-1))).rejects.toThrow(/cannot list .*ThrottledException: Rate exceeded/);
  });

  test('access denied fails at once (waiting would not help)', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform vpc-lattice:GetService', $metadata: { httpStatusCode: 403 } }));
    await expect(guard.step(poll(600_000))).rejects.toThrow(/eks-cluster1: cannot list .*AccessDeniedException: not authorized to perform vpc-lattice:GetService/);
  });
});

describe('deletion guard handler: opt-in cleanup', () => {
  function leftovers(): void {
    tagged(SERVICE, TARGET_GROUP);
    latticeMock.on(GetServiceCommand).resolves({ arn: SERVICE });
    latticeMock.on(GetTargetGroupCommand).resolves({ arn: TARGET_GROUP });
    latticeMock.on(ListServiceNetworkServiceAssociationsCommand).resolves({
      items: [{ id: 'snsa-0123456789abcdef0', arn: `${ARN}:servicenetworkserviceassociation/snsa-0123456789abcdef0`, status: 'ACTIVE' }],
    });
    latticeMock.on(ListTargetsCommand)
      .resolvesOnce({ items: [{ id: '10.0.1.5', port: 8090, status: 'HEALTHY' }], nextToken: 't2' })
      .resolves({ items: [{ id: '10.0.2.6', port: 8090, status: 'HEALTHY' }] });
    zone(SOA, cname('demo.example.com.'), txt('cname-demo.example.com.', 'eks-cluster1'));
  }

  test('not before the wait deadline', async () => {
    leftovers();
    expect(await guard.step(poll(1_000, { DeleteLeftovers: 'true' }))).toEqual({ IsComplete: false });
    expect(latticeMock.commandCalls(DeleteServiceCommand)).toHaveLength(0);
    expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('after the wait deadline: deletes associations, services, targets, target groups and records, then completes once they are gone', async () => {
    leftovers();
    expect(await guard.step(poll(-1, { DeleteLeftovers: 'true' }))).toEqual({ IsComplete: false });
    expect(latticeMock.commandCalls(DeleteServiceNetworkServiceAssociationCommand, { serviceNetworkServiceAssociationIdentifier: 'snsa-0123456789abcdef0' })).toHaveLength(1);
    expect(latticeMock.commandCalls(DeleteServiceCommand, { serviceIdentifier: 'svc-0123456789abcdef0' })).toHaveLength(1);
    expect(latticeMock.commandCalls(DeregisterTargetsCommand)[0].args[0].input).toEqual({
      targetGroupIdentifier: 'tg-0123456789abcdef0', targets: [{ id: '10.0.1.5', port: 8090 }, { id: '10.0.2.6', port: 8090 }],
    });
    expect(latticeMock.commandCalls(DeleteTargetGroupCommand, { targetGroupIdentifier: 'tg-0123456789abcdef0' })).toHaveLength(1);
    const change = route53Mock.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input;
    expect(change.HostedZoneId).toBe('Z0123456789');
    expect(change.ChangeBatch!.Changes!.map((c) => [c.Action, c.ResourceRecordSet!.Type, c.ResourceRecordSet!.Name])).toEqual([
      ['DELETE', 'CNAME', 'demo.example.com.'], ['DELETE', 'TXT', 'cname-demo.example.com.'],
    ]);
    // The association is deleted before the service, the service before the target group.
    const order = latticeMock.calls().map((c) => c.args[0].constructor.name).filter((n) => n.startsWith('Delete'));
    expect(order).toEqual(['DeleteServiceNetworkServiceAssociationCommand', 'DeleteServiceCommand', 'DeleteTargetGroupCommand']);

    // Next poll: all gone.
    latticeMock.on(GetServiceCommand).rejects(notFound());
    latticeMock.on(GetTargetGroupCommand).rejects(notFound());
    zone(SOA);
    expect(await guard.step(poll(-5_000, { DeleteLeftovers: 'true' }))).toEqual({ IsComplete: true });
  });

  test('a conflict (association still deleting) is retried at the next poll, not an error', async () => {
    leftovers();
    latticeMock.on(DeleteServiceCommand).rejects(new ConflictException({ message: 'service has associations', $metadata: {}, resourceId: 's', resourceType: 'SERVICE' }));
    expect(await guard.step(poll(-1, { DeleteLeftovers: 'true' }))).toEqual({ IsComplete: false });
  });

  test('still there at the cleanup deadline: fails listing them and the cleanup errors', async () => {
    leftovers();
    latticeMock.on(DeleteTargetGroupCommand).rejects(new AccessDeniedException({ message: 'tag condition not met', $metadata: { httpStatusCode: 403 } }));
    const message = await guard.step(poll(-301_000, { DeleteLeftovers: 'true' })).catch((e: Error) => e.message);
    expect(message).toMatch(/4 resource\(s\).*still exist after 900 s/);
    expect(message).toContain(`${TARGET_GROUP}: AccessDeniedException: tag condition not met`);
  });
});

describe('deletion guard handler: helpers', () => {
  test('classifies Lattice ARNs', () => {
    expect(guard._test.classify(LISTENER)).toEqual({ kind: 'listener', arn: LISTENER, service: 'svc-0123456789abcdef0', id: 'listener-0123456789abcdef0' });
    expect(guard._test.classify(`${LISTENER}/rule/rule-1`).kind).toBe('rule');
    expect(guard._test.classify(`${ARN}:servicenetwork/sn-1`).kind).toBe('resource');
  });

  test('maps registry names to owned names', () => {
    expect(guard._test.ownedNames('cname-demo.example.com.')).toEqual([
      { name: 'cname-demo.example.com.', type: undefined }, { name: 'demo.example.com.', type: 'CNAME' },
    ]);
    expect(guard._test.ownedNames('my-app.example.com.')).toEqual([{ name: 'my-app.example.com.', type: undefined }]);
  });
});

describe('deletion guard handler: one function that polls and answers CloudFormation itself', () => {
  const responses: Array<{ status: string; id: string; reason?: string }> = [];
  const sleeps: number[] = [];
  beforeAll(() => guard._test.setIo({
    respond: async (_e: any, status: string, id: string, reason?: string) => { responses.push({ status, id, reason }); },
    sleep: async (ms: number) => { sleeps.push(ms); },
    stackStatus: async () => stackStatus,
  }));
  let stackStatus = 'DELETE_IN_PROGRESS';
  beforeEach(() => { responses.length = 0; sleeps.length = 0; stackStatus = 'DELETE_IN_PROGRESS'; });
  const context = (ms = 900_000) => ({ getRemainingTimeInMillis: () => ms });

  test('create answers SUCCESS at once', async () => {
    await guard.handler(event('Create'), context());
    expect(responses).toEqual([{ status: 'SUCCESS', id: 'deletion-guard-eks-cluster1', reason: undefined }]);
    expect(taggingMock.calls()).toHaveLength(0);
  });

  test('delete polls every 15 s in the same invocation until the leftovers are gone, then answers SUCCESS', async () => {
    taggingMock.on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: SERVICE }] })
      .resolvesOnce({ ResourceTagMappingList: [{ ResourceARN: SERVICE }] })
      .resolves({ ResourceTagMappingList: [] });
    latticeMock.on(GetServiceCommand).resolves({});
    zone(SOA);
    await guard.handler(event('Delete'), context());
    expect(sleeps).toEqual([15_000, 15_000]);
    expect(responses.map((r) => r.status)).toEqual(['SUCCESS']);
  });

  test('delete with leftovers at the deadline answers FAILED with the list', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).resolves({});
    zone(SOA);
    await guard.handler(event('Delete', { WaitSeconds: '0' }), context());
    expect(responses).toHaveLength(1);
    expect(responses[0].status).toBe('FAILED');
    expect(responses[0].reason).toMatch(/1 resource\(s\)[\s\S]*VPC Lattice service/);
  });

  test('a function about to time out answers FAILED instead of dying silently', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).resolves({});
    zone(SOA);
    await guard.handler(event('Delete'), context(30_000));
    expect(responses[0]).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/time is running out/) });
  });

  test('a guard removed or replaced by a stack update (the stack stays) answers SUCCESS without waiting or deleting anything', async () => {
    tagged(SERVICE);
    latticeMock.on(GetServiceCommand).resolves({});
    stackStatus = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
    await guard.handler(event('Delete', { WaitSeconds: '0', DeleteLeftovers: 'true', CleanupSeconds: '0' }), context());
    expect(responses.map((r) => r.status)).toEqual(['SUCCESS']);
    expect(taggingMock.calls()).toHaveLength(0);
    expect(latticeMock.commandCalls(DeleteServiceCommand)).toHaveLength(0);
  });

  test('on a spoke, the hub zone is read with the hub role\'s credentials, not the function\'s', async () => {
    tagged();
    zone(txt('cname-demo.example.com.', 'eks-cluster1'), cname('demo.example.com.'));
    const result = await guard.step(poll(600_000, { HubRoleArn: 'arn:aws:iam::111111111111:role/lattice-zone-222222222222-example-com' }));
    expect(result).toEqual({ IsComplete: false });
    const call = route53Mock.commandCalls(ListResourceRecordSetsCommand)[0];
    expect(call.args[0].input.HostedZoneId).toBe('Z0123456789');
    // The client that listed is the hub role's, not this account's.
    const hubRoleArn = 'arn:aws:iam::111111111111:role/lattice-zone-222222222222-example-com';
    const hubClient = guard._test.zoneClient({ hubRoleArn });
    expect((call as any).thisValue).toBe(hubClient);
    expect(hubClient).not.toBe(guard._test.zoneClient({}));
  });
});
