/**
 * `rate_plans`: the node at its default options against Segmind's rate limits, one account plan
 * per row (the fake's `plan`: a limit per 60 s window, polls counted or not, rate headers on every
 * answer, on 429s only, or none). Beside it, on the same seeded jobs (6-14 s), a fixed 2 s poller
 * (Segmind's SDK: on a 429 it waits until `x-rate-limit-reset-at-utc`, else 2 s) and the oracle
 * (bench/rate-oracle.ts), computed, not run. Windows are a minute, as Segmind's, so it runs in real
 * time: a few minutes.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../nodes/FluxArtGenerator/constants';
import type { FakeSegmind, RatePlan } from '../test/fake-segmind';
import { loadPackage, runFluxNode } from '../test/harness/run-node';
import { runClient } from './clients';
import { percentile, uniformDurations } from './mix';
import { RATE_PLAN_ROWS } from './rate-plan-rows';
import type { Plan, RatePlansRun, Row, SideFigures } from './rate-plan-rows';
import { rateOracle } from './rate-oracle';
import { fakeFor, jobLateness } from './scenarios';

/** The reported figures' seed; tune on others (`--seed`; docs/performance.md names them). */
export const RATE_PLANS_SEED = 20261201;
const WINDOW_MS = 60_000;
const LOW_MS = 6_000;
const HIGH_MS = 14_000;
/** The oracle's round trip: about what a request to the fake on 127.0.0.1 takes. */
const ROUND_TRIP_MS = 3;

/** One execution's outcome, read from its own fake before the fake stops. */
interface Outcome {
	delivered: number;
	failed: number;
	r429: number;
	requests: number;
	wallMs: number;
	lateMs: number[];
}

function outcomeOf(fake: FakeSegmind, delivered: number, jobs: number, endedAt: number): Outcome {
	const failed = jobs - delivered;
	const started = fake.requestsTo('submit')[0]?.time ?? endedAt;
	const images = fake.requestsTo('image').map((request) => request.time);
	const ended = failed > 0 || images.length === 0 ? endedAt : Math.max(...images);
	return {
		delivered,
		failed,
		r429: fake.rateLimited,
		requests: fake.requests.filter((request) => request.host === 'api').length,
		wallMs: ended - started,
		lateMs: jobLateness(fake).lateMs,
	};
}

/** Summed over executions; walls' median; lateness the median of every job's. */
function sideFigures(outcomes: Outcome[]): SideFigures {
	const sum = (pick: (outcome: Outcome) => number) =>
		outcomes.reduce((total, outcome) => total + pick(outcome), 0);
	const median = (values: number[]) => Math.round(percentile(values, 0.5));
	return {
		wall_ms: median(outcomes.map((outcome) => outcome.wallMs)),
		delivered: sum((outcome) => outcome.delivered),
		failed: sum((outcome) => outcome.failed),
		r429: sum((outcome) => outcome.r429),
		requests: sum((outcome) => outcome.requests),
		median_lateness_ms: median(outcomes.flatMap((outcome) => outcome.lateMs)),
	};
}

/**
 * The node as a new user has it: only Text Prompt set (Items at Once 10, the image downloaded).
 * Continue On Fail only so that a failed item is counted rather than ending the run; it changes
 * nothing in how the node waits.
 */
async function runNode(
	fake: FakeSegmind,
	prompts: string[],
	workflowId: string,
	staticData: IDataObject,
): Promise<number> {
	const result = await runFluxNode({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: { textPrompt: '={{ $json.prompt }}' },
		items: prompts.map((prompt) => ({ prompt })),
		onError: 'continueRegularOutput',
		workflowId,
		staticData,
	});
	return (result.items ?? []).filter((item) => !item.json.error && item.binary !== undefined)
		.length;
}

interface Jobs {
	prompts: string[];
	durations: number[];
}

/** A row's seeded jobs; the virtual-time tuning (bench/rate-sim.ts) draws the same. */
export const jobsFor = (label: string, count: number, seed: number): Jobs => ({
	prompts: Array.from({ length: count }, (_, i) => `${label} job ${i}`),
	durations: uniformDurations(count, seed, LOW_MS, HIGH_MS, 1),
});

async function nodeSide(key: string, row: Row, plan: RatePlan, measured: Jobs[], seed: number) {
	return await Promise.all(
		measured.map(async (jobs, e) => {
			const earlier = row.earlierRun
				? jobsFor(`${key} ${e} earlier`, row.prompts, seed + 50 + e)
				: { prompts: [], durations: [] };
			const fake = await fakeFor(
				[...earlier.prompts, ...jobs.prompts],
				[...earlier.durations, ...jobs.durations],
				{ plan },
			);
			try {
				const workflowId = `bench-rate-${key}-${e}`;
				const staticData: IDataObject = {};
				if (row.earlierRun) {
					await runNode(fake, earlier.prompts, workflowId, staticData);
					// Same account and Base URL, a new window; the earlier run's requests are forgotten.
					fake.reset();
				}
				const delivered = await runNode(fake, jobs.prompts, workflowId, staticData);
				return outcomeOf(fake, delivered, jobs.prompts.length, Date.now());
			} finally {
				await fake.stop();
			}
		}),
	);
}

async function fixedSide(plan: RatePlan, measured: Jobs[]) {
	return await Promise.all(
		measured.map(async (jobs) => {
			const fake = await fakeFor(jobs.prompts, jobs.durations, { plan });
			try {
				const strategy = { kind: 'fixed', everyMs: 2_000, downloadImage: true } as const;
				await runClient(fake, jobs.prompts, strategy, DEFAULT_CONCURRENCY);
				return outcomeOf(fake, jobs.prompts.length, jobs.prompts.length, Date.now());
			} finally {
				await fake.stop();
			}
		}),
	);
}

/** A row's seed: rows that share jobs (`jobsOf`) share it. */
export const seedOf = (key: string, seed: number) =>
	seed + 100 * Object.keys(RATE_PLAN_ROWS).indexOf(RATE_PLAN_ROWS[key].jobsOf ?? key);

async function runRow(key: string, row: Row, seed: number, window?: Plan['window']) {
	const plan: RatePlan = { ...row.plan, ...(window ? { window } : {}), windowMs: WINDOW_MS };
	const rowSeed = seedOf(key, seed);
	const measured = Array.from({ length: row.executions }, (_, e) =>
		jobsFor(`${key} ${e}`, row.prompts, rowSeed + e),
	);
	// Each execution and each side on an account of its own, side by side.
	const [node, fixed] = await Promise.all([
		nodeSide(key, row, plan, measured, rowSeed),
		fixedSide(plan, measured),
	]);
	const oracles = measured.map(({ durations }) =>
		rateOracle({
			plan,
			itemsAtOnce: DEFAULT_CONCURRENCY,
			durationsMs: durations,
			roundTripMs: ROUND_TRIP_MS,
		}),
	);
	return {
		r429Each: node.map((outcome) => outcome.r429),
		node: sideFigures(node),
		fixed_2s: sideFigures(fixed),
		oracle: {
			wall_ms: Math.round(
				percentile(
					oracles.map((oracle) => oracle.wall_ms),
					0.5,
				),
			),
			requests: oracles.reduce((total, oracle) => total + oracle.requests, 0),
		},
	};
}

/** The rows one after another: the node's runs of different rows would disturb each other's timing. */
export async function ratePlansScenario(
	seed = RATE_PLANS_SEED,
	window?: Plan['window'],
): Promise<RatePlansRun> {
	await loadPackage();
	const run: RatePlansRun = { result: {}, r429Each: {}, seed, ...(window ? { window } : {}) };
	for (const [key, row] of Object.entries(RATE_PLAN_ROWS)) {
		const { r429Each, ...figures } = await runRow(key, row, seed, window);
		run.result[key] = figures;
		run.r429Each[key] = r429Each;
	}
	return run;
}
