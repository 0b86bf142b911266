/**
 * The transform's errors, worded as aws-sam-translator words them; CloudFormation wraps the
 * document's message as `Transform AWS::Serverless-2016-10-31 failed with: ...` (a ValidationError).
 */

/** One problem with one resource of the template: `Resource with id [Fn] is invalid. ...`. */
export class SamResourceError extends Error {
  constructor(
    readonly logicalId: string,
    readonly reason: string,
  ) {
    super(`Resource with id [${logicalId}] is invalid. ${reason}`);
  }
}

/** A problem with one event of a function, reported as part of the function's resource error. */
export function eventError(eventId: string, reason: string): string {
  return `Event with id [${eventId}] is invalid. ${reason}`;
}

/** A problem with the Globals section: `'Globals' section is invalid. ...`. */
export class SamGlobalsError extends Error {
  constructor(reason: string) {
    super(`'Globals' section is invalid. ${reason}`);
  }
}

/** Every problem the transform found, as one message: AWS reports them all at once. */
export class SamDocumentError extends Error {
  constructor(readonly causes: Error[]) {
    super(
      [
        `Invalid Serverless Application Specification document. Number of errors found: ${causes.length}.`,
        ...causes.map((cause) => cause.message),
      ].join(' '),
    );
  }
}

/** A transform that failed: CloudFormation's wording around the transform's own message. */
export class TransformFailedError extends Error {
  constructor(transform: string, reason: string) {
    super(`Transform ${transform} failed with: ${reason}`);
  }
}

/**
 * A template `AWS::LanguageExtensions` refuses. The sentences are the ones CloudFormation answers
 * (after `Transform AWS::LanguageExtensions failed with: `), as recorded against real accounts by
 * LocalStack's and ministack's tests and the AWS SAM CLI's port of the transform's messages.
 */
export class LanguageExtensionsError extends Error {}

export const languageExtensionsMessages = {
  forEachLayout: 'Fn::ForEach layout is incorrect',
  noCollection: 'Could not find a collection or could not be resolved for Fn::ForEach',
  duplicateKey: (key: string) => `Duplicate key '${key}' when merging keys to parent object in Fn::ForEach`,
  policyNotString: (attribute: string) => `Every ${attribute} member must be a string`,
  policyNoValue: 'AWS::NoValue is not supported for DeletionPolicy or UpdateReplacePolicy',
  policyUnsupported: (attribute: string, logicalId: string) =>
    `Unsupported expression for ${attribute} in resource ${logicalId}`,
  missingCondition: (name: string) => `Key ${name} is missing in the map.`,
} as const;
