/**
 * Generate: submit the prompt to the Flux art workflow, wait for the image, output its URL.
 * Parameter names here are a public contract: saved workflows refer to them.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_OUTPUT_KEY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_MS,
	DEFAULT_TIMEOUT_SECONDS,
	DEFAULT_WORKFLOW_ID,
	DOWNLOAD_TIMEOUT_MS,
	MESSAGES,
} from '../constants';
import { downloadImage } from '../transport/download';
import { CreditsReading, submitJob, waitForImage } from './job';
import type { RunContext } from './job';

export const description: INodeProperties[] = [
	{
		displayName: 'Text Prompt',
		name: 'textPrompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. goddess woman playing guitar with passion in saree',
		description:
			'A short description of the picture to paint. Segmind enriches it with Llama 3.1 before Flux.1 Schnell paints it.',
		typeOptions: { rows: 3 },
	},
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: DEFAULT_WORKFLOW_ID,
		description:
			'The Segmind Pixelflow workflow to run. The default is "AI Art Generator using Flux.1"; any workflow that takes a text_prompt input works.',
	},
	{
		displayName: 'Download Image',
		name: 'downloadImage',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the image into the item as binary data, ready for email, storage or file nodes. Segmind deletes images after about 7 days, so keep the file if you need it later.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: DEFAULT_BINARY_PROPERTY,
				hint: 'The name of the output binary field to put the image in',
				displayOptions: { show: { '/downloadImage': [true] } },
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description:
					'The longest wait between two checks on the job. Checks start after half a second and grow up to this.',
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'requestTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description:
					'How long one HTTP call to Segmind may take before it is abandoned (and retried where that is safe), so a hung connection never hangs the workflow',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description:
					'How long to wait for the image before the item fails. The error names the request ID, so the image can still be collected later.',
			},
		],
	},
];

interface GenerateOptions {
	timeout?: number;
	pollInterval?: number;
	binaryPropertyName?: string;
	requestTimeout?: number;
}

function readInput(run: RunContext, itemIndex: number) {
	const { ctx } = run;
	const textPrompt = String(ctx.getNodeParameter('textPrompt', itemIndex, '') ?? '');
	const workflowId = String(ctx.getNodeParameter('workflowId', itemIndex, DEFAULT_WORKFLOW_ID) ?? '').trim();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as GenerateOptions;
	const timeoutSeconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
	const pollIntervalSeconds = options.pollInterval ?? DEFAULT_POLL_INTERVAL_SECONDS;
	const requestTimeoutSeconds = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS / 1000;

	const fail = (message: string, hint: string) =>
		new NodeOperationError(ctx.getNode(), message, { description: hint, itemIndex });
	if (textPrompt.trim() === '') throw fail(MESSAGES.blankPrompt, MESSAGES.blankPromptHint);
	if (workflowId === '') throw fail(MESSAGES.blankWorkflowId, MESSAGES.blankWorkflowIdHint);
	if (!(timeoutSeconds > 0) || !(pollIntervalSeconds > 0)) {
		throw fail(MESSAGES.invalidTimeout, `Got Timeout ${timeoutSeconds} and Poll Interval ${pollIntervalSeconds}.`);
	}
	if (!(requestTimeoutSeconds > 0)) throw fail(MESSAGES.invalidRequestTimeout, `Got ${requestTimeoutSeconds}.`);
	const downloadImage = ctx.getNodeParameter('downloadImage', itemIndex, true) as boolean;
	const binaryPropertyName = (options.binaryPropertyName ?? '').trim() || DEFAULT_BINARY_PROPERTY;
	return {
		textPrompt,
		workflowId,
		timeoutMs: timeoutSeconds * 1000,
		maxIntervalMs: pollIntervalSeconds * 1000,
		requestTimeoutMs: requestTimeoutSeconds * 1000,
		binaryProperty: downloadImage ? binaryPropertyName : undefined,
	};
}

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const input = readInput(run, itemIndex);
	const startedAt = run.clock.now();
	const timing = { startedAt, deadline: startedAt + input.timeoutMs, requestTimeoutMs: input.requestTimeoutMs };
	const credits = new CreditsReading();
	const outputKey = DEFAULT_OUTPUT_KEY;

	const job = await submitJob(
		run,
		{ workflowId: input.workflowId, body: { text_prompt: input.textPrompt }, outputKey },
		timing,
		credits,
	);
	run.ledger.record(itemIndex, { request_id: job.requestId, poll_url: job.pollUrl });
	const finished = await waitForImage(run, job, { timing, maxIntervalMs: input.maxIntervalMs, outputKey }, credits);
	run.ledger.record(itemIndex, { request_id: job.requestId, image_output: finished.imageUrl });

	const json: IDataObject = {
		image_output: finished.imageUrl,
		remaining_credits: credits.value,
		request_id: job.requestId || null,
		status: finished.status,
		text_prompt: input.textPrompt,
		workflow_id: input.workflowId,
		elapsed_ms: finished.elapsedMs,
		polls: finished.polls,
	};
	if (!input.binaryProperty) return { json, pairedItem: { item: itemIndex } };
	const binary = await downloadImage(run.ctx, {
		url: finished.imageUrl,
		job: { requestId: job.requestId, pollUrl: job.pollUrl, workflowId: job.workflowId },
		timeoutMs: DOWNLOAD_TIMEOUT_MS,
		clock: run.clock,
		signal: run.signal,
	});
	return { json, binary: { [input.binaryProperty]: binary }, pairedItem: { item: itemIndex } };
}
