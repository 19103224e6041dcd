import { ErrorCode, RtcError, type FileTransferInfo } from '../../engine/index.js';
import { fire } from '../events/events.js';

/**
 * Fires `rtc-error` from an element for a failure, and returns it as an `RtcError` for the caller
 * to throw (an error that is not one yet gets `code`, INVALID_STATE when left out). The detail's
 * `code` and `message` are the error's; `transfer` names the file transfer of a file-transfer error.
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
