// A CloudTrail userAgent as a responder reads it: "Firefox on macOS", "AWS CLI 2.17.20 (s3api delete-bucket-policy)",
// "Boto3 1.35.49 (Python SDK)", "AWS service (autoscaling.amazonaws.com)". Pure; the raw value stays in the alert too.

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
// Order matters: iPhone user agents say "like Mac OS X", Android ones say "Linux".
const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux|X11/, 'Linux'],
];
const SDKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Boto3\/([\d.]+)/, 'Boto3 $1 (Python SDK)'],
  [/^Botocore\/([\d.]+)/, 'Botocore $1 (Python SDK)'],
  [/^aws-sdk-js\/([\d.]+)/, 'AWS SDK for JavaScript $1'],
  [/^aws-sdk-nodejs\/([\d.]+)/, 'AWS SDK for JavaScript $1'],
  [/^aws-sdk-go-v2\/([\d.]+)/, 'AWS SDK for Go v2 $1'],
  [/^aws-sdk-go\/([\d.]+)/, 'AWS SDK for Go $1'],
  [/^aws-sdk-java\/([\d.]+)/, 'AWS SDK for Java $1'],
  [/^aws-sdk-dotnet[\w-]*\/([\d.]+)/, 'AWS SDK for .NET $1'],
  [/^aws-sdk-ruby\d?\/([\d.]+)/, 'AWS SDK for Ruby $1'],
  [/^aws-sdk-php\/([\d.]+)/, 'AWS SDK for PHP $1'],
  [/^aws-sdk-rust\/([\d.]+)/, 'AWS SDK for Rust $1'],
  [/^aws-sdk-cpp\/([\d.]+)/, 'AWS SDK for C++ $1'],
  [/^aws-powershell\/([\d.]+)|^AWSPowerShell\/([\d.]+)/, 'AWS Tools for PowerShell'],
];
const CONSOLE_AGENTS = /^(?:console\.amazonaws\.com|console\.aws\.amazon\.com|AWS Console|S3Console\/[\d.]+)/;

/** "[aws-cli/2.17.20 …]": CloudTrail wraps some user agents in brackets. */
function unwrap(userAgent: string): string {
  const trimmed = userAgent.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1).trim() : trimmed;
}

function awsCli(userAgent: string): string | null {
  const match = /^aws-cli\/([\d.]+)/.exec(userAgent);
  if (!match) return null;
  // AWS CLI v2 names the command it ran: "md/command#s3api.delete-bucket-policy" (older: "command/iam.create-role");
  // botocore adds "exec-env/CloudShell" inside CloudShell.
  const command = /(?:\bmd\/command#|(?:^|\s)command\/)([\w-]+)\.([\w-]+)/.exec(userAgent);
  const inCloudShell = /\bexec-env\/CloudShell\b/.test(userAgent);
  return `AWS CLI ${match[1]}${command ? ` (${command[1]} ${command[2]})` : ''}${inCloudShell ? ' in CloudShell' : ''}`;
}

export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent?.trim()) return 'unknown client';
  const agent = unwrap(userAgent);
  const cli = awsCli(agent);
  if (cli) return cli;
  if (/\bTerraform\/|terraform-provider-aws\//.test(agent)) return 'Terraform';
  if (/\bPulumi\b/i.test(agent)) return 'Pulumi';
  for (const [pattern, name] of SDKS) {
    const match = pattern.exec(agent);
    if (match) return name.replace('$1', match[1] ?? match[2] ?? '').trim();
  }
  if (agent === 'signin.amazonaws.com') return 'AWS sign-in';
  if (CONSOLE_AGENTS.test(agent)) return 'AWS console';
  if (/^AWS Internal$|^Coral\//.test(agent)) return 'AWS internal';
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(agent)) return `AWS service (${agent})`;
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  return agent.length > 60 ? `${agent.slice(0, 59)}…` : agent;
}
