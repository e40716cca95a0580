import { TopologyApp } from './_components/topology-app';

export default function HomePage() {
  return <TopologyApp />;
}
