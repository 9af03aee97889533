// The CloudFormation client that reads the member-rules StackSet's instances (which member accounts and Regions
// forward their root events to the events queue). deploy/org-events.yaml makes the StackSet beside the queue, in
// the queue's Region, so the client is made for the Region in the queue's URL, like the queue's SQS client; the
// SDK honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_CLOUDFORMATION as everywhere.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { sdkClientConfig, type AwsClientOptions } from './clients.js';
import { queueRegion } from './sqs.js';

export function createStackSetsClient(options: AwsClientOptions, queueUrl: string): CloudFormationClient {
  const client = new CloudFormationClient(sdkClientConfig(options, queueRegion(queueUrl) ?? options.region));
  // Counted in the AWS error metrics like every other client.
  options.onClient?.(client);
  return client;
}
