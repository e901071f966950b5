/** Injection tokens for what the app is built from (explicit @Inject everywhere: the bundler
 * does not emit decorator metadata, so nothing relies on it). */
export const DB = Symbol('Db');
export const CONFIG = Symbol('ControlPlaneConfig');
export const REDIS = Symbol('Redis');
export const QUEUES = Symbol('Queues');
export const CLOCK = Symbol('Clock');
