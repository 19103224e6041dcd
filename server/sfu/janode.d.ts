// The part of janode's API (npm `janode`, JavaScript without declarations) this server uses.
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface JanodeSession extends EventEmitter {
    attach<H>(plugin: { id: string; Handle: new (...args: never[]) => H }): Promise<H>;
    destroy(): Promise<void>;
  }
  export interface JanodeConnection extends EventEmitter {
    create(ka_interval?: number): Promise<JanodeSession>;
    close(): Promise<void>;
  }
  const Janode: {
    connect(config: {
      is_admin?: boolean;
      address: { url: string; apisecret?: string } | Array<{ url: string; apisecret?: string }>;
      retry_time_secs?: number;
      max_retries?: number;
    }): Promise<JanodeConnection>;
    EVENT: Record<string, string>;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): void };
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  import type { EventEmitter } from 'node:events';

  export interface VideoRoomHandle extends EventEmitter {
    create(options: {
      room?: number;
      description?: string;
      max_publishers?: number;
      permanent?: boolean;
      is_private?: boolean;
      secret?: string;
      pin?: string;
      admin_key?: string;
      bitrate?: number;
    }): Promise<{ room: number; permanent: boolean }>;
    destroy(options: { room: number; secret?: string; permanent?: boolean }): Promise<{
      room: number;
    }>;
    exists(options: { room: number }): Promise<{ room: number; exists: boolean }>;
    detach(): Promise<void>;
  }
  const VideoRoomPlugin: {
    id: string;
    Handle: new (...args: never[]) => VideoRoomHandle;
    EVENT: Record<string, string>;
  };
  export default VideoRoomPlugin;
}
