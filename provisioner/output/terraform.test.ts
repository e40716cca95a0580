import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../plan/index';
import { resolvedOf, workedExampleDoc } from '../test-support/fixtures';
import { hclString, renderTerraform } from './terraform';

interface RestManaged {
  dn: string;
  class_name: string;
  content: Record<string, string>;
  depends_on?: string[];
}

describe('Terraform output', () => {
  const aci = buildPlan(resolvedOf(workedExampleDoc())).aci;
  const tf = renderTerraform(aci);

  it('parses with an independent HCL2 parser and has one aci_rest_managed per object', async () => {
    const json = (await parse('main.tf', tf)) as {
      resource: { aci_rest_managed: Record<string, RestManaged[]> };
      provider: { aci: unknown[] };
      variable: Record<string, unknown>;
    };
    const resources = Object.values(json.resource.aci_rest_managed).map((r) => r[0]!);
    expect(resources).toHaveLength(aci.objects.length);
    expect(resources.map((r) => r.dn).sort()).toEqual(aci.objects.map((o) => o.dn).sort());
    expect(json.provider.aci).toHaveLength(1);
    expect(Object.keys(json.variable).sort()).toEqual(['apic_password', 'apic_url', 'apic_username', 'bgp_password']);
    const svi = resources.find((r) => r.class_name === 'l3extVirtualLIfP');
    expect(svi?.content).toMatchObject({ addr: '192.168.35.201/24', encap: 'vlan-12' });
  });

  it('takes the BGP password from a sensitive variable, never as a value', async () => {
    expect(tf).toContain('password = var.bgp_password');
    expect(tf).not.toContain('akb.secret');
    expect(tf).toMatch(/variable "bgp_password" \{\n {2}type {6}= string\n {2}sensitive = true/);
  });

  it('escapes HCL template sequences in strings', async () => {
    expect(hclString('a${b}%{c}"')).toBe('"a$${b}%%{c}\\""');
    const json = (await parse('t.tf', `locals {\n  x = ${hclString('a${b}')}\n}\n`)) as { locals: Array<{ x: string }> };
    expect(json.locals[0]?.x).toBe('a$${b}');
  });
});
