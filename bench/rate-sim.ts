/**
 * `rate_sim`: the `rate_plans` rows in virtual time, for tuning the pacing on seeds the real-time
 * scenario does not report (`npm run bench -- --only rate_sim [--seed N]`: seeds N to N+9). The
 * node's own RatePacer, pollUntilDone, check shares and JobDurations run on the virtual clock
 * against the fake's own account bookkeeping (RateWindow) with the row's plan, on the row's
 * seeded jobs, beside the same oracle. Left out: n8n's engine, HTTP (a 50 ms round trip stands
 * for it) and the image, none of which the rate limit sees.
 */
import { DEFAULT_CONCURRENCY, DEFAULT_WORKFLOW_ID } from '../nodes/FluxArtGenerator/constants';
import { JobDurations } from '../nodes/FluxArtGenerator/polling/durations';
import { checkShare, pollUntilDone } from '../nodes/FluxArtGenerator/polling/policy';
import type { RunDemand } from '../nodes/FluxArtGenerator/polling/policy';
import type { JobStatus } from '../nodes/FluxArtGenerator/segmind/responses';
import { RatePacer } from '../nodes/FluxArtGenerator/transport/pacer';
import type { Priority } from '../nodes/FluxArtGenerator/transport/pacer';
import type { RateLimitReading } from '../nodes/FluxArtGenerator/transport/rate-limit';
import { countsAgainst, RateWindow } from '../test/fake-segmind/limits';
import { percentile } from './mix';
import { RATE_PLAN_ROWS } from './rate-plan-rows';
import type { Plan } from './rate-plan-rows';
import { rateOracle } from './rate-oracle';
import { jobsFor, seedOf } from './rate-plans';
import { VirtualClock } from './sim-clock';

const HALF_TRIP_MS = 25;
const TIMEOUT_MS = 300_000;
const SEEDS = 10;

interface SimRun {
	wallMs: number;
	delivered: number;
	r429: number;
	requests: number;
	learned?: number;
}

/** What the headers of an answer say under the plan's header mode. */
function readingOf(plan: Plan, admitted: boolean, remaining: number, resetAt: number) {
	if (plan.headers === 'always') return { remaining, resetAt };
	return plan.headers === 'on429' && !admitted ? { resetAt } : {};
}

/** One execution of `durations.length` prompts at Items at Once 10, as the node waits and paces. */
async function simulate(
	plan: Plan,
	durations: number[],
	stored: { limit?: number; durations: JobDurations },
): Promise<SimRun> {
	const clock = new VirtualClock();
	const account = new RateWindow({ ...plan, windowMs: 60_000 });
	const pacer = new RatePacer(clock, { cap: 0, storedLimit: stored.limit });
	const demand: RunDemand = { submitsLeft: durations.length, submitting: 0, waiting: 0 };
	let requests = 0;
	let delivered = 0;
	let wallMs = 0;

	/** A request through the pacer: half a trip there, Segmind's window, half back; 429s again. */
	const request = async (kind: Priority, deadline: number) => {
		for (;;) {
			const ticket = await pacer.take(kind, deadline);
			if (!ticket) return false;
			await clock.sleep(HALF_TRIP_MS);
			requests++;
			const counts = countsAgainst(plan, kind === 'submit' ? 'submit' : 'poll');
			const { admitted, remaining, resetAt } = account.admit(clock.now(), counts);
			await clock.sleep(HALF_TRIP_MS);
			const reading: RateLimitReading = readingOf(plan, admitted, remaining, resetAt);
			pacer.answered(ticket, { status: admitted ? 200 : 429, reading });
			if (admitted) return true;
		}
	};

	const runItem = async (durationMs: number) => {
		const deadline = clock.now() + TIMEOUT_MS;
		demand.submitsLeft--;
		demand.submitting++;
		const accepted = await request('submit', deadline).finally(() => demand.submitting--);
		if (!accepted) return;
		const endsAt = clock.now() - HALF_TRIP_MS + durationMs;
		const seen = (): JobStatus =>
			clock.now() - HALF_TRIP_MS >= endsAt
				? { state: 'completed', status: 'COMPLETED', imageUrl: 'x', outputNames: [] }
				: { state: 'pending', status: 'PROCESSING', outputNames: [] };
		demand.waiting++;
		try {
			const outcome = await pollUntilDone({
				clock,
				startedAt: clock.now(),
				timeoutMs: deadline - clock.now(),
				maxIntervalMs: 5_000,
				initial: { state: 'pending', status: 'QUEUED', outputNames: [] },
				check: async () => {
					if (!(await request('poll', deadline))) throw new Error('held past the Timeout');
					return seen();
				},
				model: () => stored.durations.model(DEFAULT_WORKFLOW_ID),
				wake: () => stored.durations.changed(),
				share: (elapsedMs, model) =>
					checkShare((ms) => pacer.tokensWithin(ms), model, elapsedMs, demand),
			});
			// A timeout is counted as not delivered.
			if (outcome.timedOut) return;
			if (outcome.polls > 0 && outcome.learnable)
				stored.durations.record(DEFAULT_WORKFLOW_ID, outcome.lastPendingMs, outcome.elapsedMs);
			delivered++;
			wallMs = Math.max(wallMs, clock.now());
		} catch {
			// Counted as not delivered.
		} finally {
			demand.waiting--;
		}
	};

	let next = 0;
	const workers = Array.from(
		{ length: Math.min(DEFAULT_CONCURRENCY, durations.length) },
		async () => {
			while (next < durations.length) await runItem(durations[next++]);
		},
	);
	await clock.run(Promise.all(workers));
	return { wallMs, delivered, r429: account.refused, requests, learned: pacer.learned };
}

export interface RateSimRow {
	/** The node's wall over the oracle's, per execution, over the tuning seeds. */
	ratios: number[];
	r429: number[];
	undelivered: number;
}

/** Every row over SEEDS seeds from `firstSeed`, each as the real-time scenario draws its jobs. */
export async function rateSimScenario(firstSeed: number): Promise<Record<string, RateSimRow>> {
	const result: Record<string, RateSimRow> = {};
	for (const [key, row] of Object.entries(RATE_PLAN_ROWS)) {
		const figures: RateSimRow = { ratios: [], r429: [], undelivered: 0 };
		for (let s = 0; s < SEEDS; s++) {
			const seed = seedOf(key, firstSeed + s * 1_000);
			for (let e = 0; e < row.executions; e++) {
				const jobs = jobsFor(key, row.prompts, seed + e);
				const stored: { limit?: number; durations: JobDurations } = {
					durations: new JobDurations(),
				};
				if (row.earlierRun) {
					const earlier = await simulate(
						row.plan,
						jobsFor(key, row.prompts, seed + 50 + e).durations,
						stored,
					);
					stored.limit = earlier.learned;
				}
				const run = await simulate(row.plan, jobs.durations, stored);
				const oracle = rateOracle({
					plan: row.plan,
					itemsAtOnce: DEFAULT_CONCURRENCY,
					durationsMs: jobs.durations,
					roundTripMs: 2 * HALF_TRIP_MS,
				});
				figures.ratios.push(run.wallMs / oracle.wall_ms);
				figures.r429.push(run.r429);
				figures.undelivered += jobs.durations.length - run.delivered;
			}
		}
		result[key] = figures;
	}
	return result;
}

export function printRateSim(result: Record<string, RateSimRow>, firstSeed: number): void {
	console.log(
		`Rate plans in virtual time (tuning): seeds ${firstSeed}..+${SEEDS - 1}, wall over the oracle's per execution`,
	);
	console.log('  row                      median     p90     max   429s (max)  undelivered');
	for (const [key, row] of Object.entries(result)) {
		const at = (q: number) => percentile(row.ratios, q).toFixed(2).padStart(7);
		const r429 = `${row.r429.reduce((a, b) => a + b, 0)} (${Math.max(...row.r429)})`;
		console.log(
			`  ${key.padEnd(24)}${at(0.5)} ${at(0.9)} ${at(1)}   ${r429.padEnd(12)}${String(row.undelivered).padStart(5)}`,
		);
	}
}
