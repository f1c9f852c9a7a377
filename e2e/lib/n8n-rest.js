'use strict';
/**
 * n8n's REST API as the editor uses it, with the owner's login cookie: the owner account, the
 * executions list and Stop, credentials and workflows made as a user makes them in the editor.
 * Written against n8n 2.8.4 and 2.41.1. Needs N8N_SECURE_COOKIE=false (the cookie over plain
 * http on 127.0.0.1).
 */
const { setTimeout: sleep } = require('node:timers/promises');

const axios = require('axios');

const { ok, equal, show } = require('./check');

const OPTIONS = { validateStatus: () => true, proxy: false, timeout: 30000 };

const OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

/** The owner account through the REST API; returns the n8n-auth cookie of a login. */
async function ownerLogin(baseUrl) {
	const options = OPTIONS;
	// /healthz/readiness answers before the REST controllers are mounted: wait for /rest/settings.
	const started = Date.now();
	for (;;) {
		const settings = await axios.get(`${baseUrl}/rest/settings`, options).catch(() => null);
		if (settings && settings.status === 200 && settings.data && settings.data.data) break;
		ok(
			Date.now() - started < 60000,
			`GET /rest/settings not 200 after 60 s (last: ${settings ? settings.status : 'no answer'})`,
		);
		await sleep(250);
	}
	const setupResponse = await axios.post(`${baseUrl}/rest/owner/setup`, OWNER, options);
	ok(
		setupResponse.status === 200,
		`POST /rest/owner/setup: HTTP ${setupResponse.status} ${show(setupResponse.data)}`,
	);
	const login = await axios.post(
		`${baseUrl}/rest/login`,
		{ emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		options,
	);
	ok(login.status === 200, `POST /rest/login: HTTP ${login.status} ${show(login.data)}`);
	const cookie = (login.headers['set-cookie'] || [])
		.map((c) => /^n8n-auth=([^;]+)/.exec(c))
		.find(Boolean);
	ok(cookie, `POST /rest/login set no n8n-auth cookie: ${show(login.headers['set-cookie'])}`);
	const me = await axios.get(`${baseUrl}/rest/login`, {
		...options,
		headers: { cookie: `n8n-auth=${cookie[1]}` },
	});
	ok(me.status === 200, `GET /rest/login with the cookie: HTTP ${me.status}`);
	equal(me.data && me.data.data && me.data.data.email, OWNER.email, 'the logged-in user');
	return cookie[1];
}

/** A REST client for one n8n with a login cookie: get/post resolve to the answer's `data`. */
function restClient(baseUrl, cookie) {
	const call = async (method, path, body) => {
		const response = await axios({
			...OPTIONS,
			method,
			url: `${baseUrl}/rest${path}`,
			data: body,
			headers: { cookie: `n8n-auth=${cookie}` },
		});
		ok(
			response.status >= 200 && response.status < 300,
			`${method.toUpperCase()} /rest${path}: HTTP ${response.status} ${show(response.data)}`,
		);
		return response.data && 'data' in response.data ? response.data.data : response.data;
	};
	return {
		get: (path) => call('get', path),
		post: (path, body = {}) => call('post', path, body),
	};
}

/** The executions of a workflow, newest first, as the executions list shows them. */
async function executionsOf(rest, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await rest.get(`/executions?filter=${filter}`);
	return (page && page.results) || [];
}

/** Waits for a running execution of the workflow; resolves to its list entry. */
async function runningExecution(rest, workflowId, timeoutMs = 30000) {
	const started = Date.now();
	for (;;) {
		const running = (await executionsOf(rest, workflowId)).find((e) => e.status === 'running');
		if (running) return running;
		ok(
			Date.now() - started < timeoutMs,
			`no running execution of ${workflowId} after ${timeoutMs / 1000} s`,
		);
		await sleep(200);
	}
}

module.exports = { ownerLogin, restClient, runningExecution };
