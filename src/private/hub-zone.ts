/**
 * Names shared by the hub (zone account) and the spokes (VPC accounts) of a
 * `PrivateCaDomain`: the spoke computes the ARN of the role the hub creates
 * for it, so neither stack references the other.
 */

/** IAM role names: at most 64 characters. */
const MAX_ROLE_NAME = 64;

/** Name of the role that the hub of `domainName` creates for spoke account `accountId`. */
export function spokeRoleName(domainName: string, accountId: string): string {
  const name = `lattice-zone-${accountId}-${domainName.replace(/\./g, '-')}`;
  return name.length <= MAX_ROLE_NAME ? name : name.slice(0, MAX_ROLE_NAME).replace(/-+$/, '');
}

/** RAM managed permission that lets ACM in the recipient account issue (and renew) private certificates from a shared CA. */
export const CA_SHARE_PERMISSION = 'AWSRAMDefaultPermissionCertificateAuthority';
