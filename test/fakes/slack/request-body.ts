// How Slack reads a Web API request body: form-encoded (what @slack/web-api sends; nested values such as blocks,
// view or attachments are JSON strings inside fields) or JSON. Both end up as one object of arguments.

export type ApiArgs = Record<string, unknown>;

// Fields Slack documents as "a JSON-based array/object presented as a URL-encoded string".
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export class BodyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

/** Arguments of one call, with JSON-in-form fields decoded. */
export function parseApiBody(contentType: string | undefined, rawBody: string): ApiArgs {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') {
    if (rawBody.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BodyParseError('JSON body is not an object');
      return parsed as ApiArgs;
    } catch (error) {
      throw error instanceof BodyParseError ? error : new BodyParseError(`invalid JSON body: ${(error as Error).message}`);
    }
  }
  const args: ApiArgs = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        throw new BodyParseError(`field ${key} is not valid JSON`);
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}
