// Errors have two faces: what the Slack user reads (what failed, what to do) and what the log keeps.

const GENERIC_USER_MESSAGE = 'Something went wrong while checking the AWS account. The details are in the bot\'s log; try again, and tell the bot\'s admin if it keeps failing.';

export class UserFacingError extends Error {
  constructor(
    /** Shown in Slack: plain words, no stack, no secrets. */
    readonly userMessage: string,
    /** Logged, never shown. */
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(userMessage, options);
    this.name = 'UserFacingError';
  }
}

function hasUserMessage(error: unknown): error is { userMessage: string } {
  return typeof error === 'object' && error !== null && typeof (error as { userMessage?: unknown }).userMessage === 'string';
}

/** What the log gets for any thrown value. */
export function errorDetails(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorName: error.name, errorMessage: error.message, ...(code === undefined ? {} : { errorCode: code }), stack: error.stack };
  }
  return { errorMessage: String(error) };
}

/**
 * Any thrown value as a UserFacingError: kept if it already has a user message (any error with a string
 * `userMessage`), else worded by `describe` (e.g. the AWS room's describeFatalAwsError), else a generic message.
 */
export function toUserFacingError(error: unknown, describe?: (error: unknown) => string): UserFacingError {
  if (error instanceof UserFacingError) return error;
  if (hasUserMessage(error)) return new UserFacingError(error.userMessage, errorDetails(error), { cause: error });
  let userMessage = GENERIC_USER_MESSAGE;
  if (describe) {
    try {
      const described = describe(error).trim();
      if (described) userMessage = described;
    } catch {
      // A describer that throws must not turn one failure into two.
    }
  }
  return new UserFacingError(userMessage, errorDetails(error), { cause: error });
}
