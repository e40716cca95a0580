'use client';

import { Field } from '../_lib/field';

const yesNo = [
  { value: 'true', label: 'yes' },
  { value: 'false', label: 'no' },
];

/** Step 5: akb itself in the cluster, and the add-ons. */
export function AddonsStep() {
  return (
    <div className="grid max-w-3xl grid-cols-2 gap-3">
      <BoolField path="cluster.visualiser.enabled" />
      <Field path="cluster.visualiser.image" />
      <Field path="cluster.visualiser.ingressHost" />
      <BoolField path="cluster.addons.ingressNginx" />
      <BoolField path="cluster.addons.metricsServer" />
    </div>
  );
}

function BoolField({ path }: { path: string }) {
  return <Field path={path} options={yesNo} />;
}
