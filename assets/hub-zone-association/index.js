'use strict';
/**
 * Association of a VPC with a private hosted zone of another account (the
 * hub of a PrivateCaDomain), as a Lambda-backed custom resource that answers
 * CloudFormation itself (no provider framework).
 *
 * Create/Update: assume the hub's VPC role, authorize the VPC
 * (CreateVPCAssociationAuthorization), associate it with this function's own
 * credentials (AssociateVPCWithHostedZone), then remove the authorization,
 * which is no longer needed once the VPC is associated.
 * Delete: disassociate the VPC; remove a left-over authorization if the hub
 * role still lets us (best effort).
 *
 * Resource properties: HostedZoneId, VpcId, VpcRegion, HubRoleArn.
 * Runs on the Lambda Node.js runtime, whose AWS SDK v3 it uses.
 */
const https = require('https');
const { URL } = require('url');

/** SDK clients: this account's Route 53, and Route 53 through the hub's role. Replaced in tests. */
let factory = async (hubRoleArn) => {
  const route53 = require('@aws-sdk/client-route-53');
  const sts = require('@aws-sdk/client-sts');
  const own = new route53.Route53Client({ maxAttempts: 5 });
  const hub = async () => {
    const { Credentials: c } = await new sts.STSClient({ maxAttempts: 5 }).send(new sts.AssumeRoleCommand({
      RoleArn: hubRoleArn, RoleSessionName: 'lattice-zone-association', DurationSeconds: 900,
    }));
    return new route53.Route53Client({
      maxAttempts: 5,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
  };
  return { own, hub, commands: route53 };
};

function log(message, details) {
  console.log(JSON.stringify({ message, ...details }));
}

function properties(event) {
  const p = event.ResourceProperties ?? {};
  for (const name of ['HostedZoneId', 'VpcId', 'VpcRegion', 'HubRoleArn']) {
    if (typeof p[name] !== 'string' || p[name] === '') throw new Error(`zone association: resource property ${name} is missing`);
  }
  return { zoneId: p.HostedZoneId.replace(/^\/hostedzone\//, ''), vpc: { VPCId: p.VpcId, VPCRegion: p.VpcRegion }, hubRoleArn: p.HubRoleArn };
}

async function ignoring(codes, call) {
  try {
    return await call();
  } catch (e) {
    if (codes.includes(e?.name)) {
      log('ignored', { error: e.name });
      return undefined;
    }
    throw e;
  }
}

/** Does the work of one event; returns the physical resource id. */
async function apply(event) {
  const p = properties(event);
  const { own, hub, commands: c } = await factory(p.hubRoleArn);
  const id = `${p.zoneId}:${p.vpc.VPCId}`;
  const request = { HostedZoneId: p.zoneId, VPC: p.vpc };
  if (event.RequestType === 'Delete') {
    // A replaced resource (other zone or VPC) is deleted with its old properties; the new one is already associated.
    await ignoring(['VPCAssociationNotFound', 'NoSuchHostedZone', 'InvalidVPCId', 'LastVPCAssociation'],
      () => own.send(new c.DisassociateVPCFromHostedZoneCommand(request)));
    try {
      const hubClient = await hub();
      await ignoring(['VPCAssociationAuthorizationNotFound', 'NoSuchHostedZone', 'InvalidVPCId'],
        () => hubClient.send(new c.DeleteVPCAssociationAuthorizationCommand(request)));
    } catch (e) {
      log('authorization not removed (the hub removes it with its zone)', { error: `${e.name}: ${e.message}` });
    }
    return event.PhysicalResourceId ?? id;
  }
  const hubClient = await hub();
  await hubClient.send(new c.CreateVPCAssociationAuthorizationCommand(request));
  await ignoring(['ConflictingDomainExists'], () => own.send(new c.AssociateVPCWithHostedZoneCommand(request)));
  await ignoring(['VPCAssociationAuthorizationNotFound'], () => hubClient.send(new c.DeleteVPCAssociationAuthorizationCommand(request)));
  return id;
}

function respond(event, status, physicalResourceId, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ? String(reason).slice(0, 3000) : undefined,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const req = https.request({
      hostname: url.hostname, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
}

exports.handler = async (event) => {
  let physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-failed`;
  try {
    physicalResourceId = await apply(event);
    await respond(event, 'SUCCESS', physicalResourceId);
  } catch (e) {
    log('failed', { error: `${e.name}: ${e.message}` });
    await respond(event, 'FAILED', physicalResourceId, `${e.name}: ${e.message}`);
  }
};

exports._test = { apply, setFactory: (f) => { factory = f; } };
