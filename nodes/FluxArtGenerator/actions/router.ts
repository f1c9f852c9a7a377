/**
 * Runs the node's operation for every input item: sets up what the items share (credential,
 * transport, clock), and turns each item's failure into n8n's error for that item, or into an
 * error item under Continue On Fail.
 */
import { ExecutionCancelledError, NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, DEFAULT_REQUEST_TIMEOUT_MS, MESSAGES } from '../constants';
import { executionClock } from '../helpers/clock';
import { errorItemJson, SegmindError, toNodeError } from '../helpers/errors';
import { JobLedger } from '../helpers/ledger';
import type { LedgerEntry } from '../helpers/ledger';
import { SharedBackoff } from '../transport/backoff';
import { SegmindTransport } from '../transport';
import type { Operation } from './fields';
import * as generate from './generate.operation';
import * as getCredits from './getCredits.operation';
import * as getResult from './getResult.operation';
import type { RunContext } from './job';
import * as submit from './submit.operation';

/** One module per operation, each exporting its parameters and its per-item execute. */
export const operations: Record<Operation, typeof generate> = { generate, submit, getResult, getCredits };

async function createRunContext(ctx: IExecuteFunctions): Promise<RunContext> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), MESSAGES.invalidBaseUrl(baseUrl), {
			description: MESSAGES.invalidBaseUrlHint,
		});
	}
	const signal = ctx.getExecutionCancelSignal();
	const clock = executionClock(signal);
	const transport = new SegmindTransport(ctx, {
		baseUrl,
		requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
		clock,
		backoff: new SharedBackoff(clock),
		signal,
	});
	return { ctx, transport, clock, baseUrl, secret: String(credentials.apiKey ?? ''), signal, ledger: new JobLedger() };
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const run = await createRunContext(this);
	// Saved workflows from before operations existed have no `operation`: they generate.
	const operation = this.getNodeParameter('operation', 0, 'generate') as Operation;
	const { execute } = operations[operation] ?? generate;
	const results: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			results.push(await execute(run, itemIndex));
		} catch (caught) {
			// A stop by the user is never turned into an error item: the run must end.
			if (caught instanceof ExecutionCancelledError) throw caught;
			const error = asNodeError(this, caught, itemIndex, run.secret);
			if (!this.continueOnFail()) throw withOtherJobs(error, run.ledger.othersThan(itemIndex));
			results.push({ json: errorItemJson(error), pairedItem: { item: itemIndex } });
		}
	}
	return [results];
}

/** n8n drops the node's whole output with this error: name every job already paid for. */
function withOtherJobs<T extends NodeApiError | NodeOperationError>(error: T, others: LedgerEntry[]): T {
	if (others.length === 0) return error;
	error.context.other_jobs = JobLedger.asData(others);
	error.description = `${error.description ?? ''}\n${MESSAGES.otherJobs(JobLedger.describe(others))}`.trim();
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
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}
