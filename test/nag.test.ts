import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { awsSolutionsFindings } from './util/nag';
import { acknowledge, acknowledgeOnce } from '../src/private/nag';

describe('acknowledge', () => {
  afterEach(() => jest.restoreAllMocks());

  test('suppresses the acknowledged finding on that construct', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    new sns.Topic(stack, 'Topic');
    expect(awsSolutionsFindings(stack).map((f) => f.rule)).toContain('AwsSolutions-SNS3');
    const app2 = new App();
    const stack2 = new Stack(app2, 'S');
    const topic2 = new sns.Topic(stack2, 'Topic');
    acknowledge(topic2, 'AwsSolutions-SNS3', 'test');
    expect(awsSolutionsFindings(stack2).map((f) => f.rule)).not.toContain('AwsSolutions-SNS3');
  });

  test('falls back to recording the metadata where aws-cdk-lib rejects ids with "::"', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const rejecting = { acknowledge: () => { throw Object.assign(new Error("Invalid validation rule ID 'x'. The '::' delimiter is reserved"), { name: 'InvalidValidationId' }); } };
    jest.spyOn(Validations, 'of').mockReturnValue(rejecting as any);
    acknowledge(stack, 'AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]', 'because');
    expect(stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => [m.type, m.data])).toEqual([
      [Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { 'AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]': 'because' }],
    ]);
  });

  test('rethrows other errors', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    jest.spyOn(Validations, 'of').mockReturnValue({ acknowledge: () => { throw new Error('boom'); } } as any);
    expect(() => acknowledge(stack, 'AwsSolutions-SNS3', 'x')).toThrow('boom');
  });

  test('acknowledgeOnce records a rule once per construct', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    acknowledgeOnce(stack, 'AwsSolutions-SNS3', 'a');
    acknowledgeOnce(stack, 'AwsSolutions-SNS3', 'b');
    expect(stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toHaveLength(1);
  });
});
