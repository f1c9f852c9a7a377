/**
 * What one execution shares between its items: the credential's Base URL, the transport with its
 * request budget, the clock, the ledger of paid jobs and the learned durations.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	DEFAULT_BASE_URL,
	DEFAULT_CONCURRENCY,
	MESSAGES,
	POLL_PATHS,
} from '../constants';
import { executionClock } from '../polling/clock';
import type { Clock } from '../polling/clock';
import { JobDurations, readStoredDurations } from '../polling/durations';
import type { RunDemand } from '../polling/policy';
import { SegmindTransport } from '../transport';
import { readStoredLimit } from '../transport/rate-limit';
import { JobLedger } from './ledger';

export interface RunContext {
	readonly ctx: IExecuteFunctions;
	readonly clock: Clock;
	/** The credential's Base URL, without a trailing slash. */
	readonly baseUrl: string;
	readonly transport: SegmindTransport;
	/** What is still to be sent: the rate limit's requests are shared out over it. */
	readonly demand: RunDemand;
	/** Where to poll a job known by its request ID alone; the path that answered comes first. */
	readonly pollPaths: string[];
	/** The jobs paid for so far, so a failure elsewhere cannot lose them. */
	readonly ledger: JobLedger;
	/** How long each workflow's jobs took (earlier executions and this one): polls follow it. */
	readonly durations: JobDurations;
	/** Items at Once, for the whole run. */
	readonly concurrency: number;
	/** Kept only to scrub it from anything shown to the user. */
	readonly secret: string;
}

/** The run-wide options are read once, from the first item. */
export async function startRun(ctx: IExecuteFunctions): Promise<RunContext> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const givenUrl = String(credentials.baseUrl ?? '').trim();
	const baseUrl = (givenUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), MESSAGES.invalidBaseUrl(baseUrl), {
			description: MESSAGES.invalidBaseUrlHint,
		});
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perMinute = Math.floor(Number(options.maxRequestsPerMinute ?? 0));
	const signal = ctx.getExecutionCancelSignal();
	const clock = executionClock(signal);
	const staticData = ctx.getWorkflowStaticData('node');
	const storedLimit = readStoredLimit(staticData, baseUrl, clock.now());
	return {
		ctx,
		clock,
		baseUrl,
		transport: new SegmindTransport(ctx, { baseUrl, clock, perMinute, storedLimit, signal }),
		demand: { submitsLeft: 0, submitting: 0, waiting: 0 },
		pollPaths: [...POLL_PATHS],
		ledger: new JobLedger(),
		durations: new JobDurations(readStoredDurations(staticData)),
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? DEFAULT_CONCURRENCY))),
		secret: String(credentials.apiKey ?? ''),
	};
}
