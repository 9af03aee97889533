// IAM operations of the fake (AWS Query protocol, version 2010-05-08). Each returns the fields of its
// <OperationResult> element or throws an AwsErrorReply with the code and status IAM uses.
// Shapes: IAM API Reference (API_GetAccountSummary, API_ListVirtualMFADevices, API_GenerateCredentialReport,
// API_GetCredentialReport, API_GetAccountPasswordPolicy, API_ListAccountAliases, API_ListOrganizationsFeatures).
import { credentialReportCsv } from './credential-report-csv.js';
import { AwsErrorReply } from './errors.js';
import type { FakeAwsState } from './state.js';
import { XmlMap, type XmlValue } from './xml.js';

export interface QueryContext {
  state: FakeAwsState;
  params: Record<string, string>;
  now: Date;
}

type QueryHandler = (context: QueryContext) => { [name: string]: XmlValue } | null;

/** IAM reuses a report younger than this instead of starting a new one (IAM User Guide, credential reports). */
const REPORT_REUSE_MS = 4 * 60 * 60 * 1000;

function page<T>(items: T[], params: Record<string, string>): { items: T[]; marker: string | undefined } {
  const start = params.Marker ? Number(Buffer.from(params.Marker, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsErrorReply('InvalidInput', 'Invalid Marker.', 400);
  const maxItems = params.MaxItems ? Number(params.MaxItems) : 100;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) throw new AwsErrorReply('InvalidInput', "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", 400);
  const end = start + maxItems;
  return { items: items.slice(start, end), marker: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
}

export const iamOperations: Record<string, QueryHandler> = {
  GetAccountSummary: ({ state }) => ({ SummaryMap: new XmlMap(state.accountSummary) }),

  ListAccountAliases: ({ state, params }) => {
    const { items, marker } = page(state.accountAliases, params);
    return { AccountAliases: items, IsTruncated: marker !== undefined, Marker: marker };
  },

  ListVirtualMFADevices: ({ state, params }) => {
    const status = params.AssignmentStatus ?? 'Any';
    if (!['Assigned', 'Unassigned', 'Any'].includes(status)) {
      throw new AwsErrorReply('ValidationError', `1 validation error detected: Value '${status}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]`, 400);
    }
    const matching = state.virtualMfaDevices.filter((device) => status === 'Any' || (status === 'Assigned') === (device.user !== null));
    const { items, marker } = page(matching, params);
    return {
      VirtualMFADevices: items.map((device) => ({
        SerialNumber: device.serialNumber,
        User: device.user ? { Path: '/', UserName: device.user.userName, UserId: device.user.userId, Arn: device.user.arn, CreateDate: device.user.createDate } : undefined,
        EnableDate: device.enableDate ?? undefined,
      })),
      IsTruncated: marker !== undefined,
      Marker: marker,
    };
  },

  GenerateCredentialReport: ({ state, now }) => {
    const report = state.credentialReport;
    if (report.pendingPolls !== null) return { State: 'INPROGRESS', Description: 'Report generation in progress' };
    if (report.generatedAt && !report.expired && now.getTime() - report.generatedAt.getTime() < REPORT_REUSE_MS) return { State: 'COMPLETE' };
    const hadReport = report.generatedAt !== null;
    report.pendingPolls = report.inProgressPolls;
    if (report.pendingPolls === 0) completeReport(state, now);
    return { State: 'STARTED', Description: hadReport ? 'Starting a new report generation task' : 'No report exists. Starting a new report generation task' };
  },

  GetCredentialReport: ({ state, now }) => {
    const report = state.credentialReport;
    if (report.pendingPolls !== null && report.pendingPolls > 0) {
      report.pendingPolls -= 1;
      if (report.pendingPolls === 0) completeReport(state, now);
      throw new AwsErrorReply('ReportInProgress', 'Report generation in progress', 404);
    }
    if (!report.generatedAt) throw new AwsErrorReply('ReportNotPresent', 'Credential report not present', 410);
    if (report.expired) throw new AwsErrorReply('ReportExpired', 'Credential report has expired. Please generate a new report.', 410);
    return {
      Content: Buffer.from(credentialReportCsv(report.rows), 'utf8').toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: report.generatedAt,
    };
  },

  GetAccountPasswordPolicy: ({ state }) => {
    if (!state.passwordPolicy) throw new AwsErrorReply('NoSuchEntity', `The Password Policy with domain name ${state.accountId} cannot be found.`, 404);
    return { PasswordPolicy: { ...state.passwordPolicy } };
  },

  ListOrganizationsFeatures: ({ state }) => {
    const features = state.organizationsFeatures;
    if ('error' in features) throw organizationsError(features.error);
    return { OrganizationId: features.organizationId, EnabledFeatures: features.enabledFeatures };
  },
};

function completeReport(state: FakeAwsState, now: Date): void {
  state.credentialReport.pendingPolls = null;
  state.credentialReport.generatedAt = now;
  state.credentialReport.expired = false;
}

// IAM sends these four without the awsQueryError trait, so the wire code is the full shape name.
function organizationsError(code: string): AwsErrorReply {
  const messages: Record<string, string> = {
    OrganizationNotFoundException: 'The request was rejected because no organization is associated with your account.',
    AccountNotManagementOrDelegatedAdministratorException:
      'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.',
    ServiceAccessNotEnabledException: 'The request was rejected because trusted access is not enabled for IAM in AWS Organizations.',
    OrganizationNotInAllFeaturesModeException: 'The request was rejected because your organization does not have All features enabled.',
  };
  return new AwsErrorReply(code, messages[code] ?? code, 400);
}
