/**
 * The broker's TLS key material: the PEM key store (and trust store, for client
 * certificates), loaded at start-up and reloaded when the files change. A reload is checked
 * (key matches certificate, password right) before it replaces the current material;
 * listeners then swap it into their servers with setSecureContext, so new connections get
 * the new certificate while established ones keep theirs. A broken or half-written file is
 * logged and ignored until it changes again.
 *
 * Files are polled (fs.watchFile) rather than watched by inode: Kubernetes updates mounted
 * secrets by swapping a symlink, and editors replace files by renaming; polling the path
 * sees both.
 */
import { X509Certificate } from 'node:crypto';
import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import type { Logger } from '../../logger.js';
import { parsePemKeyStore, parsePemTrustStore } from './pem.js';
import type { TlsSettings } from './tls-settings.js';

const POLL_INTERVAL_MS = 500;
/** A client that connects but never finishes the TLS handshake is dropped after this. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

interface Loaded {
  options: SecureContextOptions;
  /** File contents the options came from, to skip reloads that change nothing. */
  source: string;
  fingerprint: string;
}

export class TlsMaterial {
  private readonly listeners = new Set<(options: SecureContextOptions) => void>();
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly files: string[];
  private readonly onFileChange = (curr: Stats): void => {
    if (curr.mtimeMs !== 0) this.scheduleReload();
  };

  private constructor(
    private readonly settings: TlsSettings,
    private loaded: Loaded,
    private readonly log: Logger,
  ) {
    this.files = [settings.keystoreLocation, settings.truststoreLocation].filter(
      (f): f is string => f !== null,
    );
    for (const f of this.files) {
      watchFile(f, { interval: POLL_INTERVAL_MS, persistent: false }, this.onFileChange);
    }
  }

  /** Loads and checks the key material; throws with the reason when it is unusable. */
  static async load(settings: TlsSettings, log: Logger): Promise<TlsMaterial> {
    const loaded = await read(settings);
    log.info(`TLS certificate ${loaded.fingerprint} from ${settings.keystoreLocation}`);
    return new TlsMaterial(settings, loaded, log);
  }

  /** Options for tls.createServer: the current key material plus client-certificate policy. */
  serverOptions(): TlsOptions {
    return {
      ...this.loaded.options,
      requestCert: this.settings.clientAuth !== 'none',
      rejectUnauthorized: this.settings.clientAuth === 'required',
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    };
  }

  get clientAuth(): TlsSettings['clientAuth'] {
    return this.settings.clientAuth;
  }

  /** SHA-256 fingerprint of the certificate currently served. */
  get fingerprint(): string {
    return this.loaded.fingerprint;
  }

  /** Called with the new secure-context options after each successful reload. */
  onReload(listener: (options: SecureContextOptions) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the files now (also what the file watcher triggers). */
  reload(): Promise<void> {
    this.scheduleReload();
    return this.reloading ?? Promise.resolve();
  }

  close(): void {
    for (const f of this.files) unwatchFile(f, this.onFileChange);
    this.listeners.clear();
  }

  private scheduleReload(): void {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = this.reloadOnce().finally(() => {
      this.reloading = null;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        this.scheduleReload();
      }
    });
  }

  private async reloadOnce(): Promise<void> {
    let next: Loaded;
    try {
      next = await read(this.settings);
    } catch (err) {
      this.log.warn(
        `TLS reload failed, still serving ${this.loaded.fingerprint}: ${(err as Error).message}`,
      );
      return;
    }
    if (next.source === this.loaded.source) return;
    this.loaded = next;
    this.log.info(`TLS certificate reloaded: now serving ${next.fingerprint}`);
    for (const l of this.listeners) l(next.options);
  }
}

async function read(settings: TlsSettings): Promise<Loaded> {
  const keystoreText = await readFile(settings.keystoreLocation, 'utf8');
  const keystore = parsePemKeyStore(keystoreText, settings.keystoreLocation);
  const options: SecureContextOptions = {
    key: keystore.key,
    cert: keystore.chain.join(''),
    ...(settings.keyPassword !== null ? { passphrase: settings.keyPassword } : {}),
  };
  let source = keystoreText;
  if (settings.truststoreLocation !== null) {
    const trustText = await readFile(settings.truststoreLocation, 'utf8');
    options.ca = parsePemTrustStore(trustText, settings.truststoreLocation);
    source += `\0${trustText}`;
  }
  try {
    createSecureContext(options);
  } catch (err) {
    throw new Error(`${settings.keystoreLocation}: ${(err as Error).message}`);
  }
  return { options, source, fingerprint: new X509Certificate(keystore.chain[0]).fingerprint256 };
}
