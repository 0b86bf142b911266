/**
 * The dependency graph: edges from Ref, GetAtt, Sub and DependsOn, conditional resources and
 * Fn::If branches, creation and deletion waves, and AWS's cycle message.
 */
import { describe, expect, it } from 'vitest';
import {
  activeOutputs,
  creationOrder,
  deletionOrder,
  dependencyGraph,
  parseTemplate,
  TemplateError,
} from '../../../../src/cloud/cloudformation/template/index.js';
import { LAMBDA_YAML } from './fixtures.js';

function edges(graph: Map<string, Set<string>>): Record<string, string[]> {
  return Object.fromEntries([...graph].map(([id, deps]) => [id, [...deps].sort()]));
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('dependencyGraph', () => {
  const lambda = parseTemplate(LAMBDA_YAML);

  it('follows Ref, GetAtt and Sub, and leaves out resources whose condition is false', () => {
    expect(edges(dependencyGraph(lambda, { IsProd: false }))).toEqual({
      Role: [],
      Function: ['Role'],
      Permission: ['Function'],
    });
    expect(edges(dependencyGraph(lambda, { IsProd: true }))).toEqual({
      Role: [],
      Function: ['Role'],
      Permission: ['Function'],
      Logs: ['Function'],
    });
  });

  it('counts DependsOn and Sub variables, not parameters or pseudo parameters', () => {
    const t = parseTemplate(`Parameters:
  Name: {Type: String, Default: n}
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Bucket: {Type: AWS::S3::Bucket, DependsOn: Queue}
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: [Bucket]
    Properties:
      TopicName: !Sub "\${Name}-\${AWS::Region}-\${Queue.QueueName}"
      DisplayName: !Sub ["\${X}", {X: !Ref Bucket}]
`);
    expect(edges(dependencyGraph(t, {}))).toEqual({ Queue: [], Bucket: ['Queue'], Topic: ['Bucket', 'Queue'] });
  });

  it('ignores the Fn::If branch not taken, and counts both without conditions', () => {
    const t = parseTemplate(`Parameters:
  UseFallback: {Type: String, Default: "true"}
Conditions:
  Fallback: !Equals [!Ref UseFallback, "true"]
  NotFallback: !Not [!Condition Fallback]
Resources:
  Dependent:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !If [Fallback, !GetAtt FallbackTopic.TopicName, !GetAtt DefaultTopic.TopicName]
  FallbackTopic: {Type: AWS::SNS::Topic, Condition: Fallback}
  DefaultTopic: {Type: AWS::SNS::Topic, Condition: NotFallback}
`);
    expect(edges(dependencyGraph(t, { Fallback: true, NotFallback: false }))).toEqual({
      Dependent: ['FallbackTopic'],
      FallbackTopic: [],
    });
    expect(edges(dependencyGraph(t, { Fallback: false, NotFallback: true }))).toEqual({
      Dependent: ['DefaultTopic'],
      DefaultTopic: [],
    });
    expect(edges(dependencyGraph(t))).toEqual({
      Dependent: ['DefaultTopic', 'FallbackTopic'],
      FallbackTopic: [],
      DefaultTopic: [],
    });
  });

  it('refuses a reference to a resource that is not created', () => {
    const t = parseTemplate(`Conditions:
  Never: !Equals [a, b]
Resources:
  Topic: {Type: AWS::SNS::Topic, Condition: Never}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !GetAtt Topic.TopicName
Outputs:
  TopicRef:
    Value: !Ref Topic
`);
    expect(thrown(() => dependencyGraph(t, { Never: false }))).toBe(
      'Template format error: Unresolved resource dependencies [Topic] in the Resources block of the template',
    );
    expect(thrown(() => activeOutputs(t, { Never: false }))).toBe(
      'Unresolved resource dependencies [Topic] in the Outputs block of the template',
    );
  });
});

describe('orders', () => {
  const graph = new Map([
    ['Role', new Set<string>()],
    ['Bucket', new Set<string>()],
    ['Function', new Set(['Role', 'Bucket'])],
    ['Permission', new Set(['Function', 'Bucket'])],
    ['Alias', new Set(['Function'])],
  ]);

  it('creates in waves of independent resources, in template order', () => {
    expect(creationOrder(graph)).toEqual([['Role', 'Bucket'], ['Function'], ['Permission', 'Alias']]);
  });

  it('deletes dependents first', () => {
    expect(deletionOrder(graph)).toEqual([['Permission', 'Alias'], ['Function'], ['Role', 'Bucket']]);
  });

  it('reports a cycle with every resource that can never start', () => {
    const cyclic = new Map([
      ['Free', new Set<string>()],
      ['A', new Set(['B'])],
      ['B', new Set(['A', 'Free'])],
      ['Waiting', new Set(['A'])],
    ]);
    expect(thrown(() => creationOrder(cyclic))).toBe('Circular dependency between resources: [A, B, Waiting]');
    expect(thrown(() => creationOrder(new Map([['Self', new Set(['Self'])]])))).toBe(
      'Circular dependency between resources: [Self]',
    );
  });

  it('dependencyGraph reports a cycle in the template', () => {
    const t = parseTemplate(`Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: fn, Value: !GetAtt Function.Arn}]
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Environment: {Variables: {BUCKET: !Ref Bucket}}
`);
    expect(thrown(() => dependencyGraph(t, {}))).toBe('Circular dependency between resources: [Bucket, Function]');
  });
});

describe('activeOutputs', () => {
  it('lists the outputs whose condition holds', () => {
    const lambda = parseTemplate(LAMBDA_YAML);
    expect(activeOutputs(lambda, { IsProd: false })).toEqual(['FunctionArn']);
    expect(activeOutputs(lambda, { IsProd: true })).toEqual(['FunctionArn', 'LogGroup']);
  });
});
