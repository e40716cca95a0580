/**
 * Code that runs inside the page (passed to Playwright as functions, so it must not close over anything).
 * Everything is measured with the browser's own clock: performance.now(), PerformanceObserver and rAF.
 */

export interface PageProbe {
  /** performance.now() of the frame after the first `.react-flow__node` appeared (the graph painted). */
  firstGraphPaint: number | null;
  /** End of the latest long task (> 50 ms) the page has run. */
  lastLongTaskEnd: number;
  longTasks: number;
}

declare global {
  interface Window {
    __akbBench?: PageProbe;
    __akbFrames?: number[];
  }
}

/** Installed before any page script: watches for the first graph node and records long tasks. */
export function installProbe(): void {
  const probe: PageProbe = { firstGraphPaint: null, lastLongTaskEnd: 0, longTasks: 0 };
  window.__akbBench = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        probe.longTasks++;
        probe.lastLongTaskEnd = Math.max(probe.lastLongTaskEnd, e.startTime + e.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: interactive is then the first paint.
  }
  const check = (): boolean => {
    if (probe.firstGraphPaint !== null || !document.querySelector('.react-flow__node')) return false;
    // The node is in the DOM; the next animation frame is the one that paints it.
    requestAnimationFrame(() => requestAnimationFrame((t) => (probe.firstGraphPaint ??= t)));
    return true;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  const start = (): void => {
    if (!check()) observer.observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

export function readProbe(): PageProbe | null {
  return window.__akbBench ?? null;
}

export function startFrameCounter(): void {
  const frames: number[] = [];
  window.__akbFrames = frames;
  const tick = (t: number): void => {
    if (window.__akbFrames !== frames) return;
    frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export function stopFrameCounter(): number[] {
  const frames = window.__akbFrames ?? [];
  window.__akbFrames = undefined;
  return frames;
}

export function viewportTransform(): string | null {
  const el = document.querySelector<HTMLElement>('.react-flow__viewport');
  return el ? el.style.transform : null;
}

export function navigationTiming(): { domContentLoadedMs: number | null; loadMs: number | null } {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return { domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null, loadMs: nav ? nav.loadEventEnd : null };
}

/** A point (page coordinates) where the React Flow pane itself receives the mouse, scanning a grid; null if none. */
export function findPanePoint(): { x: number; y: number } | null {
  const pane = document.querySelector('.react-flow__pane');
  if (!pane) return null;
  const r = pane.getBoundingClientRect();
  for (let fy = 0.5; fy < 0.95; fy += 0.1) {
    for (const fx of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const x = r.left + r.width * fx;
      const y = r.top + r.height * fy;
      if (document.elementFromPoint(x, y) === pane) return { x, y };
    }
  }
  return null;
}
