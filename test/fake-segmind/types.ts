/**
 * Public types of the fake Segmind server (README.md beside this file describes them). The node's
 * tests are written against these names.
 */

/** The fake's two servers: the API and the image host (a second origin). */
export type Host = 'api' | 'images';

export interface RecordedRequest {
	method: string;
	/** Path including the query string. */
	path: string;
	/** Lower-cased header names, as node:http gives them. */
	headers: Record<string, string | string[] | undefined>;
	/** Raw request body text. */
	body: string;
	/** Date.now() when the request arrived. */
	time: number;
	/** Which of the two servers got it. */
	host: Host;
	/** Set when the account's plan refused it (429); such a request counts against nothing. */
	rateLimited?: true;
}

export type OutputShape =
	/** `output` is a JSON string of `[{keyname, value: {data: url, type: 'image'}}]`. */
	| 'output-string'
	/** `output` is that same list, already parsed. */
	| 'output-list'
	/** `output` is `{ [keyname]: url }`. */
	| 'output-object'
	/** `output` list entries carry `value: url` instead of `{data, type}`. */
	| 'output-plain-values'
	/** The documented form: `{ status, image_output: url }` (keyname at the top level). */
	| 'flat'
	/** `{ status, image_output: [url] }`. */
	| 'flat-list';

/** The poll path forms Segmind's samples show, each answered on the API host (`pollPaths`). */
export type ApiPollPath = 'requests' | 'workflows-request' | 'v1-requests';

export type PollPath =
	| ApiPollPath
	/** `/workflows/request/<id>` with no origin. */
	| 'relative'
	/** Literally `<base_url>/requests/<id>`, as in Segmind's docs sample. */
	| 'placeholder'
	/** The submit answer has no poll_url at all. */
	| 'missing'
	/** The image server's origin + `/requests/<id>`: a poll URL on another host. */
	| 'foreign';

export type FailureShape =
	| 'error_message-string'
	| 'error_message-object'
	| 'error_message-list'
	/** `error_message: { error_message: '<words>' }`, as a third-party client reads it. */
	| 'error_message-nested'
	| 'error'
	| 'message';

export interface JobScenario {
	/** Time from submit until the job is terminal. Before half of it: QUEUED; after: PROCESSING. */
	durationMs: number;
	outputShape: OutputShape;
	/** Keyname of the image output. */
	outputKey: string;
	pollPath: PollPath;
	/**
	 * Whose origin the poll_url of the ApiPollPath forms is on: 'api' is the fake's own `baseUrl`;
	 * 'segmind' is `https://api.segmind.com`, as in every one of Segmind's examples (a client whose
	 * Base URL is a proxy must map it back). Other pollPath forms carry no API origin.
	 */
	pollOrigin: 'api' | 'segmind';
	/** 'hex': 32 hex characters, as in the workflow samples; 'uuid': with dashes, as in the async docs. */
	requestIdFormat: 'hex' | 'uuid';
	/** 'upper' sends statuses as configured (defaults are upper case); 'lower' lower-cases all. */
	statusCase: 'upper' | 'lower';
	completedStatus: string;
	/** When set, every non-terminal poll answers this status instead of QUEUED/PROCESSING. */
	pendingStatus?: string;
	/** The job stays pending forever (for timeout tests). */
	neverFinish: boolean;
	/** The job ends FAILED with this reason shape (HTTP 200 unless httpStatus says 422). */
	fail?: { shape: FailureShape; httpStatus?: 200 | 422 };
	/** The job ends with this failing status (e.g. 'CANCELLED', 'ERROR') and a `message`. */
	terminalStatus?: string;
	imageFormat: 'png' | 'jpeg';
	/** Overrides the image response's content-type (default from imageFormat). */
	imageContentType?: string;
	/**
	 * The image URL's extension, e.g. 'jpg' or 'webp' for PNG bytes (default from imageFormat: 'png'
	 * or 'jpg'); the image host serves the image there, and 404s the format's own extension.
	 */
	imageUrlExtension?: string;
	/** Send x-remaining-credits on submit and poll answers. */
	creditsHeader: boolean;
	/**
	 * With creditsHeader, only a job's first N polls carry it; later polls answer without it (the
	 * header is optional: "responses may carry" it). Every poll carries it by default.
	 */
	creditsHeaderPolls?: number;
	/**
	 * The balance in every submit and poll answer body too (with or without the header):
	 * 'metrics' as `metrics: { remaining_credits: n }` (Segmind's async answers), 'top-level' as
	 * `remaining_credits: n`.
	 */
	creditsInBody?: 'metrics' | 'top-level';
	/** The submit answer is already the terminal body. */
	completeOnSubmit: boolean;
	/** The submit answer has a poll_url but no request_id. */
	submitOmitsRequestId: boolean;
	/** Extra bytes in every image (a private PNG chunk, or JPEG comment segments), to serve large images; 0 by default. Such images are rendered per request, not kept. */
	imagePaddingBytes?: number;
}

export interface ScriptedResponse {
	status: number;
	/** Objects are JSON-encoded (application/json); strings are sent as-is (text/html by default). */
	body?: string | object;
	headers?: Record<string, string>;
	/** How many matching requests get this answer (default 1). */
	times?: number;
	/** Accept the request and never answer (until stop). */
	hang?: boolean;
	/** Destroy the socket without answering. */
	destroy?: boolean;
	/** Only for submit + destroy: create the job first, then destroy the socket. */
	afterAccept?: boolean;
	/**
	 * Only for polls and submits: answer `status` (a 3xx) with a Location on this host, to the same
	 * job's `/requests/<id>` (a poll) or to the same workflow path (a submit, which makes no job).
	 * 'api' stays put (under `pathPrefix`), 'images' stands for a second origin (where no key may
	 * go), 'segmind' is `https://api.segmind.com` (a client maps it through its Base URL).
	 */
	redirectTo?: RedirectTarget;
}

export type RedirectTarget = Host | 'segmind';

export type Route = 'submit' | 'poll' | 'credits' | 'image';

/**
 * An account's rate limit, as Segmind's docs describe it and as far as they leave it open: a limit
 * per window (fixed or rolling), counting every API request or submits only, and the headers that
 * tell a client about it.
 */
export interface RatePlan {
	/** Counted requests admitted per window. */
	limit: number;
	/**
	 * 'rolling': admitted while fewer than `limit` counted requests fall in the last `windowMs`.
	 * 'fixed': a window opens at the first counted request, holds `limit` requests, and closes
	 * `windowMs` later; the next counted request opens the next one.
	 */
	window: 'fixed' | 'rolling';
	/** 'all': every API request counts (submits, polls, credits, unknown paths); 'submits': only submits. */
	counts: 'all' | 'submits';
	/**
	 * 'always': every API answer carries `x-rate-limit-remaining` and `x-rate-limit-reset-at-utc`;
	 * 'on429': only the plan's 429s carry `x-rate-limit-reset-at-utc`; 'none': neither.
	 */
	headers: 'always' | 'on429' | 'none';
	/** Default 60 000: Segmind states its limits per minute. */
	windowMs?: number;
}

export interface FakeSegmindOptions {
	/** Default 'test-key-123'. */
	apiKey?: string;
	/** Initial balance, default 100. */
	credits?: number;
	/** Credits taken per accepted job, default 1. */
	costPerJob?: number;
	/** Merged over the built-in defaults; becomes this instance's default scenario. */
	scenario?: Partial<JobScenario>;
	/** Jobs Segmind runs at once; later ones wait for a free slot (queued). Unlimited by default. */
	capacity?: number;
	/**
	 * The account's rate limit (README.md, "Account plans"): one instance is one account. Unlimited
	 * by default.
	 */
	plan?: RatePlan;
	/**
	 * Shorthand for `plan: { limit: n, window: 'rolling', counts: 'all', headers: 'none' }`: API
	 * requests accepted per sliding minute, more answered 429. Not with `plan`.
	 */
	rateLimitPerMinute?: number;
	/** A duration per prompt (the bench's seeded mix); the scenario's durationMs otherwise. */
	durationOf?: (prompt: string) => number | undefined;
	/**
	 * Scenario fields for one prompt's job (e.g. `{ fail: … }` for a FAILED job), merged over the
	 * current scenario at its submit; undefined leaves the scenario as it is.
	 */
	scenarioFor?: (prompt: string) => Partial<JobScenario> | undefined;
	/**
	 * Asked about every routed request before the scripted answers (`respond`) and the normal
	 * handling: an answer to play instead (the fields of `respond`, `times` ignored), or undefined
	 * to go on. Lets a caller inject faults per request deterministically, e.g. by prompt. Every
	 * answer it gives is logged in `injected`.
	 */
	inject?: (route: Route, request: InjectionRequest) => ScriptedResponse | undefined;
	/**
	 * A proxy's or gateway's path (e.g. '/gateway/segmind'): every API route is served under it
	 * and `baseUrl` includes it; other paths answer 404. Poll URLs are handed out as the scenario
	 * says (a proxy passes Segmind's answers through). Default: none.
	 */
	pathPrefix?: string;
	/** The poll path forms the API host answers; the others answer 404 as unknown paths. Default: all. */
	pollPaths?: ApiPollPath[];
	/** Workflow ids (without a path form's 'v2/') whose submits answer 410: retired by Segmind. */
	retiredWorkflows?: string[];
	/**
	 * `GET /v1/get-user-credits` answers 404 `{"error": "No credits found for the user"}` to a good
	 * key, as for an account that never bought credits. Submits are still billed from `credits`.
	 */
	creditsNotFound?: boolean;
}

/** A request as `inject` sees it: the record, and which job and prompt it concerns when known. */
export interface InjectionRequest extends RecordedRequest {
	/** The job a poll or image request names (also when the fake does not know it). */
	requestId?: string;
	/** A submit's `text_prompt`, or the prompt of the known job a poll or image belongs to. */
	prompt?: string;
}

/** One answer `inject` gave, as the fake logged it. */
export interface Injection {
	route: Route;
	/** The job concerned; for an `afterAccept` submit, the job it made before the socket died. */
	requestId?: string;
	prompt?: string;
	response: ScriptedResponse;
	time: number;
}

/** A job as the tests see it. */
export interface SubmittedJob {
	requestId: string;
	/** As the submit's path gave it: '<id>' for `/workflows/<id>`, 'v2/<id>' for `/workflows/v2/<id>`. */
	workflowId: string;
	/** The parsed submit body. */
	body: unknown;
	submittedAt: number;
	prompt: string;
	/** When the job starts running (later than the submit when all slots are busy). */
	startsAt: number;
	/** When the job is done, for lateness measurements (Infinity when it never finishes). */
	completesAt: number;
}
