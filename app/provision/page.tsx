import type { Metadata } from 'next';
import { ProvisionApp } from './provision-app';

export const metadata: Metadata = { title: 'akb — Provision' };

export default function ProvisionPage() {
  return <ProvisionApp />;
}
