/**
 * Runs the node's operation for the input items, several at once (Items at Once), sharing what
 * an execution shares (credential, transport, request budget, learned durations). Each item's
 * failure becomes n8n's error for that item, or an error item under Continue On Fail; outputs keep
 * input order and pairing.
 */
import { ExecutionCancelledError, NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	DEFAULT_BASE_URL,
	DEFAULT_CONCURRENCY,
	DEFAULT_REQUEST_TIMEOUT_MS,
	MESSAGES,
} from '../constants';
import { executionClock } from '../helpers/clock';
import { JobDurations, readStoredDurations } from '../helpers/durations';
import { errorItemJson, SegmindError, toNodeError } from '../helpers/errors';
import { JobLedger } from '../helpers/ledger';
import type { LedgerEntry } from '../helpers/ledger';
import { SegmindTransport } from '../transport';
import { SharedBackoff } from '../transport/backoff';
import { RequestBudget } from '../transport/budget';
import type { Operation } from './fields';
import * as generate from './generate.operation';
import * as getCredits from './getCredits.operation';
import * as getResult from './getResult.operation';
import type { RunContext } from './job';
import * as submit from './submit.operation';

/** One module per operation, each exporting its parameters and its per-item execute. */
export const operations: Record<Operation, typeof generate> = {
	generate,
	submit,
	getResult,
	getCredits,
};

async function createRunContext(ctx: IExecuteFunctions): Promise<RunContext> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), MESSAGES.invalidBaseUrl(baseUrl), {
			description: MESSAGES.invalidBaseUrlHint,
		});
	}
	// Budget and pool are per execution: read from the first item's options.
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const perMinute = Number(options.maxRequestsPerMinute ?? 0);
	const signal = ctx.getExecutionCancelSignal();
	const clock = executionClock(signal);
	const transport = new SegmindTransport(ctx, {
		baseUrl,
		requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
		clock,
		backoff: new SharedBackoff(clock),
		budget: perMinute > 0 ? new RequestBudget(Math.floor(perMinute), clock) : undefined,
		signal,
	});
	return {
		ctx,
		transport,
		clock,
		baseUrl,
		secret: String(credentials.apiKey ?? ''),
		signal,
		ledger: new JobLedger(),
		durations: new JobDurations(readStoredDurations(ctx.getWorkflowStaticData('node'))),
	};
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const run = await createRunContext(this);
	// Saved workflows from before operations existed have no `operation`: they generate.
	const operation = this.getNodeParameter('operation', 0, 'generate') as Operation;
	const { execute } = operations[operation] ?? generate;
	const concurrency = Math.max(
		1,
		Math.floor(
			Number(
				(this.getNodeParameter('options', 0, {}) as IDataObject).concurrency ?? DEFAULT_CONCURRENCY,
			),
		),
	);

	const results: INodeExecutionData[] = new Array(items.length);
	let next = 0;
	let fatal: { error: unknown; itemIndex: number } | undefined;

	const worker = async () => {
		while (fatal === undefined && next < items.length) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await execute(run, itemIndex);
			} catch (caught) {
				// A stop by the user is never turned into an error item: the run must end.
				if (caught instanceof ExecutionCancelledError) {
					fatal ??= { error: caught, itemIndex };
					return;
				}
				const error = withOwnJob(
					asNodeError(this, caught, itemIndex, run.secret),
					run.ledger.entryFor(itemIndex),
				);
				if (this.continueOnFail()) {
					results[itemIndex] = { json: errorItemJson(error), pairedItem: { item: itemIndex } };
					continue;
				}
				// No new item starts; items already submitted finish their wait, so the error can
				// name their images (n8n discards this node's output with it).
				fatal ??= { error, itemIndex };
				return;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	// Saved before any error is thrown: what was learned is as true when an item failed.
	run.durations.saveTo(this.getWorkflowStaticData('node'));

	if (fatal) {
		const { error, itemIndex } = fatal;
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			throw withOtherJobs(error, run.ledger.othersThan(itemIndex));
		}
		throw error;
	}
	return [results];
}

/**
 * An unexpected failure after the submit (not one of ours, which name their job already) still
 * names the item's own job, so it can be collected with Get Result.
 */
function withOwnJob<T extends NodeApiError | NodeOperationError>(
	error: T,
	own: LedgerEntry | undefined,
): T {
	if (!own || error.context.request_id) return error;
	Object.assign(error.context, { request_id: own.request_id, poll_url: own.poll_url ?? null });
	error.description =
		`${error.description ?? ''}\n${MESSAGES.ownJob(own.request_id, own.poll_url ?? '')}`.trim();
	return error;
}

/** n8n drops the node's whole output with this error: name every job already paid for. */
function withOtherJobs<T extends NodeApiError | NodeOperationError>(
	error: T,
	others: LedgerEntry[],
): T {
	if (others.length === 0) return error;
	error.context.other_jobs = JobLedger.asData(others);
	error.description =
		`${error.description ?? ''}\n${MESSAGES.otherJobs(JobLedger.describe(others))}`.trim();
	return error;
}

function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	secret: string,
): NodeApiError | NodeOperationError {
	if (error instanceof SegmindError) return toNodeError(ctx.getNode(), error, itemIndex, secret);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
