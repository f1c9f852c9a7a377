/** Seeded job durations that look like Segmind's Flux workflow: most 6–14 s, a few slower. */

/** mulberry32: a small seeded generator, so every bench run sees the same jobs. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Log-normal: median `medianMs`, spread `sigma` (of ln ms), clipped to `minMs`–`maxMs`. The
 * simulation's scenario E (median 9 s, sigma 0.35) and the Segmind-like mix below both draw here.
 */
export function logNormalDurations(
	count: number,
	seed: number,
	medianMs: number,
	sigma: number,
	minMs = 0,
	maxMs = Number.POSITIVE_INFINITY,
): number[] {
	const random = seededRandom(seed);
	return Array.from({ length: count }, () =>
		Math.round(Math.min(maxMs, Math.max(minMs, medianMs * Math.exp(sigma * normal(random))))),
	);
}

/** Log-normal around 9.5 s (about 80% between 6 and 14 s), clipped to 3–40 s; times `scale`. */
export function segmindDurations(count: number, seed: number, scale: number): number[] {
	return logNormalDurations(count, seed, 9_500 * scale, 0.28, 3_000 * scale, 40_000 * scale);
}

/** Uniform between `lowMs` and `highMs`, times `scale`. */
export function uniformDurations(
	count: number,
	seed: number,
	lowMs: number,
	highMs: number,
	scale: number,
): number[] {
	const random = seededRandom(seed);
	return Array.from({ length: count }, () =>
		Math.round((lowMs + (highMs - lowMs) * random()) * scale),
	);
}

/**
 * `count` durations covering `lowMs`–`highMs` evenly (one at a seeded point of each equal slice,
 * in seeded order), so a handful of jobs still spans the whole band.
 */
export function spreadDurations(
	count: number,
	seed: number,
	lowMs: number,
	highMs: number,
): number[] {
	const random = seededRandom(seed);
	const slice = (highMs - lowMs) / count;
	const durations = Array.from({ length: count }, (_, i) =>
		Math.round(lowMs + slice * (i + random())),
	);
	for (let i = durations.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[durations[i], durations[j]] = [durations[j], durations[i]];
	}
	return durations;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const rank = (sorted.length - 1) * p;
	const low = Math.floor(rank);
	return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
}
