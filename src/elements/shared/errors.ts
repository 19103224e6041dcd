import { ErrorCode, RtcError, type FileTransferInfo } from '../../engine/index.js';
import { fire } from '../events/events.js';

/**
 * Fires `rtc-error` from an element for a failure, and returns it as an `RtcError` (with `code`
 * when it is not one yet) for the caller to throw. The detail's `code` and `message` are the
 * error's; `transfer` names the file transfer that failed, for file-transfer errors.
 */
export function fireError(
  target: EventTarget,
  error: unknown,
  code: ErrorCode = ErrorCode.INVALID_STATE,
  transfer?: FileTransferInfo,
): RtcError {
  const rtcError = RtcError.from(error, code);
  fire(target, 'rtc-error', {
    code: rtcError.code,
    message: rtcError.message,
    error: rtcError,
    ...(transfer ? { transfer } : {}),
  });
  return rtcError;
}
