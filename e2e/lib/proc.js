'use strict';
/**
 * Child processes for the e2e run: every process we start is tracked by its pid and killed (its
 * whole process group) when the run ends, however it ends. Only Node built-ins here: this file is
 * used before e2e/node_modules is installed.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');

const { tail } = require('./text');

const live = new Map(); // pid -> description

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal); // detached children lead their own process group
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* already gone */
		}
	}
}

/** Kills every process this run started and that is still alive (synchronous: safe in 'exit'). */
function killAll(signal = 'SIGKILL') {
	for (const pid of live.keys()) killGroup(pid, signal);
	live.clear();
}

let hooked = false;
function hookExit() {
	if (hooked) return;
	hooked = true;
	process.on('exit', () => killAll());
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			process.stderr.write(`\ne2e: ${signal}, stopping the processes it started\n`);
			killAll();
			process.exit(130);
		});
	}
}

/** Spawns in a process group of its own and registers it, so exit and signals can end it. */
function spawnTracked(command, args, { cwd, env, label }) {
	const child = spawn(command, args, {
		cwd,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const name = label || `${command} ${args.join(' ')}`;
	live.set(child.pid, name);
	return { child, name };
}

/**
 * Runs a command to its end and collects its output. Never throws for a non-zero exit: the
 * caller decides. Rejects only when the command cannot be started or runs past timeoutMs (then
 * its process group is killed).
 */
function run(command, args, { cwd, env, timeoutMs = 10 * 60 * 1000, echo = false, label } = {}) {
	hookExit();
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const { child, name } = spawnTracked(command, args, { cwd, env, label });
		const out = [];
		const err = [];
		child.stdout.on('data', (chunk) => {
			out.push(chunk);
			if (echo) process.stdout.write(chunk);
		});
		child.stderr.on('data', (chunk) => {
			err.push(chunk);
			if (echo) process.stderr.write(chunk);
		});
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			live.delete(child.pid);
			reject(new Error(`${name}: could not start: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(child.pid);
			const result = {
				code,
				signal,
				ms: Date.now() - started,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			};
			if (timedOut) {
				const error = new Error(
					`${name}: still running after ${Math.round(timeoutMs / 1000)} s, killed`,
				);
				error.result = result;
				reject(error);
			} else resolve(result);
		});
	});
}

/** Runs a command and throws (with its output) unless it exits 0. */
async function runOk(command, args, options = {}) {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${options.label || `${command} ${args.join(' ')}`} exited with ${result.code ?? result.signal}\n` +
				`--- stdout (tail)\n${tail(result.stdout, 30)}\n--- stderr (tail)\n${tail(result.stderr, 30)}`,
		);
	}
	return result;
}

/**
 * Starts a long-running process (n8n start). Returns { child, output(), stop() }; stop() sends
 * SIGTERM to its group, then SIGKILL after graceMs.
 */
function startDaemon(command, args, { cwd, env, label } = {}) {
	hookExit();
	const { child, name } = spawnTracked(command, args, { cwd, env, label });
	const chunks = [];
	child.stdout.on('data', (chunk) => chunks.push(chunk));
	child.stderr.on('data', (chunk) => chunks.push(chunk));
	let exited = false;
	const exit = new Promise((resolve) => {
		child.on('close', (code, signal) => {
			exited = true;
			live.delete(child.pid);
			resolve({ code, signal });
		});
		child.on('error', (error) => {
			exited = true;
			live.delete(child.pid);
			resolve({ code: null, signal: null, error });
		});
	});
	return {
		child,
		name,
		exit,
		get exited() {
			return exited;
		},
		output: () => Buffer.concat(chunks).toString('utf8'),
		async stop(graceMs = 10000) {
			if (exited) return exit;
			killGroup(child.pid, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
			const result = await exit;
			clearTimeout(timer);
			killGroup(child.pid, 'SIGKILL'); // stragglers of the group (task runners)
			return result;
		},
	};
}

/**
 * The lines a daemon prints from now on, each with the moment it reached the suite
 * ({ at: Date.now(), text }), for checks that time what the daemon did.
 */
function timedLines(daemon) {
	const lines = [];
	for (const stream of [daemon.child.stdout, daemon.child.stderr]) {
		let partial = '';
		stream.on('data', (chunk) => {
			const at = Date.now();
			const parts = (partial + chunk.toString('utf8')).split('\n');
			partial = parts.pop();
			for (const text of parts) lines.push({ at, text });
		});
	}
	return lines;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

// From the first require on: whatever ends the run, the processes it started end with it.
hookExit();

module.exports = { run, runOk, startDaemon, timedLines, freePort, killAll };
