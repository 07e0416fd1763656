/**
 * Names shared by the hub (zone account) and the spokes (VPC accounts) of a
 * `PrivateCaDomain`: the spoke computes the ARNs of the roles the hub creates
 * for it, and the hub computes the path of the spoke roles it trusts, so
 * neither stack references the other.
 */

/** IAM role names: at most 64 characters. */
const MAX_ROLE_NAME = 64;

function roleName(prefix: string, domainName: string, accountId: string): string {
  const name = `${prefix}-${accountId}-${domainName.replace(/\./g, '-')}`;
  return name.length <= MAX_ROLE_NAME ? name : name.slice(0, MAX_ROLE_NAME).replace(/-+$/, '');
}

/**
 * Name of the role that the hub of `domainName` creates for spoke account
 * `accountId` to read the zone and write the spoke's records (ExternalDNS).
 */
export function spokeRoleName(domainName: string, accountId: string): string {
  return roleName('lattice-zone', domainName, accountId);
}

/**
 * Name of the role that the hub of `domainName` creates for spoke account
 * `accountId` to authorize (and remove authorizations of) the spoke's VPC
 * associations with the zone.
 */
export function spokeVpcRoleName(domainName: string, accountId: string): string {
  return roleName('lattice-zone-vpc', domainName, accountId);
}

/** What a spoke role does with the hub's zone: write records (ExternalDNS) or associate VPCs. */
export type SpokeRoleKind = 'dns' | 'vpc';

/**
 * IAM path of the spoke roles that the hub of `domainName` trusts for `kind`:
 * `/lattice-zone/<domain>/<kind>/`. The hub's trust policies name this path
 * (`aws:PrincipalArn`), so no other role of the spoke account may assume the
 * hub's roles. Role paths may hold up to 512 characters; domains hold at most 64.
 */
export function spokeRolePath(domainName: string, kind: SpokeRoleKind): string {
  return `/lattice-zone/${domainName}/${kind}/`;
}

/** `aws:PrincipalArn` pattern of the spoke roles of `kind` in `accountId` (any name under the path). */
export function spokeRoleArnPattern(partition: string, accountId: string, domainName: string, kind: SpokeRoleKind): string {
  return `arn:${partition}:iam::${accountId}:role${spokeRolePath(domainName, kind)}*`;
}

/** Value of the `route53:VPCs` condition key for a VPC (Route 53 developer guide: `VPCId=<id>,VPCRegion=<region>`). */
export function route53VpcConditionValue(vpcId: string, region: string): string {
  return `VPCId=${vpcId},VPCRegion=${region}`;
}

/** RAM managed permission that lets ACM in the recipient account issue (and renew) private certificates from a shared CA. */
export const CA_SHARE_PERMISSION = 'AWSRAMDefaultPermissionCertificateAuthority';
