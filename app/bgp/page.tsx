import type { Metadata } from 'next';
import { BgpApp } from './bgp-app';

export const metadata: Metadata = { title: 'akb — BGP' };

export default function BgpPage() {
  return <BgpApp />;
}
