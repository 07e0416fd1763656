import * as iam from 'aws-cdk-lib/aws-iam';

/** The only action that Lattice auth policies grant: calling a service. */
export const LATTICE_INVOKE_ACTION = 'vpc-lattice-svcs:Invoke';

/**
 * Admits only signed (SigV4) requests: Lattice sets `aws:PrincipalType` to
 * `Anonymous` for unsigned requests, so this condition keeps them out.
 */
export const NOT_ANONYMOUS_CONDITION = {
  StringNotEqualsIgnoreCase: { 'aws:PrincipalType': 'anonymous' },
};

/** Inputs of the default service network auth policy. */
export interface DefaultAuthPolicyOptions {
  /**
   * Accounts whose authenticated principals may invoke services (12-digit IDs
   * or tokens such as the stack's account). Duplicates are removed.
   */
  readonly accountIds: string[];
  /** Organizations whose authenticated principals may invoke services. */
  readonly organizationIds: string[];
}

/**
 * The default auth policy of a service network: `vpc-lattice-svcs:Invoke` on
 * every service of the network (`Resource: '*'`, the usual form for Lattice
 * auth policies) for signed requests from principals of the given accounts
 * and, when any are given, of the given AWS Organizations.
 */
export function defaultServiceNetworkAuthPolicy(options: DefaultAuthPolicyOptions): iam.PolicyDocument {
  const accountIds = Array.from(new Set(options.accountIds));
  const statements: iam.PolicyStatement[] = [];
  if (accountIds.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts',
      effect: iam.Effect.ALLOW,
      principals: accountIds.map((accountId) => new iam.AccountPrincipal(accountId)),
      actions: [LATTICE_INVOKE_ACTION],
      resources: ['*'],
      conditions: { ...NOT_ANONYMOUS_CONDITION },
    }));
  }
  const organizationIds = Array.from(new Set(options.organizationIds));
  if (organizationIds.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'AllowAuthenticatedPrincipalsOfAllowedOrganizations',
      effect: iam.Effect.ALLOW,
      principals: [new iam.StarPrincipal()],
      actions: [LATTICE_INVOKE_ACTION],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:PrincipalOrgID': organizationIds },
        ...NOT_ANONYMOUS_CONDITION,
      },
    }));
  }
  return new iam.PolicyDocument({ statements });
}
