import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_WORKFLOW_ID } from '../../nodes/FluxArtGenerator/constants';
import {
	FLUX_ART_PRIOR,
	JobDurations,
	STORED_PER_WORKFLOW,
	STORED_WORKFLOWS,
	fitDurations,
	hazardPerMs,
	medianMs,
	nearlyAllDoneMs,
	priorFor,
	readStoredDurations,
	storeDurations,
} from '../../nodes/FluxArtGenerator/polling/durations';

const KEY = 'jobDurationsMs';
const OTHER = 'other-workflow';

describe('fitDurations', () => {
	test('no durations and no prior: nothing to believe', () => {
		expect(fitDurations([])).toBeUndefined();
		expect(fitDurations([0, -5])).toBeUndefined();
	});

	test('a prior alone is the prior', () => {
		expect(fitDurations([], FLUX_ART_PRIOR)).toEqual(FLUX_ART_PRIOR);
		expect(priorFor(DEFAULT_WORKFLOW_ID)).toEqual(FLUX_ART_PRIOR);
		expect(priorFor(OTHER)).toBeUndefined();
	});

	test('without a prior, one duration is the median', () => {
		expect(medianMs(fitDurations([12_000])!)).toBeCloseTo(12_000, 6);
	});

	test('many durations outweigh the prior: the learned median dominates as samples grow', () => {
		// A workflow whose jobs take about 20 s, against a prior that says 9 s.
		const sample = (n: number) =>
			Array.from({ length: n }, (_, i) => 20_000 * (1 + ((i % 5) - 2) / 20));
		const medians = [1, 4, 16, 64, 256].map((n) =>
			medianMs(fitDurations(sample(n), FLUX_ART_PRIOR)!),
		);
		for (let i = 1; i < medians.length; i++) expect(medians[i]).toBeGreaterThan(medians[i - 1]);
		expect(medians[0]).toBeLessThan(12_000);
		expect(medians.at(-1)).toBeGreaterThan(19_000);
		expect(medians.at(-1)).toBeLessThan(20_500);
	});

	test('the spread never goes below its floor', () => {
		const same = Array<number>(1_000).fill(9_000);
		for (const prior of [undefined, FLUX_ART_PRIOR, { mu: Math.log(9_000), sigma: 0.01 }]) {
			const fit = fitDurations(same, prior)!;
			expect(fit.sigma).toBeGreaterThanOrEqual(0.05);
			expect(fit.sigma).toBeCloseTo(0.05, 6);
		}
	});

	test('a wide sample widens the spread', () => {
		const wide = fitDurations([2_000, 5_000, 9_000, 20_000, 60_000], FLUX_ART_PRIOR)!;
		expect(wide.sigma).toBeGreaterThan(FLUX_ART_PRIOR.sigma);
	});
});

describe('hazardPerMs', () => {
	const median = medianMs(FLUX_ART_PRIOR);

	test('nothing finishes at or before 0', () => {
		expect(hazardPerMs(FLUX_ART_PRIOR, 0)).toBe(0);
		expect(hazardPerMs(FLUX_ART_PRIOR, -1_000)).toBe(0);
	});

	test.each([0.5, 1, 2, 3, 10, 100, 1_000])('positive and finite at %f × the median', (times) => {
		const hazard = hazardPerMs(FLUX_ART_PRIOR, times * median);
		expect(hazard).toBeGreaterThan(0);
		expect(Number.isFinite(hazard)).toBe(true);
	});

	test('rises around the median', () => {
		const hazards = [0.5, 0.75, 1, 1.25, 1.5].map((times) =>
			hazardPerMs(FLUX_ART_PRIOR, times * median),
		);
		for (let i = 1; i < hazards.length; i++) expect(hazards[i]).toBeGreaterThan(hazards[i - 1]);
	});

	test('continuous where the tail approximation takes over (z = 5)', () => {
		const at = (z: number) =>
			hazardPerMs(FLUX_ART_PRIOR, Math.exp(FLUX_ART_PRIOR.mu + z * FLUX_ART_PRIOR.sigma));
		expect(at(5.0001) / at(4.9999)).toBeCloseTo(1, 2);
	});

	test('95% of the jobs are done by nearlyAllDoneMs (z = 1.645)', () => {
		expect(nearlyAllDoneMs(FLUX_ART_PRIOR)).toBeCloseTo(9_500 * Math.exp(1.645 * 0.28), 3);
	});
});

describe('readStoredDurations', () => {
	test.each<[string, IDataObject]>([
		['nothing stored', {}],
		['null', { [KEY]: null }],
		['a string', { [KEY]: 'garbage' }],
		['a number', { [KEY]: 42 }],
		['an array', { [KEY]: [1_000, 2_000] as unknown as IDataObject }],
		['a string per workflow', { [KEY]: { [OTHER]: '1000,2000' } }],
		['an object per workflow', { [KEY]: { [OTHER]: { a: 1_000 } } }],
		[
			'only invalid entries',
			{
				[KEY]: {
					[OTHER]: [-1, 0, NaN, Infinity, '5000', null, {}, [3_000], true] as unknown as number[],
				},
			},
		],
	])('ignores %s', (_name, staticData) => {
		expect(readStoredDurations(staticData).size).toBe(0);
	});

	test('keeps the valid values next to corrupt ones, per workflow ID', () => {
		const staticData: IDataObject = {
			[KEY]: {
				a: [8_000, -1, 'x', NaN, { nested: [1] }, [9_000], 10_000] as unknown as number[],
				b: 'junk',
				c: [12_000],
				d: { nested: [1_000] },
			},
		};
		const read = readStoredDurations(staticData);
		expect(Object.fromEntries(read)).toEqual({ a: [8_000, 10_000], c: [12_000] });
	});

	test('keeps only the newest STORED_PER_WORKFLOW of a workflow', () => {
		const list = Array.from({ length: STORED_PER_WORKFLOW + 7 }, (_, i) => 1_000 + i);
		expect(readStoredDurations({ [KEY]: { a: list } }).get('a')).toEqual(
			list.slice(-STORED_PER_WORKFLOW),
		);
	});
});

describe('storeDurations', () => {
	test('bounded per workflow ID (newest kept) and rounded', () => {
		const staticData: IDataObject = {};
		const list = Array.from({ length: STORED_PER_WORKFLOW + 10 }, (_, i) => 1_000 + i + 0.4);
		storeDurations(staticData, new Map([['a', list]]));
		const stored = (staticData[KEY] as IDataObject).a as number[];
		expect(stored).toHaveLength(STORED_PER_WORKFLOW);
		expect(stored[0]).toBe(1_010);
		expect(stored.at(-1)).toBe(1_000 + STORED_PER_WORKFLOW + 9);
	});

	test('bounded in workflow IDs (the newest kept)', () => {
		const staticData: IDataObject = {};
		const ids = Array.from({ length: STORED_WORKFLOWS + 5 }, (_, i) => `wf-${i}`);
		storeDurations(staticData, new Map(ids.map((id, i) => [id, [1_000 + i]])));
		const stored = staticData[KEY] as IDataObject;
		expect(Object.keys(stored)).toEqual(ids.slice(-STORED_WORKFLOWS));
		expect(stored[`wf-${STORED_WORKFLOWS + 4}`]).toEqual([STORED_WORKFLOWS + 1_004]);
	});

	test('round-trips through readStoredDurations', () => {
		const staticData: IDataObject = { unrelated: 'kept' };
		const byWorkflow = new Map([
			['a', [8_000, 9_000]],
			['b', [30_000]],
		]);
		storeDurations(staticData, byWorkflow);
		expect(readStoredDurations(staticData)).toEqual(byWorkflow);
		expect(staticData.unrelated).toBe('kept');
	});
});

describe('JobDurations', () => {
	const saved = (durations: JobDurations) => {
		const staticData: IDataObject = {};
		durations.saveTo(staticData);
		return staticData[KEY] as Record<string, number[]> | undefined;
	};

	test('the recorded duration is the middle of the last pending answer and the done one', () => {
		const durations = new JobDurations();
		durations.record(OTHER, 8_000, 10_000);
		expect(saved(durations)).toEqual({ [OTHER]: [9_000] });
	});

	test('a workflow with a prior learns within the execution', () => {
		const durations = new JobDurations();
		expect(durations.model(DEFAULT_WORKFLOW_ID)).toEqual(FLUX_ART_PRIOR);
		for (let i = 0; i < 5; i++) durations.record(DEFAULT_WORKFLOW_ID, 19_000, 21_000);
		const learned = durations.model(DEFAULT_WORKFLOW_ID)!;
		expect(medianMs(learned)).toBeGreaterThan(medianMs(FLUX_ART_PRIOR) * 1.2);
		expect(learned).toEqual(fitDurations(Array(5).fill(20_000), FLUX_ART_PRIOR));
	});

	test('a workflow known from nothing is not believed from its own finishers, but they are saved', () => {
		const durations = new JobDurations();
		expect(durations.model(OTHER)).toBeUndefined();
		for (const [lastPending, finished] of [
			[4_000, 6_000],
			[6_000, 8_000],
		])
			durations.record(OTHER, lastPending, finished);
		expect(durations.model(OTHER)).toBeUndefined();

		const staticData: IDataObject = {};
		durations.saveTo(staticData);
		expect(staticData[KEY]).toEqual({ [OTHER]: [5_000, 7_000] });
		const next = new JobDurations(readStoredDurations(staticData));
		expect(next.model(OTHER)).toEqual(fitDurations([5_000, 7_000]));
	});

	test('with earlier durations a workflow is believed, and learns within the execution', () => {
		const durations = new JobDurations(new Map([[OTHER, [10_000, 12_000]]]));
		const before = durations.model(OTHER)!;
		expect(before).toEqual(fitDurations([10_000, 12_000]));
		durations.record(OTHER, 29_000, 31_000);
		const after = durations.model(OTHER)!;
		expect(after).toEqual(fitDurations([10_000, 12_000, 30_000]));
		expect(medianMs(after)).toBeGreaterThan(medianMs(before));
	});

	test('record() settles changed(); the next changed() waits for the next record', async () => {
		const durations = new JobDurations();
		const settled: string[] = [];
		const flush = async () => await new Promise((resolve) => setImmediate(resolve));
		const first = durations.changed();
		void first.then(() => settled.push('first'));
		await flush();
		expect(settled).toEqual([]);
		durations.record(OTHER, 1_000, 2_000);
		await flush();
		expect(settled).toEqual(['first']);
		const second = durations.changed();
		expect(second).not.toBe(first);
		void second.then(() => settled.push('second'));
		await flush();
		expect(settled).toEqual(['first']);
		durations.record(DEFAULT_WORKFLOW_ID, 1_000, 2_000);
		await flush();
		expect(settled).toEqual(['first', 'second']);
	});

	test('two workflow IDs are kept apart', () => {
		const durations = new JobDurations(new Map([['a', [10_000]]]));
		durations.record('a', 11_000, 13_000);
		durations.record('b', 40_000, 42_000);
		expect(saved(durations)).toEqual({ a: [10_000, 12_000], b: [41_000] });
		expect(medianMs(durations.model('a')!)).toBeLessThan(12_000);
	});

	test('saving bounds per workflow ID and in workflow IDs, the most recently used kept', () => {
		const stored = new Map(
			Array.from(
				{ length: STORED_WORKFLOWS },
				(_, i) => [`wf-${i}`, [1_000 + i]] as [string, number[]],
			),
		);
		const durations = new JobDurations(stored);
		// The oldest workflow is used again, so it is kept and the second oldest goes.
		for (let i = 0; i < STORED_PER_WORKFLOW + 3; i++) durations.record('wf-0', i, i + 2);
		durations.record('new', 5_000, 7_000);
		const result = saved(durations)!;
		expect(Object.keys(result)).toHaveLength(STORED_WORKFLOWS);
		expect(result['wf-1']).toBeUndefined();
		expect(result.new).toEqual([6_000]);
		expect(result['wf-0']).toHaveLength(STORED_PER_WORKFLOW);
		expect(result['wf-0'].at(-1)).toBe(STORED_PER_WORKFLOW + 3);
	});

	test('static data is left untouched when nothing was learned', () => {
		const staticData: IDataObject = { [KEY]: { a: [9_000], junk: 'kept as is' }, other: 1 };
		const copy = structuredClone(staticData);
		const durations = new JobDurations(readStoredDurations(staticData));
		durations.model('a');
		durations.model(DEFAULT_WORKFLOW_ID);
		durations.saveTo(staticData);
		expect(staticData).toEqual(copy);
		const empty: IDataObject = {};
		new JobDurations().saveTo(empty);
		expect(empty).toEqual({});
	});
});
