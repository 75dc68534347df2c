/**
 * Draws a distribution over the cells of a 2-D grid: `states` holds the (x, y) of each entry of
 * `p`, row-major; darker is more probable, scaled to the largest entry.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, states: Int32Array, p: Float64Array, height: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const cell = canvas.width / height;
  let max = 0;
  for (const v of p) max = Math.max(max, v);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < p.length; i++) {
    const x = states[2 * i]!;
    const y = states[2 * i + 1]!;
    const shade = Math.round(255 * (1 - (max > 0 ? p[i]! / max : 0)));
    ctx.fillStyle = `rgb(${shade}, ${shade}, 255)`;
    ctx.fillRect(x * cell, (height - 1 - y) * cell, cell, cell);
  }
}
