import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The records ExternalDNS writes for these hostnames (lower case, as Route 53
 * normalizes them): the CNAME itself and its TXT ownership record, which
 * ExternalDNS names `cname-<first label>.<rest>` (0.21 to 0.23: `AffixNameMapper.ToTXTName`
 * with the record type CNAME and no TXT prefix or suffix; 0.22 moved only A ALIAS records to
 * `a-`, and targets under `on.aws`, Lattice's, are never aliased).
 */
export function externalDnsRecordNames(hostnames: string[]): string[] {
  return [...new Set(hostnames)].sort().flatMap((h) => [h, `cname-${h}`]);
}

/** ExternalDNS may change only `recordNames` of the zone `hostedZoneArn`, CNAME and TXT records only. */
export function externalDnsRecordStatement(hostedZoneArn: string, recordNames: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ChangeOwnRecordsOnly',
    actions: ['route53:ChangeResourceRecordSets'],
    resources: [hostedZoneArn],
    conditions: {
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': recordNames,
        'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'],
      },
    },
  });
}
