// The aws room's door: the SDK clients and the mapping of AWS errors to our own words.
export {
  createAwsClients,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type AwsClientOptions,
  type AwsClients,
  type AwsCredentialsOption,
} from './clients.js';
export { AwsCallError, awsErrorCode, describeFatalAwsError, isAccessDenied, toFactError } from './errors.js';
