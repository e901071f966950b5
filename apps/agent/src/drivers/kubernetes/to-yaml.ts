/**
 * Kubernetes objects as one multi-document YAML text with sorted keys (as `kubectl get -o yaml`
 * prints them), so the same objects always give the same bytes: golden files, diffs in review,
 * and `kubectl apply -f -` all read this form.
 */
import { dumpYaml } from '@kubernetes/client-node';

export function toYaml(objects: readonly object[]): string {
  return objects
    .map((o) => dumpYaml(o, { sortKeys: true, lineWidth: -1, noRefs: true }))
    .join('---\n');
}
