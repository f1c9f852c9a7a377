/**
 * Parameters shared by several operations, and the reading of the options they share. The names
 * are a public contract: saved workflows refer to them.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_CONCURRENCY,
	DEFAULT_OUTPUT_KEY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_MS,
	DEFAULT_TIMEOUT_SECONDS,
	DEFAULT_WORKFLOW_ID,
	MESSAGES,
} from '../constants';
import type { RunContext } from './job';

export type Operation = 'generate' | 'submit' | 'getResult' | 'getCredits';

const showFor = (operation: Operation[]) => ({ show: { operation } });

export const promptFields = (operations: Operation[]): INodeProperties[] => [
	{
		displayName: 'Text Prompt',
		name: 'textPrompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. goddess woman playing guitar with passion in saree',
		description:
			'A short description of the picture to paint, in plain words (subject, style, mood). Segmind enriches it with Llama 3.1 before Flux.1 Schnell paints it.',
		typeOptions: { rows: 3 },
		displayOptions: showFor(operations),
	},
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: DEFAULT_WORKFLOW_ID,
		description:
			'The Segmind Pixelflow workflow to run. The default is "AI Art Generator using Flux.1"; any workflow that takes a text_prompt input works.',
		displayOptions: showFor(operations),
	},
];

export const downloadImageField = (operations: Operation[]): INodeProperties => ({
	displayName: 'Download Image',
	name: 'downloadImage',
	type: 'boolean',
	default: true,
	description:
		'Whether to download the image into the item as binary data, ready for email, storage or file nodes. Segmind deletes images after about 7 days, so keep the file if you need it later.',
	displayOptions: showFor(operations),
});

const OPTION_FIELDS: Record<string, INodeProperties> = {
	concurrency: {
		displayName: 'Items at Once',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items are in flight at once. Outputs keep the input order. Taken from the first item: it applies to the whole run.',
	},
	maxRequestsPerMinute: {
		displayName: 'Max Requests per Minute',
		name: 'maxRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"Segmind's rate limit for your plan (about 5 on the free plan, 50 on Pro). Submits and polls of all items share it, so the run waits its turn instead of being refused. 0 means no limit. Taken from the first item.",
	},
	extraInputs: {
		displayName: 'Extra Workflow Inputs',
		name: 'extraInputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'More inputs for workflows that take more than text_prompt, sent beside it',
		options: [
			{
				displayName: 'Input',
				name: 'input',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: "The workflow input's name",
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Its value',
					},
				],
			},
		],
	},
	extraInputsJson: {
		displayName: 'Extra Workflow Inputs (JSON)',
		name: 'extraInputsJson',
		type: 'json',
		default: '{}',
		description:
			'More inputs as one JSON object, e.g. {"style": "watercolor"}; merged with the ones above',
	},
	outputKey: {
		displayName: 'Image Output Name',
		name: 'outputKey',
		type: 'string',
		default: DEFAULT_OUTPUT_KEY,
		description:
			"Which of the workflow's outputs is the image. The Flux art workflow's is image_output.",
	},
	pollInterval: {
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 1 },
		default: DEFAULT_POLL_INTERVAL_SECONDS,
		description:
			'The longest wait between two checks on the job; checks come sooner when the job is likely done',
	},
	binaryPropertyName: {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: DEFAULT_BINARY_PROPERTY,
		hint: 'The name of the output binary field to put the image in',
	},
	requestTimeout: {
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description:
			'How long one HTTP call to Segmind may take before it is abandoned (and retried where that is safe), so a hung connection never hangs the workflow',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_TIMEOUT_SECONDS,
		description:
			'How long to wait for the image before the item fails. The error names the request ID, so the image can still be collected later with Get Result.',
	},
};

/** The Options collection of an operation, holding the named options in the order given. */
export const optionsField = (
	operation: Operation,
	names: Array<keyof typeof OPTION_FIELDS>,
): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: showFor([operation]),
	options: names.map((name) => OPTION_FIELDS[name]),
});

export interface CommonOptions {
	timeoutMs: number;
	maxIntervalMs: number;
	requestTimeoutMs: number;
	outputKey: string;
	binaryPropertyName: string;
	extraInputs: IDataObject;
}

/** Reads and checks the options of one item; bad values fail the item before any request. */
export function readOptions(run: RunContext, itemIndex: number): CommonOptions {
	const { ctx } = run;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (name: string, fallback: number) =>
		options[name] === undefined ? fallback : Number(options[name]);
	const timeout = number('timeout', DEFAULT_TIMEOUT_SECONDS);
	const pollInterval = number('pollInterval', DEFAULT_POLL_INTERVAL_SECONDS);
	const requestTimeout = number('requestTimeout', DEFAULT_REQUEST_TIMEOUT_MS / 1000);
	if (!(timeout > 0) || !(pollInterval > 0) || !(requestTimeout > 0)) {
		throw new NodeOperationError(ctx.getNode(), MESSAGES.invalidTimeout, {
			description: `Got Timeout ${timeout}, Poll Interval ${pollInterval}, Request Timeout ${requestTimeout}.`,
			itemIndex,
		});
	}
	return {
		timeoutMs: timeout * 1000,
		maxIntervalMs: pollInterval * 1000,
		requestTimeoutMs: requestTimeout * 1000,
		outputKey: String(options.outputKey ?? '').trim() || DEFAULT_OUTPUT_KEY,
		binaryPropertyName: String(options.binaryPropertyName ?? '').trim() || DEFAULT_BINARY_PROPERTY,
		extraInputs: readExtraInputs(run, itemIndex, options),
	};
}

function readExtraInputs(run: RunContext, itemIndex: number, options: IDataObject): IDataObject {
	const fail = (message: string) =>
		new NodeOperationError(run.ctx.getNode(), message, {
			description: MESSAGES.extraInputsHint,
			itemIndex,
		});
	const inputs: IDataObject = {};
	const pairs = ((options.extraInputs as IDataObject | undefined)?.input ?? []) as Array<{
		name?: string;
		value?: unknown;
	}>;
	for (const { name, value } of pairs) {
		if (String(name ?? '').trim()) inputs[String(name).trim()] = value ?? '';
	}
	const json = options.extraInputsJson;
	if (json !== undefined && json !== '' && json !== '{}') {
		let parsed: unknown = json;
		if (typeof json === 'string') {
			try {
				parsed = JSON.parse(json);
			} catch {
				throw fail(MESSAGES.extraInputsNotJson);
			}
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
			throw fail(MESSAGES.extraInputsNotJson);
		Object.assign(inputs, parsed);
	}
	if ('text_prompt' in inputs) throw fail(MESSAGES.extraInputsPrompt);
	return inputs;
}

/** The prompt and workflow of a submitting operation; blank ones fail before any request. */
export function readPromptInput(
	run: RunContext,
	itemIndex: number,
): { textPrompt: string; workflowId: string } {
	const { ctx } = run;
	const textPrompt = String(ctx.getNodeParameter('textPrompt', itemIndex, '') ?? '');
	const workflowId = String(
		ctx.getNodeParameter('workflowId', itemIndex, DEFAULT_WORKFLOW_ID) ?? '',
	).trim();
	const fail = (message: string, hint: string) =>
		new NodeOperationError(ctx.getNode(), message, { description: hint, itemIndex });
	if (textPrompt.trim() === '') throw fail(MESSAGES.blankPrompt, MESSAGES.blankPromptHint);
	if (workflowId === '') throw fail(MESSAGES.blankWorkflowId, MESSAGES.blankWorkflowIdHint);
	return { textPrompt, workflowId };
}
