import type { ApicTree } from './tree';
import type { UserCert } from './certs';

export interface LabUser {
  name: string;
  /** Password for aaaLogin (stored write-only, as APIC does: queries never return it). */
  password?: string;
  /** Grants `userdomain-all/role-admin` with write privilege, which config writes require. */
  admin?: boolean;
  /** A certificate for signature-based auth, stored as `aaaUserCert` at `cert.certDn`. */
  cert?: UserCert;
}

/** Creates or updates a local user in the tree — the lab equivalent of NKT's Ansible `apic_user` role. */
export function addLabUser(tree: ApicTree, user: LabUser): void {
  const userDn = `uni/userext/user-${user.name}`;
  tree.load([
    {
      aaaUser: {
        attributes: {
          dn: userDn,
          name: user.name,
          accountStatus: 'active',
          ...(user.password !== undefined ? { pwd: user.password } : {}),
        },
        children: [
          ...(user.admin
            ? [
                {
                  aaaUserDomain: {
                    attributes: { rn: 'userdomain-all', name: 'all' },
                    children: [{ aaaUserRole: { attributes: { rn: 'role-admin', name: 'admin', privType: 'writePriv' } } }],
                  },
                },
              ]
            : []),
          ...(user.cert
            ? [
                {
                  aaaUserCert: {
                    attributes: { dn: user.cert.certDn, name: user.cert.certDn.split('/usercert-')[1] ?? '', data: user.cert.certPem },
                  },
                },
              ]
            : []),
        ],
      },
    },
  ]);
}
