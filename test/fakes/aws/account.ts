// Account Management operations of the fake (REST-JSON: POST /getAlternateContact, POST /listRegions).
// Shapes: AWS Account Management API Reference (API_GetAlternateContact, API_ListRegions).
import { AwsErrorReply } from './errors.js';
import type { AlternateContactType, FakeAwsState } from './state.js';

export interface RestContext {
  state: FakeAwsState;
  body: Record<string, unknown>;
}

type RestHandler = (context: RestContext) => object;

const CONTACT_TYPES: AlternateContactType[] = ['SECURITY', 'BILLING', 'OPERATIONS'];

/** Path -> operation name, as the Account API routes them. */
export const ACCOUNT_ROUTES: Record<string, string> = {
  '/getAlternateContact': 'GetAlternateContact',
  '/listRegions': 'ListRegions',
};

export const accountOperations: Record<string, RestHandler> = {
  GetAlternateContact: ({ state, body }) => {
    const type = body.AlternateContactType as AlternateContactType;
    if (!CONTACT_TYPES.includes(type)) {
      throw new AwsErrorReply('ValidationException', "1 validation error detected: Value at 'alternateContactType' failed to satisfy constraint: Member must satisfy enum value set: [SECURITY, OPERATIONS, BILLING]", 400);
    }
    const contact = state.alternateContacts[type];
    if (!contact) throw new AwsErrorReply('ResourceNotFoundException', 'No contact of the inputted alternate contact type found.', 404);
    return { AlternateContact: { AlternateContactType: type, ...contact } };
  },

  ListRegions: ({ state, body }) => {
    const statuses = Array.isArray(body.RegionOptStatusContains) ? (body.RegionOptStatusContains as string[]) : null;
    const regions = state.regions.filter((region) => !statuses || statuses.includes(region.RegionOptStatus));
    const maxResults = typeof body.MaxResults === 'number' ? body.MaxResults : 20;
    if (maxResults < 1 || maxResults > 50) throw new AwsErrorReply('ValidationException', 'MaxResults must be between 1 and 50.', 400);
    const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) throw new AwsErrorReply('ValidationException', 'Invalid NextToken.', 400);
    const end = start + maxResults;
    return { Regions: regions.slice(start, end), ...(end < regions.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}) };
  },
};
