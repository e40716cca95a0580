import type { Metadata } from 'next';
import { ProblemsApp } from '../_components/problems-app';

export const metadata: Metadata = { title: 'akb — problems' };

export default function ProblemsPage() {
  return <ProblemsApp />;
}
