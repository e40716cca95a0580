import type { Metadata } from 'next';
import { TablesApp } from '../_components/tables-app';

export const metadata: Metadata = { title: 'akb — tables' };

export default function TablesPage() {
  return <TablesApp />;
}
