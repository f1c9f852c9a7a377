/**
 * Submit: hand the prompt to Segmind and return at once with the request ID and poll URL, for
 * workflows that wait elsewhere (a Wait node) and collect with Get Result.
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { optionsField, promptFields, readOptions, readPromptInput } from './fields';
import { CreditsReading, submitJob } from './job';
import type { RunContext } from './job';

export const description: INodeProperties[] = [
	...promptFields(['submit']),
	optionsField('submit', [
		'extraInputs',
		'extraInputsJson',
		'concurrency',
		'maxRequestsPerMinute',
		'requestTimeout',
	]),
];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { textPrompt, workflowId } = readPromptInput(run, itemIndex);
	const options = readOptions(run, itemIndex);
	const startedAt = run.clock.now();
	const credits = new CreditsReading();
	const job = await submitJob(
		run,
		{
			workflowId,
			body: { ...options.extraInputs, text_prompt: textPrompt },
			outputKey: options.outputKey,
		},
		{
			startedAt,
			deadline: startedAt + options.requestTimeoutMs * 2,
			requestTimeoutMs: options.requestTimeoutMs,
		},
		credits,
	);
	run.ledger.record(itemIndex, { request_id: job.requestId, poll_url: job.pollUrl });
	return {
		json: {
			request_id: job.requestId || null,
			poll_url: job.pollUrl,
			status: job.initial.status,
			remaining_credits: credits.value,
			text_prompt: textPrompt,
			workflow_id: workflowId,
			...(job.initial.imageUrl ? { image_output: job.initial.imageUrl } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}
