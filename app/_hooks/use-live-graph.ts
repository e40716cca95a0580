'use client';

import { useEffect, useSyncExternalStore } from 'react';
import { GraphClient, type LiveState } from '../../lib/live/client/graph-client';
import { WS_PATH } from '../../lib/live/shared/protocol';

let shared: GraphClient | null = null;
let users = 0;

function client(): GraphClient {
  if (!shared) {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    shared = new GraphClient({ url: `${scheme}://${window.location.host}${WS_PATH}` });
  }
  return shared;
}

const SERVER_STATE: LiveState = { connection: 'closed', lab: null, graph: null, sources: {}, changed: new Set(), lastMessageAt: null };

/** The live graph, shared by every component on the page through one websocket. */
export function useLiveGraph(): LiveState {
  useEffect(() => {
    const c = client();
    if (users++ === 0) c.start();
    return () => {
      if (--users === 0) c.stop();
    };
  }, []);
  return useSyncExternalStore(
    (listener) => client().subscribe(listener),
    () => client().getState(),
    () => SERVER_STATE,
  );
}
