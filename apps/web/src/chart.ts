import { renderSvgChart, type Series } from '@seqlab/plot';
import { num } from './dom.js';

const drawn = new WeakMap<HTMLElement, () => void>();
let observer: ResizeObserver | undefined;

/**
 * Draws `series` at the container's real width, so the chart's 12 px labels stay 12 px on a phone and on a wide
 * screen, and redraws when the container is resized. The text alternative lists every value.
 */
export function chart(
  container: HTMLElement,
  series: Series[],
  labels: { x: string; y: string; summary: string },
): void {
  const draw = () => {
    const width = Math.max(280, Math.round(container.clientWidth || 640));
    const height = Math.round(Math.min(320, Math.max(220, width * 0.55)));
    container.innerHTML = renderSvgChart(series, { xLabel: labels.x, yLabel: labels.y, width, height });
    container.dataset['width'] = String(width);
  };
  drawn.set(container, draw);
  draw();
  container.setAttribute('role', 'img');
  container.setAttribute(
    'aria-label',
    `${labels.summary}. ${series
      .filter((s) => s.values.some(Number.isFinite))
      .map(
        (s) =>
          `${s.name}: ${s.values
            .filter(Number.isFinite)
            .map((v) => num(v))
            .join(', ')}`,
      )
      .join('; ')}`,
  );
  container.dataset['points'] = String(
    series.reduce((n, s) => n + s.values.filter(Number.isFinite).length, 0),
  );
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const target = entry.target as HTMLElement;
      if (Number(target.dataset['width']) !== Math.max(280, Math.round(target.clientWidth)))
        drawn.get(target)?.();
    }
  });
  observer.observe(container);
}
