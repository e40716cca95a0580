/**
 * A standalone SVG of a laid-out view, for "export as SVG" (and, rasterised by the browser, PNG). Built
 * from the view model rather than scraped from the DOM, so exports look the same whatever the zoom.
 */
import type { Layout } from './layout';
import type { ViewEdge, ViewModel, ViewNode } from './view-model';

export interface SvgTheme {
  background: string;
  text: string;
  muted: string;
  nodeFill: string;
  nodeStroke: string;
}

export const LIGHT_SVG: SvgTheme = { background: '#f8fafc', text: '#0f172a', muted: '#64748b', nodeFill: '#ffffff', nodeStroke: '#cbd5e1' };
export const DARK_SVG: SvgTheme = { background: '#020617', text: '#f1f5f9', muted: '#94a3b8', nodeFill: '#0f172a', nodeStroke: '#334155' };

export const KIND_COLOUR: Record<ViewNode['kind'], string> = {
  spine: '#7c3aed',
  leaf: '#2563eb',
  hypervisor: '#0891b2',
  'k8s-node': '#059669',
  pod: '#64748b',
  service: '#d97706',
  'pod-badge': '#64748b',
  group: '#0d9488',
};

export function edgeColour(e: Pick<ViewEdge, 'kind' | 'state'>): string {
  switch (e.kind) {
    case 'bgp':
      return e.state === 'established' ? '#16a34a' : '#dc2626';
    case 'link':
      return '#475569';
    case 'secondary-link':
    case 'secondary-attachment':
      return e.state === 'sriov' ? '#c026d3' : e.state === 'macvlan' ? '#ea580c' : '#0284c7';
    case 'selects':
      return '#d97706';
    default:
      return '#94a3b8';
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderSvg(model: ViewModel, layout: Layout, theme: SvgTheme = LIGHT_SVG): string {
  const boxes = [...layout.values()];
  const pad = 40;
  const minX = Math.min(0, ...boxes.map((b) => b.x)) - pad;
  const minY = Math.min(0, ...boxes.map((b) => b.y)) - pad;
  const maxX = Math.max(0, ...boxes.map((b) => b.x + b.width)) + pad;
  const maxY = Math.max(0, ...boxes.map((b) => b.y + b.height)) + pad;
  const w = Math.ceil(maxX - minX);
  const h = Math.ceil(maxY - minY);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${minX} ${minY} ${w} ${h}" font-family="system-ui, sans-serif">`,
    `<rect x="${minX}" y="${minY}" width="${w}" height="${h}" fill="${theme.background}"/>`,
  ];
  for (const e of model.edges) {
    const a = layout.get(e.source);
    const b = layout.get(e.target);
    if (!a || !b) continue;
    const [top, bottom] = a.y <= b.y ? [a, b] : [b, a];
    const x1 = top.x + top.width / 2;
    const y1 = top.y + top.height;
    const x2 = bottom.x + bottom.width / 2;
    const y2 = bottom.y;
    const dash = e.kind === 'bgp' ? ' stroke-dasharray="6 4"' : e.kind.startsWith('secondary') ? ' stroke-dasharray="2 3"' : '';
    parts.push(
      `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${edgeColour(e)}" stroke-width="${e.kind === 'runs-on' ? 1 : 1.5}"${dash}/>`,
    );
    if (e.label)
      parts.push(
        `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2}" font-size="10" fill="${theme.muted}" text-anchor="middle">${esc(e.label)}</text>`,
      );
  }
  for (const n of model.nodes) {
    const b = layout.get(n.id);
    if (!b) continue;
    const stroke = n.severity === 'error' ? '#dc2626' : n.severity === 'warning' ? '#d97706' : theme.nodeStroke;
    parts.push(`<g data-id="${esc(n.id)}">`);
    parts.push(`<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="6" fill="${theme.nodeFill}" stroke="${stroke}"/>`);
    parts.push(`<rect x="${b.x}" y="${b.y}" width="4" height="${b.height}" fill="${KIND_COLOUR[n.kind]}"/>`);
    parts.push(
      `<text x="${b.x + 12}" y="${b.y + (b.height > 40 ? 22 : 21)}" font-size="12" font-weight="600" fill="${theme.text}">${esc(n.label)}</text>`,
    );
    if (b.height > 40 && n.sublabel)
      parts.push(`<text x="${b.x + 12}" y="${b.y + 40}" font-size="10" fill="${theme.muted}">${esc(n.sublabel.slice(0, 40))}</text>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}
