/**
 * Expensive work (password hashing) through a bounded, fair queue: at most `concurrency` jobs run
 * at once, so the rest of the server (other users' requests, static files, which share libuv's
 * thread pool with scrypt) keeps its share of the machine; waiting jobs are served one client at
 * a time in turn, so one client with many sockets cannot starve the others; and a client may
 * queue at most `perKey` jobs, the whole queue at most `total`. Past those bounds a job is refused
 * at once with {@link BusyError}.
 */
export class BusyError extends Error {
  override readonly name = 'BusyError';
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface FairQueueLimits {
  concurrency: number;
  perKey: number;
  total: number;
}

export class FairQueue {
  /** Waiting jobs per key; the Map's order is the turn order. */
  readonly #waiting = new Map<string, Job[]>();
  #queued = 0;
  #running = 0;
  readonly #limits: FairQueueLimits;

  constructor(limits: FairQueueLimits) {
    this.#limits = { ...limits, concurrency: Math.max(1, limits.concurrency) };
  }

  /** Jobs waiting (not running). */
  get waiting(): number {
    return this.#queued;
  }

  /** Runs `job` when its turn comes; rejects with BusyError when the key or the queue is full. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const jobs = this.#waiting.get(key) ?? [];
    if (jobs.length >= this.#limits.perKey || this.#queued >= this.#limits.total)
      return Promise.reject(new BusyError('The server is busy: try again in a moment'));
    return new Promise<T>((resolve, reject) => {
      jobs.push({ run: job, resolve: resolve as (value: unknown) => void, reject });
      this.#waiting.set(key, jobs);
      this.#queued++;
      this.#next();
    });
  }

  #next(): void {
    while (this.#running < this.#limits.concurrency) {
      const first = this.#waiting.entries().next();
      if (first.done) return;
      const [key, jobs] = first.value;
      const job = jobs.shift() as Job;
      // This key goes to the back of the line (or leaves it).
      this.#waiting.delete(key);
      if (jobs.length > 0) this.#waiting.set(key, jobs);
      this.#queued--;
      this.#running++;
      void job
        .run()
        .then(job.resolve, job.reject)
        .finally(() => {
          this.#running--;
          this.#next();
        });
    }
  }
}
