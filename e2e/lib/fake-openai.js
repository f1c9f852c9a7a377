'use strict';
/**
 * A fake OpenAI-compatible chat model on 127.0.0.1, for n8n's OpenAI Chat Model node (credential
 * Base URL = this server's /v1): POST /v1/chat/completions (plain JSON or server-sent events when
 * the request asks to stream) and GET /v1/models (the credential test, the editor's model list).
 *
 * It answers from a script armed before each run: a list of steps, one per chat request, each a
 * function of the request that returns the model's turn (`callTool(...)` or `reply(...)` below).
 * A step that finds the request wrong throws; so does a request with no step left, or one
 * without the key. The fake then answers HTTP 500 to it and to every later request until the
 * next `script()`, and `assertDone()` throws what went wrong: a wrong script fails the part that
 * runs it, never passes silently. Every request is logged (`requests`, `chats`). Node built-ins
 * only.
 */
const http = require('node:http');

const MODEL = 'gpt-fake-e2e';

/** What a step sees of one chat request: the parsed body and ways to read it. */
function chatView(body) {
	const messages = Array.isArray(body.messages) ? body.messages : [];
	const tools = Array.isArray(body.tools) ? body.tools : [];
	return {
		body,
		messages,
		tools,
		/** The tool definition whose function name matches `pattern`; throws if there is none. */
		tool(pattern) {
			const found = tools.find((t) => t && t.function && pattern.test(t.function.name));
			if (!found)
				throw new Error(
					`no tool matching ${pattern} among ${JSON.stringify(tools.map((t) => t.function && t.function.name))}`,
				);
			return found;
		},
		/** The last message, which must be a tool result: its text. */
		toolResult() {
			const last = messages.at(-1);
			if (!last || last.role !== 'tool')
				throw new Error(`the last message is not a tool result: ${JSON.stringify(last)}`);
			return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
		},
		/** The text of the first user message. */
		userText() {
			const user = messages.find((m) => m.role === 'user');
			return user ? String(user.content) : '';
		},
	};
}

/** A step: the model calls the tool `pattern` names with `args` (or args(chat)). */
const callTool = (pattern, args) => (chat) => ({
	toolCall: {
		name: chat.tool(pattern).function.name,
		arguments: typeof args === 'function' ? args(chat) : args,
	},
});

/** A step: the model answers in words, compose(chat) giving them. */
const reply = (compose) => (chat) => ({ content: compose(chat) });

function completion(turn, n) {
	const message = turn.toolCall
		? {
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						id: `call_e2e_${n}`,
						type: 'function',
						function: {
							name: turn.toolCall.name,
							arguments: JSON.stringify(turn.toolCall.arguments),
						},
					},
				],
			}
		: { role: 'assistant', content: turn.content };
	return {
		id: `chatcmpl-e2e-${n}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL,
		choices: [
			{ index: 0, message, logprobs: null, finish_reason: turn.toolCall ? 'tool_calls' : 'stop' },
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same turn as server-sent chunks (`stream: true`). */
function chunks(turn, n) {
	const base = { id: `chatcmpl-e2e-${n}`, object: 'chat.completion.chunk', model: MODEL };
	const created = Math.floor(Date.now() / 1000);
	const chunk = (delta, finish = null) => ({
		...base,
		created,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
	});
	const { message, finish_reason: finish } = completion(turn, n).choices[0];
	const delta = message.tool_calls
		? { role: 'assistant', content: null, tool_calls: [{ index: 0, ...message.tool_calls[0] }] }
		: { role: 'assistant', content: message.content };
	return [chunk(delta), chunk({}, finish)];
}

class FakeOpenAi {
	constructor({ apiKey = 'sk-e2e-fake-openai-key' } = {}) {
		this.apiKey = apiKey;
		this.requests = []; // { at, method, path, authorized, body }
		this.chats = []; // { at, script, body, turn?, error? }
		this.steps = [];
		this.name = '(none)';
		this.problem = undefined;
	}

	async start() {
		this.server = http.createServer((req, res) => this.handle(req, res));
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', resolve);
		});
		this.baseUrl = `http://127.0.0.1:${this.server.address().port}/v1`;
		return this;
	}

	stop() {
		return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Arms the script for the next run: `steps`, one per chat request, in order. */
	script(name, steps) {
		this.name = name;
		this.steps = [...steps];
		this.problem = undefined;
	}

	/** The chat requests of one script. */
	chatsOf(name) {
		return this.chats.filter((c) => c.script === name);
	}

	/** Throws unless every step of the armed script ran and none found its request wrong. */
	assertDone() {
		if (this.problem) throw new Error(`the fake model's script "${this.name}": ${this.problem}`);
		if (this.steps.length > 0)
			throw new Error(
				`the fake model's script "${this.name}": ${this.steps.length} step(s) never ran (the agent stopped asking)`,
			);
	}

	handle(req, res) {
		const parts = [];
		req.on('data', (chunk) => parts.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(parts).toString('utf8');
			let body = {};
			try {
				body = text ? JSON.parse(text) : {};
			} catch {
				body = { unparsed: text };
			}
			const path = new URL(req.url, 'http://x').pathname;
			const authorized = req.headers.authorization === `Bearer ${this.apiKey}`;
			this.requests.push({ at: Date.now(), method: req.method, path, authorized, body });
			if (req.method === 'GET' && path.endsWith('/models')) return this.models(res, authorized);
			if (req.method === 'POST' && path.endsWith('/chat/completions'))
				return this.chat(res, body, authorized);
			send(res, 404, { error: { message: `the fake model has no ${req.method} ${path}` } });
		});
	}

	models(res, authorized) {
		if (!authorized) return send(res, 401, { error: { message: 'Incorrect API key provided' } });
		send(res, 200, {
			object: 'list',
			data: [{ id: MODEL, object: 'model', created: 1700000000, owned_by: 'e2e' }],
		});
	}

	chat(res, body, authorized) {
		const record = { at: Date.now(), script: this.name, body };
		this.chats.push(record);
		try {
			if (this.problem) throw new Error(`still failing: ${this.problem}`);
			if (!authorized) throw new Error("a chat request without the credential's key");
			const step = this.steps.shift();
			if (!step) throw new Error(`chat request ${this.chatsOf(this.name).length} has no step left`);
			record.turn = step(chatView(body));
		} catch (error) {
			record.error = error.message;
			this.problem ??= error.message;
			return send(res, 500, { error: { message: `fake model: ${error.message}`, type: 'e2e' } });
		}
		const n = this.chats.length;
		if (!body.stream) return send(res, 200, completion(record.turn, n));
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		for (const chunk of chunks(record.turn, n)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
		res.end('data: [DONE]\n\n');
	}
}

function send(res, status, json) {
	const text = JSON.stringify(json);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

module.exports = { FakeOpenAi, callTool, reply };
