/** Generate: submit the prompt, wait for the image, output its URL, the credits and the file. */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	downloadImageField,
	optionsField,
	promptFields,
	readOptions,
	readPromptInput,
} from './fields';
import { CreditsReading, startTiming, submitPrompt, waitForImage } from './job';
import type { RunContext } from './job';
import { imageItem } from './output';

export const description: INodeProperties[] = [
	...promptFields(['generate']),
	downloadImageField(['generate']),
	optionsField('generate', [
		'extraInputs',
		'concurrency',
		'maxRequestsPerMinute',
		'extraInputsJson',
		'outputKey',
		'pollInterval',
		'binaryPropertyName',
		'requestTimeout',
		'timeout',
	]),
];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { textPrompt, workflowId } = readPromptInput(run, itemIndex);
	const options = readOptions(run, itemIndex);
	const download = run.ctx.getNodeParameter('downloadImage', itemIndex, true) as boolean;
	const timing = startTiming(run, options.timeoutMs, options.requestTimeoutMs);
	const credits = new CreditsReading();
	const job = await submitPrompt(
		run,
		itemIndex,
		{ textPrompt, workflowId },
		options,
		timing,
		credits,
	);
	const finished = await waitForImage(
		run,
		job,
		{
			timing,
			maxIntervalMs: options.maxIntervalMs,
			outputKey: options.outputKey,
			fromSubmit: true,
		},
		credits,
	);
	run.ledger.record(itemIndex, { request_id: job.requestId, image_output: finished.imageUrl });

	const json = {
		image_output: finished.imageUrl,
		remaining_credits: credits.value,
		request_id: job.requestId || null,
		status: finished.status,
		text_prompt: textPrompt,
		workflow_id: workflowId,
		elapsed_ms: finished.elapsedMs,
		polls: finished.polls,
	};
	return await imageItem(run, itemIndex, json, {
		url: finished.imageUrl,
		job: { requestId: job.requestId, pollUrl: job.pollUrl, workflowId },
		binaryProperty: download ? options.binaryPropertyName : undefined,
	});
}
