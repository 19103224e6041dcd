import { createContext } from '@lit/context';
import type { RoomConnection } from '../engine/index.js';

/** The room connection an `<rtc-room>` provides to the elements inside it (or that name it with `room=`). */
export const roomContext = createContext<RoomConnection | undefined>(Symbol('rtc-room-connection'));
