import type { Metadata } from 'next';
import { Suspense } from 'react';
import { EcmpApp } from './ecmp-app';

export const metadata: Metadata = { title: 'akb — ECMP' };

export default function EcmpPage() {
  // useSearchParams needs a Suspense boundary so the rest of the page can render statically.
  return (
    <Suspense>
      <EcmpApp />
    </Suspense>
  );
}
