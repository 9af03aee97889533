// The aws room's door: the SDK clients and the mapping of AWS errors to our own words.
export { createAwsClients, type AwsClientOptions, type AwsClients } from './clients.js';
export { AwsCallError, awsErrorCode, describeFatalAwsError, toFactError } from './errors.js';
