/** bench/lateness.svg: one point per policy, polls per job across, median lateness up. */
import type { LatenessResult } from './scenarios';

const LABELS: Record<keyof LatenessResult, string> = {
	ours: 'ours',
	fixed_2s: 'fixed 2 s',
	fixed_5s: 'fixed 5 s',
	fixed_7s: 'fixed 7 s',
	oracle: 'oracle',
};

export function latenessSvg(result: LatenessResult): string {
	const width = 560;
	const height = 360;
	const margin = { left: 70, right: 30, top: 40, bottom: 55 };
	const points = (Object.keys(LABELS) as Array<keyof LatenessResult>).map((key) => ({
		key,
		x: result[key].polls_per_job,
		y: result[key].median_ms / 1000,
	}));
	const maxX = Math.ceil(Math.max(...points.map((p) => p.x)) + 1);
	const maxY = Math.ceil(Math.max(...points.map((p) => p.y)) + 0.5);
	const sx = (x: number) => margin.left + (x / maxX) * (width - margin.left - margin.right);
	const sy = (y: number) =>
		height - margin.bottom - (y / maxY) * (height - margin.top - margin.bottom);
	const ticks = (max: number, scale: (v: number) => number, axis: 'x' | 'y') =>
		Array.from({ length: max + 1 }, (_, v) =>
			axis === 'x'
				? `<text x="${sx(v)}" y="${height - margin.bottom + 18}" text-anchor="middle">${v}</text>`
				: `<text x="${margin.left - 8}" y="${scale(v) + 4}" text-anchor="end">${v}</text>`,
		).join('');
	const dots = points
		.map(
			(p) =>
				`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="6" fill="${p.key === 'ours' ? '#6C3CE9' : '#888'}"/>` +
				`<text x="${(sx(p.x) + 9).toFixed(1)}" y="${(sy(p.y) - 8).toFixed(1)}">${LABELS[p.key]}</text>`,
		)
		.join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">Median lateness against polls per job (30 jobs, 5 at a time)</text>
<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#000"/>
<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#000"/>
${ticks(maxX, sx, 'x')}${ticks(maxY, sy, 'y')}
<text x="${(margin.left + width - margin.right) / 2}" y="${height - 15}" text-anchor="middle">polls per job</text>
<text x="18" y="${(margin.top + height - margin.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(margin.top + height - margin.bottom) / 2})">median lateness (s)</text>
${dots}
</svg>
`;
}
