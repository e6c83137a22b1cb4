import type { SeededRandom } from '../random';

/** What a message family may use for its variable parts; `rng` is keyed by the event. */
export type MessageContext = {
  rng: SeededRandom;
  service: string;
  /** The release version, e.g. 2.14.3. */
  release: string;
  image: string;
  host: string;
  stage: string;
  /** Epoch ms of the failed attempt. */
  at: number;
};

/**
 * One failure cause's error text: a template with parts that vary per event, its own wording
 * (different causes read like different errors), an error code, and the stages it belongs on.
 * `flaky` marks errors that read like passing trouble (timeouts, resets), which the world prefers
 * for transient causes; the others it prefers for persistent and cohort ones.
 */
export type MessageFamily = {
  id: string;
  code: string;
  /** Stage keys of the default chain; '*' for any stage. */
  stages: readonly string[] | '*';
  flaky: boolean;
  build: (c: MessageContext) => string;
};

export const port = (r: SeededRandom): number => r.pick([8080, 8081, 8443, 9000, 9091, 7070]);
export const ipPort = (r: SeededRandom, p?: number): string => `${r.ip()}:${p ?? port(r)}`;
export const dcOf = (r: SeededRandom): string => `dc${r.int(1, 5)}`;
export const upper = (r: SeededRandom, n: number): string => r.hex(n).toUpperCase();
export const isoAgo = (c: MessageContext, maxSeconds: number): string => new Date(c.at - c.rng.int(5, maxSeconds) * 1000).toISOString();
/** The first word of a service name, used as its team or project. */
export const projectOf = (service: string): string => service.split('-')[0] ?? service;
