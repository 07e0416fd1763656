/**
 * The spoke's zone-association function (assets/hub-zone-association): the
 * order of its Route 53 calls and which account makes each, with the Route 53
 * client mocked.
 */
import {
  AssociateVPCWithHostedZoneCommand, CreateVPCAssociationAuthorizationCommand, DeleteVPCAssociationAuthorizationCommand,
  DisassociateVPCFromHostedZoneCommand, Route53Client, VPCAssociationNotFound,
} from '@aws-sdk/client-route-53';
import * as route53 from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler = require('../assets/hub-zone-association/index.js');

const own = new Route53Client({ region: 'us-east-1' });
const hub = new Route53Client({ region: 'us-east-1' });
const ownMock = mockClient(own);
const hubMock = mockClient(hub);
let assumed = 0;
handler._test.setFactory(async () => ({ own, hub: async () => { assumed++; return hub; }, commands: route53 }));

const event = (RequestType: string) => ({
  RequestType,
  PhysicalResourceId: RequestType === 'Create' ? undefined : 'Z0HUB:vpc-0b',
  LogicalResourceId: 'Assoc',
  ResourceProperties: { HostedZoneId: 'Z0HUB', VpcId: 'vpc-0b', VpcRegion: 'us-east-1', HubRoleArn: 'arn:aws:iam::111111111111:role/lattice-zone-vpc-x' },
});
const calls = (m: any) => m.calls().map((c: any) => c.args[0].constructor.name);

beforeEach(() => { ownMock.reset(); hubMock.reset(); assumed = 0; });

test('create: the hub authorizes, this account associates, the hub removes the authorization', async () => {
  expect(await handler._test.apply(event('Create'))).toBe('Z0HUB:vpc-0b');
  expect(calls(hubMock)).toEqual([CreateVPCAssociationAuthorizationCommand.name, DeleteVPCAssociationAuthorizationCommand.name]);
  expect(calls(ownMock)).toEqual([AssociateVPCWithHostedZoneCommand.name]);
  expect(ownMock.call(0).args[0].input).toEqual({ HostedZoneId: 'Z0HUB', VPC: { VPCId: 'vpc-0b', VPCRegion: 'us-east-1' } });
});

test('delete: disassociates; an association already gone is not an error', async () => {
  ownMock.on(DisassociateVPCFromHostedZoneCommand).rejects(new VPCAssociationNotFound({ message: 'gone', $metadata: {} }));
  expect(await handler._test.apply(event('Delete'))).toBe('Z0HUB:vpc-0b');
  expect(calls(ownMock)).toEqual([DisassociateVPCFromHostedZoneCommand.name]);
});

test('delete: a hub role that cannot be assumed any more does not block the deletion', async () => {
  handler._test.setFactory(async () => ({ own, hub: async () => { throw Object.assign(new Error('denied'), { name: 'AccessDenied' }); }, commands: route53 }));
  await expect(handler._test.apply(event('Delete'))).resolves.toBe('Z0HUB:vpc-0b');
  handler._test.setFactory(async () => ({ own, hub: async () => { assumed++; return hub; }, commands: route53 }));
});

test('missing properties fail with the property name', async () => {
  await expect(handler._test.apply({ RequestType: 'Create', ResourceProperties: {} })).rejects.toThrow(/HostedZoneId is missing/);
});
