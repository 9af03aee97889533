// A user agent as a responder reads it: "Firefox on macOS", "AWS CLI", "Boto3 (Python SDK)". Pure.

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/Linux/, 'Linux'],
];
const TOOLS: Array<[RegExp, string]> = [
  [/^aws-cli\//, 'AWS CLI'],
  [/Boto3\//, 'Boto3 (Python SDK)'],
  [/aws-sdk-js|aws-sdk-nodejs|@aws-sdk/, 'AWS SDK for JavaScript'],
  [/aws-sdk-go/, 'AWS SDK for Go'],
  [/aws-sdk-java/, 'AWS SDK for Java'],
  [/Terraform|terraform-provider-aws/, 'Terraform'],
  [/CloudShell/i, 'AWS CloudShell'],
  [/^signin\.amazonaws\.com$/, 'AWS sign-in'],
  [/^AWS Internal$/, 'AWS internal'],
];

export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'unknown client';
  for (const [pattern, name] of TOOLS) if (pattern.test(userAgent)) return name;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}
