// The registry: every posture check, in the order a report lists equal findings. Adding a check = one file + one line here.
import type { Check } from '../model.js';
import { cloudtrailMultiRegion } from './cloudtrail-multi-region.js';
import { passwordPolicy } from './password-policy.js';
import { rootCredentialsCentralized } from './root-credentials-centralized.js';
import { rootHardwareMfa } from './root-hardware-mfa.js';
import { rootMfaEnabled } from './root-mfa-enabled.js';
import { rootNoAccessKeys } from './root-no-access-keys.js';
import { rootNoSigningCertificates } from './root-no-signing-certificates.js';
import { rootNotUsedRecently } from './root-not-used-recently.js';
import { securityContact } from './security-contact.js';

export const POSTURE_CHECKS: readonly Check[] = Object.freeze([
  rootMfaEnabled,
  rootHardwareMfa,
  rootNoAccessKeys,
  rootNoSigningCertificates,
  rootNotUsedRecently,
  passwordPolicy,
  cloudtrailMultiRegion,
  securityContact,
  rootCredentialsCentralized,
]);
