/**
 * The few Kubernetes API calls the driver makes, over @kubernetes/client-node's generic object
 * client: server-side apply, read, list by label, delete (a missing object is already
 * deleted), and merge patch. One place that knows how "not found" looks.
 */
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from './names.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string } } {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}

export class KubeObjects {
  private readonly api: KubernetesObjectApi;

  constructor(kubeConfig: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  /** Server-side apply: creates or updates, and owns exactly the fields it sends. */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    return this.api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  /** JSON merge patch of part of an object (`patch` holds apiVersion, kind and metadata). */
  async mergePatch<T extends KubernetesObject>(patch: T): Promise<T> {
    return this.api.patch(
      patch,
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /** The object, or null when it does not exist. */
  async read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | null> {
    try {
      return (await this.api.read(header(ref))) as T;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector: string,
  ): Promise<T[]> {
    const out: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.api.list<T>(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
        500,
        continueToken,
      );
      out.push(...page.items);
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return out;
  }

  /** Deletes; false when it was already gone. */
  async delete(
    ref: ObjectRef,
    propagationPolicy?: 'Background' | 'Foreground' | 'Orphan',
  ): Promise<boolean> {
    try {
      await this.api.delete(
        header(ref),
        undefined,
        undefined,
        undefined,
        undefined,
        propagationPolicy,
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
