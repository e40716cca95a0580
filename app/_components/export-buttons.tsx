'use client';

import { DARK_SVG, LIGHT_SVG, renderSvg, type Layout, type ViewModel } from '../../lib/view';
import { download } from './download';

/** Rasterises the SVG in the browser; large views are scaled down to stay within canvas limits. */
async function svgToPng(svg: string): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('could not render the SVG'));
      img.src = url;
    });
    const scale = Math.min(2, 8000 / Math.max(img.width, img.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.width * scale));
    canvas.height = Math.max(1, Math.round(img.height * scale));
    canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('empty image'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function ExportButtons({ model, layout, dark }: { model: ViewModel; layout: Layout; dark: boolean }) {
  const svg = () => renderSvg(model, layout, dark ? DARK_SVG : LIGHT_SVG);
  const cls = 'rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700';
  return (
    <span className="flex gap-1">
      <button
        type="button"
        className={cls}
        data-testid="export-svg"
        onClick={() => download(new Blob([svg()], { type: 'image/svg+xml' }), 'akb-topology.svg')}
      >
        SVG
      </button>
      <button
        type="button"
        className={cls}
        data-testid="export-png"
        onClick={() => void svgToPng(svg()).then((b) => download(b, 'akb-topology.png'))}
      >
        PNG
      </button>
    </span>
  );
}
