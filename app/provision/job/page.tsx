import type { Metadata } from 'next';
import { Suspense } from 'react';
import { JobApp } from './job-app';

export const metadata: Metadata = { title: 'akb — Provisioning job' };

export default function JobPage() {
  return (
    <Suspense>
      <JobApp />
    </Suspense>
  );
}
