// An AWS error answer, written by each protocol in its own shape (Query XML ErrorResponse, JSON __type, REST-JSON header).

export class AwsErrorReply extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** Query protocol's <Type>: Sender for 4xx, Receiver for 5xx. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export type Protocol = 'query' | 'json' | 'rest-json';

/** IAM action prefix of each service, for AccessDenied messages. */
export const ACTION_PREFIX: Record<string, string> = { iam: 'iam', sts: 'sts', cloudtrail: 'cloudtrail', account: 'account', cloudformation: 'cloudformation' };

/** The error each protocol's services send for an injected fault kind (codes as the services send them). */
export function accessDenied(protocol: Protocol, callerArn: string, action: string): AwsErrorReply {
  const message = `User: ${callerArn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
  if (protocol === 'query') return new AwsErrorReply('AccessDenied', message, 403);
  // CloudTrail (JSON 1.1) answers 400, the Account API (REST-JSON) 403.
  return new AwsErrorReply('AccessDeniedException', message, protocol === 'json' ? 400 : 403);
}

export function throttled(protocol: Protocol): AwsErrorReply {
  if (protocol === 'query') return new AwsErrorReply('Throttling', 'Rate exceeded', 400);
  if (protocol === 'json') return new AwsErrorReply('ThrottlingException', 'Rate exceeded', 400);
  return new AwsErrorReply('TooManyRequestsException', 'Rate exceeded', 429);
}

export function serverError(protocol: Protocol, service: string, status: 500 | 503): AwsErrorReply {
  if (status === 503) return new AwsErrorReply('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503);
  if (service === 'iam') return new AwsErrorReply('ServiceFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
  if (protocol === 'rest-json') return new AwsErrorReply('InternalServerException', 'An internal error occurred.', 500);
  return new AwsErrorReply('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
}
