import { ErrorCode, RtcError } from '../errors.js';

export interface Device {
  deviceId: string;
  /** Empty until the page has media permission. */
  label: string;
  groupId: string;
}

export interface DeviceList {
  cameras: Device[];
  microphones: Device[];
  speakers: Device[];
}

/** The page's cameras, microphones and speakers (default devices first, as the browser lists them). */
export async function listDevices(): Promise<DeviceList> {
  const devices = (globalThis.navigator as Navigator | undefined)?.mediaDevices;
  if (!devices?.enumerateDevices)
    throw new RtcError(ErrorCode.UNSUPPORTED, 'Listing devices is not supported here');
  const list = await devices.enumerateDevices();
  const pick = (kind: MediaDeviceKind): Device[] =>
    list
      .filter((d) => d.kind === kind)
      .map(({ deviceId, label, groupId }) => ({ deviceId, label, groupId }));
  return {
    cameras: pick('videoinput'),
    microphones: pick('audioinput'),
    speakers: pick('audiooutput'),
  };
}
