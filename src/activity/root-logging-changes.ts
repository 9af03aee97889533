// Root calls that turn off the record: CloudTrail stopped, deleted or narrowed, GuardDuty and Security Hub turned
// off, AWS Config's recorder stopped, VPC flow logs deleted. Critical whoever planned it: what happens next may
// not be recorded at all (MITRE ATT&CK T1562.008 "Impair Defenses: Disable or Modify Cloud Logs"). The peers
// alert on the same calls for any identity: Panther AWS.CloudTrail.Stopped (StopLogging, DeleteTrail),
// AWS.CloudTrail.EventSelectorsDisabled (PutEventSelectors without management events), AWS.Config.ServiceDisabledDeleted;
// Elastic "AWS CloudTrail Log Suspended / Deleted / Updated", "AWS GuardDuty Detector Deletion", "AWS Config
// Resource Deletion", "AWS Security Hub disabled"; Sigma "AWS CloudTrail Important Change".
//
// UpdateTrail and PutEventSelectors alert here only when they narrow logging (a single-Region trail, no global
// service events, logs sent to another bucket, no validation; selectors without all management events); widening
// calls stay plain root API calls. Request parameters as in the CloudTrail, GuardDuty, Security Hub, Config and EC2
// API references (UpdateTrail: name, isMultiRegionTrail, includeGlobalServiceEvents, s3BucketName,
// enableLogFileValidation; PutEventSelectors: trailName, eventSelectors[], advancedEventSelectors[]).
import { arrayField, booleanField, shortName, stringField, type RootCallMatch } from './rule-match.js';

type Describe = (requestParameters: unknown) => string | null;

function trailName(requestParameters: unknown): string {
  const name = stringField(requestParameters, 'name') ?? stringField(requestParameters, 'trailName');
  return name === undefined ? 'a CloudTrail trail' : `CloudTrail trail ${shortName(name)}`;
}

/** What an UpdateTrail takes away, or null when it takes nothing away. */
function trailNarrowing(requestParameters: unknown): string | null {
  const narrowed: string[] = [];
  if (booleanField(requestParameters, 'isMultiRegionTrail') === false) narrowed.push('made it log one Region only');
  if (booleanField(requestParameters, 'includeGlobalServiceEvents') === false) narrowed.push('stopped it logging global service events (IAM, STS, sign-in)');
  if (booleanField(requestParameters, 'isOrganizationTrail') === false) narrowed.push('made it stop logging the organization');
  if (booleanField(requestParameters, 'enableLogFileValidation') === false) narrowed.push('turned off log file validation');
  const bucket = stringField(requestParameters, 's3BucketName');
  if (bucket !== undefined) narrowed.push(`sent its logs to the S3 bucket ${bucket}`);
  return narrowed.length === 0 ? null : `changed ${trailName(requestParameters)}: ${narrowed.join(', ')}`;
}

/** A basic event selector that logs every management event (reads and writes, no source excluded). */
function basicSelectorLogsAllManagement(selector: unknown): boolean {
  if (booleanField(selector, 'includeManagementEvents') === false) return false;
  const readWriteType = stringField(selector, 'readWriteType') ?? 'All';
  const excluded = arrayField(selector, 'excludeManagementEventSources') ?? [];
  return readWriteType === 'All' && excluded.length === 0;
}

/** An advanced event selector that logs every management event: eventCategory = Management and nothing else narrowing it. */
function advancedSelectorLogsAllManagement(selector: unknown): boolean {
  const fieldSelectors = arrayField(selector, 'fieldSelectors') ?? [];
  let management = false;
  for (const fieldSelector of fieldSelectors) {
    const field = stringField(fieldSelector, 'field');
    if (field === 'eventCategory') {
      const equals = arrayField(fieldSelector, 'equals') ?? [];
      if (equals.includes('Management')) management = true;
      else return false;
    } else if (field === 'readOnly' || field === 'eventSource') {
      return false;
    }
  }
  return management;
}

/** What a PutEventSelectors takes away from management-event logging, or null when all of it is still logged. */
function selectorNarrowing(requestParameters: unknown): string | null {
  const advanced = arrayField(requestParameters, 'advancedEventSelectors');
  const basic = arrayField(requestParameters, 'eventSelectors');
  const logsAll = advanced !== undefined ? advanced.some(advancedSelectorLogsAllManagement) : basic !== undefined ? basic.some(basicSelectorLogsAllManagement) : true;
  return logsAll ? null : `changed the event selectors of ${trailName(requestParameters)} so it no longer logs every management event`;
}

const always = (action: string | ((requestParameters: unknown) => string)): Describe => (requestParameters) => (typeof action === 'string' ? action : action(requestParameters));

const DESCRIPTIONS_BY_SOURCE: ReadonlyMap<string, ReadonlyMap<string, Describe>> = new Map<string, ReadonlyMap<string, Describe>>([
  [
    'cloudtrail.amazonaws.com',
    new Map<string, Describe>([
      ['StopLogging', always((parameters) => `stopped logging on ${trailName(parameters)}`)],
      ['DeleteTrail', always((parameters) => `deleted ${trailName(parameters)}`)],
      ['UpdateTrail', trailNarrowing],
      ['PutEventSelectors', selectorNarrowing],
      ['PutInsightSelectors', (parameters) => ((arrayField(parameters, 'insightSelectors') ?? [undefined]).length === 0 ? `turned off CloudTrail Insights on ${trailName(parameters)}` : null)],
      ['DeleteEventDataStore', always('deleted a CloudTrail Lake event data store')],
      ['StopEventDataStoreIngestion', always('stopped ingestion into a CloudTrail Lake event data store')],
    ]),
  ],
  [
    'guardduty.amazonaws.com',
    new Map<string, Describe>([
      ['DeleteDetector', always('deleted the GuardDuty detector (GuardDuty is off in this Region)')],
      ['UpdateDetector', (parameters) => (booleanField(parameters, 'enable') === false ? 'suspended the GuardDuty detector' : null)],
      ['DisassociateFromMasterAccount', always('took the account out of its GuardDuty administrator account')],
      ['DisassociateFromAdministratorAccount', always('took the account out of its GuardDuty administrator account')],
    ]),
  ],
  [
    'securityhub.amazonaws.com',
    new Map<string, Describe>([
      ['DisableSecurityHub', always('turned Security Hub off')],
      ['BatchDisableStandards', always('turned off Security Hub standards')],
      ['DisassociateFromMasterAccount', always('took the account out of its Security Hub administrator account')],
      ['DisassociateFromAdministratorAccount', always('took the account out of its Security Hub administrator account')],
    ]),
  ],
  [
    'config.amazonaws.com',
    new Map<string, Describe>([
      ['StopConfigurationRecorder', always('stopped the AWS Config recorder')],
      ['DeleteConfigurationRecorder', always('deleted the AWS Config recorder')],
      ['DeleteDeliveryChannel', always('deleted the AWS Config delivery channel')],
    ]),
  ],
  ['ec2.amazonaws.com', new Map<string, Describe>([['DeleteFlowLogs', always('deleted VPC flow logs')]])],
]);

/** The logging a root call turns off, or null when it turns none off. */
export function findRootLoggingChange(eventSource: string, eventName: string, requestParameters: unknown): RootCallMatch | null {
  const describe = DESCRIPTIONS_BY_SOURCE.get(eventSource)?.get(eventName);
  if (describe === undefined) return null;
  const action = describe(requestParameters);
  return action === null ? null : { kind: 'root-logging-disabled', severity: 'critical', action, rootOnlyTask: false };
}
