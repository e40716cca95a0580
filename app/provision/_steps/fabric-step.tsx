'use client';

import { useState } from 'react';
import type { FabricDiscovery } from '../../../lib/live/shared/provision';
import { WIZARD_APIC_PASSWORD_REF } from '../../../lib/live/shared/provision';
import { apiPost } from '../_lib/api';
import { Field, useForm } from '../_lib/field';

/** Step 1: the controllers and the credentials; loading the fabric fills the pickers of the next steps. */
export function FabricStep({
  password,
  setPassword,
  discovery,
  setDiscovery,
}: {
  password: string;
  setPassword: (p: string) => void;
  discovery: FabricDiscovery | null;
  setDiscovery: (d: FabricDiscovery) => void;
}) {
  const form = useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const urls = (form.draft.fabric as { apic?: { urls?: string[] } } | undefined)?.apic?.urls ?? [];
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const apic = (form.draft.fabric as { apic: { username?: string; caFile?: string } }).apic;
      const d = await apiPost<FabricDiscovery>('discover', {
        urls,
        username: apic.username ?? '',
        password,
        ...(apic.caFile ? { caFile: apic.caFile } : {}),
      });
      setDiscovery(d);
      if (d.fabricAsn !== undefined) form.set('fabric.asn', d.fabricAsn);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="grid max-w-3xl gap-3">
      <Field path="fabric.apic.urls" kind="list" placeholder="https://apic1.example.net, https://apic2.example.net" />
      <Field path="fabric.apic.username" />
      <label className="block text-sm">
        <span className="mb-0.5 block font-medium">APIC password</span>
        <input
          type="password"
          aria-label="APIC password"
          autoComplete="off"
          className="w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            const ref = (form.draft.fabric as { apic?: { credentials?: string } }).apic?.credentials;
            if (e.target.value && !ref) form.set('fabric.apic.credentials', WIZARD_APIC_PASSWORD_REF);
          }}
        />
        <span className="mt-0.5 block text-xs text-slate-500">
          Held in this page and in the server&apos;s memory for the job&apos;s life; never written, logged or sent back. The spec names it
          as {WIZARD_APIC_PASSWORD_REF}.
        </span>
      </label>
      <Field path="fabric.apic.credentials" />
      <Field path="fabric.apic.caFile" />
      <div className="flex items-center gap-3">
        <button
          type="button"
          data-testid="load-fabric"
          disabled={busy || urls.length === 0 || !password}
          onClick={() => void load()}
          className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-50"
        >
          {busy ? 'Reading the fabric…' : 'Load the fabric from the APIC'}
        </button>
        {error && (
          <span role="alert" data-testid="discover-error" className="text-sm text-red-600">
            {error}
          </span>
        )}
      </div>
      {discovery && (
        <p data-testid="discovery-summary" className="text-sm text-slate-600 dark:text-slate-300">
          {discovery.controller}: fabric AS {discovery.fabricAsn ?? 'unknown'}, {discovery.tenants.length} tenants, {discovery.vrfs.length}{' '}
          VRFs, {discovery.leaves.length} leaves
          {discovery.clockSkewMs !== undefined && Math.abs(discovery.clockSkewMs) > 60_000 && (
            <span className="text-amber-600">
              {' '}
              — the APIC clock is {Math.round(discovery.clockSkewMs / 1000)} s off this server&apos;s: certificate (signature)
              authentication would be refused
            </span>
          )}
        </p>
      )}
      <Field path="fabric.asn" />
    </div>
  );
}
