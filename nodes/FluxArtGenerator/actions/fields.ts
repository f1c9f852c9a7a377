/**
 * Parameters shared by several operations, and the reading of the options they share. The names
 * are a public contract: saved workflows refer to them. Each operation shows its parameters for
 * itself alone with n8n's `updateDisplayOptions`.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_CONCURRENCY,
	DEFAULT_OUTPUT_KEY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	DEFAULT_WORKFLOW_ID,
	LONE_CALL_TIMEOUTS,
	MESSAGES,
} from '../constants';
import { isObject, parseJsonBody } from '../segmind/responses';

export type Operation = 'generate' | 'submit' | 'getResult' | 'getCredits';

export const PROMPT_FIELDS: INodeProperties[] = [
	{
		displayName: 'Text Prompt',
		name: 'textPrompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. goddess woman playing guitar with passion in saree',
		description: 'What to paint, in plain words (subject, style, mood)',
		typeOptions: { rows: 3 },
	},
	{
		displayName: 'Workflow ID',
		name: 'workflowId',
		type: 'string',
		default: DEFAULT_WORKFLOW_ID,
		description: 'The Pixelflow workflow to run: any that takes text_prompt',
	},
];

/**
 * Download Image, twice under one name: on for the node, off for the tool n8n derives from it
 * (`usableAsTool`). n8n's `@tool` display condition shows one or the other, so each starts at its
 * own default and the tool's panel shows its choice. An agent (AI Agent, MCP clients) gets only
 * the item's JSON, never its binary data: the download would cost a request, time and memory for
 * nothing it reads.
 */
export const DOWNLOAD_IMAGE_FIELDS: INodeProperties[] = [
	{
		displayName: 'Download Image',
		name: 'downloadImage',
		type: 'boolean',
		default: true,
		description:
			'Whether to put the image into the item as binary data (Segmind deletes it after about 7 days)',
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		displayName: 'Download Image',
		name: 'downloadImage',
		type: 'boolean',
		default: false,
		description:
			'Whether to put the image into the item as binary data. Off for a tool: an agent receives the JSON (image URL) only, never the file.',
		displayOptions: { show: { '@tool': [true] } },
	},
];

/** Whether this node runs as the tool n8n derives from it (its type name ends with "Tool"). */
export const runsAsTool = (ctx: IExecuteFunctions) => ctx.getNode().type.endsWith('Tool');

/** Download Image of an item, at its default (on, off for a tool) where the workflow sets none. */
export const readDownloadImage = (ctx: IExecuteFunctions, itemIndex: number) =>
	ctx.getNodeParameter('downloadImage', itemIndex, !runsAsTool(ctx)) as boolean;

const OPTION_FIELDS = {
	concurrency: {
		displayName: 'Items at Once',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: DEFAULT_CONCURRENCY,
		description: "How many items are in flight at once (the first item's value applies to the run)",
	},
	maxRequestsPerMinute: {
		displayName: 'Max Requests per Minute',
		name: 'maxRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"A cap on the run's requests to Segmind, shared by all items (0: none; Segmind's own limit is read from its answers)",
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
		description: 'More inputs as one JSON object, e.g. {"style": "watercolor"}',
	},
	outputKey: {
		displayName: 'Image Output Name',
		name: 'outputKey',
		type: 'string',
		default: DEFAULT_OUTPUT_KEY,
		description: "Which of the workflow's outputs is the image",
	},
	pollInterval: {
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 1 },
		default: DEFAULT_POLL_INTERVAL_SECONDS,
		description: 'The longest wait between two checks on the job',
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
		default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
		description: 'How long one HTTP call may take before it is abandoned',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_TIMEOUT_SECONDS,
		description: 'How long to wait for the image before the item fails',
	},
} satisfies Record<string, INodeProperties>;

/** The Options collection of an operation, holding the named options in the order given. */
export const optionsField = (names: Array<keyof typeof OPTION_FIELDS>): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: names.map((name) => OPTION_FIELDS[name]),
});

export type JobOptions = ReturnType<typeof readOptions>;

/** Reads and checks the options of one item; bad values fail the item before any request. */
export function readOptions(ctx: IExecuteFunctions, itemIndex: number) {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (name: string, fallback: number) =>
		options[name] === undefined ? fallback : Number(options[name]);
	const timeout = number('timeout', DEFAULT_TIMEOUT_SECONDS);
	const pollInterval = number('pollInterval', DEFAULT_POLL_INTERVAL_SECONDS);
	const requestTimeout = number('requestTimeout', DEFAULT_REQUEST_TIMEOUT_SECONDS);
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
		/** A call that waits for no job (Submit, Get Credits) may take this long, retries included. */
		loneCallMs: requestTimeout * 1000 * LONE_CALL_TIMEOUTS,
		outputKey: String(options.outputKey ?? '').trim() || DEFAULT_OUTPUT_KEY,
		binaryPropertyName: String(options.binaryPropertyName ?? '').trim() || DEFAULT_BINARY_PROPERTY,
		extraInputs: readExtraInputs(ctx, itemIndex, options),
	};
}

function readExtraInputs(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject) {
	const fail = (message: string) =>
		new NodeOperationError(ctx.getNode(), message, {
			description: MESSAGES.extraInputsHint,
			itemIndex,
		});
	const inputs: IDataObject = {};
	const pairs = ((options.extraInputs as IDataObject | undefined)?.input ?? []) as IDataObject[];
	for (const { name, value } of pairs) {
		if (String(name ?? '').trim()) inputs[String(name).trim()] = value ?? '';
	}
	const json = options.extraInputsJson;
	if (json !== undefined && json !== '' && json !== '{}') {
		const parsed = parseJsonBody(json);
		if (!parsed.ok || !isObject(parsed.value)) throw fail(MESSAGES.extraInputsNotJson);
		Object.assign(inputs, parsed.value);
	}
	if ('text_prompt' in inputs) throw fail(MESSAGES.extraInputsPrompt);
	return inputs;
}

/** The prompt and workflow of a submitting operation; bad ones fail before any request. */
export function readPromptInput(ctx: IExecuteFunctions, itemIndex: number) {
	const textPrompt = String(ctx.getNodeParameter('textPrompt', itemIndex, '') ?? '');
	const givenId = String(
		ctx.getNodeParameter('workflowId', itemIndex, DEFAULT_WORKFLOW_ID) ?? '',
	).trim();
	const fail = (message: string, hint: string) =>
		new NodeOperationError(ctx.getNode(), message, { description: hint, itemIndex });
	if (textPrompt.trim() === '') throw fail(MESSAGES.blankPrompt, MESSAGES.blankPromptHint);
	if (givenId === '') throw fail(MESSAGES.blankWorkflowId, MESSAGES.blankWorkflowIdHint);
	const workflow = parseWorkflowId(givenId);
	if ('reason' in workflow)
		throw fail(
			MESSAGES.invalidWorkflowId(givenId, workflow.reason),
			MESSAGES.invalidWorkflowIdHint,
		);
	return { textPrompt, workflowId: workflow.path };
}

/** One path segment of a workflow ID: letters, digits and `-_.~`, not starting with a dot. */
const WORKFLOW_PATH = /^(?:(v\d+)\/)?([a-z0-9][\w.~-]*)$/i;

/**
 * The path under `/workflows/` that a Workflow ID means: an ID, `v2/<id>`, or a whole API URL
 * (`https://api.segmind.com/workflows/[v2/]<id>`) pasted from Segmind's pages; the submit goes to
 * the credential's Base URL whatever host the URL names. Anything else would be sent where no
 * workflow is, so it is refused with the reason. Pure.
 */
export function parseWorkflowId(value: string): { path: string } | { reason: string } {
	let text = value.trim();
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
		if (!URL.canParse(text)) return { reason: 'it is not a valid URL' };
		const inPath = /\/workflows\/(.+?)\/?$/.exec(new URL(text).pathname);
		if (!inPath) return { reason: 'the URL has no /workflows/<id> in its path' };
		text = inPath[1];
	}
	const parts = WORKFLOW_PATH.exec(text);
	if (!parts) {
		return {
			reason:
				'an ID holds only letters, digits, "-", "_" and "." (optionally after "v2/"), with no spaces or other slashes',
		};
	}
	const [, version, id] = parts;
	return { path: version ? `${version.toLowerCase()}/${id}` : id };
}
