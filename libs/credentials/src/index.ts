export * from './scram-crypto.js';
export * from './secret-hash.js';
export * from './derived-credential.js';
