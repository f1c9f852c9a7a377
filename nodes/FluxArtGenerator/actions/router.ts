/**
 * Runs the node's operation for the input items, several at once (Items at Once), sharing what
 * an execution shares (credential, transport, request budget, learned durations). Each item's
 * failure becomes n8n's error for that item, or an error item under Continue On Fail; outputs keep
 * input order and pairing.
 */
import { ExecutionCancelledError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, DEFAULT_CONCURRENCY, MESSAGES } from '../constants';
import { executionClock } from '../helpers/clock';
import { JobDurations, readStoredDurations } from '../helpers/durations';
import { errorItemJson, itemError, withOtherJobs } from '../helpers/errors';
import { JobLedger } from '../helpers/ledger';
import { SegmindTransport } from '../transport';
import type { Operation } from './fields';
import * as generate from './generate.operation';
import * as getCredits from './getCredits.operation';
import * as getResult from './getResult.operation';
import * as submit from './submit.operation';

/** The node's operations by their Operation value: their parameters and how they run. */
export const OPERATIONS = { generate, submit, getResult, getCredits };

/** What one execution shares between its items. */
export type RunContext = Awaited<ReturnType<typeof startRun>>;

/** The run-wide options are read once, from the first item. */
async function startRun(ctx: IExecuteFunctions) {
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
	return {
		ctx,
		clock,
		baseUrl,
		transport: new SegmindTransport(ctx, { baseUrl, clock, perMinute, signal }),
		/** The jobs paid for so far, so a failure elsewhere cannot lose them. */
		ledger: new JobLedger(),
		/** How long each workflow's jobs took (earlier executions and this one): polls follow it. */
		durations: new JobDurations(readStoredDurations(ctx.getWorkflowStaticData('node'))),
		concurrency: Math.max(1, Math.floor(Number(options.concurrency ?? DEFAULT_CONCURRENCY))),
		// Kept only to scrub it from anything shown to the user.
		secret: String(credentials.apiKey ?? ''),
	};
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const run = await startRun(this);
	const node = this.getNode();
	// Saved workflows from before operations existed have no `operation`: they generate.
	const operation = this.getNodeParameter('operation', 0, 'generate') as Operation;
	const { execute } = OPERATIONS[operation] ?? generate;

	const results: INodeExecutionData[] = new Array(items.length);
	let next = 0;
	/** What to throw once every worker has stopped. */
	let fatal: (() => unknown) | undefined;
	const worker = async () => {
		while (fatal === undefined && next < items.length) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await execute(run, itemIndex);
			} catch (caught) {
				// A stop by the user is never turned into an error item: the run must end.
				if (caught instanceof ExecutionCancelledError) {
					fatal ??= () => caught;
					return;
				}
				const error = itemError(node, caught, itemIndex, run.secret, run.ledger.get(itemIndex));
				if (this.continueOnFail()) {
					results[itemIndex] = { json: errorItemJson(error), pairedItem: { item: itemIndex } };
					continue;
				}
				// No new item starts; items already submitted finish their wait, so the error can
				// name their images (n8n discards this node's output with it).
				fatal ??= () => withOtherJobs(error, run.ledger.othersThan(itemIndex));
				return;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(run.concurrency, items.length) }, worker));
	// Saved before any error is thrown: what was learned is as true when an item failed.
	run.durations.saveTo(this.getWorkflowStaticData('node'));
	if (fatal) throw fatal();
	return [results];
}
