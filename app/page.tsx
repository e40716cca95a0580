import { LiveSummary } from './_components/live-summary';

export default function HomePage() {
  return (
    <main className="mx-auto max-w-7xl space-y-6 p-6">
      <header>
        <h1 className="text-xl font-semibold">akb</h1>
        <p className="text-sm text-slate-500">Kubernetes on Cisco ACI, live.</p>
      </header>
      <LiveSummary />
    </main>
  );
}
