import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { fieldError } from '../../lib/errors';
import { describeKubeError, isNotFound } from '../../lib/kubeErrors';

/** Reads a node, or says which input names a node that is not there. */
export async function readNode(core: CoreV1Api, name: string, field = 'node'): Promise<V1Node> {
  try {
    return await core.readNode({ name });
  } catch (e) {
    if (isNotFound(e)) {
      throw fieldError(field, `no node "${name}" in the cluster`, 'Give a name from kubectl get nodes');
    }
    throw new Error(describeKubeError(`reading node ${name}`, e));
  }
}

/**
 * Sets spec.unschedulable as kubectl cordon/uncordon do, guarded by the
 * resourceVersion read (a concurrent change is a conflict, not overwritten).
 */
export async function setUnschedulable(core: CoreV1Api, node: V1Node, unschedulable: boolean): Promise<V1Node> {
  const name = node.metadata!.name!;
  try {
    return await core.patchNode(
      {
        name,
        body: { metadata: { resourceVersion: node.metadata!.resourceVersion }, spec: { unschedulable: unschedulable ? true : null } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (e) {
    throw new Error(describeKubeError(`${unschedulable ? 'cordoning' : 'uncordoning'} node ${name}`, e));
  }
}
