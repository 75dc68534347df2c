/**
 * Draws one panel of a heatmaps view (row-major `rows x cols`; for a 2-D grid, rows s₀ and
 * columns s₁) with s₀ across and s₁ up; darker is more probable, scaled to the largest entry.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, values: readonly number[], rows: number, cols: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const cellW = canvas.width / rows;
  const cellH = canvas.height / cols;
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < values.length; i++) {
    const x = Math.floor(i / cols);
    const y = i % cols;
    const shade = Math.round(255 * (1 - (max > 0 ? values[i]! / max : 0)));
    ctx.fillStyle = `rgb(${shade}, ${shade}, 255)`;
    ctx.fillRect(x * cellW, (cols - 1 - y) * cellH, cellW, cellH);
  }
}
