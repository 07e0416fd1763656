'use strict';
/**
 * Deletion guard of a LatticeEksCluster: a Lambda-backed custom resource that
 * answers CloudFormation itself (one function, no provider framework) and
 * polls within one invocation, so its wait and cleanup fit the Lambda limit of
 * 15 minutes.
 *
 * Create and Update do nothing, nor does a Delete while the stack stays (the
 * guard removed or replaced by an update). On Delete, the first step sets the deadlines;
 * every later step (one poll every 15 s) looks for what the AWS Gateway API
 * Controller and ExternalDNS of this cluster created and must have removed:
 *   - VPC Lattice resources tagged `application-networking.k8s.aws/ManagedBy`
 *     = `<account>/<cluster>/<vpc>` (services, listeners, rules, target groups,
 *     service-network service associations, access-log subscriptions);
 *   - records of the private zone owned by this cluster in ExternalDNS's TXT
 *     registry (`external-dns/owner=<txtOwnerId>`), and the records they own.
 * It completes when nothing is left. At the wait deadline it fails with the
 * list of leftovers, or, when DeleteLeftovers is 'true', deletes them and keeps
 * checking until the cleanup deadline.
 *
 * Resource properties (strings, as CloudFormation passes them): ClusterName,
 * ManagedBy, HostedZoneId (optional), HubRoleArn (optional: the zone is in a
 * hub account, read and cleaned through that role), TxtOwnerId, WaitSeconds,
 * CleanupSeconds, DeleteLeftovers.
 *
 * Runs on the Lambda Node.js runtime, whose AWS SDK v3 it uses.
 */
const https = require('https');
const { URL } = require('url');
const lattice = require('@aws-sdk/client-vpc-lattice');
const tagging = require('@aws-sdk/client-resource-groups-tagging-api');
const route53 = require('@aws-sdk/client-route-53');

const MANAGED_BY_TAG = 'application-networking.k8s.aws/ManagedBy';
/** Record types ExternalDNS's TXT registry prefixes to the owned name (`<type>-<name>`). */
const REGISTRY_TYPES = ['a', 'aaaa', 'cname', 'mx', 'naptr', 'ns', 'ptr', 'srv', 'txt', 'caa'];
/** Leftovers listed in a failure message (CloudFormation truncates long reasons). */
const MAX_LISTED = 40;
/** Route 53 accepts at most 1000 changes per batch. */
const MAX_CHANGES = 500;

/** Seconds between two checks. */
const POLL_MS = 15_000;
/** Time kept to answer CloudFormation before the function's own timeout. */
const RESPONSE_MARGIN_MS = 20_000;

const clientConfig = { maxAttempts: 5 };
let clients;
let hubRoute53;
function sdk() {
  clients ??= {
    lattice: new lattice.VPCLatticeClient(clientConfig),
    tagging: new tagging.ResourceGroupsTaggingAPIClient(clientConfig),
    route53: new route53.Route53Client(clientConfig),
  };
  return clients;
}

/** Credentials of the hub's role (the Lambda runtime's SDK has STS; required only when a hub role is used). */
function hubCredentials(roleArn) {
  return async () => {
    const sts = require('@aws-sdk/client-sts');
    const { Credentials: c } = await new sts.STSClient(clientConfig).send(new sts.AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: 'lattice-deletion-guard', DurationSeconds: 900,
    }));
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
}

/** Route 53 of the zone's account: this account's, or the hub's through its role. */
function zoneClient(s) {
  if (!s.hubRoleArn) return sdk().route53;
  if (hubRoute53?.roleArn !== s.hubRoleArn) {
    hubRoute53 = { roleArn: s.hubRoleArn, client: new route53.Route53Client({ ...clientConfig, credentials: hubCredentials(s.hubRoleArn) }) };
  }
  return hubRoute53.client;
}

function log(message, details) {
  console.log(JSON.stringify({ message, ...details }));
}

/** The guard's settings from the resource properties. */
function settings(properties = {}) {
  const required = (name) => {
    const value = properties[name];
    if (typeof value !== 'string' || value === '') throw new Error(`deletion guard: resource property ${name} is missing`);
    return value;
  };
  const seconds = (name) => {
    const value = Number(required(name));
    if (!Number.isFinite(value) || value < 0) throw new Error(`deletion guard: resource property ${name} '${properties[name]}' is not a number of seconds`);
    return value;
  };
  return {
    clusterName: required('ClusterName'),
    managedBy: required('ManagedBy'),
    hostedZoneId: properties.HostedZoneId ? String(properties.HostedZoneId).replace(/^\/hostedzone\//, '') : undefined,
    hubRoleArn: properties.HubRoleArn || undefined,
    txtOwnerId: properties.TxtOwnerId || required('ClusterName'),
    waitSeconds: seconds('WaitSeconds'),
    cleanupSeconds: seconds('CleanupSeconds'),
    deleteLeftovers: String(properties.DeleteLeftovers) === 'true',
  };
}

/** Errors worth another try at the next poll (throttling, server-side, network). */
function isTransient(error) {
  const name = error?.name ?? '';
  const status = error?.$metadata?.httpStatusCode ?? 0;
  return /Throttl|TooManyRequests|RequestLimitExceeded|PriorRequestNotComplete|Timeout|InternalServer|ServiceUnavailable/i.test(name)
    || status === 429 || status >= 500 || error?.$retryable !== undefined
    || ['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNREFUSED'].includes(error?.code);
}

function isNotFound(error) {
  return error?.name === 'ResourceNotFoundException' || error?.name === 'NotFoundException' || error?.$metadata?.httpStatusCode === 404;
}

// ---------------------------------------------------------------------------
// What is left

/** Kind and identifiers of a Lattice ARN. */
function classify(arn) {
  const resource = /^arn:[^:]+:vpc-lattice:[^:]*:[^:]*:(.+)$/.exec(arn)?.[1] ?? '';
  let m;
  if ((m = /^service\/([^/]+)\/listener\/([^/]+)\/rule\/([^/]+)$/.exec(resource))) return { kind: 'rule', arn, service: m[1], listener: m[2], id: m[3] };
  if ((m = /^service\/([^/]+)\/listener\/([^/]+)$/.exec(resource))) return { kind: 'listener', arn, service: m[1], id: m[2] };
  if ((m = /^service\/([^/]+)$/.exec(resource))) return { kind: 'service', arn, id: m[1] };
  if ((m = /^targetgroup\/([^/]+)$/.exec(resource))) return { kind: 'target group', arn, id: m[1] };
  if ((m = /^servicenetworkserviceassociation\/([^/]+)$/.exec(resource))) return { kind: 'service network association', arn, id: m[1] };
  if ((m = /^accesslogsubscription\/([^/]+)$/.exec(resource))) return { kind: 'access log subscription', arn, id: m[1] };
  return { kind: 'resource', arn };
}

/** Whether a tagged Lattice resource still exists (the tagging API may lag behind deletions). */
async function stillExists(resource) {
  const c = sdk().lattice;
  const get = {
    'service': () => new lattice.GetServiceCommand({ serviceIdentifier: resource.id }),
    'listener': () => new lattice.GetListenerCommand({ serviceIdentifier: resource.service, listenerIdentifier: resource.id }),
    'rule': () => new lattice.GetRuleCommand({ serviceIdentifier: resource.service, listenerIdentifier: resource.listener, ruleIdentifier: resource.id }),
    'target group': () => new lattice.GetTargetGroupCommand({ targetGroupIdentifier: resource.id }),
    'service network association': () => new lattice.GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: resource.id }),
    'access log subscription': () => new lattice.GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: resource.id }),
  }[resource.kind];
  if (!get) return true; // a kind this guard cannot look up: the tagging API's word stands
  try {
    await c.send(get());
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** Lattice resources the controller tagged for this cluster and that still exist. */
async function latticeLeftovers(s) {
  const arns = [];
  let token;
  do {
    const page = await sdk().tagging.send(new tagging.GetResourcesCommand({
      TagFilters: [{ Key: MANAGED_BY_TAG, Values: [s.managedBy] }],
      ResourcesPerPage: 100,
      ...(token ? { PaginationToken: token } : {}),
    }));
    for (const mapping of page.ResourceTagMappingList ?? []) if (mapping.ResourceARN) arns.push(mapping.ResourceARN);
    token = page.PaginationToken;
  } while (token);
  const left = [];
  for (const arn of [...new Set(arns)]) {
    const resource = classify(arn);
    if (await stillExists(resource)) left.push(resource);
  }
  return left;
}

async function listRecordSets(s) {
  const zoneId = s.hostedZoneId;
  const records = [];
  let start;
  do {
    const page = await zoneClient(s).send(new route53.ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 300, ...start }));
    records.push(...(page.ResourceRecordSets ?? []));
    start = page.IsTruncated
      ? {
        StartRecordName: page.NextRecordName,
        StartRecordType: page.NextRecordType,
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      }
      : undefined;
  } while (start);
  return records;
}

/** Whether a TXT record set is an ExternalDNS registry entry of `owner`. */
function ownedBy(record, owner) {
  if (record.Type !== 'TXT') return false;
  return (record.ResourceRecords ?? []).some((rr) => {
    const fields = String(rr.Value ?? '').replace(/^"|"$/g, '').split(',');
    return fields.includes('heritage=external-dns') && fields.includes(`external-dns/owner=${owner}`);
  });
}

/** (name, type) pairs a registry TXT record at `name` stands for: `<type>-<name>` (new format) or `name` itself (old format, any type). */
function ownedNames(txtName) {
  const [first, ...rest] = txtName.split('.');
  const m = /^([a-z]+)-(.+)$/.exec(first);
  const pairs = [{ name: txtName, type: undefined }];
  if (m && REGISTRY_TYPES.includes(m[1])) pairs.push({ name: [m[2], ...rest].join('.'), type: m[1].toUpperCase() });
  return pairs;
}

/** Record sets of the zone that ExternalDNS created for this cluster: its registry TXT records and what they own. */
async function dnsLeftovers(s) {
  if (!s.hostedZoneId) return [];
  const records = await listRecordSets(s);
  const registry = records.filter((r) => ownedBy(r, s.txtOwnerId));
  const wanted = registry.flatMap((r) => ownedNames(r.Name));
  const owned = records.filter((r) => !registry.includes(r) && wanted.some((w) => w.name === r.Name && (w.type ? w.type === r.Type : r.Type !== 'TXT')));
  return [...owned, ...registry].map((record) => ({ kind: 'record', record, zone: s.hostedZoneId }));
}

async function inventory(s) {
  return [...await latticeLeftovers(s), ...await dnsLeftovers(s)];
}

function describe(leftover) {
  if (leftover.kind === 'record') return `Route 53 ${leftover.record.Type} record ${leftover.record.Name} in zone ${leftover.zone}`;
  return `VPC Lattice ${leftover.kind} ${leftover.arn}`;
}

// ---------------------------------------------------------------------------
// Cleanup (opt-in)

/** Errors a cleanup step expects while the controller or an earlier step is still at work. */
function expectedDuringCleanup(error) {
  return isNotFound(error) || error?.name === 'ConflictException' || isTransient(error);
}

async function attempt(errors, what, call) {
  try {
    await call();
    log('deleted', { what });
  } catch (e) {
    if (!expectedDuringCleanup(e)) errors.push(`${what}: ${e.name}: ${e.message}`);
  }
}

/**
 * Deletes leftovers in dependency order: service-network associations, then
 * services (with their listeners and rules), then listeners and access-log
 * subscriptions of other services, then target groups (targets first), then
 * DNS records. A step that conflicts with one not yet finished is retried at
 * the next poll. Returns unexpected errors.
 */
async function cleanup(leftovers, s) {
  const c = sdk().lattice;
  const errors = [];
  const of = (kind) => leftovers.filter((l) => l.kind === kind);
  const services = of('service');
  for (const service of services) {
    let token;
    do {
      let page;
      try {
        page = await c.send(new lattice.ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: service.id, ...(token ? { nextToken: token } : {}) }));
      } catch (e) {
        if (!expectedDuringCleanup(e)) errors.push(`list associations of ${service.arn}: ${e.name}: ${e.message}`);
        break;
      }
      for (const a of page.items ?? []) {
        if (a.status === 'DELETE_IN_PROGRESS') continue;
        await attempt(errors, `service network association ${a.arn ?? a.id}`,
          () => c.send(new lattice.DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: a.id })));
      }
      token = page.nextToken;
    } while (token);
  }
  for (const a of of('service network association')) {
    await attempt(errors, a.arn, () => c.send(new lattice.DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: a.id })));
  }
  for (const service of services) {
    await attempt(errors, service.arn, () => c.send(new lattice.DeleteServiceCommand({ serviceIdentifier: service.id })));
  }
  const deletedServices = new Set(services.map((x) => x.id));
  for (const listener of of('listener').filter((l) => !deletedServices.has(l.service))) {
    await attempt(errors, listener.arn, () => c.send(new lattice.DeleteListenerCommand({ serviceIdentifier: listener.service, listenerIdentifier: listener.id })));
  }
  for (const subscription of of('access log subscription')) {
    await attempt(errors, subscription.arn, () => c.send(new lattice.DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: subscription.id })));
  }
  for (const group of of('target group')) {
    try {
      const targets = [];
      let token;
      do {
        const page = await c.send(new lattice.ListTargetsCommand({ targetGroupIdentifier: group.id, ...(token ? { nextToken: token } : {}) }));
        for (const t of page.items ?? []) if (t.status !== 'DRAINING') targets.push({ id: t.id, ...(t.port ? { port: t.port } : {}) });
        token = page.nextToken;
      } while (token);
      for (let i = 0; i < targets.length; i += 100) {
        await c.send(new lattice.DeregisterTargetsCommand({ targetGroupIdentifier: group.id, targets: targets.slice(i, i + 100) }));
      }
    } catch (e) {
      if (!expectedDuringCleanup(e)) errors.push(`targets of ${group.arn}: ${e.name}: ${e.message}`);
    }
    await attempt(errors, group.arn, () => c.send(new lattice.DeleteTargetGroupCommand({ targetGroupIdentifier: group.id })));
  }
  const records = leftovers.filter((l) => l.kind === 'record');
  for (let i = 0; i < records.length; i += MAX_CHANGES) {
    const batch = records.slice(i, i + MAX_CHANGES);
    await attempt(errors, `${batch.length} record(s) in zone ${s.hostedZoneId}`, () => zoneClient(s).send(new route53.ChangeResourceRecordSetsCommand({
      HostedZoneId: s.hostedZoneId,
      ChangeBatch: {
        Comment: `deletion guard of EKS cluster ${s.clusterName}: records ExternalDNS left`,
        Changes: batch.map((l) => ({ Action: 'DELETE', ResourceRecordSet: l.record })),
      },
    })));
  }
  for (const other of leftovers.filter((l) => l.kind === 'resource' || l.kind === 'rule')) {
    if (other.kind === 'rule' && deletedServices.has(other.service)) continue;
    errors.push(`${other.arn}: not deleted by the guard (delete it by hand)`);
  }
  return errors;
}

// ---------------------------------------------------------------------------
// Handler

function failure(s, leftovers, waited, cleanupErrors) {
  const lines = leftovers.slice(0, MAX_LISTED).map((l) => `- ${describe(l)}`);
  if (leftovers.length > MAX_LISTED) lines.push(`- ... and ${leftovers.length - MAX_LISTED} more`);
  const action = s.deleteLeftovers
    ? `The guard tried to delete them${cleanupErrors.length ? `; errors: ${cleanupErrors.join('; ')}` : ''}.`
    : 'Check the controller\'s and ExternalDNS\'s logs, delete them (or enable deletionGuard.deleteLeftovers), then delete the stack again.';
  return new Error(
    `Deletion guard of EKS cluster ${s.clusterName}: ${leftovers.length} resource(s) created by the AWS Gateway API Controller ` +
    `(${MANAGED_BY_TAG}=${s.managedBy}) or by ExternalDNS (owner ${s.txtOwnerId}) still exist after ${waited} s:\n${lines.join('\n')}\n${action}`);
}

async function check(event, now) {
  const s = settings(event.ResourceProperties);
  const waitUntil = Number(event.Data.GuardWaitUntil);
  const cleanupUntil = s.deleteLeftovers ? Number(event.Data.GuardCleanupUntil) : waitUntil;
  let leftovers;
  try {
    leftovers = await inventory(s);
  } catch (e) {
    if (isTransient(e) && now < cleanupUntil) {
      log('check failed, retrying at the next poll', { error: `${e.name}: ${e.message}` });
      return { IsComplete: false };
    }
    throw new Error(`Deletion guard of EKS cluster ${s.clusterName}: cannot list what the controller and ExternalDNS left (${e.name}: ${e.message})`);
  }
  if (leftovers.length === 0) {
    log('nothing left', { cluster: s.clusterName });
    return { IsComplete: true };
  }
  log('waiting', { leftovers: leftovers.map(describe), secondsLeft: Math.round((waitUntil - now) / 1000) });
  if (now < waitUntil) return { IsComplete: false };
  if (s.deleteLeftovers) {
    const errors = await cleanup(leftovers, s);
    if (now < cleanupUntil) return { IsComplete: false };
    throw failure(s, leftovers, s.waitSeconds + s.cleanupSeconds, errors);
  }
  throw failure(s, leftovers, s.waitSeconds, []);
}

/** One step of the custom resource's life (the former onEvent and isComplete calls). */
async function step(event) {
  const physicalResourceId = event.PhysicalResourceId || `deletion-guard-${event.ResourceProperties?.ClusterName ?? 'cluster'}`;
  if (event.RequestType !== 'Delete') {
    settings(event.ResourceProperties); // fail the deployment on bad properties, not its deletion
    return { PhysicalResourceId: physicalResourceId, IsComplete: true };
  }
  if (event.Data?.GuardWaitUntil === undefined) {
    // First step of a Delete: set the deadlines; the next steps poll.
    let s;
    try {
      s = settings(event.ResourceProperties);
    } catch (e) {
      // Only a resource whose creation failed can have bad properties: nothing to wait for.
      log('bad properties on delete: nothing to guard', { error: e.message });
      return { PhysicalResourceId: physicalResourceId, Data: { GuardWaitUntil: 0, GuardCleanupUntil: 0, GuardSkip: 'true' } };
    }
    const now = Date.now();
    return {
      PhysicalResourceId: physicalResourceId,
      Data: { GuardWaitUntil: now + s.waitSeconds * 1000, GuardCleanupUntil: now + (s.waitSeconds + s.cleanupSeconds) * 1000 },
    };
  }
  if (event.Data.GuardSkip === 'true') return { IsComplete: true };
  return check(event, Date.now());
}

function respond(event, status, physicalResourceId, reason) {
  const body = JSON.stringify({
    Status: status,
    // CloudFormation accepts response bodies of up to 4 KiB.
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

/** Status of the stack the resource belongs to (the Lambda runtime's SDK has CloudFormation). */
async function stackStatus(stackId) {
  const cfn = require('@aws-sdk/client-cloudformation');
  const out = await new cfn.CloudFormationClient(clientConfig).send(new cfn.DescribeStacksCommand({ StackName: stackId }));
  return out.Stacks?.[0]?.StackStatus;
}

let io = { respond, stackStatus, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Whether a Delete removes only the guard while the stack stays: the guard was
 * disabled or replaced in an update (`UPDATE_..._CLEANUP_IN_PROGRESS`). The
 * routes then still exist; waiting would fail and deleting leftovers would
 * remove live services.
 */
async function stackStays(event) {
  try {
    const status = await io.stackStatus(event.StackId);
    log('stack status', { status });
    return typeof status === 'string' && status.startsWith('UPDATE_');
  } catch (e) {
    log('stack status unknown: guarding as for a stack deletion', { error: `${e.name}: ${e.message}` });
    return false;
  }
}

/** Runs the steps within this invocation (polling on Delete) and answers CloudFormation. */
exports.handler = async (event, context) => {
  let physicalResourceId = event.PhysicalResourceId || `deletion-guard-${event.ResourceProperties?.ClusterName ?? 'cluster'}`;
  try {
    if (event.RequestType === 'Delete' && await stackStays(event)) {
      log('the stack stays (update clean-up): nothing to guard', {});
      await io.respond(event, 'SUCCESS', physicalResourceId);
      return;
    }
    const first = await step(event);
    physicalResourceId = first.PhysicalResourceId ?? physicalResourceId;
    if (event.RequestType === 'Delete') {
      const polled = { ...event, Data: first.Data };
      while (!(await step(polled)).IsComplete) {
        const left = context?.getRemainingTimeInMillis?.() ?? Infinity;
        if (left < POLL_MS + RESPONSE_MARGIN_MS) throw new Error(`Deletion guard: the function's time is running out (${Math.round(left / 1000)} s left)`);
        await io.sleep(POLL_MS);
      }
    }
    await io.respond(event, 'SUCCESS', physicalResourceId);
  } catch (e) {
    log('failed', { error: e.message });
    await io.respond(event, 'FAILED', physicalResourceId, e.message);
  }
};

exports.step = step;
exports._test = {
  settings, classify, ownedNames, isTransient, zoneClient,
  resetClients: () => { clients = undefined; hubRoute53 = undefined; },
  setIo: (replacement) => { io = { ...io, ...replacement }; },
};
