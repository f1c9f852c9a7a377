/**
 * Runs the operation for the input items, Items at Once at a time. Each item's failure becomes
 * n8n's error, or an error item under Continue On Fail (and by default when the node runs as an
 * agent's tool); outputs keep input order and pairing.
 */
import { ExecutionCancelledError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { storeLimit } from '../transport/rate-limit';
import { runsAsTool } from './fields';
import type { Operation } from './fields';
import * as generate from './generate.operation';
import * as getCredits from './getCredits.operation';
import * as getResult from './getResult.operation';
import { errorItemJson, itemError, withOtherJobs } from './item-errors';
import { startRun } from './run';
import * as submit from './submit.operation';

/** The node's operations by their Operation value: their parameters and how they run. */
export const OPERATIONS = { generate, submit, getResult, getCredits };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const run = await startRun(this);
	const node = this.getNode();
	// Saved workflows from before operations existed have no `operation`: they generate.
	const operation = this.getNodeParameter('operation', 0, 'generate') as Operation;
	const { execute } = OPERATIONS[operation] ?? generate;
	if (operation === 'generate' || operation === 'submit') run.demand.submitsLeft = items.length;

	// As a tool (AI Agent, MCP), a failed item goes back to the agent as an item it can read, with
	// the node's message and hint: thrown, it would end the whole agent run on n8n 2.8 (newer n8n
	// passes on the message alone). On Error = Stop Workflow, set on the tool, still stops it.
	const errorsAsItems =
		this.continueOnFail() || (runsAsTool(this) && node.onError !== 'stopWorkflow');
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
					run.demand.submitsLeft = 0;
					return;
				}
				const error = itemError(node, caught, itemIndex, run.secret, run.ledger.get(itemIndex));
				if (errorsAsItems) {
					results[itemIndex] = { json: errorItemJson(error), pairedItem: { item: itemIndex } };
					continue;
				}
				// No new item starts; items already submitted finish their wait, so the error can
				// name their images (n8n discards this node's output with it).
				fatal ??= () => withOtherJobs(error, run.ledger.othersThan(itemIndex));
				run.demand.submitsLeft = 0;
				return;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(run.concurrency, items.length) }, worker));
	// Saved before any error is thrown: what was learned is as true when an item failed.
	const staticData = this.getWorkflowStaticData('node');
	run.durations.saveTo(staticData);
	const { learned } = run.transport.pacer;
	if (learned !== undefined) storeLimit(staticData, run.baseUrl, learned, run.clock.now());
	if (fatal) throw fatal();
	return [results];
}
