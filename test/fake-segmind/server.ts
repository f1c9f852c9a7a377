import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import {
	creditsHeaders,
	NO_CREDITS_ERROR,
	rateHeaders,
	redirectReply,
	RETIRED_WORKFLOW_ERROR,
	withBalance,
} from './answers';
import {
	carriesApiKey,
	copyHeaders,
	errorReply,
	isRecord,
	jsonReply,
	listenOnFreePort,
	parseJson,
	readBody,
	scriptedReply,
	writeReply,
	type Reply,
} from './http';
import { contentTypeFor, fileExtensionFor, renderArt } from './images';
import { countsAgainst, JobSlots, rateWindowFrom, type RateWindow } from './limits';
import {
	classifyRequest,
	routingFrom,
	WORKFLOW_ID,
	type Classified,
	type Host,
	type Routing,
} from './routes';
import {
	DEFAULT_SCENARIO,
	mergeScenario,
	pendingAnswer,
	phaseAt,
	pollUrlFor,
	terminalAnswer,
	type JobAnswer,
} from './scenario';
import { ScriptQueue } from './scripts';
import type {
	FakeSegmindOptions,
	Injection,
	JobScenario,
	RecordedRequest,
	Route,
	ScriptedResponse,
	SubmittedJob,
} from './types';

/** What the tests do not see of a job: the scenario it was submitted under, and its image. */
interface JobState {
	job: SubmittedJob;
	scenario: JobScenario;
	image?: Buffer;
	/** Polls answered so far (for creditsHeaderPolls). */
	polls: number;
}

/**
 * A fake Segmind: an API server and a separate image host, both real HTTP on 127.0.0.1.
 * All state lives on the instance, so several can run in one process.
 */
export class FakeSegmind {
	readonly apiKey: string;
	credits: number;
	scenario: JobScenario;

	private readonly initialCredits: number;
	private readonly costPerJob: number;
	private readonly defaultScenario: Readonly<JobScenario>;
	private apiServer: Server | undefined;
	private imageServer: Server | undefined;
	private apiOrigin: string | undefined;
	private imageOrigin: string | undefined;
	private readonly sockets = new Set<Socket>();
	private recorded: RecordedRequest[] = [];
	private readonly routeOf = new WeakMap<RecordedRequest, Route>();
	private submitted: SubmittedJob[] = [];
	private jobStates = new Map<string, JobState>();
	private readonly scripts = new ScriptQueue();
	private injections: Injection[] = [];

	constructor(options: FakeSegmindOptions = {}) {
		this.apiKey = options.apiKey ?? 'test-key-123';
		this.initialCredits = options.credits ?? 100;
		this.credits = this.initialCredits;
		this.costPerJob = options.costPerJob ?? 1;
		this.defaultScenario = Object.freeze(mergeScenario(DEFAULT_SCENARIO, options.scenario));
		this.scenario = mergeScenario(this.defaultScenario);
		this.slots = new JobSlots(options.capacity);
		this.rateWindow = rateWindowFrom(options);
		this.durationOf = options.durationOf;
		this.scenarioFor = options.scenarioFor;
		this.inject = options.inject;
		this.routing = routingFrom(options);
		this.retiredWorkflows = new Set(options.retiredWorkflows);
		this.creditsNotFound = options.creditsNotFound ?? false;
	}

	private readonly slots: JobSlots;
	private readonly rateWindow: RateWindow | undefined;
	private readonly durationOf?: (prompt: string) => number | undefined;
	private readonly scenarioFor: FakeSegmindOptions['scenarioFor'];
	private readonly inject: FakeSegmindOptions['inject'];
	private readonly routing: Routing;
	private readonly retiredWorkflows: ReadonlySet<string>;
	private readonly creditsNotFound: boolean;

	/** Requests answered 429 by the account's plan (not by scripts), since the last reset. */
	get rateLimited(): number {
		return this.rateWindow?.refused ?? 0;
	}

	/** When each request the plan counted came (Date.now()), since the last reset. */
	get countedAt(): readonly number[] {
		return this.rateWindow?.counted ?? [];
	}

	/** What a client takes as its Base URL: the API host's origin and the `pathPrefix`. */
	get baseUrl(): string {
		if (this.apiOrigin === undefined) throw new Error('FakeSegmind is not started');
		return this.apiOrigin + this.routing.pathPrefix;
	}

	get imageBaseUrl(): string {
		if (this.imageOrigin === undefined) throw new Error('FakeSegmind is not started');
		return this.imageOrigin;
	}

	get requests(): RecordedRequest[] {
		return this.recorded;
	}

	get jobs(): SubmittedJob[] {
		return this.submitted;
	}

	/** The answers the `inject` option gave, in order. */
	get injected(): Injection[] {
		return this.injections;
	}

	async start(): Promise<void> {
		if (this.apiServer || this.imageServer) throw new Error('FakeSegmind is already started');
		this.apiServer = this.createHostServer('api');
		this.imageServer = this.createHostServer('images');
		this.apiOrigin = await listenOnFreePort(this.apiServer);
		this.imageOrigin = await listenOnFreePort(this.imageServer);
	}

	/** Destroys every open socket first (hung ones included) so close() returns and jest can exit. */
	async stop(): Promise<void> {
		const servers = [this.apiServer, this.imageServer].filter((s): s is Server => s !== undefined);
		this.apiServer = undefined;
		this.imageServer = undefined;
		this.apiOrigin = undefined;
		this.imageOrigin = undefined;
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await Promise.all(
			servers.map(
				(server) =>
					new Promise<void>((resolve) => {
						server.close(() => resolve());
						server.closeAllConnections();
					}),
			),
		);
	}

	/** Merges over this instance's defaults; fields not given go back to their defaults. */
	setScenario(partial: Partial<JobScenario>): void {
		this.scenario = mergeScenario(this.defaultScenario, partial);
	}

	respond(route: Route, response: ScriptedResponse): void {
		this.scripts.add(route, response);
	}

	requestsTo(route: Route): RecordedRequest[] {
		return this.recorded.filter((request) => this.routeOf.get(request) === route);
	}

	imageBytesFor(requestId: string): Buffer {
		const state = this.jobStates.get(requestId);
		if (!state) throw new Error(`FakeSegmind has no job ${requestId}`);
		const padding = state.scenario.imagePaddingBytes ?? 0;
		if (padding > 0) return renderArt(state.job.prompt, state.scenario.imageFormat, padding);
		state.image ??= renderArt(state.job.prompt, state.scenario.imageFormat);
		return state.image;
	}

	reset(): void {
		this.recorded = [];
		this.submitted = [];
		this.jobStates = new Map();
		this.scripts.reset();
		this.injections = [];
		this.scenario = mergeScenario(this.defaultScenario);
		this.credits = this.initialCredits;
		this.slots.reset();
		this.rateWindow?.reset();
	}

	private createHostServer(host: Host): Server {
		const server = createServer((req, res) => {
			this.handle(host, req, res).catch((error: unknown) => {
				if (res.headersSent || res.destroyed) return;
				writeReply(res, errorReply(500, `Fake Segmind error: ${String(error)}`));
			});
		});
		server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		return server;
	}

	private async handle(host: Host, req: IncomingMessage, res: ServerResponse): Promise<void> {
		const time = Date.now();
		const body = await readBody(req);
		const method = req.method ?? 'GET';
		const path = req.url ?? '/';
		const headers = copyHeaders(req.headers);
		const record: RecordedRequest = { method, path, headers, body, time, host };
		this.recorded.push(record);

		const classified = classifyRequest(host, method, path, this.routing);
		if (classified) this.routeOf.set(record, classified.route);
		const admission =
			host === 'api' && this.rateWindow
				? this.rateWindow.admit(time, countsAgainst(this.rateWindow.plan, classified?.route))
				: undefined;
		// The plan's headers go on every answer of the API host; a scripted answer's own win.
		const send = (reply: Reply) =>
			writeReply(res, {
				...reply,
				headers: { ...rateHeaders(this.rateWindow?.plan, admission), ...reply.headers },
			});
		if (admission && !admission.admitted) {
			record.rateLimited = true;
			send(errorReply(429, 'Rate limit exceeded'));
			return;
		}
		if (!classified) {
			send(errorReply(404, `No route for ${method} ${path.split('?')[0] ?? ''}`));
			return;
		}

		const injection = this.injectionFor(classified, record);
		const script = injection?.response ?? this.scripts.take(classified.route);
		if (!script) {
			send(this.normalReply(host, classified, req, body));
			return;
		}
		if (script.hang) return; // The socket stays open until stop() destroys it.
		if (script.destroy) {
			// An accepted-then-lost submit: the job exists and is billed, the client sees a reset.
			if (script.afterAccept && classified.route === 'submit') {
				const before = this.submitted.length;
				this.normalReply(host, classified, req, body);
				const made = this.submitted.length > before ? this.submitted.at(-1) : undefined;
				if (injection && made) injection.requestId = made.requestId;
			}
			req.socket.destroy();
			return;
		}
		if (script.redirectTo) {
			const origins = { api: this.baseUrl, images: this.imageBaseUrl };
			send(redirectReply(script.redirectTo, script, classified, origins));
			return;
		}
		send(scriptedReply(script));
	}

	/** Asks the `inject` option about a request; logs and returns the answer it gives. */
	private injectionFor(classified: Classified, record: RecordedRequest): Injection | undefined {
		if (!this.inject) return undefined;
		const requestId = 'requestId' in classified ? classified.requestId : undefined;
		const submitted = parseJson(record.body);
		const prompt =
			classified.route === 'submit'
				? isRecord(submitted) && typeof submitted.text_prompt === 'string'
					? submitted.text_prompt
					: undefined
				: requestId && this.jobStates.get(requestId)?.job.prompt;
		const response = this.inject(classified.route, { ...record, requestId, prompt });
		if (!response) return undefined;
		const injection: Injection = {
			route: classified.route,
			requestId,
			prompt,
			response: { ...response },
			time: record.time,
		};
		this.injections.push(injection);
		return injection;
	}

	private normalReply(
		host: Host,
		classified: Classified,
		req: IncomingMessage,
		body: string,
	): Reply {
		const keyed = carriesApiKey(req.headers, this.apiKey);
		switch (classified.route) {
			case 'submit':
				return keyed ? this.submitReply(classified, body) : this.badKeyReply();
			case 'poll':
				// The image host stands in for a foreign origin, which must not need (or get) the key.
				if (!keyed && host === 'api') return this.badKeyReply();
				return this.pollReply(classified.requestId);
			case 'credits':
				return keyed ? this.creditsReply() : this.badKeyReply();
			case 'image':
				return this.imageReply(classified.requestId, classified.extension);
		}
	}

	private badKeyReply(): Reply {
		return errorReply(401, 'Invalid API key');
	}

	private creditsReply(): Reply {
		if (this.creditsNotFound) return errorReply(404, NO_CREDITS_ERROR);
		const balance = { credits: this.credits, 'free-credits': 0 };
		return jsonReply(200, balance, creditsHeaders(this.scenario, this.credits));
	}

	private submitReply(
		{ workflowId, id }: Classified & { route: 'submit' },
		rawBody: string,
	): Reply {
		if (this.credits < this.costPerJob) return errorReply(402, 'Insufficient credits');
		const parsed = parseJson(rawBody);
		const prompt = isRecord(parsed) ? parsed.text_prompt : undefined;
		if (typeof prompt !== 'string' || prompt.length === 0) {
			return errorReply(422, 'text_prompt is required');
		}
		if (this.retiredWorkflows.has(id)) return errorReply(410, RETIRED_WORKFLOW_ERROR);
		if (!WORKFLOW_ID.test(id)) return errorReply(404, 'Workflow not found');

		const scenario = mergeScenario(this.scenario, this.scenarioFor?.(prompt));
		scenario.durationMs = this.durationOf?.(prompt) ?? scenario.durationMs;
		const requestId =
			scenario.requestIdFormat === 'uuid' ? randomUUID() : randomBytes(16).toString('hex');
		const submittedAt = Date.now();
		const startsAt = this.slots.start(submittedAt, scenario.durationMs);
		const completesAt = scenario.neverFinish
			? Number.POSITIVE_INFINITY
			: startsAt + scenario.durationMs;
		const job: SubmittedJob = {
			requestId,
			workflowId,
			body: parsed,
			submittedAt,
			prompt,
			startsAt,
			completesAt,
		};
		const state: JobState = { job, scenario, polls: 0 };
		this.submitted.push(job);
		this.jobStates.set(requestId, state);
		this.credits -= this.costPerJob;

		const origins = { apiBase: this.baseUrl, imageBase: this.imageBaseUrl };
		const pollUrl = pollUrlFor(scenario, requestId, origins);
		const ids: Record<string, string> = {};
		if (pollUrl !== undefined) ids.poll_url = pollUrl;
		if (!scenario.submitOmitsRequestId) ids.request_id = requestId;

		if (scenario.completeOnSubmit) {
			const answer = this.answerFor(state, job.submittedAt);
			return withBalance(answer.httpStatus, { ...ids, ...answer.body }, scenario, this.credits);
		}
		const queued = scenario.statusCase === 'lower' ? 'queued' : 'QUEUED';
		const body = { ...ids, status: queued, message: 'Request queued' };
		return withBalance(200, body, scenario, this.credits);
	}

	private pollReply(requestId: string): Reply {
		const state = this.jobStates.get(requestId);
		if (!state) return errorReply(404, 'Request not found');
		const answer = this.answerFor(state, Date.now());
		state.polls++;
		const { creditsHeaderPolls } = state.scenario;
		const header = creditsHeaderPolls === undefined || state.polls <= creditsHeaderPolls;
		return withBalance(answer.httpStatus, answer.body, state.scenario, this.credits, header);
	}

	/** The job's status answer at `now`, the same on submit (completeOnSubmit) and on every poll. */
	private answerFor(state: JobState, now: number): JobAnswer {
		const { job, scenario } = state;
		const phase = now < job.startsAt ? 'queued' : phaseAt(scenario, now - job.startsAt);
		if (phase !== 'terminal') return pendingAnswer(scenario, phase);
		const extension = imageUrlExtensionOf(scenario);
		return terminalAnswer(scenario, `${this.imageBaseUrl}/images/${job.requestId}.${extension}`);
	}

	private imageReply(requestId: string, extension: string): Reply {
		const state = this.jobStates.get(requestId);
		if (!state || extension !== imageUrlExtensionOf(state.scenario)) {
			return errorReply(404, 'Image not found');
		}
		const contentType =
			state.scenario.imageContentType ?? contentTypeFor(state.scenario.imageFormat);
		const image = this.imageBytesFor(requestId);
		return { status: 200, body: image, headers: { 'content-type': contentType } };
	}
}

/** The extension of a job's image URL: the scenario's, else its format's own. */
const imageUrlExtensionOf = (scenario: JobScenario) =>
	scenario.imageUrlExtension ?? fileExtensionFor(scenario.imageFormat);
