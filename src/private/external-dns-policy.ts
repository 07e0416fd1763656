import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The records ExternalDNS writes for these hostnames (lower case, as Route 53
 * normalizes them): the CNAME itself and its TXT ownership record, which
 * ExternalDNS 0.21 names `cname-<first label>.<rest>`.
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
