import {
	cumulative,
	fitDurations,
	inverseNormal,
	normalCdf,
	PRIOR_SIGMA,
	quantileMs,
	RunHistory,
} from '../../nodes/FluxArtGenerator/helpers/duration-model';

describe('the normal distribution helpers', () => {
	test.each([
		[0.5, 0],
		[0.975, 1.959964],
		[0.025, -1.959964],
		[0.8413447, 1],
		[0.001, -3.090232],
	])('inverseNormal(%f) ≈ %f, and normalCdf inverts it', (p, z) => {
		expect(inverseNormal(p)).toBeCloseTo(z, 4);
		expect(normalCdf(inverseNormal(p))).toBeCloseTo(p, 6);
	});
});

describe('fitDurations', () => {
	test('nothing finished: no model', () => {
		expect(fitDurations([])).toBeUndefined();
	});

	test('one job: its duration as the median, the prior spread', () => {
		const fit = fitDurations([9_000])!;
		expect(quantileMs(fit, 0.5)).toBeCloseTo(9_000, 0);
		expect(fit.sigma).toBeCloseTo(PRIOR_SIGMA, 6);
	});

	test('many similar jobs narrow the spread; the median follows them', () => {
		const fit = fitDurations(Array.from({ length: 40 }, (_, i) => 9_000 + (i % 5) * 100))!;
		expect(fit.sigma).toBeLessThan(0.1);
		expect(quantileMs(fit, 0.5)).toBeGreaterThan(9_000);
		expect(quantileMs(fit, 0.5)).toBeLessThan(9_400);
		expect(cumulative(fit, 9_200)).toBeGreaterThan(0.3);
	});
});

test('coarse observations do not widen the spread (the gap between two polls is taken out)', () => {
	const exact = fitDurations([8_000, 9_000, 10_000], [0, 0, 0])!;
	const coarse = fitDurations([8_000, 9_000, 10_000], [5_000, 5_000, 5_000])!;
	expect(coarse.sigma).toBeLessThan(exact.sigma);
	expect(coarse.mu).toBeCloseTo(exact.mu, 9);
});

test('RunHistory records the middle between the last pending and the first done answer', () => {
	const history = new RunHistory();
	history.record(8_000, 10_000);
	expect(quantileMs(history.fit()!, 0.5)).toBeCloseTo(9_000, 0);
});
