import { startLab } from './lib/lab';
import { kubectlFor } from './tests/support/kubectl';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/fid-k-');
const lab = await startLab({ labDir: dir + '/lab' });
const k = kubectlFor(dir + '/lab/kubeconfig', dir);
for (const args of [['explain','pods.spec.containers'],['explain','deployment.spec.replicas'],['explain','bgppeers.spec'],['get','all','-n','kube-system'],['create','-f','-']]) {
  try { console.log('$ kubectl', args.join(' ')); console.log((await k(...args)).slice(0, 1500)); } catch (e) { console.log('ERR', (e as Error).message.slice(0, 1500)); }
}
await lab.stop();
