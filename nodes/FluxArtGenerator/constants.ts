/**
 * Every default and every user-facing message of the node lives here, so the wording can be
 * reviewed in one place and tests can match on it.
 */

export const CREDENTIAL_TYPE = 'segmindApi';

export const DEFAULT_BASE_URL = 'https://api.segmind.com';
export const DEFAULT_WORKFLOW_ID = '66ba4126364d0f944f366a8f-v2';
export const DEFAULT_PROMPT = 'goddess woman playing guitar with passion in saree';
export const DEFAULT_OUTPUT_KEY = 'image_output';

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** Items in flight at once: Segmind runs jobs in parallel, so a batch need not wait in line. */
export const DEFAULT_CONCURRENCY = 5;
/** One HTTP call may take this long before it is abandoned, so a hung socket never hangs a run. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export const CREDITS_HEADER = 'x-remaining-credits';

/** Where Segmind answers polls when its submit answer names no poll URL. */
export const FALLBACK_POLL_PATH = '/workflows/request/';

/** Stable codes, so a workflow can branch on `$json.code` (e.g. resume a TIMEOUT). */
export const ERROR_CODES = {
	timeout: 'TIMEOUT',
	failed: 'FAILED',
	auth: 'AUTH',
	credits: 'CREDITS',
	forbidden: 'FORBIDDEN',
	notFound: 'NOT_FOUND',
	invalidInput: 'INVALID_INPUT',
	rateLimited: 'RATE_LIMITED',
	server: 'SERVER',
	network: 'NETWORK',
	invalidResponse: 'INVALID_RESPONSE',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

const resumeHint = (requestId: string, pollUrl: string) =>
	`Segmind may still finish request ${requestId}: fetch it later from ${pollUrl} (with your API key), within about an hour.`;

export const MESSAGES = {
	blankPrompt: 'The Text Prompt is empty',
	blankPromptHint:
		'Give the node a prompt to paint, e.g. "a lighthouse at dawn, oil painting". Nothing was sent to Segmind and no credits were spent.',
	blankWorkflowId: 'The Workflow ID is empty',
	blankWorkflowIdHint: `Use the Flux art workflow's ID, ${DEFAULT_WORKFLOW_ID}, or the ID of another Pixelflow workflow that takes text_prompt.`,
	invalidTimeout: 'Timeout, Poll Interval and Request Timeout must be positive numbers of seconds',
	extraInputsNotJson: 'Extra Workflow Inputs (JSON) must be one JSON object',
	extraInputsPrompt: 'Extra Workflow Inputs may not set text_prompt',
	extraInputsHint:
		'Give extra inputs as name/value pairs or as a JSON object such as {"style": "watercolor"}; the prompt itself goes in Text Prompt. Nothing was sent to Segmind.',
	noJobGiven: 'Get Result needs a Request ID or a Poll URL',
	noJobGivenHint:
		'Map the request_id of an earlier Submit or Generate item (or of its error item), e.g. {{ $json.request_id }}. Nothing was sent to Segmind.',
	invalidBaseUrl: (value: string) =>
		`The Segmind credential's Base URL "${value}" is not an http(s) URL`,
	invalidBaseUrlHint: `Open the Segmind API credential and set Base URL to ${DEFAULT_BASE_URL} (or your proxy's URL).`,

	auth: (status: number) => `Segmind rejected the API key (HTTP ${status})`,
	authHint:
		'Check the API key in the Segmind API credential: copy it again from segmind.com → Console → API Keys. Nothing was billed.',
	credits: (status: number) => `Not enough Segmind credits (HTTP ${status})`,
	creditsHint:
		'Top up credits at segmind.com → Billing (or raise the spend limit), then run the node again. Nothing was billed for this item. HTTP 406 can also mean a spend limit was reached.',
	forbidden: (workflowId: string) =>
		`Segmind does not allow this account to run workflow ${workflowId} (HTTP 403)`,
	forbiddenHint:
		'Check that the workflow ID is right and that your Segmind plan may use it. Nothing was billed.',
	unknownWorkflow: (workflowId: string) => `Segmind knows no workflow "${workflowId}" (HTTP 404)`,
	unknownWorkflowHint: `Check the Workflow ID. The Flux art workflow is ${DEFAULT_WORKFLOW_ID}.`,
	unknownRequest: (requestId: string) => `Segmind no longer knows request ${requestId} (HTTP 404)`,
	unknownRequestHint:
		'Segmind keeps a request for about an hour; after that its result can no longer be fetched. Run the item again to make a new image.',
	invalidInput: (reason: string) => `Segmind refused the input (HTTP 422): ${reason}`,
	invalidInputHint:
		'Check the prompt and the workflow ID: the workflow must take a text_prompt input.',
	rateLimited: (status: number) =>
		`Segmind's rate limit was hit (HTTP ${status}) and did not clear in time`,
	rateLimitedHint:
		'Lower the number of items per run, or wait a minute and run again. The free plan allows about 5 requests a minute, Pro about 50.',
	server: (status: number) => `Segmind answered with a server error (HTTP ${status})`,
	serverHint: 'Segmind seems to be having trouble. Try again in a few minutes.',
	unexpectedStatus: (status: number) => `Segmind answered with an unexpected HTTP ${status}`,
	network: (words: string) => `Could not reach Segmind: ${words}`,
	networkHint: (code: string) =>
		`Check the Base URL in the Segmind API credential, your network and any proxy. (Socket error: ${code.toLowerCase()})`,
	submitOutcomeUnknown: (words: string) =>
		`The connection to Segmind broke after the prompt was sent (${words}), so it is unknown whether Segmind accepted it`,
	submitOutcomeUnknownHint: (code: string) =>
		`The node did not send the prompt again, so you are not billed twice. Check your request history at segmind.com → Console before you retry this item. (Socket error: ${code.toLowerCase()})`,
	unreadable: (what: string, excerpt: string) =>
		`Segmind's answer to the ${what} could not be read: ${excerpt}`,
	unreadableHint:
		"The answer was not the JSON Segmind documents. If the Base URL points at a proxy, check that it passes Segmind's answers through unchanged.",
	noRequestId: 'Segmind accepted the prompt but its answer named no request ID and no poll URL',
	noRequestIdHint:
		'The job may still run. Check your request history at segmind.com → Console; do not simply retry, or you may be billed twice.',

	jobFailed: (requestId: string, reason: string) =>
		`Segmind could not finish request ${requestId}: ${reason}`,
	jobFailedHint:
		"These are Segmind's own words. Often a different prompt helps (e.g. if a safety filter refused it).",
	noImage: (requestId: string, keys: string) =>
		`Segmind finished request ${requestId} but its answer holds no image URL (outputs seen: ${keys})`,
	noImageHint:
		'If this workflow names its image output differently, that name must be used. Segmind may also have dropped the output: run the item again.',
	timeout: (requestId: string, seconds: number, lastStatus: string) =>
		`Segmind had not finished request ${requestId} after ${seconds} s (last status: ${lastStatus})`,
	timeoutHint: resumeHint,

	otherJobs: (list: string) =>
		`n8n discards this node's other results when an item fails, so here are the jobs already paid for in this run: ${list}. Set On Error to Continue to keep them as items.`,

	imageGone: (status: number) =>
		`The image could not be downloaded: its URL answered HTTP ${status}, so it has expired or is not reachable`,
	imageHttp: (status: number) =>
		`The image could not be downloaded: its host answered HTTP ${status}`,
	imageNetwork: (words: string) => `The image could not be downloaded: ${words}`,
	imageHint: (url: string) =>
		`Segmind finished the job; only the download failed. The image URL is ${url} (Segmind keeps outputs for about 7 days). Turn off Download Image to output the URL only.`,
} as const;

export const DEFAULT_BINARY_PROPERTY = 'data';
/** One image download attempt may take this long; large images on a slow host need more than an API call. */
export const DOWNLOAD_TIMEOUT_MS = 60_000;

export const NO_REASON_GIVEN = 'Segmind gave no reason';

/**
 * Socket error codes in words. n8n rewrites any message that contains a raw code such as
 * ECONNRESET into its own generic text ("You can retry the request immediately"), which is the
 * wrong advice after a submit, so messages carry these words and the raw code goes last.
 */
const NETWORK_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	ETIMEDOUT: 'no answer came in time',
	ECONNABORTED: 'no answer came in time',
	ESOCKETTIMEDOUT: 'no answer came in time',
	EPIPE: 'the connection was closed while sending',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
};

export const networkWords = (code: string) => NETWORK_WORDS[code] ?? 'the connection failed';
