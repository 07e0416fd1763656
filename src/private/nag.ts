import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';

/** Construct id of the singleton Lambda function behind every `AwsCustomResource` of a stack. */
export const AWS_CUSTOM_RESOURCE_PROVIDER_ID = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/**
 * Acknowledges the cdk-nag finding `id` on `scope`: the
 * `aws:cdk:acknowledged-rules` metadata entry cdk-nag 3 reads (the entry
 * `Validations.of(scope).acknowledge({ id, reason })` writes), plus the
 * acknowledgement of a warning annotation with that id.
 *
 * Written directly rather than through `Validations.acknowledge()`: that one
 * also renders a stack trace of every call, which made the library's few
 * hundred acknowledgements per app a visible part of synth time. It also works
 * on aws-cdk-lib releases that reject ids with `::` (cdk-nag's bracketed ids
 * such as `AwsSolutions-IAM4[Policy::arn:...]`).
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`Annotation::${id}`]: reason });
  Annotations.of(scope).acknowledgeWarning(id);
}

/** `acknowledge` that skips rules already acknowledged on `scope` (shared constructs get visited more than once). */
export function acknowledgeOnce(scope: IConstruct, id: string, reason: string): void {
  const known = scope.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
    .some((entry) => Object.keys(entry.data).some((key) => key.replace(/^annotation::/i, '') === id));
  if (!known) acknowledge(scope, id, reason);
}

/**
 * Acknowledges, on the stack-wide Lambda function behind `AwsCustomResource`,
 * the cdk-nag findings that come from how aws-cdk-lib builds that function.
 */
export function acknowledgeAwsCustomResourceProvider(customResource: IConstruct): void {
  const provider = Stack.of(customResource).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  const role = provider?.node.tryFindChild('ServiceRole');
  if (role) {
    acknowledgeOnce(role.node.defaultChild ?? role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'aws-cdk-lib gives the shared AwsCustomResource provider function the AWSLambdaBasicExecutionRole managed policy, which only lets it write its own CloudWatch Logs; the SDK call permissions are separate inline policies scoped per custom resource.');
  }
  const fn = provider?.node.defaultChild;
  if (fn) acknowledgeOnce(fn, 'AwsSolutions-L1', FRAMEWORK_RUNTIME_REASON);
}

/**
 * Why the Lambda functions aws-cdk-lib builds for its custom resource frameworks (`cr.Provider`'s
 * `framework-*`, the `AwsCustomResource` singleton) may run an older Node.js than the newest one
 * aws-cdk-lib knows: aws-cdk-lib picks their runtime itself and offers no prop to change it.
 */
export const FRAMEWORK_RUNTIME_REASON =
  'aws-cdk-lib chooses the runtime of its custom resource framework functions (the newest Node.js runtime it deploys in every region, ' +
  'which can trail the newest runtime it lists) and exposes no prop for it; it moves with aws-cdk-lib.';

/** How cdk-nag writes a resource in a finding id (pseudo parameters as `<AWS::Region>`, literals as they are). */
export function nagResource(stack: Stack, resource: string): string {
  const resolved = stack.resolve(resource);
  if (typeof resolved === 'string') return resolved;
  const parts: unknown[] = resolved?.['Fn::Join']?.[1] ?? [];
  return parts.map((p: any) => (typeof p === 'string' ? p : p?.Ref ? `<${p.Ref}>` : JSON.stringify(p))).join('');
}
