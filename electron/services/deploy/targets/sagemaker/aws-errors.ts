// AWS errors as a person reads them: which call failed, AWS's own error code and message, and
// what to do about it. Every message passes through the target's SecretRedactor.
import { CairnError, type ErrorCode } from '../../../../../shared/errors';
import type { SecretRedactor } from '../../cloud/secret-redactor';

/** The shape of an error thrown by the AWS SDK for JavaScript v3. */
interface AwsSdkError {
  readonly name?: string;
  readonly Code?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
]);

/** The AWS error code of an SDK error (its name, or the Code the service sent). */
export function awsErrorCode(error: unknown): string {
  const e = error as AwsSdkError;
  return e?.Code ?? e?.name ?? e?.code ?? 'Error';
}

/** Whether the error says the credentials were refused or missing. */
export function isCredentialError(error: unknown): boolean {
  return CREDENTIAL_CODES.has(awsErrorCode(error)) || /could not load credentials/i.test(String((error as AwsSdkError)?.message));
}

/** Whether the error says access was denied (a missing permission). */
export function isAccessDenied(error: unknown): boolean {
  return /^AccessDenied/.test(awsErrorCode(error)) || (error as AwsSdkError)?.$metadata?.httpStatusCode === 403 && !isCredentialError(error);
}

/** Whether the resource a call names does not exist. */
export function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (['NoSuchBucket', 'NotFound', 'NoSuchKey', 'ResourceNotFound'].includes(code)) return true;
  return code === 'ValidationException' && /could not find|does not exist|not found/i.test(String((error as AwsSdkError)?.message));
}

/** What to tell a person about an AWS error, by its code. */
function advice(code: string, error: AwsSdkError, permission: string): string {
  if (CREDENTIAL_CODES.has(code) || /could not load credentials/i.test(String(error.message))) {
    return 'AWS refused the credentials: check the access key kept in the keychain (the target\'s settings), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the aws_profile named, and that it has not expired.';
  }
  if (/^AccessDenied/.test(code) || error.$metadata?.httpStatusCode === 403) {
    return `The credentials lack the permission ${permission}: grant it to the IAM user or role Cairn deploys with.`;
  }
  switch (code) {
    case 'NoSuchBucket':
      return 'The bucket does not exist: create it in the same region, or set bucket to one that exists.';
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
      return 'The bucket is in another region: set region_name to the bucket\'s region, or use a bucket in this one.';
    case 'ThrottlingException':
    case 'Throttling':
    case 'SlowDown':
    case 'TooManyRequestsException':
      return 'AWS went on throttling the requests after Cairn retried with backoff: try again in a minute.';
    case 'ResourceLimitExceeded':
      return "The account's quota is used up (endpoints or instances of this instance_type): delete unused endpoints, ask AWS for a higher quota, or choose another instance_type.";
    case 'ResourceInUse':
      return 'Another change to the same resource is under way: wait for it to finish and try again.';
    case 'ValidationException':
      return 'SageMaker refused the request as invalid: check the setting its message names.';
    case 'TimeoutError':
    case 'RequestTimeout':
      return 'No answer in time: check the network and region_name, and try again.';
    default:
      return 'See the message above; the AWS documentation of the error code says more.';
  }
}

/** The CairnError for a failed AWS call: `<what failed>: <Code> (HTTP <status>): <message>. <what to do>` with secrets removed. */
export function awsFailure(what: string, error: unknown, redactor: SecretRedactor, permission = 'that this call needs'): CairnError {
  if (error instanceof CairnError) return new CairnError(error.code, redactor.redact(error.message));
  const e = (error ?? {}) as AwsSdkError;
  const code = awsErrorCode(e);
  const status = e.$metadata?.httpStatusCode;
  // AWS's messages mostly end with a full stop: dropped, as the sentence below adds one.
  const message = e.message && e.message !== 'UnknownError' ? e.message.replace(/\.\s*$/, '') : '(no message)';
  const retried = (e.$metadata?.attempts ?? 1) > 1 ? ` after ${e.$metadata!.attempts} attempts` : '';
  const cairnCode: ErrorCode = CREDENTIAL_CODES.has(code)
    ? 'UNAUTHENTICATED'
    : /^AccessDenied/.test(code)
      ? 'PERMISSION_DENIED'
      : code === 'ThrottlingException'
        ? 'REQUEST_LIMIT_EXCEEDED'
        : 'INVALID_STATE';
  return new CairnError(
    cairnCode,
    redactor.redact(`${what} failed${retried}: ${code}${status ? ` (HTTP ${status})` : ''}: ${message}. ${advice(code, e, permission)}`),
  );
}
