// Reference builders, so every check cites the benchmarks the same way and links to where the control is defined.
import type { Reference } from '../../model.js';

// CIS publishes the benchmark behind a registration wall; this is its public landing page.
const CIS_AWS_FOUNDATIONS_URL = 'https://www.cisecurity.org/benchmark/amazon_web_services';

/** The CIS versions we cite: v3.0 (what most audits still ask for) and v7.0 (IAM moved to section 2, logging to 4). */
export type CisVersion = '3.0' | '7.0';

export function cisAwsFoundations(version: CisVersion, recommendation: string): Reference {
  return { label: `CIS AWS Foundations v${version} ${recommendation}`, url: CIS_AWS_FOUNDATIONS_URL };
}

/** A Security Hub CSPM control, e.g. "IAM.9": linked to its entry in the control reference ("iam-controls.html#iam-9"). */
export function securityHubControl(controlId: string): Reference {
  const [service, number] = controlId.split('.');
  if (!service || !number) throw new Error(`not a Security Hub control id: ${controlId}`);
  const page = `${service.toLowerCase()}-controls`;
  return {
    label: `AWS Security Hub ${controlId}`,
    url: `https://docs.aws.amazon.com/securityhub/latest/userguide/${page}.html#${service.toLowerCase()}-${number}`,
  };
}

/** An AWS documentation page that defines the expectation when no benchmark does. */
export function awsDocumentation(title: string, url: string): Reference {
  return { label: `AWS documentation: ${title}`, url };
}
