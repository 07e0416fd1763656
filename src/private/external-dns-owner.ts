import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * Longest owner id accepted: ExternalDNS writes it into a TXT string
 * (`heritage=external-dns,external-dns/owner=<id>,external-dns/resource=...`),
 * which Route 53 limits to 255 characters; this leaves room for the rest.
 */
const MAX_OWNER_ID = 128;

/**
 * ExternalDNS's `txtOwnerId` for a cluster: `<account>/<region>/<cluster>`, so
 * that two clusters of one name in two regions or accounts sharing a zone
 * never take each other's records (ExternalDNS `policy: sync` and the deletion
 * guard act on the records of their owner id only). Account and region may be
 * deploy-time values: the id is then a CloudFormation-joined string.
 */
export function defaultExternalDnsOwnerId(account: string, region: string, clusterName: string): string {
  return `${account}/${region}/${clusterName}`;
}

/** Checks an owner id given by the user: a literal ExternalDNS can put into its TXT registry value. */
export function assertExternalDnsOwnerId(scope: IConstruct, kind: string, ownerId: string): void {
  if (Token.isUnresolved(ownerId)) {
    throw validationError(scope, kind, `externalDnsOwnerId must be a literal, got the unresolved token "${ownerId}"`);
  }
  if (ownerId.length === 0 || ownerId.length > MAX_OWNER_ID || !/^[A-Za-z0-9._:/@-]+$/.test(ownerId)) {
    throw validationError(scope, kind,
      `externalDnsOwnerId "${ownerId}" must be 1 to ${MAX_OWNER_ID} characters of letters, digits and . _ : / @ - ` +
      '(ExternalDNS writes it into its TXT records, whose fields are separated by "," and "="), e.g. "111122223333/eu-west-1/my-cluster"');
  }
}
