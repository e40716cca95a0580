import type { AciPlan } from '../plan/aci/index';
import { secretPlaceholder } from '../plan/secrets';

/**
 * The ACI part of the plan as Terraform for the CiscoDevNet/aci provider, one `aci_rest_managed`
 * resource per object: a 1:1 image of the APIC payloads (typed resources do not cover every class and
 * attribute used here, e.g. the floating SVI's secondary address and route-map contexts, under one name).
 * Secrets are sensitive variables, never values.
 */
export const ACI_PROVIDER_VERSION = '~> 2.15';

/** An HCL quoted string: JSON escaping plus HCL's template escapes for "${" and "%{". */
export function hclString(s: string): string {
  return JSON.stringify(s)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

const BGP_PASSWORD = secretPlaceholder('bgp-password');

export function renderTerraform(aci: AciPlan): string {
  const names = new Map<string, string>();
  const counters = new Map<string, number>();
  const needsBgpPassword = aci.objects.some((o) => o.attrs.password === BGP_PASSWORD);
  const blocks: string[] = [
    [
      'terraform {',
      '  required_providers {',
      '    aci = {',
      '      source  = "CiscoDevNet/aci"',
      `      version = ${hclString(ACI_PROVIDER_VERSION)}`,
      '    }',
      '  }',
      '}',
    ].join('\n'),
    'variable "apic_url" {\n  type = string\n}',
    'variable "apic_username" {\n  type = string\n}',
    'variable "apic_password" {\n  type      = string\n  sensitive = true\n}',
    ...(needsBgpPassword ? ['variable "bgp_password" {\n  type      = string\n  sensitive = true\n}'] : []),
    // TLS verification stays on (the previous tool set insecure = true everywhere).
    'provider "aci" {\n  url      = var.apic_url\n  username = var.apic_username\n  password = var.apic_password\n}',
  ];
  for (const o of aci.objects) {
    const n = counters.get(o.cls) ?? 0;
    counters.set(o.cls, n + 1);
    const name = `${o.cls}_${n}`;
    names.set(o.dn, name);
    const content = Object.entries(o.attrs).map(([k, v]) => `    ${k} = ${v === BGP_PASSWORD ? 'var.bgp_password' : hclString(v)}`);
    const parent = names.get(o.parentDn);
    blocks.push(
      [
        `resource "aci_rest_managed" "${name}" {`,
        `  dn         = ${hclString(o.dn)}`,
        `  class_name = ${hclString(o.cls)}`,
        '  content = {',
        ...content,
        '  }',
        ...(parent !== undefined ? [`  depends_on = [aci_rest_managed.${parent}]`] : []),
        '}',
      ].join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}
