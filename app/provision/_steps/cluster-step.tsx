'use client';

import { getAt } from '../_lib/draft';
import { Field, useForm } from '../_lib/field';

/** Step 3: the cluster's name, version, CNI, AS and subnets; what is left empty is derived as `akb plan` derives it. */
export function ClusterStep() {
  const form = useForm();
  const full = getAt(form.draft, 'mode') !== 'aci-only';
  return (
    <div className="grid max-w-4xl grid-cols-2 gap-3">
      <Field path="mode" />
      <Field path="cluster.name" />
      <Field path="cluster.kubernetesVersion" placeholder="1.31.4" />
      <Field path="cluster.cni" />
      <Field path="cluster.asn" />
      {!full && <Field path="cluster.kubeconfig" placeholder="file:/path/to/kubeconfig" />}
      <Field path="cluster.podSubnet.ipv4" />
      <Field path="cluster.serviceSubnet.ipv4" />
      <Field path="cluster.externalServiceSubnet.ipv4" />
      {full && <Field path="cluster.controlPlane.vip" />}
      <Field path="cluster.dns.servers" kind="list" />
    </div>
  );
}
