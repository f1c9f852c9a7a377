/**
 * `npm run bench -- --sim`: the node's waiting, simulated in virtual time over many seeds in a few
 * seconds. One execution is a pool of `concurrency` workers, as the router runs items; each job
 * is submitted (50 ms round trip), then waited for with the node's own `pollUntilDone`, planned by
 * its own `JobDurations` (with the stored durations of earlier executions going through the same
 * static data the node writes). Fixed 2 s and 5 s pollers (Segmind's SDK, and the common choice
 * elsewhere) run on the same durations. Lateness is measured as the fake measures it: the server
 * time of the first poll that saw the job done, minus when it finished.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_WORKFLOW_ID } from '../nodes/FluxArtGenerator/constants';
import { JobDurations, readStoredDurations } from '../nodes/FluxArtGenerator/polling/durations';
import { pollUntilDone } from '../nodes/FluxArtGenerator/polling/policy';
import type { JobStatus } from '../nodes/FluxArtGenerator/segmind/responses';
import { percentile } from './mix';
import { VirtualClock } from './sim-clock';

const ROUND_TRIP_MS = 50;
const POLL_INTERVAL_MS = 5_000;
export const TIMEOUT_MS = 300_000;
export const OTHER_WORKFLOW_ID = 'another-workflow';

export type Poller = 'ours' | 'fixed_2s' | 'fixed_5s';

export interface Execution {
	workflowId: string;
	/** One duration per item; Infinity for a job that never finishes. */
	durationsMs: number[];
	concurrency: number;
}

export interface JobFigures {
	/** ms late, or undefined for a job not seen done before the timeout. */
	latenessMs?: number;
	polls: number;
}

const pending: JobStatus = {
	state: 'pending',
	status: 'PROCESSING',
	outputNames: [],
};
const done: JobStatus = {
	state: 'completed',
	status: 'COMPLETED',
	imageUrl: 'https://images.example/x.jpg',
	outputNames: [],
};

/**
 * Runs one execution's items with `poller`, `staticData` standing for the node's workflow static
 * data (read before, written after, as the router does).
 */
export async function simulateExecution(
	execution: Execution,
	poller: Poller,
	staticData: IDataObject,
): Promise<JobFigures[]> {
	const clock = new VirtualClock();
	const durations = new JobDurations(readStoredDurations(staticData));
	const figures: JobFigures[] = new Array(execution.durationsMs.length);
	let next = 0;

	const runJob = async (durationMs: number): Promise<JobFigures> => {
		const startedAt = clock.now();
		await clock.sleep(ROUND_TRIP_MS / 2);
		const completesAt = clock.now() + durationMs;
		await clock.sleep(ROUND_TRIP_MS / 2);
		let polls = 0;
		let latenessMs: number | undefined;
		const check = async (): Promise<JobStatus> => {
			await clock.sleep(ROUND_TRIP_MS / 2);
			polls++;
			const finished = clock.now() >= completesAt;
			if (finished && latenessMs === undefined) latenessMs = clock.now() - completesAt;
			await clock.sleep(ROUND_TRIP_MS / 2);
			return finished ? done : pending;
		};
		if (poller !== 'ours') {
			const everyMs = poller === 'fixed_2s' ? 2_000 : 5_000;
			while (clock.now() - startedAt < TIMEOUT_MS) {
				await clock.sleep(everyMs);
				if ((await check()).state === 'completed') break;
			}
			return { latenessMs, polls };
		}
		const outcome = await pollUntilDone({
			check,
			clock,
			startedAt,
			timeoutMs: TIMEOUT_MS,
			maxIntervalMs: POLL_INTERVAL_MS,
			initial: pending,
			model: () => durations.model(execution.workflowId),
			wake: () => durations.changed(),
		});
		if (!outcome.timedOut && outcome.polls > 0)
			durations.record(execution.workflowId, outcome.lastPendingMs, outcome.elapsedMs);
		return { latenessMs, polls };
	};

	const worker = async () => {
		while (next < execution.durationsMs.length) {
			const index = next++;
			figures[index] = await runJob(execution.durationsMs[index]);
		}
	};
	const workers = Math.min(execution.concurrency, execution.durationsMs.length);
	await clock.run(Promise.all(Array.from({ length: workers }, worker)));
	durations.saveTo(staticData);
	return figures;
}

export interface Figures {
	median_ms: number;
	p95_ms: number;
	polls_per_job: number;
}

export function summarise(jobs: JobFigures[]): Figures {
	const late = jobs.flatMap((job) => (job.latenessMs === undefined ? [] : [job.latenessMs]));
	return {
		median_ms: Math.round(percentile(late, 0.5)),
		p95_ms: Math.round(percentile(late, 0.95)),
		polls_per_job:
			Math.round((jobs.reduce((sum, job) => sum + job.polls, 0) / jobs.length) * 100) / 100,
	};
}

export { DEFAULT_WORKFLOW_ID };
