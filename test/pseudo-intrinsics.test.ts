import { App, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { pseudoOnlyIntrinsic } from '../src/private/pseudo-intrinsics';

const ENVS = { 'env-agnostic': undefined, 'account and region given': { account: '123456789012', region: 'eu-west-1' } };

/** The one policy document of a stack whose role gets a statement on `resources`. */
function renderedPolicy(env: { account: string; region: string } | undefined, resources: (stack: Stack) => string[]): any {
  const stack = new Stack(new App(), 'S', { env });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['vpc-lattice:GetService'], resources: resources(stack) }));
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument;
}

describe('pseudoOnlyIntrinsic', () => {
  const arns = (stack: Stack) => [
    stack.formatArn({ service: 'vpc-lattice', resource: 'service', resourceName: '*' }),
    stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/x' }),
    `arn:${stack.partition}:route53:::hostedzone/*`,
  ];

  test.each(Object.entries(ENVS))('renders an ARN of pseudo parameters exactly as the string would be (%s)', (_name, env) => {
    const direct = renderedPolicy(env, arns);
    const preResolved = renderedPolicy(env, (stack) => arns(stack).map((arn) => pseudoOnlyIntrinsic(stack, arn)));
    expect(preResolved).toEqual(direct);
    expect(JSON.stringify(direct)).toContain('AWS::Partition');
  });

  test('turns a string of pseudo parameters into a single token', () => {
    const stack = new Stack();
    const arn = stack.formatArn({ service: 'vpc-lattice', resource: 'service', resourceName: '*' });
    const once = pseudoOnlyIntrinsic(stack, arn);
    expect(once).not.toEqual(arn);
    expect(Token.isUnresolved(once)).toBe(true);
    expect(stack.resolve(once)).toEqual(stack.resolve(arn));
  });

  test('returns literals as they are', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const literal = 'arn:aws:vpc-lattice:eu-west-1:123456789012:service/*';
    expect(pseudoOnlyIntrinsic(stack, literal)).toBe(literal);
  });

  test('leaves a value that names a resource alone, so that a later logical id override still applies', () => {
    const stack = new Stack();
    const resource = new CfnResource(stack, 'Thing', { type: 'AWS::SNS::Topic' });
    const value = `arn:${stack.partition}:sns:::${resource.ref}`;
    expect(pseudoOnlyIntrinsic(stack, value)).toBe(value);
    resource.overrideLogicalId('Renamed');
    expect(JSON.stringify(stack.resolve(pseudoOnlyIntrinsic(stack, value)))).toContain('"Ref":"Renamed"');
  });

  test('leaves a reference to another stack alone, so that it still becomes an export and an import', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer');
    const topic = new CfnResource(producer, 'Topic', { type: 'AWS::SNS::Topic' });
    const consumer = new Stack(app, 'Consumer');
    const value = pseudoOnlyIntrinsic(consumer, `${topic.ref}/x`);
    new CfnResource(consumer, 'User', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: value } });
    const template = Template.fromStack(consumer).toJSON();
    expect(JSON.stringify(template)).toContain('Fn::ImportValue');
    expect(Object.keys(Template.fromStack(producer).toJSON().Outputs ?? {})).toHaveLength(1);
  });
});
