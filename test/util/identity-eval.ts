/**
 * Identity policies of a synthesized cluster stack, in their deployed form,
 * evaluated with the IAM policy simulator (`@cloud-copilot/iam-simulate`).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

/** The account, region, VPC and shared-stack values the policies are deployed with. */
export interface DeployedValues {
  readonly account: string;
  readonly region: string;
  /** Logical ID of the cluster's VPC in the template, and the VPC ID it gets. */
  readonly vpcLogicalId: string;
  readonly vpcId: string;
  readonly networkArn: string;
  readonly hostedZoneId: string;
}

/** Deployed form of a template value: pseudo parameters, the VPC, the imports of the shared stack. */
export function deployed(value: any, values: DeployedValues): any {
  if (Array.isArray(value)) return value.map((v) => deployed(v, values));
  if (value === null || typeof value !== 'object') return value;
  if ('Ref' in value) {
    const refs: Record<string, string> = {
      'AWS::Partition': 'aws', 'AWS::AccountId': values.account, 'AWS::Region': values.region, [values.vpcLogicalId]: values.vpcId,
    };
    if (!(value.Ref in refs)) throw new Error(`unexpected Ref ${value.Ref}`);
    return refs[value.Ref];
  }
  if ('Fn::ImportValue' in value) {
    const name: string = value['Fn::ImportValue'];
    if (/HostedZone/.test(name)) return values.hostedZoneId;
    if (/Network.*Arn/.test(name)) return values.networkArn;
    throw new Error(`unexpected import ${name}`);
  }
  if ('Fn::Join' in value) return value['Fn::Join'][1].map((p: any) => deployed(p, values)).join(value['Fn::Join'][0]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deployed(v, values)]));
}

/** The deployed policy documents of the `AWS::IAM::Policy` resources whose logical IDs start with `rolePrefix`. */
export function policiesOf(template: any, rolePrefix: string, values: DeployedValues): any[] {
  return Object.entries<any>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(rolePrefix))
    .map(([, r]) => deployed(r.Properties.PolicyDocument, values));
}

/** 'Allowed', 'ExplicitlyDenied' or 'ImplicitlyDenied' for a request of a Pod Identity session with `policies`. */
export async function decide(values: DeployedValues, policies: any[], action: string, resource: string,
  context: Record<string, string | string[]> = {}): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: `arn:aws:sts::${values.account}:assumed-role/controller/eks-pod-identity`,
      action,
      resource: { resource, accountId: values.account },
      contextVariables: { 'aws:RequestedRegion': values.region, ...context },
    },
    identityPolicies: policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
