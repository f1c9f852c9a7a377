'use strict';
/**
 * A throw-away Redis for queue mode: Debian's redis-server on 127.0.0.1, on a free port, with
 * no persistence (`--save '' --appendonly no`), in a folder of the run. stop() ends it.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { ensurePackages } = require('./debian');
const { freePort, run, startDaemon } = require('./proc');

const REDIS_SERVER = '/usr/bin/redis-server';

/** Sends PING, resolves true on +PONG. */
function ping(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (value) => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

async function startRedis(workDir, { timeoutMs = 15000 } = {}) {
	const port = await freePort();
	const dir = path.join(workDir, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const started = Date.now();
	const daemon = startDaemon(
		REDIS_SERVER,
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
			'--dir',
			dir,
			'--logfile',
			'',
		],
		{ cwd: dir, label: `redis-server :${port}` },
	);
	for (;;) {
		if (daemon.exited)
			throw new Error(`redis-server exited at start:\n${daemon.output().slice(-2000)}`);
		if (await ping(port)) break;
		if (Date.now() - started > timeoutMs) {
			await daemon.stop();
			throw new Error(`redis-server not answering PING after ${timeoutMs / 1000} s`);
		}
		await sleep(100);
	}
	const about = await run(REDIS_SERVER, ['--version'], { label: 'redis-server --version' }).catch(
		() => ({ stdout: '' }),
	);
	const version = (/v=(\d+\.\d+\.\d+)/.exec(about.stdout) || [])[1] || 'unknown';
	return {
		host: '127.0.0.1',
		port,
		version,
		readyMs: Date.now() - started,
		output: () => daemon.output(),
		stop: () => daemon.stop(5000),
	};
}

/**
 * Redis for n8n's queue mode (Debian's redis-server installed when missing), and the environment
 * that points an n8n main and its workers at it; `extraEnv` of prepareN8n takes it as is.
 */
async function startQueueRedis(workDir, log) {
	const apt = await ensurePackages(['redis-server'], { why: 'queue mode', log });
	const redis = await startRedis(workDir);
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
	return { apt, redis, env };
}

module.exports = { startQueueRedis };
