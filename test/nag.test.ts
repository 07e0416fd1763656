import { Annotations, App, Stack, Validations } from 'aws-cdk-lib';
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

  test('records the entry Validations.acknowledge() records, without rendering a stack trace, bracketed ids included', () => {
    const entries = (scope: Stack) => scope.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    const viaCdk = new Stack(new App(), 'S');
    Validations.of(viaCdk).acknowledge({ id: 'AwsSolutions-SNS3', reason: 'because' });
    const ours = new Stack(new App(), 'S');
    acknowledge(ours, 'AwsSolutions-SNS3', 'because');
    expect(entries(ours).map((m) => m.data)).toEqual(entries(viaCdk).map((m) => m.data));
    const spy = jest.spyOn(Validations, 'of');
    acknowledge(ours, 'AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]', 'managed');
    expect(spy).not.toHaveBeenCalled();
    expect(entries(ours).map((m) => [m.data, m.trace])).toEqual([
      [{ 'Annotation::AwsSolutions-SNS3': 'because' }, undefined],
      [{ 'Annotation::AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]': 'managed' }, undefined],
    ]);
  });

  test('also acknowledges a warning annotation with that id', () => {
    const stack = new Stack(new App(), 'S');
    Annotations.of(stack).addWarningV2('AwsSolutions-SNS3', 'a warning');
    acknowledge(stack, 'AwsSolutions-SNS3', 'because');
    expect(stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
  });

  test('acknowledgeOnce records a rule once per construct', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    acknowledgeOnce(stack, 'AwsSolutions-SNS3', 'a');
    acknowledgeOnce(stack, 'AwsSolutions-SNS3', 'b');
    expect(stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toHaveLength(1);
  });
});
